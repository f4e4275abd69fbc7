/* Unit tests for audit/assembler.c: records grouped into events by their
 * audit(SEC.MSEC:SERIAL) id and delivered at their EOE, interleaved events
 * kept apart, standalone userspace records delivered at once, events that
 * never see their EOE given up on timeout, on max_pending overflow and on
 * flush (syscall events dropped and counted, others delivered), and
 * audit_event_record. */
#include "audit/assembler.h"
#include "audit/record_types.h"

#include "check.h"

#include <stdlib.h>

#define MAX_EVENTS 16
#define MAX_TYPES  8

/* What the callback saw of one delivered event; the event itself is freed
 * when the callback returns. */
struct seen_event {
	uint64_t sec;
	uint32_t msec;
	uint64_t serial;
	unsigned nrecords;
	unsigned chained; /* records reachable from ev->first */
	uint16_t types[MAX_TYPES];
	bool has_syscall;
	int64_t first_path_item; /* item= of the first PATH record, or -1 */
	bool has_execve;
};

struct recorder {
	struct seen_event ev[MAX_EVENTS];
	size_t n;
};

static void record_event(void *ctx, const struct audit_event *ev)
{
	struct recorder *rc = ctx;
	struct seen_event *s;
	const struct audit_record *path;

	if (!CHECK(rc->n < MAX_EVENTS))
		return;
	s = &rc->ev[rc->n++];
	s->sec = ev->sec;
	s->msec = ev->msec;
	s->serial = ev->serial;
	s->nrecords = ev->nrecords;
	s->has_syscall = ev->has_syscall;
	for (const struct audit_record *r = ev->first; r; r = r->next) {
		if (s->chained < MAX_TYPES)
			s->types[s->chained] = r->type;
		s->chained++;
		if (!r->next)
			CHECK(r == ev->last);
	}
	path = audit_event_record(ev, AUDIT_TYPE_PATH);
	s->first_path_item = -1;
	if (path && audit_record_i64(path, "item", &s->first_path_item) < 0)
		s->first_path_item = -2;
	s->has_execve = audit_event_record(ev, AUDIT_TYPE_EXECVE) != NULL;
}

/* Parses `text` as a record of `type` and feeds it at time `now`. */
static void feed(struct audit_assembler *a, uint16_t type, const char *text, uint64_t now)
{
	struct audit_record *rec = NULL;

	if (!CHECK_EQ_INT(audit_record_parse(type, text, strlen(text), &rec), 0))
		abort();
	audit_assembler_feed(a, rec, now);
}

static void test_interleaved_events(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 1000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(100.001:10): arch=c000003e syscall=59", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(100.001:11): arch=c000003e syscall=59", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(100.001:10): cwd=\"/a\"", 0);
	feed(a, AUDIT_TYPE_EXECVE, "audit(100.001:11): argc=1 a0=\"b\"", 0);
	feed(a, AUDIT_TYPE_PATH, "audit(100.001:10): item=0 name=\"/bin/a\"", 0);
	CHECK_EQ_UINT(rc.n, 0);
	feed(a, AUDIT_TYPE_EOE, "audit(100.001:10): ", 0);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].serial, 10);
		CHECK_EQ_UINT(rc.ev[0].sec, 100);
		CHECK_EQ_UINT(rc.ev[0].msec, 1);
		/* The EOE ends the event but is not part of it. */
		CHECK_EQ_UINT(rc.ev[0].nrecords, 3);
		CHECK_EQ_UINT(rc.ev[0].chained, 3);
		CHECK_EQ_INT(rc.ev[0].types[0], AUDIT_TYPE_SYSCALL);
		CHECK_EQ_INT(rc.ev[0].types[1], AUDIT_TYPE_CWD);
		CHECK_EQ_INT(rc.ev[0].types[2], AUDIT_TYPE_PATH);
		CHECK(rc.ev[0].has_syscall);
	}
	feed(a, AUDIT_TYPE_EOE, "audit(100.001:11): ", 0);
	if (CHECK_EQ_UINT(rc.n, 2)) {
		CHECK_EQ_UINT(rc.ev[1].serial, 11);
		CHECK_EQ_UINT(rc.ev[1].nrecords, 2);
		CHECK_EQ_INT(rc.ev[1].types[0], AUDIT_TYPE_SYSCALL);
		CHECK_EQ_INT(rc.ev[1].types[1], AUDIT_TYPE_EXECVE);
		CHECK(rc.ev[1].has_execve);
	}
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 0);
	audit_assembler_free(a);
}

