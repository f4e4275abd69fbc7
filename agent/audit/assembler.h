/* Groups audit records into events.
 *
 * Records that share the id audit(SEC.MSEC:SERIAL) belong to one event. A
 * syscall event (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, ...) ends with an
 * EOE record; userspace messages (USER_*, 1100-1299) are events on their
 * own. Records of different events may interleave, so several events can be
 * pending at once.
 *
 * An event that never sees its EOE (a record was lost) is given up after a
 * timeout, or when too many are pending: if it holds a SYSCALL record it is
 * dropped and counted as incomplete, since the parts that would make it
 * trustworthy are missing; other record groups are delivered as they are.
 *
 * The assembler is single-threaded: the reader thread feeds and ticks it. */
#pragma once

#include "record.h"

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

/* Takes ownership of `rec`. `now_ms` is a monotonic clock reading. */
void audit_assembler_feed(struct audit_assembler *a, struct audit_record *rec, uint64_t now_ms);

/* Gives up on events older than the timeout. */
void audit_assembler_tick(struct audit_assembler *a, uint64_t now_ms);

/* Gives up on every pending event (at shutdown). */
void audit_assembler_flush(struct audit_assembler *a);

/* Syscall events given up because their EOE never came. */
uint64_t audit_assembler_incomplete(const struct audit_assembler *a);

/* First record of `type` in the event, or NULL. */
const struct audit_record *audit_event_record(const struct audit_event *ev, uint16_t type);
