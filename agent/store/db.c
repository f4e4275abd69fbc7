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

/* Limits on what one statement of a query connection may build. SQLite's
 * own maxima (a value of 1 GB, SQL text of 1 GB, 250000 parameters) let
 * one query take gigabytes; sysq keeps SQLite's memory statistics off
 * (cmd/main.c), so a heap limit, which needs them and is process-wide
 * anyway (it would fail the store writer's allocations too), is no help.
 * These bound each value and the size of each statement instead; how
 * many values a running statement holds at once (one per result column or
 * aggregate) is bounded only by the column limit and the query timeout. */
static const struct {
	int id;
	int value;
} query_limits[] = {
	/* A string or BLOB: an event row's values are a few KiB (an audit
	 * record is at most ~9 KiB) and a group_concat over many rows stays
	 * far below 16 MiB, while zeroblob(999999999) is refused before it
	 * allocates. */
	{SQLITE_LIMIT_LENGTH, 16 << 20},
	/* Hand-written or scheduled SQL; a longer text is not a query. */
	{SQLITE_LIMIT_SQL_LENGTH, 1 << 20},
	/* Result columns, and so the values one row holds at once. The
	 * expression depth stays at SQLite's 1000: the SQL length already
	 * bounds the parse tree, and 1000 levels fit a thread's stack. */
	{SQLITE_LIMIT_COLUMN, 500},
	/* Each parameter number reserves a register up to the highest one. */
	{SQLITE_LIMIT_VARIABLE_NUMBER, 999},
	/* The compiled program: CTEs inlined into each other can double it per
	 * level; a real query needs a few thousand instructions. */
	{SQLITE_LIMIT_VDBE_OP, 1000000},
	{SQLITE_LIMIT_COMPOUND_SELECT, 100},
	{SQLITE_LIMIT_ATTACHED, 0},
};

/* A query connection runs SQL sysq did not write: DEFENSIVE forbids what
 * could corrupt the file (writable_schema, raw page writes), neither an
 * extension nor another database file can be brought in, the
 * two-argument fts3_tokenizer() (which takes a raw pointer) is off, and
 * with trusted_schema off nothing in the schema runs a function or
 * module not marked harmless. What a query may call is decided by the
 * authorizer's allow-lists (sql/authorizer.h); this is the layer below. */
static int harden(sqlite3 *db)
{
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(query_limits) / sizeof(query_limits[0]);
	     i++)
		sqlite3_limit(db, query_limits[i].id, query_limits[i].value);
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
