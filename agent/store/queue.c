/* Ring of row pointers, bounded by rows and bytes, with one mutex and one
 * condition variable. */
#include "queue.h"

#include "row.h"

#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Slots the ring starts with, and shrinks back to once it is empty if it
 * grew past RING_SHRINK (not at every drain in a storm, where the writer
 * empties it often and the pushes would double it up again). */
#define RING_MIN 1024
#define RING_SHRINK (8 * RING_MIN)
/* What a queued row costs beyond row_footprint: its slot, and the slot
 * the doubled ring keeps spare. */
#define SLOT_BYTES (2 * sizeof(struct row *))

struct row_queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct row **ring;
	size_t cap;	  /* slots in ring */
	size_t max_rows;  /* 0: no bound */
	size_t max_bytes; /* 0: no bound */
	size_t head;	  /* next to pop */
	size_t count;
	size_t bytes;
	_Atomic size_t length; /* count, for readers without the lock */
	bool woken;
};

struct row_queue *row_queue_new_bounded(size_t max_rows, size_t max_bytes)
{
	struct row_queue *q = xcalloc(1, sizeof(*q));
	pthread_condattr_t attr;

	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->nonempty, &attr);
	pthread_condattr_destroy(&attr);
	q->max_rows = max_rows;
	q->max_bytes = max_bytes;
	q->cap = max_rows && max_rows < RING_MIN ? max_rows : RING_MIN;
	q->ring = xcalloc(q->cap, sizeof(*q->ring));
	return q;
}

struct row_queue *row_queue_new(size_t capacity)
{
	return row_queue_new_bounded(capacity ? capacity : 1, 0);
}

void row_queue_free(struct row_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->count; i++)
		row_free(q->ring[(q->head + i) % q->cap]);
	pthread_cond_destroy(&q->nonempty);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

static size_t cost(const struct row *row)
{
	return row_footprint(row) + SLOT_BYTES;
}

/* Doubles a full ring (within max_rows), keeping the rows in order. */
static void grow(struct row_queue *q)
{
	size_t cap = q->cap * 2;
	size_t wrapped = q->head + q->count > q->cap ? q->head + q->count - q->cap : 0;

	if (q->max_rows && cap > q->max_rows)
		cap = q->max_rows;
	q->ring = xrealloc(q->ring, cap * sizeof(*q->ring));
	/* Rows that wrapped round to the start move up after the old end
	 * when they fit there (always, when the ring doubled); else, with
	 * the ring capped at max_rows, the rows from the head to the old end
	 * move up to the new end. */
	if (wrapped <= cap - q->cap) {
		memcpy(q->ring + q->cap, q->ring, wrapped * sizeof(*q->ring));
	} else {
		memmove(q->ring + q->head + (cap - q->cap), q->ring + q->head,
			(q->cap - q->head) * sizeof(*q->ring));
		q->head += cap - q->cap;
	}
	q->cap = cap;
}

bool row_queue_push(struct row_queue *q, struct row *row)
{
	bool taken = false, was_empty = false;
	size_t bytes;

	pthread_mutex_lock(&q->lock);
	/* The count first: a queue full by count refuses without looking at
	 * the row. */
	if (!(q->max_rows && q->count >= q->max_rows)) {
		bytes = cost(row);
		taken = bytes <= UINT32_MAX && (!q->max_bytes || q->bytes + bytes <= q->max_bytes);
	}
	if (taken) {
		if (q->count == q->cap)
			grow(q);
		/* Kept in the row, so that a pop need not work it out again. */
		row->queued_bytes = (uint32_t)bytes;
		q->ring[(q->head + q->count) % q->cap] = row;
		q->bytes += bytes;
		was_empty = q->count++ == 0;
		atomic_store_explicit(&q->length, q->count, memory_order_relaxed);
	}
	pthread_mutex_unlock(&q->lock);
	/* The consumer only sleeps on an empty queue, so only the first push
	 * needs to wake it. */
	if (was_empty)
		pthread_cond_signal(&q->nonempty);
	return taken;
}

static void deadline_after(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* A ring a backlog grew is given back once it has drained: a storm's
 * million slots are 8 MiB. Returns the old ring, to free without the
 * lock, or NULL. */
static struct row **shrink_if_drained(struct row_queue *q)
{
	struct row **old = q->ring;

	if (q->count > 0 || q->cap <= RING_SHRINK)
		return NULL;
	q->ring = xcalloc(RING_MIN, sizeof(*q->ring));
	q->cap = RING_MIN;
	q->head = 0;
	return old;
}

size_t row_queue_pop_batch(struct row_queue *q, struct row **out, size_t max,
			   unsigned timeout_ms)
{
	struct timespec deadline;
	struct row **old_ring;
	size_t n = 0;

	deadline_after(&deadline, timeout_ms);
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->woken) {
		if (pthread_cond_timedwait(&q->nonempty, &q->lock, &deadline) == ETIMEDOUT)
			break;
	}
	q->woken = false;
	while (n < max && q->count > 0) {
		out[n] = q->ring[q->head];
		q->bytes -= out[n++]->queued_bytes;
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	atomic_store_explicit(&q->length, q->count, memory_order_relaxed);
	old_ring = shrink_if_drained(q);
	pthread_mutex_unlock(&q->lock);
	free(old_ring);
	return n;
}

void row_queue_wake(struct row_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->woken = true;
	pthread_mutex_unlock(&q->lock);
	pthread_cond_signal(&q->nonempty);
}

size_t row_queue_length(struct row_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->count;
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t row_queue_length_hint(struct row_queue *q)
{
	return atomic_load_explicit(&q->length, memory_order_relaxed);
}

size_t row_queue_bytes(struct row_queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return n;
}
