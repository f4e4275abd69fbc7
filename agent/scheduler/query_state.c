/* Scheduler state in the database. */
#include "query_state.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

int64_t query_state_cursor(sqlite3 *db, const char *query, const char *table)
{
	sqlite3_stmt *st = prepare(db, "SELECT eid FROM sysq_cursors WHERE query = ?1 AND tbl = ?2");
	int64_t eid = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		eid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return eid;
}

static int run(sqlite3_stmt *st)
{
	int rc;

	if (!st)
		return SQLITE_ERROR;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs `sql` with ?1 and ?2 bound to a and b and, if the statement has
 * it, ?3 to i. */
static int exec_text_text_int(sqlite3 *db, const char *sql, const char *a, const char *b,
			      int64_t i)
{
	sqlite3_stmt *st = prepare(db, sql);

	if (st) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int64(st, 3, i);
	}
	return run(st);
}

int query_state_set_cursor(sqlite3 *db, const char *query, const char *table, int64_t eid)
{
	return exec_text_text_int(db,
				  "INSERT INTO sysq_cursors (query, tbl, eid) VALUES (?1, ?2, ?3) "
				  "ON CONFLICT (query, tbl) DO UPDATE SET eid = excluded.eid",
				  query, table, eid);
}

int query_state_hold(sqlite3 *db, const char *query, const char *table)
{
	/* No ?3: a held cursor starts at 0. */
	return exec_text_text_int(
		db, "INSERT OR IGNORE INTO sysq_cursors (query, tbl, eid) VALUES (?1, ?2, 0)", query,
		table, 0);
}

uint64_t query_state_counter(sqlite3 *db, const char *query)
{
	sqlite3_stmt *st = prepare(db, "SELECT counter FROM sysq_query_state WHERE query = ?1");
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
	sqlite3_stmt *st = prepare(db, "SELECT previous FROM sysq_query_state WHERE query = ?1");
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
	sqlite3_stmt *st = prepare(db, "INSERT INTO sysq_query_state (query, counter, previous, "
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
	return run(st);
}

int query_state_reset_if_changed(sqlite3 *db, const char *query, const char *sql, int64_t epoch)
{
	return exec_text_text_int(db,
				  "DELETE FROM sysq_query_state WHERE query = ?1 AND "
				  "(sql IS NOT ?2 OR epoch IS NOT ?3)",
				  query, sql, epoch);
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

int query_state_forget_others(sqlite3 *db, const char *const *keep)
{
	int rc = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS keep (name TEXT PRIMARY KEY);"
				  "DELETE FROM temp.keep;",
			      NULL, NULL, NULL);

	for (const char *const *k = keep; rc == SQLITE_OK && *k; k++) {
		sqlite3_stmt *st = prepare(db, "INSERT OR IGNORE INTO temp.keep VALUES (?1)");

		if (st)
			sqlite3_bind_text(st, 1, *k, -1, SQLITE_STATIC);
		rc = run(st);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
				  "DELETE FROM sysq_cursors WHERE query NOT IN (SELECT name FROM temp.keep);"
				  "DELETE FROM sysq_query_state WHERE query NOT IN "
				  "(SELECT name FROM temp.keep);",
				  NULL, NULL, NULL);
	return rc;
}

int query_state_keep_tables(sqlite3 *db, const char *query, char *const *tables, size_t n)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;
	int rc;

	sb_puts(&sql, "DELETE FROM sysq_cursors WHERE query = ?1 AND tbl NOT IN (");
	for (size_t i = 0; i < n; i++)
		sb_printf(&sql, "%s?%zu", i ? ", " : "", i + 2);
	sb_puts(&sql, ")");
	st = prepare(db, sql.buf);
	sb_free(&sql);
	if (st) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		for (size_t i = 0; i < n; i++)
			sqlite3_bind_text(st, (int)i + 2, tables[i], -1, SQLITE_STATIC);
	}
	rc = run(st);
	return rc;
}
