/* The schema a virtual table declares for a table definition. */
#pragma once

#include "store/table_def.h"

/* "CREATE TABLE x(...)" with osquery's types and HIDDEN where the column
 * is hidden, for sqlite3_declare_vtab. Free with free(). */
char *vtab_schema_sql(const struct table_def *def);
