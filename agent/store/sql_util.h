/* Small SQLite helpers the store's files share (and the scheduler's
 * query_state.c). */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* Runs `sql` (one or more statements). 0, or -EIO with *err set (free
 * it) to SQLite's message. */
int sql_exec(sqlite3 *db, const char *sql, char **err);

/* The integer in the first column of the first row `sql` returns, or
 * `none` when it returns no row, NULL, or fails. */
int64_t sql_query_int(sqlite3 *db, const char *sql, int64_t none);

/* The prepared statement, or NULL when SQLite refuses `sql` (see
 * sqlite3_errmsg). */
sqlite3_stmt *sql_prepare(sqlite3 *db, const char *sql);
/* Steps `st`, a statement that returns no row, once and finalizes it.
 * SQLITE_OK, or SQLite's code (SQLITE_ERROR for a NULL `st`). */
int sql_step_once(sqlite3_stmt *st);

bool sql_table_exists(sqlite3 *db, const char *table);
bool sql_has_column(sqlite3 *db, const char *table, const char *column);

/* Fills the connection's temp.keep (name TEXT PRIMARY KEY), creating or
 * emptying it first, with `names` (NULL-ended): the names a DELETE ...
 * NOT IN (SELECT name FROM temp.keep) spares. An SQLite code. */
int sql_temp_keep(sqlite3 *db, const char *const *names);
