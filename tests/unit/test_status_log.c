/* Status lines from the daemon's log messages: osquery's fields as
 * strings, the node key replaced, the source file and line of the
 * message, a bounded queue whose drops are counted, debug messages left
 * out, and a hook that logs cannot recurse. And the TLS logger's backoff
 * after failed requests. */
#include "check.h"

#include "remote/status_log.h"
#include "remote/tls_logger.h"

#include "common/log.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/sysq-status-XXXXXX";

static void test_format(void)
{
	struct log_record rec = {.level = LOG_LEVEL_WARN,
				 .file = "client.c",
				 .line = 42,
				 .time = {1412098650, 0},
				 .message = "key K3Y \"quoted\" and K3Y again"};
	char *line = status_line_format("host-1", &rec, "K3Y", NULL);
	char *want = NULL;
	cJSON *dec;

	if (asprintf(&want,
		     "{\"hostIdentifier\":\"host-1\",\"calendarTime\":\"Tue Sep 30 17:37:30 2014 "
		     "UTC\",\"unixTime\":\"1412098650\",\"severity\":\"1\",\"filename\":\"client.c\","
		     "\"line\":\"42\",\"message\":\"key <redacted> \\\"quoted\\\" and <redacted> "
		     "again\",\"version\":\"%s\"}",
		     SYSQ_VERSION) < 0)
		return;
	CHECK_EQ_STR(line, want);
	free(line);
	free(want);
	rec.level = LOG_LEVEL_ERROR;
	dec = cJSON_Parse("{\"role\":\"db\"}");
	line = status_line_format("h", &rec, NULL, dec);
	CHECK_CONTAINS(line, "\"severity\":\"2\"");
	CHECK_CONTAINS(line, "K3Y");
	CHECK_CONTAINS(line, ",\"decorations\":{\"role\":\"db\"}}");
	free(line);
	cJSON_Delete(dec);
}

static int hook_calls;

/* A hook that logs: its own message must not come back to it. */
static void logging_hook(void *arg, const struct log_record *rec)
{
	(void)arg;
	(void)rec;
	hook_calls++;
	log_warn("from inside the hook");
}

static void test_no_recursion(void)
{
	log_set_hook(logging_hook, NULL);
	log_info("one message");
	log_set_hook(NULL, NULL);
	CHECK_EQ_INT(hook_calls, 1);
	log_info("after the hook is gone");
	CHECK_EQ_INT(hook_calls, 1);
}

static void test_queue(const char *path)
{
	struct log_buffer *b = NULL;
	struct status_log *s;
	struct log_line lines[4];
	char *err = NULL, want[64];
	int line;

	if (!CHECK(log_buffer_open(path, "tls_status", 0, &b, &err) == 0)) {
		free(err);
		return;
	}
	s = status_log_open("h", 3);
	log_debug("debug messages are not status lines");
	line = __LINE__ + 1;
	log_warn("first");
	log_error("second");
	log_info("third");
	log_info("fourth, over the queue's bound");
	log_info("fifth");
	status_log_flush(s, b, NULL, NULL);
	status_log_close(s);
	CHECK_EQ_UINT(counter_get(log_buffer_counters(b), COUNTER_drop_queue_full), 2);
	if (CHECK_EQ_INT(log_buffer_take(b, 0, lines, 4), 3)) {
		snprintf(want, sizeof(want), "\"line\":\"%d\"", line);
		CHECK_CONTAINS(lines[0].line, want);
		CHECK_CONTAINS(lines[0].line, "\"filename\":\"test_status_log.c\"");
		CHECK_CONTAINS(lines[0].line, "\"severity\":\"1\",");
		CHECK_CONTAINS(lines[0].line, "\"message\":\"first\"");
		CHECK_CONTAINS(lines[1].line, "\"severity\":\"2\",");
		CHECK_CONTAINS(lines[2].line, "\"message\":\"third\"");
		for (int i = 0; i < 3; i++)
			log_line_free(&lines[i]);
	}
	log_buffer_close(b);
}

static void test_backoff(void)
{
	CHECK_EQ_INT(tls_logger_backoff(4, 3600, 0), 4);
	CHECK_EQ_INT(tls_logger_backoff(4, 3600, 1), 4);
	CHECK_EQ_INT(tls_logger_backoff(4, 3600, 3), 36);
	CHECK_EQ_INT(tls_logger_backoff(4, 3600, 30), 3600);
	CHECK_EQ_INT(tls_logger_backoff(4, 3600, 4000000000u), 3600);
	CHECK_EQ_INT(tls_logger_backoff(4, 0, 30), 4);	/* no backoff */
	CHECK_EQ_INT(tls_logger_backoff(10, 2, 5), 10); /* never under the period */
}

int main(void)
{
	char path[64];

	if (!mkdtemp(dir))
		return 1;
	log_set_verbose(true);
	test_format();
	test_no_recursion();
	test_backoff();
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf", dir);
	test_queue(path);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sysq.db.logbuf-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_finish();
}
