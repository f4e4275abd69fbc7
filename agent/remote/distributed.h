/* Live queries from a fleet server (osquery's distributed queries over
 * the TLS remote API; docs/fleet.md).
 *
 * With --disable_distributed=false and --distributed_plugin=tls, a thread
 * asks --distributed_tls_read_endpoint for work every
 * --distributed_interval seconds (every 5 s while the server's
 * "accelerate" lasts), runs each query whose discovery query returns a row
 * on a read-only connection (dist_sql.h), and posts the rows, statuses,
 * error messages and stats to --distributed_tls_write_endpoint. It enrolls
 * and re-enrolls as the config client does, sharing its node key. A query
 * that crashed or hung the daemon is denylisted (dist_denylist.h). */
#pragma once

#include "core/flags.h"

#include <stdbool.h>

struct catalog;
struct distributed;

/* Whether the flags ask for live queries. */
bool distributed_wanted(const struct sysq_flags *flags);

/* Checks the flags live queries need: the plugin is tls, the endpoints
 * and what enrollment needs are set. Returns 0, or -EINVAL with *err set
 * (free it). */
int distributed_check_flags(const struct sysq_flags *flags, char **err);

/* Starts the thread (the store must be open). Returns 0, or -errno with
 * *err set. */
int distributed_start(const struct sysq_flags *flags, const struct catalog *cat,
		      struct distributed **ret, char **err);

/* Stops the thread, interrupting a query or request in flight; NULL is a
 * no-op. */
void distributed_stop(struct distributed *d);
