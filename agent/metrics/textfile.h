/* --metrics_textfile: the metrics written to a file every interval for
 * node_exporter's textfile collector, on a thread of its own. Each write
 * goes to a temporary file beside it ("<path>.XXXXXX", which the collector
 * skips, as it reads only *.prom), made world-readable and renamed over
 * the file, so a reader sees the previous file or the next, never half
 * of one. */
#pragma once

#include "sources.h"

#include <stddef.h>

struct metrics_textfile;

/* Writes the file once, then every `interval_s` seconds, and once more
 * when stopped. A first write that fails is an error (the path cannot
 * work); a later one is logged, once until a write succeeds again.
 * `src` must outlive the writer. Returns 0 or -errno with *err set. */
int metrics_textfile_start(const char *path, int interval_s, const struct metrics_sources *src,
			   struct metrics_textfile **ret, char **err);

void metrics_textfile_stop(struct metrics_textfile *t);

/* Writes `len` bytes to `path` atomically (temp file and rename in the
 * same directory). Returns 0 or -errno. */
int metrics_write_atomic(const char *path, const char *data, size_t len);
