/* The read-only policy for control-socket queries.
 *
 * Installed with sqlite3_set_authorizer on every query connection. Reads
 * and SELECTs pass; every write (INSERT, UPDATE, DELETE, CREATE, DROP,
 * ALTER), ATTACH/DETACH, transactions, load_extension() and any PRAGMA that
 * sets a value are refused. The reason is kept so the client sees which
 * statement kind was refused instead of SQLite's bare "not authorized". */
#pragma once

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
