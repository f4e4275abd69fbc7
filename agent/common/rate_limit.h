/* A token bucket: at most `per_second` takes a second, refilled from the
 * coarse monotonic clock (no syscall), holding at most a second's worth.
 * For costly lookups a reader thread makes per event (the live socket
 * lookup, the cgroup read of an audit row), so that a storm of events
 * cannot make the reader fall behind. Not thread-safe: each thread keeps
 * its own bucket. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rate_limit {
	double tokens;
	uint64_t last_ns; /* 0: never taken */
};

/* True when one more take fits; per_second 0 allows none. */
bool rate_limit_take(struct rate_limit *r, unsigned per_second);
