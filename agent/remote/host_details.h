/* The host_details an enrollment sends: the first row of os_version,
 * osquery_info, system_info and platform_info, every value as a string,
 * as osquery sends them (a table without rows is left out). */
#pragma once

#include <cjson/cJSON.h>

struct catalog;

/* A new object {table: {column: "value"}}; `cat` is the daemon's catalog
 * the tables read (flags, database). */
cJSON *remote_host_details(const struct catalog *cat);
