/* Unit tests for store/queue.c: a full queue refuses a push at once (the
 * producer never waits), batches come out in FIFO order across the ring's
 * wrap and respect `max`, an empty pop times out with 0, and both a push
 * and row_queue_wake end a consumer's wait early. Timing bounds are loose
 * so a loaded machine does not fail them. A queue bounded by bytes
 * refuses the row that would pass the bound, grows its ring past its
 * first size in FIFO order (also when the rows wrapped round it) and
 * frees its bytes as rows leave. Also the rows themselves: text beyond the
 * space reserved up front, decimal text of any int64, and packed copies. */
#include "store/queue.h"
#include "store/row.h"

#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A row whose only value identifies it. */
static struct row *tagged_row(int64_t tag)
{
	struct row *row = row_new(NULL, 1);

	row_set_int(row, 0, tag);
	return row;
}

static void test_push_full(void)
{
	struct row_queue *q = row_queue_new(3);
	struct row *extra = tagged_row(99);
	uint64_t start;

	for (int i = 0; i < 3; i++)
		CHECK(row_queue_push(q, tagged_row(i)));
	CHECK_EQ_UINT(row_queue_length(q), 3);
	start = now_ms();
	CHECK(!row_queue_push(q, extra));
	CHECK(now_ms() - start < 500);
	CHECK_EQ_UINT(row_queue_length(q), 3);
	/* The refused row is still the caller's. */
	CHECK_EQ_INT(extra->values[0].i, 99);
	row_free(extra);
	/* Rows still queued are freed with the queue (ASan checks). */
	row_queue_free(q);
	row_queue_free(NULL);
}

/* Pops up to `max` rows and checks they carry the tags first..first+n-1. */
static void check_pop(const char *file, int line, struct row_queue *q, size_t max, size_t want,
		      int64_t first)
{
	struct row *out[16] = {NULL};
	size_t n = row_queue_pop_batch(q, out, max, 1000);

	check_eq_uint(file, line, "rows popped", "expected", n, want);
	for (size_t i = 0; i < n; i++) {
		check_eq_int(file, line, "tag", "FIFO tag", out[i]->values[0].i,
			     first + (int64_t)i);
		row_free(out[i]);
	}
	/* Nothing is written past the rows taken. */
	check_record(n == 16 || out[n] == NULL, file, line, "out[n] untouched");
}

#define CHECK_POP(q, max, want, first) check_pop(__FILE__, __LINE__, q, max, want, first)

static void test_fifo_batches(void)
{
	struct row_queue *q = row_queue_new(4);

	for (int i = 0; i < 3; i++)
		row_queue_push(q, tagged_row(i));
	CHECK_POP(q, 2, 2, 0);
	CHECK_POP(q, 10, 1, 2);
	/* Fill across the end of the ring and drain again. */
	for (int i = 10; i < 14; i++)
		CHECK(row_queue_push(q, tagged_row(i)));
	CHECK(!row_queue_push(q, NULL));
	CHECK_POP(q, 1, 1, 10);
	CHECK(row_queue_push(q, tagged_row(14)));
	CHECK_POP(q, 16, 4, 11);
	CHECK_EQ_UINT(row_queue_length(q), 0);
	row_queue_free(q);
}

static void test_empty_timeout(void)
{
	struct row_queue *q = row_queue_new(4);
	struct row *out[1];
	uint64_t start = now_ms(), elapsed;

	CHECK_EQ_UINT(row_queue_pop_batch(q, out, 1, 100), 0);
	elapsed = now_ms() - start;
	CHECK(elapsed >= 95);
	CHECK(elapsed < 5000);
	row_queue_free(q);
}

struct consumer {
	struct row_queue *q;
	unsigned timeout_ms;
	size_t popped;
	int64_t tag;
	uint64_t waited_ms;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	struct row *out[4];
	uint64_t start = now_ms();

	c->popped = row_queue_pop_batch(c->q, out, 4, c->timeout_ms);
	c->waited_ms = now_ms() - start;
	c->tag = c->popped ? out[0]->values[0].i : -1;
	for (size_t i = 0; i < c->popped; i++)
		row_free(out[i]);
	return NULL;
}

