/* Checking the database at start and setting a damaged one aside
 * (integrity.h). */
#include "integrity.h"

#include "db.h"
#include "meta.h"

#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Names tried for the damaged file when `<path>.corrupt-<time>` is taken
 * (two replacements within one second): `<path>.corrupt-<time>.<n>`. */
#define ASIDE_ATTEMPTS 10

/* The files SQLite keeps beside a database, moved with it: the WAL first,
 * so that a fresh database never meets the old one's WAL. */
static const char *const companions[] = {"-wal", "-shm", "-journal"};

static const char *path_reason(int err)
{
	switch (err) {
	case EISDIR:
		return "it is a directory";
	case ENOTDIR:
		return "a component of its directory is not a directory";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EROFS:
		return "the file system is read-only";
	default:
		return strerror(err);
	}
}

int store_path_check(const char *path, char **err)
{
	struct stat st;
	int rc = mkdir_parent(path, 0700);
	int fd;

	if (rc < 0) {
		*err = xasprintf("database path %s cannot be used: cannot create its directory: %s",
				 path, path_reason(-rc));
		return rc;
	}
	/* O_NONBLOCK: a FIFO in the database's place must not hang the
	 * daemon before fstat can refuse it. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0) {
		rc = -errno;
		*err = xasprintf("database path %s cannot be used: %s", path, path_reason(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		*err = xasprintf("database path %s cannot be used: it is not a regular file", path);
	}
	close(fd);
	return rc;
}

/* SQLite's codes for a file that is damaged or not a database at all, as
 * opposed to one it could not read (I/O, permission, locking). */
static bool is_damage(int code)
{
	code &= 0xff;
	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/* quick_check's report spans lines ("*** in database main ***" first);
 * the log and sysq_meta get it on one. */
static char *one_line(const char *text)
{
	char *s = xstrdup(text);

	for (char *p = s; *p; p++) {
		if (*p == '\n')
			*p = ' ';
	}
	return s;
}

/* PRAGMA quick_check verifies every b-tree page (structure, cell sizes,
 * freelist), skipping only what integrity_check adds: that each index
 * matches its table, which sysq's row tables, keyed by eid, do not need.
 * It reads the whole file. Measured on a 481 MB database (three row
 * tables of 1.2 M rows, 16 KiB pages) on a loaded 2-core VM: 0.6 s with
 * the file in the page cache, 2.7 s cold. At the default --events_max
 * (50,000 rows a table) the database holds a few MB and the check takes
 * milliseconds, so it runs at every start: a cheaper check (the header,
 * the schema, the last pages) would have passed the field's database
 * with garbage at page 1000, which failed a fifth of its writes.
 * Returns 0 (intact), 1 (damaged, *reason set) or -EIO (*err set). */
static int quick_check(sqlite3 *db, const char *path, char **reason, char **err)
{
	sqlite3_stmt *st = NULL;
	int code = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	int rc = 1;

	if (code == SQLITE_OK)
		code = sqlite3_step(st);
	if (code == SQLITE_ROW) {
		const char *first = (const char *)sqlite3_column_text(st, 0);

		if (first && strcmp(first, "ok") == 0)
			rc = 0;
		else
			*reason = one_line(first ? first : "quick_check found errors");
	} else if (is_damage(code)) {
		*reason = xstrdup(sqlite3_errmsg(db));
	} else {
		*err = xasprintf("cannot check the database %s: %s", path, sqlite3_errmsg(db));
		rc = -EIO;
	}
	sqlite3_finalize(st);
	return rc;
}

static void salvage_add(struct store_salvage *sv, const char *key, const char *value)
{
	sv->rows = xgrow(sv->rows, &sv->cap, sv->n + 1, sizeof(*sv->rows));
	sv->rows[sv->n].key = xstrdup(key);
	sv->rows[sv->n++].value = xstrdup(value);
}

/* Copies what can be read of one key/value table; a damaged page ends
 * the copy with the rows read so far. */
static void salvage_table(sqlite3 *db, const char *sql, struct store_salvage *sv)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);

		if (key && value)
			salvage_add(sv, key, value);
	}
	sqlite3_finalize(st);
}

/* Copies sysq_meta and the secret table (meta.h); store_meta_set_on puts
 * each row back into the table its key belongs to. */
