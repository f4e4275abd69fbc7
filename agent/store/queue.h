/* The bounded queue between reader threads and the SQLite writer.
 *
 * Producers (publisher threads) never wait: a push into a full queue fails
 * at once and the caller counts the drop. The lock is held only to move a
 * pointer, never across SQLite work. The single consumer takes rows out in
 * batches. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct row;
struct row_queue;

struct row_queue *row_queue_new(size_t capacity);
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
