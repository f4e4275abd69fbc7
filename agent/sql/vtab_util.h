/* Helpers shared by sysq's virtual table modules. */
#pragma once

#include "store/table_def.h"

#include <stddef.h>

/* "CREATE TABLE x(...)" with osquery's types and HIDDEN where the column
 * is hidden, for sqlite3_declare_vtab. Free with free(). */
char *vtab_schema_sql(const struct table_def *def);

/* sqlite3_malloc'ed, zeroed memory for a vtab or cursor, or NULL. */
void *vtab_zalloc(size_t size);