static void test_push_wakes_consumer(void)
{
	struct consumer c = {.q = row_queue_new(4), .timeout_ms = 20000};
	pthread_t t;

	pthread_create(&t, NULL, consume, &c);
	usleep(50 * 1000);
	row_queue_push(c.q, tagged_row(7));
	pthread_join(t, NULL);
	CHECK_EQ_UINT(c.popped, 1);
	CHECK_EQ_INT(c.tag, 7);
	CHECK(c.waited_ms < 10000);
	row_queue_free(c.q);
}

static void test_wake(void)
{
	struct consumer c = {.q = row_queue_new(4), .timeout_ms = 20000};
	struct row *out[1];
	uint64_t start;
	pthread_t t;

	/* A blocked consumer returns with nothing. */
	pthread_create(&t, NULL, consume, &c);
	usleep(50 * 1000);
	row_queue_wake(c.q);
	pthread_join(t, NULL);
	CHECK_EQ_UINT(c.popped, 0);
	CHECK(c.waited_ms < 10000);

	/* A wake before the wait is not lost... */
	row_queue_wake(c.q);
	start = now_ms();
	CHECK_EQ_UINT(row_queue_pop_batch(c.q, out, 1, 20000), 0);
	CHECK(now_ms() - start < 10000);
	/* ...and counts once: the next pop waits its full timeout. */
	start = now_ms();
	CHECK_EQ_UINT(row_queue_pop_batch(c.q, out, 1, 100), 0);
	CHECK(now_ms() - start >= 95);

	/* Woken with rows queued, the consumer takes them. */
	row_queue_push(c.q, tagged_row(5));
	row_queue_wake(c.q);
	if (CHECK_EQ_UINT(row_queue_pop_batch(c.q, out, 1, 100), 1))
		row_free(out[0]);
	row_queue_free(c.q);
}

static void test_row_values(void)
{
	static const int64_t values[] = {0, 7, -1, 2147483647, -2147483648LL, INT64_MAX, INT64_MIN};
	static const char *const texts[] = {"0",	  "7",	"-1", "2147483647", "-2147483648",
					    "9223372036854775807", "-9223372036854775808"};
	unsigned n = sizeof(values) / sizeof(values[0]);
	struct row *row = row_new(NULL, n + 1);
	char big[1000];

	for (unsigned i = 0; i < n; i++)
		row_set_decimal(row, i, values[i]);
	memset(big, 'x', sizeof(big));
	row_set_text(row, n, big, sizeof(big));
	for (unsigned i = 0; i < n; i++) {
		CHECK_EQ_INT(row->values[i].kind, ROW_TEXT);
		CHECK_EQ_UINT(row->values[i].len, strlen(texts[i]));
		CHECK(memcmp(row_text(row, i), texts[i], strlen(texts[i])) == 0);
	}
	CHECK_EQ_UINT(row->values[n].len, sizeof(big));
	CHECK(memcmp(row_text(row, n), big, sizeof(big)) == 0);
	row_free(row);
}

/* Bytes, not a count: a queue that holds three rows refuses the fourth,
 * and takes it once one has left. */
static void test_byte_bound(void)
{
	struct row *probe = tagged_row(0);
	/* A row's footprint and its two ring slots. */
	size_t one = row_footprint(probe) + 2 * sizeof(struct row *);
	struct row_queue *q = row_queue_new_bounded(0, 3 * one + one / 2);
	struct row *extra = tagged_row(99);

	row_free(probe);
	for (int i = 0; i < 3; i++)
		CHECK(row_queue_push(q, tagged_row(i)));
	CHECK_EQ_UINT(row_queue_bytes(q), 3 * one);
	CHECK(!row_queue_push(q, extra));
	CHECK_POP(q, 1, 1, 0);
	CHECK_EQ_UINT(row_queue_bytes(q), 2 * one);
	CHECK(row_queue_push(q, extra));
	CHECK_POP(q, 2, 2, 1);
	CHECK_POP(q, 1, 1, 99);
	CHECK_EQ_UINT(row_queue_bytes(q), 0);
	row_queue_free(q);
}

