/* The bounded queue between reader threads and the SQLite writer.
 *
 * Producers (publisher threads) never wait: a push into a full queue fails
 * at once and the caller counts the drop. The queue is bounded by the
 * memory its rows take (row_footprint) and, if asked, by a count; its ring
 * of pointers grows while a backlog builds and shrinks back once the
 * writer has drained it. The lock is held only to move a pointer (or, at
 * a doubling, the ring), never across SQLite work. The single consumer
 * takes rows out in batches. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct row;
struct row_queue;

/* A queue of at most `capacity` rows, whatever their size. */
struct row_queue *row_queue_new(size_t capacity);
/* At most `max_rows` rows and `max_bytes` bytes of rows (row_footprint),
 * 0 for no bound of that kind. */
struct row_queue *row_queue_new_bounded(size_t max_rows, size_t max_bytes);
/* Frees the queue and any rows still in it. */
void row_queue_free(struct row_queue *q);

/* Returns false, leaving `row` with the caller, when the queue is full. */
bool row_queue_push(struct row_queue *q, struct row *row);

/* Waits up to `timeout_ms` for rows, then moves up to `max` of them into
 * `out`. Returns how many were taken (0 on timeout or when woken). */
size_t row_queue_pop_batch(struct row_queue *q, struct row **out, size_t max,
			   unsigned timeout_ms);

/* Wakes a consumer blocked in row_queue_pop_batch. */
void row_queue_wake(struct row_queue *q);

size_t row_queue_length(struct row_queue *q);
/* The length without the lock: a hint, maybe a moment old. */
size_t row_queue_length_hint(struct row_queue *q);
/* Bytes the queued rows take now. */
size_t row_queue_bytes(struct row_queue *q);
