/* The token bucket of rate_limit.h. */
#include "rate_limit.h"

#include <time.h>

bool rate_limit_take(struct rate_limit *r, unsigned per_second)
{
	struct timespec ts;
	uint64_t now;

	if (per_second == 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	r->tokens += (double)(now - r->last_ns) * per_second / 1e9;
	if (r->last_ns == 0 || r->tokens > per_second)
		r->tokens = per_second;
	r->last_ns = now;
	if (r->tokens < 1)
		return false;
	r->tokens -= 1;
	return true;
}
