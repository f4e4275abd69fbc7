/* The socket BPF programs, from the agent's side: load them from the
 * embedded skeleton, write the filters into their maps, attach, read the
 * ring buffer and the in-kernel counters, and detach.
 *
 * Used by the daemon's BPF publisher and by `sysq dump --bpf`. Everything
 * is released by socket_bpf_close(), and the kernel drops the programs
 * with the last descriptor, so nothing is left after the process exits,
 * even after a crash. */
#pragma once

#include "config/config.h"
#include "core/counters.h"

#include "socket_decode.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The index of each counter matches enum sysq_bpf_counter. */
#define SOCKET_BPF_COUNTERS 10

struct socket_bpf_options {
	const struct bpf_filters *filters; /* NULL: keep everything */
	bool allow_unix;		   /* false: UNIX sockets are filtered by family */
	uint64_t ring_size;		   /* rounded up to a power of two */
	pid_t self;			   /* whose sockets are not events (0: none) */
	bool syscall_exit;		   /* the sys_exit program, not the socket hooks */
	bool sends;			   /* datagram sends to an explicit address */
	uint64_t send_dedup_ms;		   /* their dedup window; 0: none */
};

struct socket_bpf;

/* Called per record; call is NULL for a malformed one. */
typedef void (*socket_bpf_fn)(void *ctx, const struct bpf_socket_call *call);

/* Returns 0, or -errno with `err` naming the step that failed and why
 * (no BTF, not permitted, verifier rejection...). */
int socket_bpf_open(const struct socket_bpf_options *opt, struct socket_bpf **out, char **err);

/* Waits up to timeout_ms for a wakeup, then reads every waiting record.
 * Returns the number of records, or -errno (-EINTR on a signal). */
int socket_bpf_poll(struct socket_bpf *sb, int timeout_ms, socket_bpf_fn fn, void *ctx);

/* The sysq_events counter that in-kernel counter i feeds. */
enum counter_id socket_bpf_counter_id(int i);

/* Sums the per-CPU counters into out[SOCKET_BPF_COUNTERS]. */
void socket_bpf_counters(struct socket_bpf *sb, uint64_t *out);

/* Detaches every program, so no record is made or settled after it;
 * what is in the ring stays readable until socket_bpf_close(). */
void socket_bpf_detach(struct socket_bpf *sb);

void socket_bpf_close(struct socket_bpf *sb);
