/* Unit tests for store/row_pool.c and row_new's use of it: a row handed
 * back comes out again emptied (every value NULL, no text) yet keeps its
 * buffers, the pool keeps at most `keep` rows and frees the rest, a row
 * whose text grew large is not kept, rows of a table with more columns
 * than the pool's are not pooled, a trim keeps a reserve bounded in rows
 * and bytes, and two threads taking and giving at
 * once lose no row (run under ASan in CI, which also catches a row freed
 * twice or leaked). */
#include "store/row.h"
#include "store/row_pool.h"
#include "store/store.h"

#include "check.h"

#include <pthread.h>
#include <string.h>

#define NCOLS 5

static void test_reuse_clears(void)
{
	struct row_pool *pool = row_pool_new(4, NCOLS);
	struct event_table t = {.pool = pool};
	struct row *row = row_new(&t, NCOLS);
	struct row *again;
	char *text_buf;

	CHECK_EQ_UINT(row->capacity, NCOLS);
	row_set_int(row, 0, 42);
	row_set_str(row, 3, "some text");
	text_buf = row->text.buf;
	row_pool_give(pool, &row, 1);
	CHECK_EQ_UINT(row_pool_spare(pool), 1);
	again = row_new(&t, NCOLS - 2);
	CHECK(again == row);
	CHECK_EQ_UINT(row_pool_spare(pool), 0);
	CHECK_EQ_UINT(again->ncolumns, NCOLS - 2);
	CHECK(again->table == &t);
	CHECK(again->text.buf == text_buf); /* the buffer is kept */
	CHECK_EQ_UINT(again->text.len, 0);
	for (unsigned i = 0; i < NCOLS; i++)
		CHECK_EQ_INT(again->values[i].kind, ROW_NULL);
	row_free(again);
	row_pool_free(pool);
}

static void test_keep_limit_and_large_text(void)
{
	struct row_pool *pool = row_pool_new(2, NCOLS);
	struct event_table t = {.pool = pool};
	struct row *rows[4];
	char big[8192];

	for (int i = 0; i < 4; i++)
		rows[i] = row_new(&t, NCOLS);
	memset(big, 'x', sizeof(big));
	row_set_text(rows[0], 1, big, sizeof(big));
	row_pool_give(pool, rows, 4);
	/* rows[0] grew past what the pool keeps; two of the other three fit. */
	CHECK_EQ_UINT(row_pool_spare(pool), 2);
	row_pool_free(pool);
}

static void test_wider_table_not_pooled(void)
{
	struct row_pool *pool = row_pool_new(2, NCOLS);
	struct event_table t = {.pool = pool};
	struct row *row = row_new(&t, NCOLS + 3);

	CHECK_EQ_UINT(row->capacity, NCOLS + 3);
	row_set_int(row, NCOLS + 2, 1);
	row_pool_give(pool, &row, 1);
	CHECK_EQ_UINT(row_pool_spare(pool), 0);
	row_pool_free(pool);
}

/* A trim keeps the larger of what it is asked to keep and the reserve:
 * rows that fit in the reserve's bytes, up to its count. */
static void test_trim_reserve(void)
{
	struct row_pool *pool = row_pool_new(8, NCOLS);
	struct event_table t = {.pool = pool};
	struct row *rows[6];
	size_t one;

	for (int i = 0; i < 6; i++)
		rows[i] = row_new(&t, NCOLS);
	one = row_footprint(rows[0]);
	row_pool_give(pool, rows, 6);
	CHECK_EQ_UINT(row_pool_spare(pool), 6);
	/* Room for two and a half rows: two are kept, and kept again. */
	row_pool_set_reserve(pool, 5, 2 * one + one / 2);
	CHECK_EQ_UINT(row_pool_trim(pool, 0), 4);
	CHECK_EQ_UINT(row_pool_spare(pool), 2);
	CHECK_EQ_UINT(row_pool_trim(pool, 0), 0);
	CHECK_EQ_UINT(row_pool_spare(pool), 2);
	/* Rows that come back are trimmed to the reserve again. */
	rows[0] = row_new(&t, NCOLS);
	rows[1] = row_new(&t, NCOLS);
	rows[2] = row_new(&t, NCOLS);
	CHECK_EQ_UINT(row_pool_spare(pool), 0);
	row_pool_give(pool, rows, 3);
	CHECK_EQ_UINT(row_pool_trim(pool, 3), 0);
	CHECK_EQ_UINT(row_pool_trim(pool, 1), 1);
	CHECK_EQ_UINT(row_pool_spare(pool), 2);
	/* The count bounds the reserve too. */
	row_pool_set_reserve(pool, 1, 1 << 20);
	CHECK_EQ_UINT(row_pool_trim(pool, 0), 1);
	CHECK_EQ_UINT(row_pool_spare(pool), 1);
	row_pool_set_reserve(pool, 0, 0);
	CHECK_EQ_UINT(row_pool_trim(pool, 0), 1);
	CHECK_EQ_UINT(row_pool_spare(pool), 0);
	row_pool_free(pool);
}

#define ROUNDS 20000
#define BATCH 16

struct taker {
	struct event_table *t;
	struct row *out[ROUNDS];
};

static void *take_many(void *arg)
{
	struct taker *tk = arg;

	for (int i = 0; i < ROUNDS; i++) {
		tk->out[i] = row_new(tk->t, NCOLS);
		row_set_int(tk->out[i], 0, i);
	}
	return NULL;
}

/* One thread fills rows while this one hands batches back, as a publisher
 * and the writer do; every row ends up either given back or freed. */
static void test_concurrent(void)
{
	struct row_pool *pool = row_pool_new(64, NCOLS);
	struct event_table t = {.pool = pool};
	static struct taker tk;
	struct row *batch[BATCH];
	pthread_t th;

	tk.t = &t;
	pthread_create(&th, NULL, take_many, &tk);
	for (int i = 0; i < 2000; i++) {
		for (int j = 0; j < BATCH; j++)
			batch[j] = row_new(&t, NCOLS);
		row_pool_give(pool, batch, BATCH);
	}
	pthread_join(th, NULL);
	for (int i = 0; i < ROUNDS; i++)
		CHECK_EQ_INT(tk.out[i]->values[0].i, i);
	row_pool_give(pool, tk.out, ROUNDS);
	CHECK(row_pool_spare(pool) <= 64);
	row_pool_free(pool);
}

int main(void)
{
	test_reuse_clears();
	test_keep_limit_and_large_text();
	test_wider_table_not_pooled();
	test_trim_reserve();
	test_concurrent();
	return check_finish();
}
