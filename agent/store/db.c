/* The one function that opens SQLite connections (db.h). */
#include "db.h"

#include "common/xalloc.h"

#include <errno.h>

/* How long a connection waits for another one's lock before SQLITE_BUSY:
 * the writer's transactions and checkpoints are far shorter. */
#define BUSY_TIMEOUT_MS 5000

/* Every connection is used by one thread at a time, so none needs
 * SQLite's per-connection mutex (NOMUTEX). That holds for meta too: each
 * of its calls opens, uses and closes its own connection on the calling
 * thread. Only the writer creates the database: it also makes the file
 * root-only (store.c), which a helper creating it first would skip; the
 * daemon opens the store before anything else touches the database. */
static int open_flags(enum db_mode mode)
{
	switch (mode) {
	case DB_WRITER:
		return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	case DB_HELPER:
		return SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	default:
		return SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	}
}

/* A query connection runs SQL sysq did not write: DEFENSIVE forbids what
 * could corrupt the file (writable_schema, raw page writes), and neither
 * an extension nor another database file can be brought in. */
static int harden(sqlite3 *db)
{
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (rc == SQLITE_OK)
		sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return rc;
}

int db_open(const char *path, enum db_mode mode, sqlite3 **ret, char **err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, open_flags(mode), NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_OK && mode == DB_QUERY)
		rc = harden(db);
	if (rc != SQLITE_OK) {
		/* Without a handle SQLite ran out of memory; errstr says so. */
		*err = xasprintf("cannot open %s: %s", path,
				 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -EIO;
	}
	*ret = db;
	return 0;
}
