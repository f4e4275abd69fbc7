/* The BPF exec publisher: runs the exec program (exec_bpf.h) and
 * publishes each decoded exec (const struct bpf_exec *) to pubsub from its
 * own reader thread, as PUBLISHER_BPF_EXEC.
 *
 * When the program cannot load, start fails with the reason; the caller
 * decides what that means (--enable_bpf_process_events: "auto" goes on
 * with audit, "true" stops). The in-kernel counters (filters, ring buffer
 * losses, recursion misses) are copied to the publisher's counters on
 * every tick, so sysq_events shows them; a malformed record is counted in
 * drop_malformed and skipped. */
#pragma once

#include "config/config.h"
#include "core/pubsub.h"

#include <stdbool.h>
#include <stdint.h>

struct exec_publisher_options {
	const struct bpf_filters *filters; /* NULL: keep everything */
	uint64_t ring_size;		   /* bytes */
	int flush_ms;			   /* longest wait before checking for a stop */
	bool fork, exit, kill, threads;	   /* the lifecycle hooks (exec_bpf.h) */
};

struct exec_publisher;

/* Starts the publisher on `pub` and marks it active. Returns 0 with *ret
 * set, or -errno with *err (free it) saying what failed; `pub` is then
 * marked inactive. */
int exec_publisher_start(const struct exec_publisher_options *opt, struct publisher *pub,
			 struct exec_publisher **ret, char **err);

/* Copies the in-kernel counters to the publisher; call once a second. */
void exec_publisher_tick(struct exec_publisher *ep);

/* Stops the reader, reads what is left, detaches the program. */
void exec_publisher_stop(struct exec_publisher *ep);
