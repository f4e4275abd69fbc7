/* Spare rows: the store's writer thread hands back the rows it has
 * written, and the publisher threads fill them again.
 *
 * Why: a row was allocated on a publisher thread and freed on the writer
 * thread. With glibc that puts every free on the publisher's arena lock,
 * where the two threads waited on each other, and the memory a burst
 * queued went back to the kernel after each batch and was faulted in and
 * zeroed again for the next: in a connect() storm that was most of the
 * agent's CPU. Recycled rows keep their value array and text buffer.
 *
 * Thread-safe: one mutex, taken once per row by row_pool_take and once
 * per batch by row_pool_give. */
#pragma once

#include <stddef.h>

struct row;
struct row_pool;

/* Keeps at most `keep` spare rows, each with room for `columns` values. */
struct row_pool *row_pool_new(size_t keep, unsigned columns);
/* Frees the pool and every spare row in it. */
void row_pool_free(struct row_pool *pool);

/* The value capacity of the pool's rows. */
unsigned row_pool_columns(const struct row_pool *pool);

/* A spare row, emptied (no text, every value NULL) but with its table and
 * column count left for the caller to set; NULL when there is none. */
struct row *row_pool_take(struct row_pool *pool);

/* Takes rows[0..n) back: the pool keeps what fits (rows with small text
 * buffers only) and frees the rest. The array's contents are scratch
 * afterwards. */
void row_pool_give(struct row_pool *pool, struct row **rows, size_t n);

/* Has row_pool_trim keep a reserve however few rows it is asked to keep:
 * as many spare rows as fit in `bytes` (row_footprint), `rows` at most.
 * None by default. */
void row_pool_set_reserve(struct row_pool *pool, size_t rows, size_t bytes);

/* Frees spare rows beyond the larger of `keep` and the reserve; returns
 * how many it freed. */
size_t row_pool_trim(struct row_pool *pool, size_t keep);

/* Spare rows held now. */
size_t row_pool_spare(struct row_pool *pool);
