/* Small key/value facts the daemon keeps in its database across runs,
 * such as the audit settings a run changed (so a run after a crash can
 * restore the original ones). Each call uses its own short connection, so
 * it is safe from any thread and never touches the writer's connection.
 *
 * Most facts live in table sysq_meta, which queries may read. The secret
 * ones (the fleet node key) live in META_SECRET_TABLE, which the query
 * authorizer (sql/authorizer.h) refuses to read, so that no shell,
 * scheduled or live query can put them into a result or a log. The same
 * calls serve both: the key decides the table. */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>

/* The table of the secret keys; no query may read it. */
#define META_SECRET_TABLE "sysq_secret"

/* What a run changed in the kernel's audit settings (audit/state.h's text
 * form): the restore record that the next start or `sysq restore` puts
 * back. It must survive anything that happens to the events. */
#define META_AUDIT_STATE "audit_state"
/* Written when a damaged database was set aside at start (integrity.h):
 * when (unix time), where the damaged file went, and why. */
#define META_REPLACED_TIME "database_replaced_time"
#define META_REPLACED_AS "database_replaced_as"
#define META_REPLACED_REASON "database_replaced_reason"
/* The fleet client's state (docs/fleet.md): this installation's instance
 * id (osquery_info.instance_id, --host_identifier=instance), the node key
 * the server gave at enrollment, and the last config the server sent that
 * was valid, run at the next start when the server is out of reach. */
#define META_INSTANCE_ID "instance_id"
#define META_NODE_KEY "tls_node_key" /* secret: in META_SECRET_TABLE */
#define META_TLS_CONFIG "tls_config"
/* Live queries (agent/remote/distributed.c): the query running now (its
 * id and SQL, cleared when it ends, so one left at start crashed or hung
 * the daemon), the SQL refused until a time because it did, and the
 * failures of such queries not yet reported to the server. */
#define META_DIST_RUNNING "distributed_running"
#define META_DIST_DENYLIST "distributed_denylist"
#define META_DIST_FAILED "distributed_failed"

/* Whether `key` is kept in META_SECRET_TABLE rather than sysq_meta. */
bool store_meta_is_secret(const char *key);

/* Returns 0 with *ret set (free it), -ENOENT, or -EIO. A secret key that
 * a previous release kept in sysq_meta is moved first (as below). */
int store_meta_get(const char *db_path, const char *key, char **ret);
/* Sets or, with value NULL, deletes a key. Returns 0 or -EIO. */
int store_meta_set(const char *db_path, const char *key, const char *value);

/* The instance id, created (a random UUID) on first use. Returns 0 with
 * *ret set (free it), or -EIO. */
int store_meta_instance_id(const char *db_path, char **ret);

/* The same on a connection the caller holds, creating sysq_meta and
 * META_SECRET_TABLE if needed: for the store writer while it sets up a
 * fresh database. */
int store_meta_set_on(sqlite3 *db, const char *key, const char *value);

/* Moves the secret keys a previous release kept in sysq_meta into
 * META_SECRET_TABLE and deletes them from sysq_meta (creating both tables
 * if needed): run when the store opens, so that an upgraded database
 * keeps its node key (no new enrollment) and no query can read it.
 * Returns 0 (also when there was nothing to move) or -EIO (logged). */
int store_meta_move_secrets(const char *db_path);
