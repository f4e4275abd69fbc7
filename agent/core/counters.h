/* Per-publisher and per-subscriber counters, shown by the sysq_events table.
 *
 * Every way an event can be lost has its own counter, so a query can tell
 * why a row is missing. Counters are updated with relaxed atomics from the
 * reader and writer threads and read by control-socket queries. */
#pragma once

#include <stdatomic.h>
#include <stdint.h>

/* X(name, description) */
#define SYSQ_COUNTERS(X)                                                                           \
	X(events, "Events published (publisher) or turned into rows (subscriber)")                 \
	X(stored, "Rows written to the event store")                                               \
	X(refreshes, "Times the publisher's reader woke up to read")                               \
	X(lost_kernel, "Records the kernel dropped (its audit 'lost' counter, since start)")       \
	X(lost_enobufs, "Receive buffer overruns (ENOBUFS) on the netlink socket")                 \
	X(drop_malformed, "Records or events that could not be parsed, skipped")                   \
	X(drop_incomplete, "Syscall events given up because their EOE never arrived")              \
	X(drop_queue_full, "Rows dropped because the store queue was full")                        \
	X(drop_write_error, "Rows lost because SQLite failed to write them")                       \
	X(expired, "Rows deleted after events_expiry seconds")                                     \
	X(evicted, "Rows deleted to keep the table within events_max, oldest first")               \
	X(evicted_unread, "Evicted rows that a scheduled query had not yet read (of evicted)")    \
	X(filtered_family, "BPF: calls dropped in the kernel by bpf_filters.families")            \
	X(filtered_port, "BPF: calls dropped in the kernel by the port filters")                   \
	X(filtered_unix_path, "BPF: calls dropped in the kernel by exclude_unix_prefixes")        \
	X(filtered_process, "BPF: calls or execs dropped in the kernel by exclude_processes")     \
	X(filtered_exec_path, "BPF: execs dropped in the kernel by exclude_exec_paths")           \
	X(filtered_dedup, "BPF: repeats dropped in the kernel within dedup_window_ms")            \
	X(lost_ringbuf, "BPF: events lost because the ring buffer was full")                      \
	X(lost_bpf_missed, "BPF: syscall exits (or execs) not examined because the program was already running on that CPU") \
	X(lost_pending, "BPF: calls lost because their record found no socket storage to wait in for the result") \
	X(lost_bpf_busy, "BPF: socket calls lost because a program preempted on that CPU was building a record there") \
	X(bpf_waiting, "BPF: socket calls whose record waits in socket storage for the call's result, now (not a loss; those still waiting at stop are added to lost_pending)") \
	X(filtered_thread, "Fork and exit events of threads, left out (see audit_allow_thread_process_events)") \
	X(cgroup_unknown, "Rows with NULL cgroup and container columns: the process was gone, "  \
	  "or its pid reused, before /proc was read, or its cgroup id no longer resolved")      \
	X(file_unread, "process_events rows with NULL file times: the file that ran was not "     \
	  "readable through the process's root, nor provably the host's at its path")             \
	X(drop_too_large, "Shipping loggers: lines longer than the logger may send "             \
	  "(--logger_tls_max_linesize), dropped")

enum counter_id {
#define X(name, desc) COUNTER_##name,
	SYSQ_COUNTERS(X)
#undef X
	COUNTER_COUNT
};

struct sysq_counters {
	_Atomic uint64_t v[COUNTER_COUNT];
};

static inline void counter_add(struct sysq_counters *c, enum counter_id id, uint64_t n)
{
	atomic_fetch_add_explicit(&c->v[id], n, memory_order_relaxed);
}

static inline void counter_set(struct sysq_counters *c, enum counter_id id, uint64_t n)
{
	atomic_store_explicit(&c->v[id], n, memory_order_relaxed);
}

static inline uint64_t counter_get(const struct sysq_counters *c, enum counter_id id)
{
	return atomic_load_explicit(&c->v[id], memory_order_relaxed);
}

extern const char *const counter_names[COUNTER_COUNT];
extern const char *const counter_descriptions[COUNTER_COUNT];
