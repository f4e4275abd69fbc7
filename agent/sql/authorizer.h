/* The read-only policy for control-socket and scheduled queries.
 *
 * Installed with sqlite3_set_authorizer on every query connection. Reads
 * and SELECTs pass; every write (INSERT, UPDATE, DELETE, CREATE, DROP,
 * ALTER), ATTACH/DETACH, transactions and any PRAGMA that sets a value are
 * refused. What a query may call is an allow-list, so a function or module
 * a libsqlite3 build adds (Debian's fts3_tokenizer() hands out and takes
 * raw pointers) is refused until someone decides it is safe: functions
 * and pragmas here, modules by authorizer_restrict_modules. Reading the
 * table of secrets (store/meta.h's META_SECRET_TABLE, the fleet node key)
 * is refused too, so that no query can put the key into a result, a log
 * or a live query's answer. The reason is kept so the client sees what
 * was refused instead of SQLite's bare "not authorized". */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

struct authorizer_state {
	char reason[160];
	/* Set around sysq's own BEGIN/COMMIT (the scheduler reads each query
	 * in one snapshot); user SQL never gets transactions. */
	bool internal;
};

int readonly_authorizer(void *ctx, int action, const char *arg1, const char *arg2,
			const char *db, const char *trigger);

/* Replaces every virtual table module registered on `db` but json_each
 * and json_tree with one that refuses, naming the module, when a query
 * names it (fts3tokenize, dbstat, sqlite_stmt, rtree...). Call it before
 * the catalog registers sysq's own modules. Returns an SQLite code. */
int authorizer_restrict_modules(sqlite3 *db);
