/* The durable log buffer: lines waiting for a shipping logger (Kafka's
 * and the fleet server's results, the fleet server's status lines), kept in a SQLite file of their own
 * until the shipper confirms their delivery.
 *
 * The file is <database_path>.logbuf, not a table of the event database:
 * the store writer holds that database's one write lock for its batches,
 * and the scheduler must never wait behind the event pipeline (nor make
 * it wait). Each line is a row (id, sink, query name, line); ids grow, so
 * they give the order lines are shipped in, also after a restart. Each
 * shipper opens the file for its own sink name and sees only its rows.
 *
 * Past `max` lines (0: no limit) the oldest lines not yet handed to the
 * shipper are deleted and counted in `evicted`; the shipper hands on at
 * most log_buffer_window() lines at a time, so there are always enough
 * such lines. Thread-safe: the scheduler appends while the shipper's
 * thread takes and confirms. */
#pragma once

#include "core/counters.h"

#include <stddef.h>
#include <stdint.h>

struct log_buffer;

/* The most buffers a daemon opens for results lines (one per shipping
 * logger), with room for a NULL after them. */
#define LOG_BUFFERS_MAX 4

struct log_line {
	int64_t id;
	char *name; /* the scheduled query's name */
	char *line; /* NUL-terminated, no newline */
	size_t len;
};

/* Opens (creating, mode 0600) the buffer file at `path` for `sink`.
 * Returns 0 or -errno with *err set (free it). */
int log_buffer_open(const char *path, const char *sink, int64_t max, struct log_buffer **ret,
		    char **err);

/* Appends one line; drops the oldest past the limit. Returns 0, or -EIO
 * (the line is lost and counted in drop_write_error). */
int log_buffer_append(struct log_buffer *b, const char *name, const char *line, size_t len);

/* Up to `n` lines with ids above `after`, oldest first, into `out`; they
 * count as handed on (not dropped) until log_buffer_rewind. Returns how
 * many, or -EIO. */
int log_buffer_take(struct log_buffer *b, int64_t after, struct log_line *out, int n);

/* Every line not yet confirmed may be dropped again (the shipper gave
 * them back after a failure and takes them anew). */
void log_buffer_rewind(struct log_buffer *b);

/* Deletes delivered lines. Returns 0 or -EIO (they are shipped again). */
int log_buffer_confirm(struct log_buffer *b, const int64_t *ids, size_t n);

/* Deletes a line the shipper cannot send anywhere (no Kafka topic),
 * counted in drop_malformed. */
void log_buffer_discard(struct log_buffer *b, int64_t id);

/* The same, counted in counter `why` (drop_too_large: longer than the
 * shipper may send). */
void log_buffer_discard_as(struct log_buffer *b, int64_t id, enum counter_id why);

/* Counts `n` lines lost before they reached the buffer (a full queue in
 * front of it) in counter `why`, so they show on the buffer's row. */
void log_buffer_count_drop(struct log_buffer *b, enum counter_id why, uint64_t n);

/* How many lines a shipper may hold at once. */
int log_buffer_window(const struct log_buffer *b);

/* Lines waiting now; never waits for the lock. */
int64_t log_buffer_pending(const struct log_buffer *b);

const char *log_buffer_sink(const struct log_buffer *b);

/* events: lines appended; stored: lines confirmed; evicted: lines dropped
 * past the limit; drop_write_error: lines the file could not take;
 * drop_malformed: lines discarded by the shipper; drop_too_large: lines
 * over the shipper's size limit; drop_queue_full: lines lost in front of
 * the buffer. */
const struct sysq_counters *log_buffer_counters(const struct log_buffer *b);

void log_line_free(struct log_line *l);

void log_buffer_close(struct log_buffer *b);
