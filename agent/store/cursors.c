/* Read cursors in sysq_cursors (cursors.h). */
#include "cursors.h"

#include "sql_util.h"

#include "common/strbuf.h"

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS sysq_cursors (query TEXT NOT NULL, tbl TEXT NOT NULL, "
	"eid INTEGER NOT NULL, PRIMARY KEY (query, tbl));";

int cursors_setup(sqlite3 *db, char **err)
{
	return sql_exec(db, create_sql, err);
}

int64_t cursors_get(sqlite3 *db, const char *query, const char *table)
{
	sqlite3_stmt *st = sql_prepare(db, "SELECT eid FROM sysq_cursors WHERE query = ?1 AND tbl = ?2");
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

/* Runs `sql` with ?1 bound to the query, ?2 to the table and ?3 to eid. */
static int write_cursor(sqlite3 *db, const char *sql, const char *query, const char *table,
			int64_t eid)
{
	sqlite3_stmt *st = sql_prepare(db, sql);

	if (st) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, eid);
	}
	return sql_step_once(st);
}

int cursors_set(sqlite3 *db, const char *query, const char *table, int64_t eid)
{
	return write_cursor(db,
			    "INSERT INTO sysq_cursors (query, tbl, eid) VALUES (?1, ?2, ?3) "
			    "ON CONFLICT (query, tbl) DO UPDATE SET eid = excluded.eid",
			    query, table, eid);
}

int cursors_hold(sqlite3 *db, const char *query, const char *table)
{
	return write_cursor(db, "INSERT OR IGNORE INTO sysq_cursors (query, tbl, eid) "
				"VALUES (?1, ?2, ?3)",
			    query, table, 0);
}

int cursors_forget_others(sqlite3 *db, const char *const *keep)
{
	int rc = sql_temp_keep(db, keep);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
				  "DELETE FROM sysq_cursors WHERE query NOT IN "
				  "(SELECT name FROM temp.keep)",
				  NULL, NULL, NULL);
	return rc;
}

int cursors_keep_tables(sqlite3 *db, const char *query, char *const *tables, size_t n)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st;

	sb_puts(&sql, "DELETE FROM sysq_cursors WHERE query = ?1 AND tbl NOT IN (");
	for (size_t i = 0; i < n; i++)
		sb_printf(&sql, "%s?%zu", i ? ", " : "", i + 2);
	sb_puts(&sql, ")");
	st = sql_prepare(db, sql.buf);
	sb_free(&sql);
	if (st) {
		sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
		for (size_t i = 0; i < n; i++)
			sqlite3_bind_text(st, (int)i + 2, tables[i], -1, SQLITE_STATIC);
	}
	return sql_step_once(st);
}

sqlite3_stmt *cursors_horizon_stmt(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	/* Persistent: the writer reads it on every expiry and eviction. */
	if (sqlite3_prepare_v3(db, "SELECT min(eid) FROM sysq_cursors WHERE tbl = ?1", -1,
			       SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

int64_t cursors_horizon(sqlite3_stmt *st, const char *table)
{
	int64_t eid = INT64_MAX;

	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		eid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return eid;
}
