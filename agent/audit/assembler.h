/* Groups audit records into events.
 *
 * Records that share the id audit(SEC.MSEC:SERIAL) belong to one event. A
 * syscall event (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, ...) ends with an
 * EOE record; userspace messages (USER_*, 1100-1299) are events on their
 * own. Records of different events may interleave, so several events can be
 * pending at once.
 *
 * A PROCTITLE record also completes an event: the kernel writes it last,
 * just before the EOE, so an event is whole once it has come even when
 * the EOE is lost (a multicast reader that overran, a storm with
 * --audit_backlog_wait_time=0).
 *
 * Saved logs never hold EOE records (auditd does not write them), and old
 * kernels send no PROCTITLE. An assembler fed from a log
 * (audit_assembler_set_log_input) therefore also completes an event when a
 * record of a later serial arrives, and at the end of the input delivers
 * what is pending instead of dropping it. That rule is for logs only: live,
 * the records of two events on two CPUs interleave, and a later serial says
 * nothing about whether an earlier event has sent all its records.
 *
 * An event that never completes (a record was lost) is given up after a
 * timeout, or when too many are pending: if it holds a SYSCALL record it is
 * dropped and counted as incomplete, since the parts that would make it
 * trustworthy are missing; other record groups are delivered as they are.
 *
 * The assembler is single-threaded: the reader thread feeds and ticks it. */
#pragma once

#include "record.h"

#include <stdbool.h>
#include <stdint.h>

struct audit_event {
	uint64_t sec;
	uint32_t msec;
	uint64_t serial;
	unsigned nrecords;
	struct audit_record *first; /* chained through record->next, in arrival order */
	struct audit_record *last;
	uint64_t arrived_ms;
	bool has_syscall;
	/* Assembler bookkeeping: age order and the hash chain by id. */
	struct audit_event *older;
	struct audit_event *newer;
	struct audit_event *hash_next;
};

/* Called for every complete event; the event is freed when it returns. */
typedef void (*audit_event_fn)(void *ctx, const struct audit_event *ev);

struct audit_assembler;

struct audit_assembler *audit_assembler_new(audit_event_fn on_event, void *ctx,
					    uint32_t timeout_ms, uint32_t max_pending);
/* Frees pending events without delivering or counting them. */
void audit_assembler_free(struct audit_assembler *a);

/* The records come from a saved log rather than the live kernel: see the
 * rules above. Call before the first feed. */
void audit_assembler_set_log_input(struct audit_assembler *a, bool log_input);

/* Takes ownership of `rec`. `now_ms` is a monotonic clock reading. */
void audit_assembler_feed(struct audit_assembler *a, struct audit_record *rec, uint64_t now_ms);

/* Gives up on events older than the timeout. */
void audit_assembler_tick(struct audit_assembler *a, uint64_t now_ms);

/* Gives up on every pending event (at shutdown); for log input, the end of
 * the input: pending events are delivered as the log left them. */
void audit_assembler_flush(struct audit_assembler *a);

/* Syscall events given up because their EOE never came. */
uint64_t audit_assembler_incomplete(const struct audit_assembler *a);

/* First record of `type` in the event, or NULL. */
const struct audit_record *audit_event_record(const struct audit_event *ev, uint16_t type);
