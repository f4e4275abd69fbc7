/* Where results lines go: the results log file, syslog and/or the
 * durable log buffers of the shipping loggers (kafka_producer, tls), as
 * --logger_plugin says. */
#pragma once

#include "core/flags.h"
#include "store/log_buffer.h"

#include <stdbool.h>
#include <stddef.h>

struct results_logger;

/* Opens the sinks --logger_plugin names; `shipping` holds the buffers of
 * the shipping loggers it names (NULL-terminated, at most
 * LOG_BUFFERS_MAX), each of which gets every line. Returns 0 or -errno
 * with *err set (free it). */
int results_logger_open(const struct sysq_flags *flags, struct log_buffer *const *shipping,
			struct results_logger **ret, char **err);

/* Writes one line (no newline) of scheduled query `query` to every sink. A failing sink is logged
 * once per failure streak; the others still get the line. Returns whether
 * every sink took it. */
bool results_logger_line(struct results_logger *l, const char *query, const char *line,
			 size_t len);

void results_logger_close(struct results_logger *l);
