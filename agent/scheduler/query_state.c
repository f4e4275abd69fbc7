/* Scheduler state in the database (query_state.h). */
#include "query_state.h"

#include "store/cursors.h"
#include "store/sql_util.h"

#include "common/xalloc.h"

#include <stdlib.h>

int query_state_setup(sqlite3 *db, char **err)
{
	return sql_exec(db,
			"CREATE TABLE IF NOT EXISTS sysq_query_state (query TEXT PRIMARY KEY, "
			"counter INTEGER NOT NULL, previous TEXT, sql TEXT, epoch INTEGER);",
			err);
}

int64_t query_state_cursor(sqlite3 *db, const char *query, const char *table)
{
	return cursors_get(db, query, table);
}

int query_state_set_cursor(sqlite3 *db, const char *query, const char *table, int64_t eid)
{
	return cursors_set(db, query, table, eid);
}

int query_state_hold(sqlite3 *db, const char *query, const char *table)
{
	return cursors_hold(db, query, table);
}

uint64_t query_state_counter(sqlite3 *db, const char *query)
{
	sqlite3_stmt *st = sql_prepare(db, "SELECT counter FROM sysq_query_state WHERE query = ?1");
	uint64_t counter = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		counter = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return counter;
}

char *query_state_previous(sqlite3 *db, const char *query)
{
	sqlite3_stmt *st = sql_prepare(db, "SELECT previous FROM sysq_query_state WHERE query = ?1");
	char *prev = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		prev = xstrndup((const char *)sqlite3_column_text(st, 0),
				(size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return prev;
}

int query_state_save(sqlite3 *db, const char *query, uint64_t counter, const char *previous,
		     const char *sql, int64_t epoch)
{
	sqlite3_stmt *st = sql_prepare(db, "INSERT INTO sysq_query_state (query, counter, previous, "
				       "sql, epoch) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (query) "
				       "DO UPDATE SET counter = excluded.counter, previous = "
				       "excluded.previous, sql = excluded.sql, epoch = excluded.epoch");

	if (st) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)counter);
		if (previous)
			sqlite3_bind_text(st, 3, previous, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_text(st, 4, sql, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, epoch);
	}
	return sql_step_once(st);
}

int query_state_reset_if_changed(sqlite3 *db, const char *query, const char *sql, int64_t epoch)
{
	sqlite3_stmt *st = sql_prepare(db, "DELETE FROM sysq_query_state WHERE query = ?1 AND "
				       "(sql IS NOT ?2 OR epoch IS NOT ?3)");

	if (st) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, sql, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, epoch);
	}
	return sql_step_once(st);
}

int query_state_begin(sqlite3 *db)
{
	return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

int query_state_commit(sqlite3 *db)
{
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The cursors first: a query whose state is forgotten must not keep
 * holding events back. */
int query_state_forget_others(sqlite3 *db, const char *const *keep)
{
	int rc = cursors_forget_others(db, keep);

	if (rc == SQLITE_OK)
		rc = sql_temp_keep(db, keep);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
				  "DELETE FROM sysq_query_state WHERE query NOT IN "
				  "(SELECT name FROM temp.keep);",
				  NULL, NULL, NULL);
	return rc;
}

int query_state_keep_tables(sqlite3 *db, const char *query, char *const *tables, size_t n)
{
	return cursors_keep_tables(db, query, tables, n);
}
