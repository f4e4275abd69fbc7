/* Unit tests for the secret keys of store/meta.c on a real database file:
 *  - the node key is kept in sysq_secret, never in sysq_meta, through the
 *    same store_meta_get/set calls as every other key, and other keys stay
 *    in sysq_meta;
 *  - a database of a previous release, with the node key in sysq_meta, is
 *    moved over on first use (get) and at store open (move_secrets): the
 *    key is the same, sysq_meta no longer has it, and its bytes are gone
 *    from the file but for the one copy in sysq_secret; after a downgrade
 *    and back, the key found in sysq_meta (the newer) wins;
 *  - a dropped key leaves no bytes in the file;
 *  - a query connection (read-only, with the authorizer) cannot read
 *    sysq_secret, and reading sysq_meta shows the other keys but not the
 *    node key. */
#include "check.h"

#include "sql/authorizer.h"
#include "store/db.h"
#include "store/meta.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct db_file {
	char dir[48];
	char path[64];
};

/* An empty database in WAL mode, as the store writer makes it. */
static bool db_file_make(struct db_file *f)
{
	sqlite3 *db = NULL;
	bool ok;

	snprintf(f->dir, sizeof(f->dir), "/tmp/sysq-unit-meta-XXXXXX");
	if (!CHECK(mkdtemp(f->dir) != NULL))
		return false;
	snprintf(f->path, sizeof(f->path), "%s/sysq.db", f->dir);
	ok = CHECK_EQ_INT(sqlite3_open(f->path, &db), SQLITE_OK) &&
	     CHECK_EQ_INT(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	return ok;
}

static void db_file_remove(struct db_file *f)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[80];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
}

/* Runs `sql` on its own connection, as an older release or an admin with
 * sqlite3 would. */
