/* Spare rows for reuse, behind one mutex. */
#include "row_pool.h"

#include "row.h"

#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A row whose text grew past this (a long command line) is freed rather
 * than kept, so a few large events do not pin memory in the pool. */
#define KEEP_TEXT_CAP 4096

struct row_pool {
	pthread_mutex_t lock;
	struct row **spare;
	size_t nspare;
	size_t keep;
	unsigned columns;
	size_t reserve_rows;
	size_t reserve_bytes;
	/* No row came back since a trim left only reserve: what the pool
	 * holds is that, or less, so another trim finds nothing to free (and
	 * an idle writer does not walk the reserve once a second). */
	bool settled;
};

struct row_pool *row_pool_new(size_t keep, unsigned columns)
{
	struct row_pool *pool = xcalloc(1, sizeof(*pool));

	pthread_mutex_init(&pool->lock, NULL);
	pool->spare = xcalloc(keep ? keep : 1, sizeof(*pool->spare));
	pool->keep = keep;
	pool->columns = columns;
	return pool;
}

void row_pool_free(struct row_pool *pool)
{
	if (!pool)
		return;
	for (size_t i = 0; i < pool->nspare; i++)
		row_free(pool->spare[i]);
	pthread_mutex_destroy(&pool->lock);
	free(pool->spare);
	free(pool);
}

unsigned row_pool_columns(const struct row_pool *pool)
{
	return pool->columns;
}

struct row *row_pool_take(struct row_pool *pool)
{
	struct row *row = NULL;

	pthread_mutex_lock(&pool->lock);
	if (pool->nspare > 0)
		row = pool->spare[--pool->nspare];
	pthread_mutex_unlock(&pool->lock);
	return row;
}

static bool worth_keeping(const struct row_pool *pool, const struct row *row)
{
	return row->capacity == pool->columns && row->text.cap <= KEEP_TEXT_CAP;
}

void row_pool_give(struct row_pool *pool, struct row **rows, size_t n)
{
	size_t nfree = 0;

	/* Emptied outside the lock, so a publisher taking a row never waits
	 * on this. */
	for (size_t i = 0; i < n; i++) {
		if (worth_keeping(pool, rows[i]))
			row_clear(rows[i]);
	}
	/* rows[] is the caller's to reuse: what is not kept is gathered at
	 * its start and freed outside the lock. */
	pthread_mutex_lock(&pool->lock);
	pool->settled = false;
	for (size_t i = 0; i < n; i++) {
		if (pool->nspare < pool->keep && worth_keeping(pool, rows[i]))
			pool->spare[pool->nspare++] = rows[i];
		else
			rows[nfree++] = rows[i];
	}
	pthread_mutex_unlock(&pool->lock);
	for (size_t i = 0; i < nfree; i++)
		row_free(rows[i]);
}

/* How many spare rows, from the first kept, fit in max_bytes. */
static size_t reserve_of(const struct row_pool *pool, size_t max_rows, size_t max_bytes)
{
	size_t n = 0, bytes = 0;

	while (n < pool->nspare && n < max_rows) {
		bytes += row_footprint(pool->spare[n]);
		if (bytes > max_bytes)
			break;
		n++;
	}
	return n;
}

void row_pool_set_reserve(struct row_pool *pool, size_t rows, size_t bytes)
{
	pthread_mutex_lock(&pool->lock);
	pool->reserve_rows = rows;
	pool->reserve_bytes = bytes;
	pool->settled = false;
	pthread_mutex_unlock(&pool->lock);
}

size_t row_pool_trim(struct row_pool *pool, size_t keep)
{
	struct row **extra = NULL;
	size_t n = 0, reserve;

	pthread_mutex_lock(&pool->lock);
	if (pool->settled)
		keep = pool->nspare;
	if (pool->nspare > keep) {
		reserve = reserve_of(pool, pool->reserve_rows, pool->reserve_bytes);
		/* All that stays is reserve: settled until rows come back. */
		pool->settled = keep <= reserve;
		keep = keep < reserve ? reserve : keep;
	}
	if (pool->nspare > keep) {
		n = pool->nspare - keep;
		extra = xcalloc(n, sizeof(*extra));
		memcpy(extra, pool->spare + keep, n * sizeof(*extra));
		pool->nspare = keep;
	}
	pthread_mutex_unlock(&pool->lock);
	for (size_t i = 0; i < n; i++)
		row_free(extra[i]);
	free(extra);
	return n;
}

size_t row_pool_spare(struct row_pool *pool)
{
	size_t n;

	pthread_mutex_lock(&pool->lock);
	n = pool->nspare;
	pthread_mutex_unlock(&pool->lock);
	return n;
}
