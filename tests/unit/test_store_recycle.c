/* The store hands written rows back to each table's pool (store.c,
 * row_pool.h): with two tables in one batch, rows interleaved, and rows
 * whose text is too large to keep (the pool frees those), every row is
 * stored once, the small ones end up spare in their own table's pool and
 * nothing is touched after it was freed (CI runs this under ASan, which
 * caught exactly that: a later table looking at a row the first table's
 * pool had freed). */
#include "check.h"

#include "store/row.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

enum { C_TIME, C_EID, C_TEXT, NCOLS };

static const struct column_def columns[] = {
	{"time", COLUMN_INTEGER, false, ""},
	{"eid", COLUMN_TEXT, true, ""},
	{"text", COLUMN_TEXT, false, ""},
};

static const struct table_def def_a = {.name = "a_events", .columns = columns,
				       .ncolumns = NCOLS, .time_column = C_TIME,
				       .eid_column = C_EID};
static const struct table_def def_b = {.name = "b_events", .columns = columns,
				       .ncolumns = NCOLS, .time_column = C_TIME,
				       .eid_column = C_EID};

#define ROWS 40

int main(void)
{
	char dir[] = "/tmp/sysq-recycle-XXXXXX";
	char path[64], big[10000];
	struct store_options opt = {.path = path, .queue_size = 4 * ROWS};
	struct sysq_counters ca = {0}, cb = {0};
	struct event_table *ta, *tb;
	struct store *s = NULL;
	char *err = NULL;
	size_t big_rows = 0;

	if (!CHECK(mkdtemp(dir) != NULL))
		return check_finish();
	snprintf(path, sizeof(path), "%s/db", dir);
	memset(big, 'x', sizeof(big));
	if (!CHECK_EQ_INT(store_open(&opt, &s, &err), 0))
		return check_finish();
	ta = store_add_table(s, &def_a, &ca, &err);
	tb = store_add_table(s, &def_b, &cb, &err);
	if (!CHECK(ta && tb))
		return check_finish();
	/* Queued before the writer starts, so they form one batch. */
	for (int i = 0; i < ROWS; i++) {
		struct row *row = row_new(i % 2 ? tb : ta, NCOLS);
		bool large = i % 3 == 0;

		row_set_int(row, C_TIME, 1);
		row_set_text(row, C_TEXT, large ? big : "small", large ? sizeof(big) : 5);
		big_rows += large;
		store_submit(s, row);
	}
	CHECK_EQ_INT(store_start(s, &err), 0);
	store_stop(s);
	CHECK_EQ_INT(counter_get(&ca, COUNTER_stored) + counter_get(&cb, COUNTER_stored), ROWS);
	CHECK_EQ_INT(counter_get(&ca, COUNTER_stored), ROWS / 2);
	CHECK_EQ_UINT(row_pool_spare(ta->pool) + row_pool_spare(tb->pool), ROWS - big_rows);
	store_close(s);
	unlink(path);
	{
		char p[80];

		snprintf(p, sizeof(p), "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", path);
		unlink(p);
	}
	rmdir(dir);
	return check_finish();
}
