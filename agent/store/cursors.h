/* Read cursors: how far each scheduled query has read each event table.
 *
 * sysq_cursors (query, tbl, eid) holds, per query and table, the last
 * event the query has logged (events_optimize reads only rows past it).
 * It is a store feature because expiry and eviction read it: an event a
 * query has not read yet outlives events_expiry, and its eviction is
 * counted as evicted_unread. This file is the only one that names the
 * table. The store creates it when it opens the database; the scheduler
 * writes it on its own connection, inside its own transactions. */
#pragma once

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Creates the table if needed. 0, or -EIO with *err set (free it). */
int cursors_setup(sqlite3 *db, char **err);

/* The query's cursor on `table`: 0 when it has none. */
int64_t cursors_get(sqlite3 *db, const char *query, const char *table);
/* Moves the cursor to `eid`, creating it if needed. An SQLite code. */
int cursors_set(sqlite3 *db, const char *query, const char *table, int64_t eid);
/* Makes sure a cursor exists (at 0, if new), so expiry holds events back
 * for a query that has not run yet. An SQLite code. */
int cursors_hold(sqlite3 *db, const char *query, const char *table);

/* Drops the cursors of every query not named in `keep` (NULL-ended), so
 * removed queries stop holding events back. An SQLite code. */
int cursors_forget_others(sqlite3 *db, const char *const *keep);
/* Drops the query's cursors on tables other than `tables`. An SQLite
 * code. */
int cursors_keep_tables(sqlite3 *db, const char *query, char *const *tables, size_t n);

/* The horizon: the smallest cursor any query has on a table, so the
 * oldest unread event is the one after it. The store prepares the
 * statement once (NULL if SQLite refuses; sqlite3_errmsg says why) and
 * reads it for each table: INT64_MAX when no query reads `table`. */
sqlite3_stmt *cursors_horizon_stmt(sqlite3 *db);
int64_t cursors_horizon(sqlite3_stmt *st, const char *table);
