/* The interface between the agent and its tables (tables/).
 *
 * An event table (process_events, socket_events, user_events) describes
 * its schema, says whether the flags enable it, which audit syscalls it
 * needs rules for, and gives one callback per publisher it reads, which
 * turns that publisher's events into rows. A snapshot table (sysq_events,
 * sysq_flags) computes its rows when a query reads it. The daemon, the
 * golden replayer and the benchmarks wire event tables with
 * table_subscribe(); the query side attaches snapshot tables from
 * snapshot_modules[]. Adding a table means adding its file or folder in
 * tables/ and one line to a list in table_module.c. */
#pragma once

#include "audit/syscalls.h"
#include "store/store.h"
#include "store/table_def.h"

#include "core/flags.h"
#include "core/pubsub.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What a subscriber callback needs; one per enabled table. Rows go to
 * emit(): the daemon passes them to the store; the golden-file replayer
 * and the benchmarks print or count them instead. */
struct table_ctx {
	struct event_table *table;
	const struct sysq_flags *flags;
	int64_t boot_time; /* wall-clock second the system booted, for uptime */
	pid_t self;	   /* the daemon's pid: its own activity is not an event */
	/* Read facts from live processes (socket_events' protocol and local
	 * address). Off when replaying records captured elsewhere. */
	bool live_lookup;
	void (*emit)(void *sink, struct row *row); /* takes ownership of row */
	void *sink;
};

/* emit() for the daemon: sink is the struct store. */
void table_emit_to_store(void *store, struct row *row);

struct table_module {
	const struct table_def *def;
	/* One callback per publisher the table reads, NULL for the others;
	 * ctx is the table's struct table_ctx. */
	subscriber_fn on_event[PUBLISHER_COUNT];
	bool (*enabled)(const struct sysq_flags *flags);
	/* Marks the syscalls whose audit rules this table needs, knowing
	 * which publishers run (a table another source feeds may need none).
	 * NULL for a table that needs no rule. */
	void (*audit_syscalls)(const struct sysq_flags *flags, const bool running[PUBLISHER_COUNT],
			       bool want[AUDIT_SYSCALL_COUNT]);
};

/* The event tables (each defined in tables/), and all of them,
 * NULL-terminated. */
extern const struct table_module process_events_module;
extern const struct table_module socket_events_module;
extern const struct table_module user_events_module;
extern const struct table_module *const table_modules[];

/* Whether `m` reads publisher `id`. */
bool table_reads(const struct table_module *m, enum publisher_id id);

/* Adds `m` as a subscriber named after its table, with ctx `tc`, to each
 * publisher of `ps` it reads. Returns the subscriber, or NULL (adding
 * nothing) when `ps` has none of its publishers. */
struct subscriber *table_subscribe(struct pubsub *ps, const struct table_module *m,
				   struct table_ctx *tc);

struct snapshot_rows;

/* A table computed when a query reads it. */
struct snapshot_module {
	const struct table_def *def;
	/* Appends the table's rows; ctx is the query connection's struct
	 * catalog (sql/catalog.h), which has the store, pubsub and flags. */
	void (*fill)(const void *ctx, struct snapshot_rows *out);
	/* Optional: the rows whose INTEGER column key_column equals `key`,
	 * for a table too costly to fill whole for `WHERE <key> = N`
	 * (sql/snapshot_vtab.h). */
	void (*fill_key)(const void *ctx, int64_t key, struct snapshot_rows *out);
	unsigned key_column;
	/* Optional: a view over the table, created with it (osquery's
	 * osquery_events over sysq_events), and the paragraph that documents
	 * the view in docs/tables.md. */
	const char *view_sql;
	const char *view_doc;
};

/* The snapshot tables (tables/), and all of them, NULL-terminated. */
extern const struct snapshot_module sysq_events_module;
extern const struct snapshot_module sysq_flags_module;
extern const struct snapshot_module os_version_module;
extern const struct snapshot_module osquery_info_module;
extern const struct snapshot_module system_info_module;
extern const struct snapshot_module platform_info_module;
extern const struct snapshot_module uptime_module;
extern const struct snapshot_module kernel_info_module;
extern const struct snapshot_module processes_module;
extern const struct snapshot_module osquery_schedule_module;
extern const struct snapshot_module osquery_registry_module;
extern const struct snapshot_module *const snapshot_modules[];

/* The snapshot table named `name`, or NULL. */
const struct snapshot_module *snapshot_module_find(const char *name);
