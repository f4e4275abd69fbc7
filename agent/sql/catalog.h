/* Everything a query connection can see, and how to attach it.
 *
 * Each control-socket client gets its own SQLite connection. Attaching
 * creates, in that connection's temp schema: one sysq_event virtual table
 * per event table the store buffers, and each snapshot table
 * (core/table_module.h: sysq_events, sysq_flags) with its view, if any. Keeping them in temp means nothing sysq-specific is
 * written to the database file for them, and `.tables` can list them from
 * sqlite_temp_master. */
#pragma once

#include "store/log_buffer.h"
#include "store/table_def.h"

#include <sqlite3.h>

struct store;
struct pubsub;
struct sysq_flags;
struct schedule_stats;

struct catalog {
	struct store *store;
	struct pubsub *pubsub;
	const struct sysq_flags *flags;
	/* The shipping loggers' durable buffers of results lines
	 * (kafka_producer's, tls's), NULL-terminated, and tls's buffer of
	 * status lines (NULL when off). */
	struct log_buffer *results_buffers[LOG_BUFFERS_MAX];
	struct log_buffer *status_buffer;
	/* What the scheduler's runs cost (osquery_schedule); NULL without a
	 * scheduler. */
	struct schedule_stats *schedule;
};

struct scan_context;

/* Returns SQLITE_OK, or an SQLite error code with *err set (free it).
 * `scan` (the scheduler's events_optimize hooks) may be NULL. */
int catalog_attach(const struct catalog *cat, sqlite3 *db, struct scan_context *scan, char **err);