/* The same serial at another time is another event. */
static void test_id_includes_time(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 1000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(1.000:50): syscall=59", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(2.000:50): syscall=59", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(1.001:50): cwd=\"/\"", 0);
	feed(a, AUDIT_TYPE_EOE, "audit(2.000:50): ", 0);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].sec, 2);
		CHECK_EQ_UINT(rc.ev[0].nrecords, 1);
	}
	feed(a, AUDIT_TYPE_EOE, "audit(1.000:50): ", 0);
	if (CHECK_EQ_UINT(rc.n, 2)) {
		CHECK_EQ_UINT(rc.ev[1].sec, 1);
		CHECK_EQ_UINT(rc.ev[1].msec, 0);
		CHECK_EQ_UINT(rc.ev[1].nrecords, 1);
	}
	feed(a, AUDIT_TYPE_EOE, "audit(1.001:50): ", 0);
	if (CHECK_EQ_UINT(rc.n, 3)) {
		CHECK_EQ_UINT(rc.ev[2].msec, 1);
		CHECK_EQ_INT(rc.ev[2].types[0], AUDIT_TYPE_CWD);
	}
	audit_assembler_free(a);
}

static void test_standalone_records(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 1000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(5.000:1): syscall=59", 0);
	feed(a, AUDIT_TYPE_USER_LOGIN, "audit(5.000:2): pid=1 msg='op=login res=success'", 0);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].serial, 2);
		CHECK_EQ_UINT(rc.ev[0].nrecords, 1);
		CHECK_EQ_INT(rc.ev[0].types[0], AUDIT_TYPE_USER_LOGIN);
		CHECK(!rc.ev[0].has_syscall);
	}
	feed(a, AUDIT_TYPE_USER, "audit(5.000:3): pid=1 msg='text'", 0);
	feed(a, 1100, "audit(5.000:4): pid=1 msg='op=PAM:auth res=success'", 0);
	feed(a, 1299, "audit(5.000:5): pid=1 msg='x'", 0);
	feed(a, 2100, "audit(5.000:6): pid=1 msg='x'", 0);
	if (CHECK_EQ_UINT(rc.n, 5)) {
		CHECK_EQ_UINT(rc.ev[1].serial, 3);
		CHECK_EQ_INT(rc.ev[1].types[0], AUDIT_TYPE_USER);
		CHECK_EQ_INT(rc.ev[2].types[0], 1100);
		CHECK_EQ_INT(rc.ev[3].types[0], 1299);
		CHECK_EQ_INT(rc.ev[4].types[0], 2100);
	}
	/* Kernel records around the range wait for their EOE. */
	feed(a, AUDIT_TYPE_LOGIN, "audit(5.000:7): pid=1", 0);
	feed(a, AUDIT_TYPE_CONFIG_CHANGE, "audit(5.000:8): op=add_rule", 0);
	CHECK_EQ_UINT(rc.n, 5);
	/* The syscall event is still pending and complete at its EOE. */
	feed(a, AUDIT_TYPE_EOE, "audit(5.000:1): ", 0);
	if (CHECK_EQ_UINT(rc.n, 6))
		CHECK_EQ_UINT(rc.ev[5].serial, 1);
	audit_assembler_free(a);
}

