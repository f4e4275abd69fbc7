/* Unit tests for agent/metrics: the text format writer escapes label
 * values and HELP text; every drop counter has a reason label; the
 * --metrics_listen parser takes numeric ADDR:PORT only; the rendered page
 * carries each publisher's and table's counters as sysq_events has them;
 * and the store writer's stall signal rises while another connection
 * holds the database's write lock, and clears once it lets go. */
#include "metrics/drop_reasons.h"
#include "metrics/exposition.h"
#include "metrics/listen_addr.h"
#include "metrics/sources.h"

#include "core/pubsub.h"

#include "check.h"
#include "store_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <time.h>

static void test_escaping(void)
{
	struct strbuf out = STRBUF_INIT;
	struct metric_label l[2] = {{"table", "a\"b\\c\nd"}, {"reason", "x"}};

	expo_family(&out, "sysq_x_total", METRIC_COUNTER, "Help \\ with\nnewline \"q\"");
	expo_sample(&out, "sysq_x_total", l, 2, 42);
	expo_sample(&out, "sysq_x_total", NULL, 0, 0);
	CHECK_EQ_STR(sb_str(&out), "# HELP sysq_x_total Help \\\\ with\\nnewline \"q\"\n"
				   "# TYPE sysq_x_total counter\n"
				   "sysq_x_total{table=\"a\\\"b\\\\c\\nd\",reason=\"x\"} 42\n"
				   "sysq_x_total 0\n");
	sb_free(&out);
}

static void test_every_drop_has_a_reason(void)
{
	for (unsigned i = 0; i < COUNTER_COUNT; i++) {
		bool counted = i == COUNTER_events || i == COUNTER_stored || i == COUNTER_refreshes ||
			       i == COUNTER_bpf_waiting || i == COUNTER_cgroup_unknown ||
			       i == COUNTER_file_unread;

		if (counted) {
			CHECK(drop_reasons[i].reason == NULL);
			continue;
		}
		if (!CHECK(drop_reasons[i].reason != NULL && drop_reasons[i].on != 0))
			fprintf(stderr, "\tcounter %s has no reason\n", counter_names[i]);
		for (unsigned j = 0; j < i && drop_reasons[i].reason; j++)
			CHECK(!drop_reasons[j].reason ||
			      strcmp(drop_reasons[i].reason, drop_reasons[j].reason) != 0);
	}
}

static void test_listen_addr(void)
{
	static const char *const bad[] = {
	    "",		  "9750",	 ":9750",	    "localhost:9750", "127.0.0.1",
	    "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80x",  "[::1:80",
	    "::1:80",	  "[]:80",	 "[127.0.0.1]:80",  "1.2.3:80",	      "127.0.0.1:+80",
	};
	char err[LISTEN_ADDR_ERROR_MAX];
	struct listen_addr a;

	CHECK_EQ_INT(listen_addr_parse("127.0.0.1:9750", &a, err), 0);
	CHECK_EQ_INT(a.sa.ss_family, AF_INET);
	CHECK_EQ_INT(ntohs(((struct sockaddr_in *)&a.sa)->sin_port), 9750);
	CHECK_EQ_INT(listen_addr_parse("[::1]:65535", &a, err), 0);
	CHECK_EQ_INT(a.sa.ss_family, AF_INET6);
	CHECK_EQ_INT(a.len, sizeof(struct sockaddr_in6));
	CHECK_EQ_INT(listen_addr_parse("0.0.0.0:1", &a, err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (!CHECK_EQ_INT(listen_addr_parse(bad[i], &a, err), -EINVAL))
			fprintf(stderr, "\taccepted '%s'\n", bad[i]);
		CHECK(err[0] != '\0');
	}
}

static void test_render(void)
{
	struct fixture fx;
	struct pubsub *ps = pubsub_new();
	struct publisher *pub = pubsub_add_publisher(ps, PUBLISHER_AUDIT);
	struct subscriber *sub = pubsub_add_subscriber(ps, "unit_events", NULL, NULL);
	struct strbuf out = STRBUF_INIT;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 0))
		return;
	counter_set(&pub->counters, COUNTER_lost_kernel, 7);
	counter_set(&pub->counters, COUNTER_events, 11);
	counter_set(&sub->counters, COUNTER_evicted, 3);
	counter_set(&sub->counters, COUNTER_stored, 5);
	metrics_render(
	    &(struct metrics_sources){
		.pubsub = ps, .store = fx.store, .db_path = fx.path, .stall_ms = 1000},
	    &out);
	CHECK_CONTAINS(sb_str(&out),
		       "\nsysq_events_dropped_total{publisher=\"auditeventpublisher\","
		       "reason=\"kernel_lost\"} 7\n");
	CHECK_CONTAINS(sb_str(&out),
		       "\nsysq_publisher_events_total{publisher=\"auditeventpublisher\"} 11\n");
	CHECK_CONTAINS(sb_str(&out), "\nsysq_events_dropped_total{table=\"unit_events\","
				     "reason=\"evicted\"} 3\n");
	CHECK_CONTAINS(sb_str(&out), "\nsysq_events_stored_total{table=\"unit_events\"} 5\n");
	CHECK_CONTAINS(sb_str(&out), "\nsysq_healthy 1\n");
	CHECK(strstr(sb_str(&out), "{table=\"unit_events\",reason=\"kernel_lost\"}") == NULL);
	sb_free(&out);
	store_close(fx.store);
	pubsub_free(ps);
	fixture_remove(&fx);
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

/* Waits up to `ms` for the stall signal to be (or not be) over 500 ms. */
static bool wait_stalled(struct store *s, bool stalled, long ms)
{
	for (long t = 0; t < ms; t += 50) {
		if ((store_writer_stalled_ms(s, NULL) > 500) == stalled)
			return true;
		sleep_ms(50);
	}
	return false;
}

static void test_writer_stall(void)
{
	struct fixture fx;
	struct metrics_sources src;
	struct strbuf reasons = STRBUF_INIT;
	sqlite3 *other = NULL;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 0) || !fixture_start(&fx))
		return;
	src = (struct metrics_sources){.store = fx.store, .db_path = fx.path, .stall_ms = 500};
	CHECK(wait_stalled(fx.store, false, 3000));
	CHECK(metrics_health(&src, NULL));
	/* Another process's write transaction, as an admin's sqlite3 would. */
	CHECK_EQ_INT(sqlite3_open(fx.path, &other), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	submit(&fx, 1, "a", NULL);
	CHECK(wait_stalled(fx.store, true, 4000));
	CHECK(!metrics_health(&src, &reasons));
	CHECK_CONTAINS(sb_str(&reasons), "store: the writer has finished no write");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	CHECK(wait_stalled(fx.store, false, 10000));
	CHECK(metrics_health(&src, NULL));
	sb_free(&reasons);
	store_close(fx.store);
	fixture_remove(&fx);
}

int main(void)
{
	test_escaping();
	test_every_drop_has_a_reason();
	test_listen_addr();
	test_render();
	test_writer_stall();
	return check_finish();
}
