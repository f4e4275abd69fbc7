/* Unit tests for the results log lines (logger/results_format.c) and the
 * differential comparison (scheduler/diff.c): exact osquery-format lines,
 * numerics on and off, NULL, escaping of hostile strings, snapshots, and
 * removed/added as multisets. */
#include "logger/results_format.h"
#include "scheduler/diff.h"

#include "common/xalloc.h"

#include "check.h"

#include <math.h>
#include <stdlib.h>

/* One row: pid (int), name (text), ratio (real), gone (NULL). */
static void make_rows(struct result_set *rs, const char *name, size_t name_len)
{
	static const char *const cols[] = {"pid", "name", "ratio", "gone"};

	memset(rs, 0, sizeof(*rs));
	rs->ncols = 4;
	rs->cols = xcalloc(4, sizeof(*rs->cols));
	for (size_t i = 0; i < 4; i++)
		rs->cols[i] = xstrdup(cols[i]);
	rs->nrows = 1;
	rs->vals = xcalloc(4, sizeof(*rs->vals));
	rs->vals[0] = (struct result_value){.kind = RESULT_INT, .i = -42};
	rs->vals[1] = (struct result_value){.kind = RESULT_TEXT, .s = xstrndup(name, name_len),
					    .len = name_len};
	rs->vals[2] = (struct result_value){.kind = RESULT_REAL, .d = 0.25};
	rs->vals[3] = (struct result_value){.kind = RESULT_NULL};
}

static const struct results_meta meta = {
	.name = "q",
	.host = "h\"1",
	.unix_time = 1412123850,
	.epoch = 3,
	.counter = 9,
	.decorations = "{\"d\":\"v\"}",
};

static void test_event_line(void)
{
	struct strbuf cols = STRBUF_INIT, line = STRBUF_INIT;
	struct result_set rs;

	make_rows(&rs, "a", 1);
	results_columns_json(&cols, &rs, 0, false);
	CHECK_EQ_STR(sb_str(&cols), "{\"pid\":\"-42\",\"name\":\"a\",\"ratio\":\"0.25\",\"gone\":\"\"}");
	results_event_line(&line, &meta, cols.buf, cols.len, "added");
	CHECK_EQ_STR(sb_str(&line),
		     "{\"name\":\"q\",\"hostIdentifier\":\"h\\\"1\",\"calendarTime\":\"Wed Oct  1 "
		     "00:37:30 2014 UTC\",\"unixTime\":1412123850,\"epoch\":3,\"counter\":9,"
		     "\"numerics\":false,\"decorations\":{\"d\":\"v\"},\"columns\":{\"pid\":\"-42\","
		     "\"name\":\"a\",\"ratio\":\"0.25\",\"gone\":\"\"},\"action\":\"added\"}");
	sb_truncate(&cols, 0);
	results_columns_json(&cols, &rs, 0, true);
	CHECK_EQ_STR(sb_str(&cols), "{\"pid\":-42,\"name\":\"a\",\"ratio\":0.25,\"gone\":\"\"}");
	rs.vals[2].d = INFINITY;
	sb_truncate(&cols, 0);
	results_columns_json(&cols, &rs, 0, true);
	CHECK_CONTAINS(sb_str(&cols), "\"ratio\":\"inf\"");
	result_set_free(&rs);
	sb_free(&cols);
	sb_free(&line);
}

static void test_hostile_text(void)
{
	static const char evil[] = "x\"}\n{\"name\":\"forged\"\x1b[2J\xff\0end";
	struct strbuf cols = STRBUF_INIT;
	struct result_set rs;

	make_rows(&rs, evil, sizeof(evil) - 1);
	results_columns_json(&cols, &rs, 0, false);
	CHECK(memchr(cols.buf, '\n', cols.len) == NULL);
	CHECK(memchr(cols.buf, '\x1b', cols.len) == NULL);
	CHECK(memchr(cols.buf, '\0', cols.len) == NULL);
	CHECK_CONTAINS(sb_str(&cols), "\"name\":\"x\\\"}\\n{\\\"name\\\":\\\"forged\\\"\\u001b[2J");
	CHECK_CONTAINS(sb_str(&cols), "\\u0000end\"");
	result_set_free(&rs);
	sb_free(&cols);
}

static void test_snapshot_line(void)
{
	struct strbuf line = STRBUF_INIT;
	struct result_set rs;

	make_rows(&rs, "a", 1);
	results_snapshot_line(&line, &meta, &rs);
	CHECK_CONTAINS(sb_str(&line), "\"decorations\":{\"d\":\"v\"},\"snapshot\":[{\"pid\":\"-42\","
				      "\"name\":\"a\",\"ratio\":\"0.25\",\"gone\":\"\"}],"
				      "\"action\":\"snapshot\"}");
	rs.nrows = 0;
	sb_truncate(&line, 0);
	results_snapshot_line(&line, &meta, &rs);
	CHECK_CONTAINS(sb_str(&line), "\"snapshot\":[],\"action\":\"snapshot\"}");
	rs.nrows = 1;
	result_set_free(&rs);
	sb_free(&line);
}

static void test_diff(void)
{
	char *prev[] = {"a", "b", "b", "c"};
	char *cur[] = {"b", "c", "d", "c"};
	bool gone[4], added[4];

	diff_rows(prev, 4, cur, 4, gone, added);
	/* a left; one of the two b left; c stayed and a second c arrived. */
	CHECK(gone[0]);
	CHECK_EQ_INT(gone[1] + gone[2], 1);
	CHECK(!gone[3]);
	CHECK(!added[0]);
	CHECK_EQ_INT(added[1] + added[3], 1);
	CHECK(added[2]);
	diff_rows(NULL, 0, cur, 2, gone, added);
	CHECK(added[0] && added[1]);
}

static void test_split_rows(void)
{
	char text[] = "{\"a\":\"1\"}\n{\"a\":\"2\"}";
	size_t n;
	char **rows = split_rows(text, &n);

	if (CHECK_EQ_INT(n, 2)) {
		CHECK_EQ_STR(rows[0], "{\"a\":\"1\"}");
		CHECK_EQ_STR(rows[1], "{\"a\":\"2\"}");
	}
	free(rows);
}

int main(void)
{
	test_event_line();
	test_hostile_text();
	test_snapshot_line();
	test_diff();
	test_split_rows();
	return check_finish();
}
