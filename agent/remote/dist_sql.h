/* Running a fleet server's live query: on a read-only query connection
 * with the shell's authorizer, timeout (--control_query_timeout), memory
 * budget and result limit (--control_max_result_bytes), so a hostile
 * server can read tables and nothing else: no write to the database, no
 * ATTACH, no extension, no pragma that sets anything. */
#pragma once

#include "common/strbuf.h"

#include <stdbool.h>
#include <stdint.h>

struct catalog;
struct dist_sql;

struct dist_sql_result {
	struct strbuf rows; /* a JSON array of objects, every value a string */
	uint64_t nrows;
	char *error; /* NULL when the query ran */
	uint64_t wall_time_ms, user_time_ms, system_time_ms, memory;
};

/* Opens the connection. Returns 0 or -errno with *err set (free it). */
int dist_sql_open(const char *db_path, const struct catalog *cat, int timeout_s,
		  uint64_t max_result_bytes, struct dist_sql **ret, char **err);
void dist_sql_close(struct dist_sql *s);

/* Runs one statement and collects its rows as osquery sends them: an
 * object per row, every value a string, NULL as "". Returns 0, or -1 with
 * out->error set. Free `out` with dist_sql_result_free. */
int dist_sql_run(struct dist_sql *s, const char *sql, struct dist_sql_result *out);

/* Runs a discovery query: 1 when it returns a row, 0 when it returns
 * none, -1 with *err set (free it) when it fails. */
int dist_sql_any_row(struct dist_sql *s, const char *sql, char **err);

void dist_sql_result_free(struct dist_sql_result *r);

/* Interrupts the statement running now, from another thread (stop). */
void dist_sql_interrupt(struct dist_sql *s);
