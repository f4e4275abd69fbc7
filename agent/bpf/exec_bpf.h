/* The exec BPF program, from the agent's side: load it from the embedded
 * skeleton, write the filters into its maps, attach it to
 * sched_process_exec (and the fork, exit and kill hooks the options ask
 * for), read its ring buffer and in-kernel counters, and detach.
 *
 * Used by the daemon's BPF exec publisher. Everything is released by
 * exec_bpf_close(), and the kernel drops the program with the last
 * descriptor, so nothing is left after the process exits, even after a
 * crash. */
#pragma once

#include "config/config.h"
#include "core/counters.h"

#include "exec_decode.h"

#include <stdbool.h>
#include <stdint.h>

/* The counters map's, then the programs' recursion misses. */
#define EXEC_BPF_COUNTERS 5

struct exec_bpf_options {
	const struct bpf_filters *filters; /* NULL: keep everything */
	uint64_t ring_size;		   /* rounded up to a power of two */
	/* The lifecycle hooks to load besides exec's: fork
	 * (sched_process_fork), exit (sched_process_exit), kill
	 * (signal_generate); threads keeps threads' forks and exits. */
	bool fork, exit, kill, threads;
};

struct exec_bpf;

/* Called per record; e is NULL for a malformed one. */
typedef void (*exec_bpf_fn)(void *ctx, const struct bpf_exec *e);

/* Returns 0, or -errno with `err` naming the step that failed and why
 * (no BTF, not permitted, no such tracepoint, verifier rejection...). */
int exec_bpf_open(const struct exec_bpf_options *opt, struct exec_bpf **out, char **err);

/* Waits up to timeout_ms for a record, then reads every waiting one.
 * Returns the number of records, or -errno (-EINTR on a signal). */
int exec_bpf_poll(struct exec_bpf *eb, int timeout_ms, exec_bpf_fn fn, void *ctx);

/* The sysq_events counter that in-kernel counter i feeds. */
enum counter_id exec_bpf_counter_id(int i);

/* Sums the per-CPU counters into out[EXEC_BPF_COUNTERS]. */
void exec_bpf_counters(struct exec_bpf *eb, uint64_t *out);

void exec_bpf_close(struct exec_bpf *eb);