static void test_timeout(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 500, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(7.000:20): syscall=59", 1000);
	feed(a, AUDIT_TYPE_PATH, "audit(7.000:20): item=0", 1000);
	feed(a, AUDIT_TYPE_CONFIG_CHANGE, "audit(7.000:21): op=add_rule res=1", 1000);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(7.000:22): syscall=59", 1200);
	/* A later record does not make an event younger. */
	feed(a, AUDIT_TYPE_CWD, "audit(7.000:20): cwd=\"/\"", 1400);
	audit_assembler_tick(a, 1499);
	CHECK_EQ_UINT(rc.n, 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 0);
	audit_assembler_tick(a, 1500);
	/* Serial 20 has a SYSCALL: dropped and counted. 21 has none: delivered. */
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].serial, 21);
		CHECK_EQ_INT(rc.ev[0].types[0], AUDIT_TYPE_CONFIG_CHANGE);
	}
	/* Serial 22 arrived later and is not expired yet. */
	audit_assembler_tick(a, 1699);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	audit_assembler_tick(a, 1700);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 2);
	CHECK_EQ_UINT(rc.n, 1);
	/* Nothing is left to give up. */
	audit_assembler_flush(a);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 2);
	CHECK_EQ_UINT(rc.n, 1);
	audit_assembler_free(a);
}

static void test_max_pending(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 60000, 2);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:30): syscall=59", 0);
	feed(a, AUDIT_TYPE_CONFIG_CHANGE, "audit(9.000:31): op=x", 0);
	CHECK_EQ_UINT(rc.n, 0);
	/* A third event gives up the oldest, a syscall event: counted. */
	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:32): syscall=59", 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	CHECK_EQ_UINT(rc.n, 0);
	/* A fourth gives up 31, which is delivered as it is. */
	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:33): syscall=59", 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	if (CHECK_EQ_UINT(rc.n, 1))
		CHECK_EQ_UINT(rc.ev[0].serial, 31);
	/* A record of a pending event is no new event. */
	feed(a, AUDIT_TYPE_CWD, "audit(9.000:32): cwd=\"/\"", 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	feed(a, AUDIT_TYPE_EOE, "audit(9.000:32): ", 0);
	feed(a, AUDIT_TYPE_EOE, "audit(9.000:33): ", 0);
	if (CHECK_EQ_UINT(rc.n, 3)) {
		CHECK_EQ_UINT(rc.ev[1].serial, 32);
		CHECK_EQ_UINT(rc.ev[1].nrecords, 2);
		CHECK_EQ_UINT(rc.ev[2].serial, 33);
	}
	audit_assembler_free(a);
}

/* max_pending 0 means one pending event, not none. */
static void test_max_pending_zero(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 60000, 0);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:40): syscall=59", 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 0);
	feed(a, AUDIT_TYPE_EOE, "audit(9.000:40): ", 0);
	if (CHECK_EQ_UINT(rc.n, 1))
		CHECK_EQ_UINT(rc.ev[0].nrecords, 1);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:41): syscall=59", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(9.000:42): syscall=59", 0);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	audit_assembler_free(a);
}

static void test_flush(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 60000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(11.000:40): syscall=59", 0);
	feed(a, AUDIT_TYPE_EXECVE, "audit(11.000:40): argc=1 a0=\"x\"", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(11.000:41): cwd=\"/\"", 0);
	feed(a, AUDIT_TYPE_PATH, "audit(11.000:41): item=0 name=\"/x\"", 0);
	audit_assembler_flush(a);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].serial, 41);
		CHECK_EQ_UINT(rc.ev[0].nrecords, 2);
		CHECK(!rc.ev[0].has_syscall);
	}
	/* Flushed events are gone: a tick far ahead finds nothing. */
	audit_assembler_tick(a, UINT64_MAX / 2);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 1);
	CHECK_EQ_UINT(rc.n, 1);
	audit_assembler_free(a);
}

static void test_event_record_lookup(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 1000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(12.000:60): syscall=59", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(12.000:60): cwd=\"/\"", 0);
	feed(a, AUDIT_TYPE_PATH, "audit(12.000:60): item=0 name=\"/bin/sh\"", 0);
	feed(a, AUDIT_TYPE_PATH, "audit(12.000:60): item=1 name=\"/lib/ld.so\"", 0);
	feed(a, AUDIT_TYPE_EOE, "audit(12.000:60): ", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(12.000:61): syscall=59", 0);
	feed(a, AUDIT_TYPE_EOE, "audit(12.000:61): ", 0);
	if (CHECK_EQ_UINT(rc.n, 2)) {
		CHECK_EQ_INT(rc.ev[0].first_path_item, 0);
		CHECK(!rc.ev[0].has_execve);
		CHECK_EQ_INT(rc.ev[1].first_path_item, -1);
	}
	audit_assembler_free(a);
}

