/* The BPF socket publisher: runs the socket programs and publishes each
 * decoded event (struct bpf_socket_call) to pubsub from its own reader
 * thread.
 *
 * When the programs cannot load, start fails with the reason; the caller
 * decides what that means (--enable_bpf_events: "auto" goes on with audit,
 * "true" stops). The in-kernel counters (filters, ring buffer and
 * pending-map losses) are copied to the publisher's counters on every
 * tick, so sysq_events shows them. */
#pragma once

#include "config/config.h"
#include "core/pubsub.h"

#include <stdbool.h>
#include <stdint.h>

struct bpf_publisher_options {
	const struct bpf_filters *filters; /* NULL: keep everything */
	bool allow_unix;		   /* false: UNIX sockets are filtered out */
	uint64_t ring_size;		   /* bytes, rounded up to a power of two */
	int flush_ms;			   /* longest wait before reading the ring */
	bool syscall_exit;		   /* the sys_exit program, not the socket hooks */
	bool sends;			   /* datagram sends to an explicit address */
	uint64_t send_dedup_ms;		   /* their dedup window; 0: none */
};

struct bpf_publisher;

/* Starts the publisher on `pub` and marks it active. Returns 0 with *ret
 * set, or -errno with *err (free it) saying what failed; `pub` is then
 * marked inactive. */
int bpf_publisher_start(const struct bpf_publisher_options *opt, struct publisher *pub,
			struct bpf_publisher **ret, char **err);

/* Copies the in-kernel counters to the publisher; call once a second. */
void bpf_publisher_tick(struct bpf_publisher *bp);

/* Stops the reader, reads what is left, detaches the programs. */
void bpf_publisher_stop(struct bpf_publisher *bp);
