/* What the metrics are read from: the daemon's parts, each read without
 * blocking it (atomics, immutable lists, stat() of the files). Set once
 * before the endpoint starts; every pointer but pubsub and store may be
 * NULL when that part does not run. */
#pragma once

#include "store/log_buffer.h"

#include <stdbool.h>
#include <stdint.h>

struct pubsub;
struct store;
struct audit_publisher;
struct scheduler;
struct strbuf;

struct metrics_sources {
	struct pubsub *pubsub;
	struct store *store;
	struct audit_publisher *audit;
	struct scheduler *scheduler;
	/* The shipping loggers' buffers (NULL-terminated; NULL where off). */
	struct log_buffer *log_buffers[LOG_BUFFERS_MAX + 1];
	const char *db_path;
	int64_t stall_ms; /* --metrics_stall_seconds, in ms */
};

/* Every metric, in the text format (docs/metrics.md lists them). */
void metrics_render(const struct metrics_sources *src, struct strbuf *out);

/* Whether the agent is healthy. If not, appends one line per reason to
 * `reasons` (which may be NULL). */
bool metrics_health(const struct metrics_sources *src, struct strbuf *reasons);
