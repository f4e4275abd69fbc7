/* Key/value facts in the sysq_meta table, and the secret ones (meta.h's
 * store_meta_is_secret) in sysq_secret, which no query may read. */
#include "meta.h"

#include "db.h"

#include "common/hostinfo.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS sysq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS " META_SECRET_TABLE
	" (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

/* The statements on one of the two tables. Table names cannot be bound,
 * so each table has its own. */
struct kv_sql {
	const char *get, *set, *del;
};

static const struct kv_sql meta_sql = {
	"SELECT value FROM sysq_meta WHERE key = ?",
	"INSERT OR REPLACE INTO sysq_meta (key, value) VALUES (?, ?)",
	"DELETE FROM sysq_meta WHERE key = ?",
};

static const struct kv_sql secret_sql = {
	"SELECT value FROM " META_SECRET_TABLE " WHERE key = ?",
	"INSERT OR REPLACE INTO " META_SECRET_TABLE " (key, value) VALUES (?, ?)",
	"DELETE FROM " META_SECRET_TABLE " WHERE key = ?",
};

/* The keys kept in sysq_secret. A previous release kept them in
 * sysq_meta; move_secrets takes them from there. */
static const char *const secret_keys[] = {META_NODE_KEY};

#define NSECRET (sizeof(secret_keys) / sizeof(secret_keys[0]))

bool store_meta_is_secret(const char *key)
{
	for (size_t i = 0; key && i < NSECRET; i++) {
		if (strcmp(key, secret_keys[i]) == 0)
			return true;
	}
	return false;
}

/* Runs one of the statements with `key` bound (and `value`, for set).
 * Returns SQLite's code of the step, or of the failed prepare. */
static int kv_step(sqlite3 *db, const char *sql, const char *key, const char *value,
		   char **ret)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (value)
			sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW && ret)
		*ret = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

/* Moves one secret key from sysq_meta into sysq_secret, in one
 * transaction (a savepoint, so that it also nests in the caller's). A
 * key found in sysq_meta replaces the one in sysq_secret: only a
 * previous release writes it there, so it is the newer. */
static int move_secret(sqlite3 *db, const char *key)
{
	static const char copy_sql[] = "INSERT OR REPLACE INTO " META_SECRET_TABLE
				       " (key, value) SELECT key, value FROM sysq_meta WHERE key = ?";
	int rc = sqlite3_exec(db, "SAVEPOINT move_secret", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if (kv_step(db, copy_sql, key, NULL, NULL) == SQLITE_DONE &&
	    kv_step(db, meta_sql.del, key, NULL, NULL) == SQLITE_DONE)
		return sqlite3_exec(db, "RELEASE move_secret", NULL, NULL, NULL);
	sqlite3_exec(db, "ROLLBACK TO move_secret; RELEASE move_secret", NULL, NULL, NULL);
	return SQLITE_ERROR;
}

/* Moves every secret key sysq_meta still holds (a database from a
 * previous release) into sysq_secret. Returns 0 or -EIO (logged). */
static int move_secrets(sqlite3 *db)
{
	int rc = 0;

	for (size_t i = 0; i < NSECRET && rc == 0; i++) {
		if (kv_step(db, meta_sql.get, secret_keys[i], NULL, NULL) != SQLITE_ROW)
			continue;
		if (move_secret(db, secret_keys[i]) != SQLITE_OK) {
			log_warn("store: cannot move %s out of sysq_meta: %s", secret_keys[i],
				 sqlite3_errmsg(db));
			rc = -EIO;
		} else {
			log_info("store: moved %s from sysq_meta to %s, which queries cannot read",
				 secret_keys[i], META_SECRET_TABLE);
		}
	}
	return rc;
}

/* A helper connection (db.h), not one that creates the database: the
 * daemon opens the store first, which creates it root-only. With
 * secure_delete a deleted row's bytes are overwritten in its page, so
 * that a node key dropped or moved out of sysq_meta does not stay in the
 * file's free space. */
static sqlite3 *open_meta(const char *db_path)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (db_open(db_path, DB_HELPER, &db, &err) < 0) {
		log_warn("store: %s", err);
		free(err);
		return NULL;
	}
	if (sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, create_sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_warn("store: %s: %s", db_path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int store_meta_get(const char *db_path, const char *key, char **ret)
{
	bool secret = store_meta_is_secret(key);
	sqlite3 *db = open_meta(db_path);
	int rc;

	if (!db)
		return -EIO;
	/* A secret a previous release left in sysq_meta is moved on first
	 * use; if that fails it is not read from there either. */
	if (secret && move_secrets(db) < 0)
		rc = -EIO;
	else
		rc = kv_step(db, secret ? secret_sql.get : meta_sql.get, key, NULL, ret);
	if (rc == SQLITE_ROW)
		rc = 0;
	else if (rc == SQLITE_DONE)
		rc = -ENOENT;
	else
		rc = -EIO;
	sqlite3_close(db);
	return rc;
}

/* A secret key is also deleted from sysq_meta, so that a copy a previous
 * release left there neither stays readable nor comes back. */
static int set_secret(sqlite3 *db, const char *key, const char *value)
{
	int rc = kv_step(db, value ? secret_sql.set : secret_sql.del, key, value, NULL);

	if (rc == SQLITE_DONE)
		rc = kv_step(db, meta_sql.del, key, NULL, NULL);
	return rc;
}

int store_meta_set_on(sqlite3 *db, const char *key, const char *value)
{
	int rc = -EIO;

	if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) == SQLITE_OK) {
		if (store_meta_is_secret(key))
			rc = set_secret(db, key, value);
		else
			rc = kv_step(db, value ? meta_sql.set : meta_sql.del, key, value, NULL);
		rc = rc == SQLITE_DONE ? 0 : -EIO;
	}
	if (rc < 0)
		log_warn("store: cannot save %s: %s", key, sqlite3_errmsg(db));
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

int store_meta_move_secrets(const char *db_path)
{
	sqlite3 *db = open_meta(db_path);
	int rc;

	if (!db)
		return -EIO;
	rc = move_secrets(db);
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