static void raw_exec(const struct db_file *f, const char *sql)
{
	sqlite3 *db = NULL;

	if (CHECK_EQ_INT(sqlite3_open(f->path, &db), SQLITE_OK) &&
	    !CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK))
		fprintf(stderr, "\t%s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* The first column of the first row of `sql`, or NULL (free it). */
static char *raw_value(const struct db_file *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_open(f->path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void check_raw(int line, const struct db_file *f, const char *sql, const char *want)
{
	char *got = raw_value(f, sql);

	check_eq_str(__FILE__, line, sql, want ? want : "(no row)", got ? got : "(no row)",
		     want ? want : "(no row)");
	free(got);
}

#define CHECK_RAW(f, sql, want) check_raw(__LINE__, f, sql, want)

/* How often `needle` occurs in the database file once the WAL is folded
 * into it and truncated, as a checkpoint does. */
static int file_count(const struct db_file *f, const char *needle)
{
	size_t n = strlen(needle), len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	int fd, count = 0;
	ssize_t got;

	raw_exec(f, "PRAGMA wal_checkpoint(TRUNCATE)");
	fd = open(f->path, O_RDONLY);
	while (buf && fd >= 0 && (got = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)got;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	for (size_t i = 0; buf && i + n <= len; i++)
		count += memcmp(buf + i, needle, n) == 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return count;
}

static void check_get(int line, const struct db_file *f, const char *key, const char *want)
{
	char *got = NULL;
	int rc = store_meta_get(f->path, key, &got);

	if (want && check_eq_int(__FILE__, line, "store_meta_get", "0", rc, 0))
		check_eq_str(__FILE__, line, key, want, got, want);
	else if (!want)
		check_eq_int(__FILE__, line, "store_meta_get", "-ENOENT", rc, -ENOENT);
	free(got);
}

#define CHECK_GET(f, key, want) check_get(__LINE__, f, key, want)

#define META_KEY_SQL   "SELECT value FROM sysq_meta WHERE key = 'tls_node_key'"
#define SECRET_KEY_SQL "SELECT value FROM sysq_secret WHERE key = 'tls_node_key'"

static void test_which_keys(void)
{
	CHECK(store_meta_is_secret(META_NODE_KEY));
	CHECK(!store_meta_is_secret(META_TLS_CONFIG));
	CHECK(!store_meta_is_secret(META_INSTANCE_ID));
	CHECK(!store_meta_is_secret(META_AUDIT_STATE));
	CHECK(!store_meta_is_secret(NULL));
}

/* A previous release's database: the key is moved at its first use. */
static void test_moved_on_first_use(void)
{
	struct db_file f;

	if (!db_file_make(&f))
		return;
	raw_exec(&f, "CREATE TABLE sysq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		     "INSERT INTO sysq_meta VALUES ('tls_node_key', 'K-LEGACY-0001'),"
		     " ('tls_config', '{\"schedule\": {}}'), ('instance_id', 'inst-1')");
	CHECK_GET(&f, META_NODE_KEY, "K-LEGACY-0001");
	CHECK_RAW(&f, META_KEY_SQL, NULL);
	CHECK_RAW(&f, SECRET_KEY_SQL, "K-LEGACY-0001");
	CHECK_EQ_INT(file_count(&f, "K-LEGACY-0001"), 1);
	/* The other keys stay where they were. */
	CHECK_RAW(&f, "SELECT value FROM sysq_meta WHERE key = 'tls_config'", "{\"schedule\": {}}");
	CHECK_GET(&f, META_TLS_CONFIG, "{\"schedule\": {}}");
	CHECK_GET(&f, META_INSTANCE_ID, "inst-1");
	CHECK_RAW(&f, "SELECT count(*) FROM sysq_secret", "1");
	/* A second use finds it in sysq_secret. */
	CHECK_GET(&f, META_NODE_KEY, "K-LEGACY-0001");
	db_file_remove(&f);
}

/* Set and drop go to sysq_secret; a dropped key leaves no bytes. */
static void test_set_and_drop(void)
{
	struct db_file f;

	if (!db_file_make(&f))
		return;
	CHECK_GET(&f, META_NODE_KEY, NULL);
	CHECK_EQ_INT(store_meta_set(f.path, META_NODE_KEY, "K-ENROLLED-0002"), 0);
	CHECK_EQ_INT(store_meta_set(f.path, META_TLS_CONFIG, "{}"), 0);
	CHECK_GET(&f, META_NODE_KEY, "K-ENROLLED-0002");
	CHECK_RAW(&f, META_KEY_SQL, NULL);
	CHECK_RAW(&f, SECRET_KEY_SQL, "K-ENROLLED-0002");
	CHECK_RAW(&f, "SELECT value FROM sysq_meta WHERE key = 'tls_config'", "{}");
	CHECK_EQ_INT(store_meta_set(f.path, META_NODE_KEY, NULL), 0);
	CHECK_GET(&f, META_NODE_KEY, NULL);
	CHECK_EQ_INT(file_count(&f, "K-ENROLLED-0002"), 0);
	db_file_remove(&f);
}

/* At store open; after a downgrade (which enrolled again into sysq_meta)
 * and back, sysq_meta's key is the newer and wins. */
static void test_move_at_open(void)
{
	struct db_file f;

	if (!db_file_make(&f))
		return;
	CHECK_EQ_INT(store_meta_move_secrets(f.path), 0);
	CHECK_RAW(&f, "SELECT count(*) FROM sqlite_master WHERE name IN ('sysq_meta', "
		      "'sysq_secret')",
		  "2");
	CHECK_EQ_INT(store_meta_set(f.path, META_NODE_KEY, "K-OLDER-0003"), 0);
	raw_exec(&f, "INSERT INTO sysq_meta VALUES ('tls_node_key', 'K-NEWER-0004')");
	CHECK_EQ_INT(store_meta_move_secrets(f.path), 0);
	CHECK_RAW(&f, META_KEY_SQL, NULL);
	CHECK_RAW(&f, SECRET_KEY_SQL, "K-NEWER-0004");
	CHECK_EQ_INT(file_count(&f, "K-NEWER-0004"), 1);
	/* Nothing left to move: nothing changes. */
	CHECK_EQ_INT(store_meta_move_secrets(f.path), 0);
	CHECK_GET(&f, META_NODE_KEY, "K-NEWER-0004");
	db_file_remove(&f);
}

/* On the writer's own connection (salvage after damage): a copy left in
 * sysq_meta is removed as the key is written to sysq_secret. */
static void test_set_on(void)
{
	struct db_file f;
	sqlite3 *db = NULL;

	if (!db_file_make(&f))
		return;
	raw_exec(&f, "CREATE TABLE sysq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		     "INSERT INTO sysq_meta VALUES ('tls_node_key', 'K-STALE-0005')");
	if (CHECK_EQ_INT(sqlite3_open(f.path, &db), SQLITE_OK))
		CHECK_EQ_INT(store_meta_set_on(db, META_NODE_KEY, "K-SALVAGED-0006"), 0);
	sqlite3_close(db);
	CHECK_RAW(&f, META_KEY_SQL, NULL);
	CHECK_RAW(&f, SECRET_KEY_SQL, "K-SALVAGED-0006");
	db_file_remove(&f);
}

/* `sql` on a query connection; returns SQLite's code, the first column of
 * every row appended to `out`. */
static int query(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		strncat(out, v ? v : "", size - strlen(out) - 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The connection queries get, on a database of the current release. */
static void test_query_connection(void)
{
	struct authorizer_state authz = {0};
	char out[512] = "", *err = NULL;
	struct db_file f;
	sqlite3 *db = NULL;

	if (!db_file_make(&f))
		return;
	CHECK_EQ_INT(store_meta_set(f.path, META_NODE_KEY, "K-QUERIED-0007"), 0);
	CHECK_EQ_INT(store_meta_set(f.path, META_TLS_CONFIG, "{\"options\": {}}"), 0);
	if (!CHECK_EQ_INT(db_open(f.path, DB_QUERY, &db, &err), 0)) {
		fprintf(stderr, "\t%s\n", err);
		free(err);
		db_file_remove(&f);
		return;
	}
	CHECK_EQ_INT(authorizer_restrict_modules(db), SQLITE_OK);
	sqlite3_set_authorizer(db, readonly_authorizer, &authz);
	CHECK_EQ_INT(query(db, "SELECT value FROM sysq_secret", out, sizeof(out)), SQLITE_AUTH);
	CHECK_CONTAINS(authz.reason, "sysq_secret is not allowed");
	CHECK_EQ_INT(query(db, "SELECT key || '=' || value FROM sysq_meta", out, sizeof(out)),
		     SQLITE_OK);
	CHECK_CONTAINS(out, "tls_config={\"options\": {}}");
	CHECK(strstr(out, "K-QUERIED") == NULL);
	sqlite3_close(db);
	db_file_remove(&f);
}

int main(void)
{
	test_which_keys();
	test_moved_on_first_use();
	test_set_and_drop();
	test_move_at_open();
	test_set_on();
	test_query_connection();
	return check_finish();
}