static void salvage_meta(sqlite3 *db, struct store_salvage *sv)
{
	/* A truncated file is shorter than its header says, which SQLite
	 * refuses outright unless the schema is writable; then it reads the
	 * pages that are there. Nothing is written on this connection. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, 1, NULL);
	salvage_table(db, "SELECT key, value FROM sysq_meta", sv);
	salvage_table(db, "SELECT key, value FROM " META_SECRET_TABLE, sv);
}

/* Renames `path` and its companions to a free `<path>.corrupt-<time>`. */
static int move_aside(const char *path, struct store_salvage *sv, char **err)
{
	char *to = NULL;
	struct stat st;
	int rc = 0;

	for (int i = 0; i < ASIDE_ATTEMPTS && !to; i++) {
		to = i ? xasprintf("%s.corrupt-%lld.%d", path, (long long)sv->time, i) :
			 xasprintf("%s.corrupt-%lld", path, (long long)sv->time);
		if (lstat(to, &st) == 0) {
			free(to);
			to = NULL;
		}
	}
	if (!to) {
		*err = xasprintf("cannot set the damaged database %s aside: too many %s.corrupt-* "
				 "files",
				 path, path);
		return -EEXIST;
	}
	for (size_t i = 0; i < sizeof(companions) / sizeof(companions[0]) && rc == 0; i++) {
		char *from_c = xasprintf("%s%s", path, companions[i]);
		char *to_c = xasprintf("%s%s", to, companions[i]);

		if (rename(from_c, to_c) < 0 && errno != ENOENT)
			rc = -errno;
		free(from_c);
		free(to_c);
	}
	if (rc == 0 && rename(path, to) < 0)
		rc = -errno;
	if (rc < 0) {
		*err = xasprintf("cannot set the damaged database %s aside as %s: %s", path, to,
				 strerror(-rc));
		free(to);
		return rc;
	}
	sv->moved_to = to;
	return 0;
}

static bool salvage_has(const struct store_salvage *sv, const char *key)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (strcmp(sv->rows[i].key, key) == 0)
			return true;
	}
	return false;
}

/* Opens the file, checks it and, when damaged, copies out sysq_meta.
 * Returns as quick_check does. */
static int check_file(const char *path, struct store_salvage *sv, char **err)
{
	sqlite3 *db = NULL;
	int rc = db_open(path, DB_HELPER, &db, err);

	if (rc < 0)
		return rc;
	/* Closing must not checkpoint: a damaged file is set aside as found,
	 * with its WAL. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	rc = quick_check(db, path, &sv->reason, err);
	if (rc == 1)
		salvage_meta(db, sv);
	sqlite3_close(db);
	return rc;
}

int store_integrity_check(const char *path, struct store_salvage *sv, char **err)
{
	struct stat st;
	int rc;

	memset(sv, 0, sizeof(*sv));
	if (stat(path, &st) < 0 || st.st_size == 0)
		return 0; /* new: SQLite makes an empty file a fresh database */
	rc = check_file(path, sv, err);
	if (rc != 1)
		return rc;
	sv->time = (int64_t)time(NULL);
	rc = move_aside(path, sv, err);
	if (rc < 0)
		return rc;
	log_warn("store: the database %s is damaged (%s); set it aside as %s and started a fresh "
		 "one; %s",
		 path, sv->reason, sv->moved_to,
		 salvage_has(sv, META_AUDIT_STATE) ? "kept its audit restore record" :
		 sv->n ? "kept its sysq_meta rows (no audit restore record in it)" :
			 "nothing of sysq_meta could be read from it");
	return 1;
}

int store_salvage_write(sqlite3 *db, const struct store_salvage *sv)
{
	char time_text[32];
	int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -EIO;

	snprintf(time_text, sizeof(time_text), "%lld", (long long)sv->time);
	for (size_t i = 0; i < sv->n && rc == 0; i++)
		rc = store_meta_set_on(db, sv->rows[i].key, sv->rows[i].value);
	if (rc == 0)
		rc = store_meta_set_on(db, META_REPLACED_TIME, time_text);
	if (rc == 0)
		rc = store_meta_set_on(db, META_REPLACED_AS, sv->moved_to);
	if (rc == 0)
		rc = store_meta_set_on(db, META_REPLACED_REASON, sv->reason);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -EIO;
	if (rc < 0) {
		log_error("store: cannot write the salvaged records into the fresh database: %s",
			  sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

void store_salvage_free(struct store_salvage *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->rows[i].key);
		free(sv->rows[i].value);
	}
	free(sv->rows);
	free(sv->moved_to);
	free(sv->reason);
	memset(sv, 0, sizeof(*sv));
}