/* Far past the ring's first 1024 slots, with the rows wrapped round it
 * when it grows, every row comes out once and in order. */
static void test_growth(void)
{
	struct row_queue *q = row_queue_new_bounded(0, 0);
	struct row *out[16];
	int64_t next_in = 0, next_out = 0;
	bool ordered = true;

	/* Push 10, pop 9: the head walks round the ring as it fills. */
	while (next_in < 300000) {
		size_t n;

		for (int i = 0; i < 10; i++)
			CHECK(row_queue_push(q, tagged_row(next_in++)));
		n = row_queue_pop_batch(q, out, 9, 0);
		for (size_t i = 0; i < n; i++) {
			ordered &= out[i]->values[0].i == next_out++;
			row_free(out[i]);
		}
	}
	CHECK_EQ_UINT(row_queue_length(q), (size_t)(next_in - next_out));
	for (size_t n; (n = row_queue_pop_batch(q, out, 16, 0)) > 0;) {
		for (size_t i = 0; i < n; i++) {
			ordered &= out[i]->values[0].i == next_out++;
			row_free(out[i]);
		}
	}
	CHECK(ordered);
	CHECK_EQ_INT(next_out, next_in);
	CHECK_EQ_UINT(row_queue_bytes(q), 0);
	/* Drained, the ring went back to its first size; it grows again. */
	CHECK(row_queue_push(q, tagged_row(1)));
	CHECK_POP(q, 1, 1, 1);
	row_queue_free(q);
}

/* A count bound past the ring's first 1024 slots: the ring grows only to
 * the bound, here with more rows wrapped round it than the growth adds
 * slots, and keeps FIFO order up to a full queue. */
static void test_capped_growth(void)
{
	struct row_queue *q = row_queue_new(1500);
	struct row *out[16];
	int64_t next_in = 0, next_out = 0;
	bool ordered = true;
	size_t n;

	for (; next_in < 1000; next_in++)
		CHECK(row_queue_push(q, tagged_row(next_in)));
	for (int i = 0; i < 500; i++) {
		if (row_queue_pop_batch(q, out, 1, 0) == 1) {
			ordered &= out[0]->values[0].i == next_out++;
			row_free(out[0]);
		}
	}
	/* 500 wrapped rows when the ring grows from 1024 slots to 1500. */
	for (;;) {
		struct row *row = tagged_row(next_in);

		if (!row_queue_push(q, row)) {
			row_free(row);
			break;
		}
		next_in++;
	}
	CHECK_EQ_INT(next_in - next_out, 1500);
	while ((n = row_queue_pop_batch(q, out, 16, 0)) > 0) {
		for (size_t i = 0; i < n; i++) {
			ordered &= out[i]->values[0].i == next_out++;
			row_free(out[i]);
		}
	}
	CHECK(ordered);
	CHECK_EQ_INT(next_out, next_in);
	row_queue_free(q);
}

/* A packed row carries its BLOB, its time and nothing else, in one
 * allocation smaller than the row it was packed from. */
static void test_packed_row(void)
{
	struct row_value time = {.i = 1234, .kind = ROW_INT};
	struct row_value none = {.kind = ROW_NULL};
	struct row *full = row_new(NULL, 20);
	struct row *p = row_new_packed(NULL, &time, "\x01\x02\0z", 4);
	struct row *q = row_new_packed(NULL, &none, "", 0);

	CHECK(p->packed);
	CHECK(p->has_time);
	CHECK_EQ_INT(p->time, 1234);
	CHECK_EQ_UINT(p->text.len, 4);
	CHECK(memcmp(p->text.buf, "\x01\x02\0z", 4) == 0);
	CHECK(!q->has_time);
	CHECK_EQ_UINT(q->text.len, 0);
	CHECK(row_footprint(p) < row_footprint(full));
	row_free(full);
	row_free(p);
	row_free(q);
}

int main(void)
{
	test_byte_bound();
	test_growth();
	test_capped_growth();
	test_packed_row();
	test_row_values();
	test_push_full();
	test_fifo_batches();
	test_empty_timeout();
	test_push_wakes_consumer();
	test_wake();
	return check_finish();
}
