/* The interface between the daemon and an event table module.
 *
 * Each event table (process_events now; socket_events and user_events
 * later) describes its schema, says whether the flags enable it, which
 * audit syscalls it needs rules for, and turns published events into rows.
 * The daemon wires enabled modules to the pubsub layer and the store. */
#pragma once

#include "audit/syscalls.h"
#include "store/store.h"
#include "store/table_def.h"

#include "flags.h"
#include "pubsub.h"

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
	/* The publishers it reads; the second is optional (NULL). */
	const char *publishers[2];
	bool (*enabled)(const struct sysq_flags *flags);
	/* Marks the syscalls whose audit rules this table needs. */
	void (*audit_syscalls)(const struct sysq_flags *flags, bool want[AUDIT_SYSCALL_COUNT]);
	subscriber_fn on_event; /* ctx is a struct table_ctx */
};

extern const struct table_module process_events_module;
extern const struct table_module socket_events_module;
extern const struct table_module user_events_module;

/* Every event table module, NULL-terminated. */
extern const struct table_module *const table_modules[];
