/* Bounded ring of row pointers with one mutex and one condition variable. */
#include "queue.h"

#include "row.h"

#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct row_queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct row **ring;
	size_t capacity;
	size_t head; /* next to pop */
	size_t count;
	bool woken;
};

struct row_queue *row_queue_new(size_t capacity)
{
	struct row_queue *q = xcalloc(1, sizeof(*q));
	pthread_condattr_t attr;

	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->nonempty, &attr);
	pthread_condattr_destroy(&attr);
	q->ring = xcalloc(capacity, sizeof(*q->ring));
	q->capacity = capacity;
	return q;
}

void row_queue_free(struct row_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->count; i++)
		row_free(q->ring[(q->head + i) % q->capacity]);
	pthread_cond_destroy(&q->nonempty);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

bool row_queue_push(struct row_queue *q, struct row *row)
{
	bool was_empty;

	pthread_mutex_lock(&q->lock);
	if (q->count == q->capacity) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	q->ring[(q->head + q->count) % q->capacity] = row;
	was_empty = q->count++ == 0;
	pthread_mutex_unlock(&q->lock);
	/* The consumer only sleeps on an empty queue, so only the first push
	 * needs to wake it. */
	if (was_empty)
		pthread_cond_signal(&q->nonempty);
	return true;
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

size_t row_queue_pop_batch(struct row_queue *q, struct row **out, size_t max,
			   unsigned timeout_ms)
{
	struct timespec deadline;
	size_t n = 0;

	deadline_after(&deadline, timeout_ms);
	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->woken) {
		if (pthread_cond_timedwait(&q->nonempty, &q->lock, &deadline) == ETIMEDOUT)
			break;
	}
	q->woken = false;
	while (n < max && q->count > 0) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->capacity;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
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
