/* Prometheus metrics: the HTTP endpoint (--metrics_listen) and the
 * textfile (--metrics_textfile), both reading the same sources. Started
 * by the daemon once everything they read runs, stopped before any of it
 * stops. docs/metrics.md lists the metrics. */
#pragma once

#include "sources.h"

#include "core/flags.h"

struct metrics;

/* Checks the metrics flags before anything starts (so --config_check
 * catches them). Returns 0, or -EINVAL with *err naming the flag. */
int metrics_check_flags(const struct sysq_flags *flags, char **err);

/* Starts what the flags ask for (maybe nothing). `src` is copied.
 * Returns 0 or -errno with *err set (free it). */
int metrics_start(const struct sysq_flags *flags, const struct metrics_sources *src,
		  struct metrics **ret, char **err);

/* Stops both; the textfile is written a last time. NULL does nothing. */
void metrics_stop(struct metrics *m);
