/* What the scheduler remembers about each query across runs and restarts,
 * in the database, written on the scheduler's own connection after the
 * results are logged, so a restart neither repeats nor skips what was
 * logged:
 *   read cursors      the last event of each table the query has logged
 *                     (events_optimize); the store keeps them
 *                     (store/cursors.h), as expiry reads them
 *   sysq_query_state  (query, counter, previous, sql, epoch): runs so far,
 *                     and the last results of a differential query, one
 *                     JSON row a line. This file alone creates and writes
 *                     it (query_state_setup, when the state connection
 *                     opens). */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Creates sysq_query_state if needed. 0, or -EIO with *err set (free
 * it). */
int query_state_setup(sqlite3 *db, char **err);

/* The query's read cursors (store/cursors.h). */
int64_t query_state_cursor(sqlite3 *db, const char *query, const char *table);
int query_state_set_cursor(sqlite3 *db, const char *query, const char *table, int64_t eid);
/* Makes sure a cursor row exists (at 0), so expiry holds events back for
 * a query that has not run yet. */
int query_state_hold(sqlite3 *db, const char *query, const char *table);

/* The counter of the last run (0 before the first) and the previous
 * results (NULL if none; free with free()). */
uint64_t query_state_counter(sqlite3 *db, const char *query);
char *query_state_previous(sqlite3 *db, const char *query);
/* Saves a run's counter and results, with the SQL and epoch they came
 * from. */
int query_state_save(sqlite3 *db, const char *query, uint64_t counter, const char *previous,
		     const char *sql, int64_t epoch);
/* A query whose SQL or epoch changed starts over, as in osquery: counter
 * and previous results are dropped (its cursors stay, so events are not
 * logged twice). */
int query_state_reset_if_changed(sqlite3 *db, const char *query, const char *sql, int64_t epoch);

/* One transaction around a run's state writes, so a crash leaves all or
 * none of them. */
int query_state_begin(sqlite3 *db);
int query_state_commit(sqlite3 *db);

/* Forgets every query whose name is not in `keep` (NULL-ended), so
 * removed queries stop holding events back. */
int query_state_forget_others(sqlite3 *db, const char *const *keep);

/* Drops the query's cursors on tables other than `tables` (its SQL
 * changed), so they stop holding events back. */
int query_state_keep_tables(sqlite3 *db, const char *query, char *const *tables, size_t n);