/* Pending events are freed without being delivered or counted; ASan
 * checks that nothing leaks. */
static void test_free_with_pending(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 1000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(13.000:70): syscall=59", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(13.000:71): cwd=\"/\"", 0);
	audit_assembler_free(a);
	CHECK_EQ_UINT(rc.n, 0);
	audit_assembler_free(NULL);
}

/* PROCTITLE is the kernel's last record before EOE: the event is whole
 * when it comes, and the EOE after it (when it is not lost) is dropped. */
static void test_proctitle_completes(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 60000, 64);

	feed(a, AUDIT_TYPE_SYSCALL, "audit(14.000:80): syscall=59", 0);
	feed(a, AUDIT_TYPE_CWD, "audit(14.000:80): cwd=\"/\"", 0);
	feed(a, AUDIT_TYPE_PROCTITLE, "audit(14.000:80): proctitle=6C73", 0);
	if (CHECK_EQ_UINT(rc.n, 1)) {
		CHECK_EQ_UINT(rc.ev[0].nrecords, 3);
		CHECK_EQ_UINT(rc.ev[0].types[2], AUDIT_TYPE_PROCTITLE);
	}
	feed(a, AUDIT_TYPE_EOE, "audit(14.000:80): ", 0);
	/* Live, a later serial completes nothing: records interleave. */
	feed(a, AUDIT_TYPE_SYSCALL, "audit(14.000:81): syscall=59", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(14.000:82): syscall=59", 0);
	CHECK_EQ_UINT(rc.n, 1);
	audit_assembler_flush(a);
	CHECK_EQ_UINT(rc.n, 1);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 2);
	audit_assembler_free(a);
}

/* From a log (no EOE ever): a record of a later serial completes the
 * events before it, interleaved earlier records still find their event,
 * and the end of the input delivers the last event instead of dropping it. */
static void test_log_input(void)
{
	struct recorder rc = {0};
	struct audit_assembler *a = audit_assembler_new(record_event, &rc, 60000, 64);

	audit_assembler_set_log_input(a, true);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(15.000:92): syscall=59", 0);
	feed(a, AUDIT_TYPE_SYSCALL, "audit(15.000:90): syscall=57", 0);
	CHECK_EQ_UINT(rc.n, 0);
	feed(a, AUDIT_TYPE_CWD, "audit(15.000:92): cwd=\"/\"", 0);
	feed(a, AUDIT_TYPE_USER_CMD, "audit(15.000:91): msg='cmd=6C73'", 0);
	CHECK_EQ_UINT(rc.n, 1); /* the standalone record, delivered at once */
	feed(a, AUDIT_TYPE_SYSCALL, "audit(15.000:93): syscall=59", 0);
	if (CHECK_EQ_UINT(rc.n, 3)) {
		CHECK_EQ_UINT(rc.ev[1].serial, 92);
		CHECK_EQ_UINT(rc.ev[1].nrecords, 2);
		CHECK_EQ_UINT(rc.ev[2].serial, 90);
	}
	audit_assembler_flush(a);
	if (CHECK_EQ_UINT(rc.n, 4))
		CHECK_EQ_UINT(rc.ev[3].serial, 93);
	CHECK_EQ_UINT(audit_assembler_incomplete(a), 0);
	audit_assembler_free(a);
}

int main(void)
{
	test_proctitle_completes();
	test_log_input();
	test_interleaved_events();
	test_id_includes_time();
	test_standalone_records();
	test_timeout();
	test_max_pending();
	test_max_pending_zero();
	test_flush();
	test_event_record_lookup();
	test_free_with_pending();
	return check_finish();
}
