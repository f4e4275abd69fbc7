/* Small SQLite helpers (sql_util.h). */
#include "sql_util.h"

#include "common/xalloc.h"

#include <errno.h>

int sql_exec(sqlite3 *db, const char *sql, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xasprintf("%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

int64_t sql_query_int(sqlite3 *db, const char *sql, int64_t none)
{
	sqlite3_stmt *st = NULL;
	int64_t v = none;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* True when the one-parameter-pair query `sql` returns a row. */
static bool query_finds(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (b)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

bool sql_table_exists(sqlite3 *db, const char *table)
{
	return query_finds(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
			   table, NULL);
}

bool sql_has_column(sqlite3 *db, const char *table, const char *column)
{
	return query_finds(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", table,
			   column);
}

int sql_temp_keep(sqlite3 *db, const char *const *names)
{
	int rc = sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS keep (name TEXT PRIMARY KEY);"
				  "DELETE FROM temp.keep;",
			      NULL, NULL, NULL);

	for (const char *const *n = names; rc == SQLITE_OK && *n; n++) {
		sqlite3_stmt *st = NULL;

		rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.keep VALUES (?1)", -1, &st,
					NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, *n, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		sqlite3_finalize(st);
	}
	return rc;
}

sqlite3_stmt *sql_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

int sql_step_once(sqlite3_stmt *st)
{
	int rc;

	if (!st)
		return SQLITE_ERROR;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
