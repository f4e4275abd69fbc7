/* The audit publisher: owns the audit netlink sockets and the reader thread.
 *
 * Start-up, in order: register as the audit daemon (the kernel then sends
 * records to sysq's socket), delete stale sysq-keyed rules from a crashed
 * run, save the audit status and enable audit with the configured backlog,
 * then add the exit rules the enabled tables need, or "-a never,task" when
 * they need none (task_rule.h). The reader thread
 * receives records, parses them, assembles events and publishes them.
 *
 * Shutdown reverses start-up: delete exactly the rules this run added,
 * restore the settings it changed (unless another tool changed them
 * since), give up the audit pid, and drain records still queued so that
 * events already generated are not lost.
 *
 * A tick from the daemon's main loop, once a second, reads the kernel's
 * status: its `lost` counter feeds sysq_events, and with --audit_persist a
 * pid that is not sysq's is taken as soon as the kernel allows. The kernel
 * refuses to hand the pid over from a live reader (EEXIST), so in practice
 * sysq takes it when its owner exits or releases it; if another process
 * owns it at start-up, sysq waits (with --audit_persist) and configures
 * audit only once the pid is its own. */
#pragma once

#include "state.h"
#include "syscalls.h"

#include "core/pubsub.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct audit_publisher_options {
	/* Read the multicast copy of the records instead of registering as
	 * the audit daemon, so sysq runs beside auditd. */
	bool multicast;
	bool allow_config;
	bool persist;
	bool debug; /* print every raw record on debug_out */
	FILE *debug_out;
	uint32_t backlog_limit;
	uint32_t backlog_wait_time;
	bool want[AUDIT_SYSCALL_COUNT];
	/* With no syscall in `want`, add "-a never,task" (task_rule.h). */
	bool task_never_rule;
	uint32_t event_timeout_ms;
	/* What a crashed run found, from the database, or NULL. */
	const struct audit_state *crashed_state;
};

struct audit_publisher;

/* Returns 0 or -errno with *err set (free it). */
int audit_publisher_start(const struct audit_publisher_options *opt, struct publisher *pub,
			  struct audit_publisher **ret, char **err);

/* The audit settings this run changed (including a crashed run's it
 * adopted), or NULL when it changed none. For the daemon to persist. */
const struct audit_state *audit_publisher_state(const struct audit_publisher *ap);

/* Once a second from the main thread: lost counter, --audit_persist, and
 * the never,task rule's check for other tools' new syscall rules.
 * Returns true when this tick applied the configuration (the pid became
 * sysq's after start-up), so the caller can save the new state. */
bool audit_publisher_tick(struct audit_publisher *ap);

/* What another thread (the metrics endpoint) may read at any time: all
 * atomics, as of the last tick. */
struct audit_publisher_health {
	bool reading;	 /* sysq holds the audit pid (or the multicast tap) */
	bool multicast;
	uint32_t owner;	 /* with !reading: the process that owns the pid, or 0 */
	uint32_t backlog;	/* records in the kernel's backlog queue */
	uint32_t backlog_limit; /* the kernel's backlog_limit */
};

void audit_publisher_health(const struct audit_publisher *ap, struct audit_publisher_health *out);

/* Stops the reader, undoes the configuration and frees everything.
 * Returns 0 if the audit state was restored completely. */
int audit_publisher_stop(struct audit_publisher *ap);
