/* Key/value facts in the sysq_meta table. */
#include "meta.h"

#include "db.h"

#include "common/hostinfo.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS sysq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

/* A helper connection (db.h), not one that creates the database: the
 * daemon opens the store first, which creates it root-only. */
static sqlite3 *open_meta(const char *db_path)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(db_path, DB_HELPER, &db, &err) < 0) {
		log_warn("store: %s", err);
		free(err);
		return NULL;
	}
	if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_warn("store: %s: %s", db_path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int store_meta_get(const char *db_path, const char *key, char **ret)
{
	sqlite3 *db = open_meta(db_path);
	sqlite3_stmt *st = NULL;
	int rc = -EIO;

	if (!db)
		return -EIO;
	if (sqlite3_prepare_v2(db, "SELECT value FROM sysq_meta WHERE key = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*ret = xstrdup((const char *)sqlite3_column_text(st, 0));
			rc = 0;
		} else {
			rc = rc == SQLITE_DONE ? -ENOENT : -EIO;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int store_meta_set_on(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	const char *sql = value ? "INSERT OR REPLACE INTO sysq_meta (key, value) VALUES (?, ?)" :
				  "DELETE FROM sysq_meta WHERE key = ?";
	int rc = -EIO;

	if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (value)
			sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	}
	if (rc < 0)
		log_warn("store: cannot save %s: %s", key, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int store_meta_set(const char *db_path, const char *key, const char *value)
{
	sqlite3 *db = open_meta(db_path);
	int rc;

	if (!db)
		return -EIO;
	rc = store_meta_set_on(db, key, value);
	sqlite3_close(db);
	return rc;
}

int store_meta_instance_id(const char *db_path, char **ret)
{
	char *id = NULL;
	int rc = store_meta_get(db_path, META_INSTANCE_ID, &id);

	if (rc != -ENOENT)
		goto out;
	id = random_uuid();
	rc = id ? store_meta_set(db_path, META_INSTANCE_ID, id) : -EIO;
out:
	if (rc == 0)
		*ret = id;
	else
		free(id);
	return rc;
}
