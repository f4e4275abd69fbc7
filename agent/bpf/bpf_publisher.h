/* The BPF socket publisher: runs the socket programs and publishes each
 * decoded event to pubsub from its own reader thread.
 *
 * --enable_bpf_events decides what happens when the programs cannot load:
 * "auto" logs the reason once and leaves socket_events to audit, "true"
 * makes the daemon exit with the reason. The in-kernel counters (filters,
 * ring buffer and pending-map losses) are copied to the publisher's
 * counters on every tick, so sysq_events shows them. */
#pragma once

#include "config/config.h"
#include "core/flags.h"
#include "core/pubsub.h"

#include <stdbool.h>

#define BPF_PUBLISHER_NAME "bpfsocketpublisher"

struct bpf_publisher;

/* Starts the publisher on `pub`. Returns 0 with *out set, 0 with *out
 * NULL when "auto" found BPF unavailable (pub is marked inactive), or 1
 * when "true" found it unavailable. */
int bpf_publisher_start(const struct sysq_flags *flags, const struct bpf_filters *filters,
			struct publisher *pub, struct bpf_publisher **out);

/* Copies the in-kernel counters to the publisher; call once a second. */
void bpf_publisher_tick(struct bpf_publisher *bp);

/* Stops the reader, reads what is left, detaches the programs. */
void bpf_publisher_stop(struct bpf_publisher *bp);
