/* The durable log buffer: lines come back in order, past the limit the
 * oldest not handed on are dropped and counted, confirmed lines leave,
 * and what is left survives closing and opening the file again. */
#include "check.h"

#include "store/log_buffer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/sysq-logbuf-XXXXXX";

static struct log_buffer *open_buffer(const char *path, int64_t max)
{
	struct log_buffer *b = NULL;
	char *err = NULL;

	if (log_buffer_open(path, "test", max, &b, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
	}
	return b;
}

static void append(struct log_buffer *b, int first, int last)
{
	for (int i = first; i <= last; i++) {
		char line[32];

		snprintf(line, sizeof(line), "line %d", i);
		CHECK_EQ_INT(log_buffer_append(b, "q", line, strlen(line)), 0);
	}
}

/* Takes up to n lines after `after`, checks they are first..first+n-1. */
static int64_t take_expect(struct log_buffer *b, int64_t after, int n, int first)
{
	struct log_line lines[8];
	int got = log_buffer_take(b, after, lines, 8);
	int64_t last = after;

	CHECK_EQ_INT(got, n);
	for (int i = 0; i < got; i++) {
		char want[32];

		snprintf(want, sizeof(want), "line %d", first + i);
		CHECK_EQ_STR(lines[i].line, want);
		CHECK_EQ_STR(lines[i].name, "q");
		last = lines[i].id;
		log_line_free(&lines[i]);
	}
	return last;
}

static void test_limit_and_restart(const char *path)
{
	struct log_buffer *b = open_buffer(path, 4);
	struct log_line one;
	int64_t first_id;

	if (!CHECK(b != NULL))
		return;
	CHECK_EQ_INT(log_buffer_window(b), 2);
	append(b, 1, 3);
	/* The shipper holds line 1; lines 2.. may be dropped. */
	CHECK_EQ_INT(log_buffer_take(b, 0, &one, 1), 1);
	first_id = one.id;
	CHECK_EQ_STR(one.line, "line 1");
	log_line_free(&one);
	append(b, 4, 6);
	CHECK_EQ_INT(log_buffer_pending(b), 4);
	CHECK_EQ_UINT(counter_get(log_buffer_counters(b), COUNTER_evicted), 2);
	CHECK_EQ_UINT(counter_get(log_buffer_counters(b), COUNTER_events), 6);
	take_expect(b, first_id, 3, 4);
	CHECK_EQ_INT(log_buffer_confirm(b, &first_id, 1), 0);
	CHECK_EQ_UINT(counter_get(log_buffer_counters(b), COUNTER_stored), 1);
	log_buffer_close(b);

	b = open_buffer(path, 4);
	if (!CHECK(b != NULL))
		return;
	CHECK_EQ_INT(log_buffer_pending(b), 3);
	take_expect(b, 0, 3, 4);
	log_buffer_close(b);
}

int main(void)
{
	char path[64];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf", dir);
	test_limit_and_restart(path);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_finish();
}
