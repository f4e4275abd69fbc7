/* A read-only query connection: what the control socket gives each
 * client, and what the scheduler runs its queries on.
 *
 * Both open it the same way: the database read-only and hardened
 * (store/db.h), every library module but the allowed ones replaced
 * (authorizer_restrict_modules), the catalog attached (catalog.h), then
 * the read-only authorizer (authorizer.h), installed last because
 * attaching the catalog is itself temp DDL the authorizer would refuse. Each caller keeps its
 * own authorizer state and installs its own query watch (control/watch.h)
 * afterwards. */
#pragma once

#include <sqlite3.h>

struct authorizer_state;
struct catalog;
struct scan_context;

/* Opens `db_path` for queries. `scan` (the scheduler's events_optimize
 * hooks) may be NULL; `authz` is the authorizer's state and must outlive
 * the connection. Returns 0 with *ret set, or a negative errno with *err
 * set (free it) and *ret untouched. */
int sql_connection_open(const char *db_path, const struct catalog *cat,
			struct scan_context *scan, struct authorizer_state *authz, sqlite3 **ret,
			char **err);
