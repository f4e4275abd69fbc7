/* Unit tests for audit/state.c without the kernel: the one-line text form
 * kept in the database (format, parse, rejection of anything else) and
 * audit_state_adopt, which merges what a crashed run found and set into
 * the current run's state. */
#include "audit/state.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>

static struct audit_state sample_state(void)
{
	struct audit_state st;

	memset(&st, 0, sizeof(st));
	st.found.enabled = 0;
	st.found.backlog_limit = 64;
	st.found.backlog_wait_time = 60000;
	st.set.enabled = 1;
	st.set.backlog_limit = 4096;
	st.set.backlog_wait_time = 0;
	st.changed = AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT |
		     AUDIT_STATUS_BACKLOG_WAIT_TIME;
	return st;
}

static void test_format(void)
{
	struct audit_state st = sample_state();
	char *text = audit_state_format(&st);

	CHECK_EQ_STR(text, "changed=49 found=0,64,60000 set=1,4096,0");
	free(text);
}

static void test_round_trip(void)
{
	struct audit_state st = sample_state(), back;
	char *text;

	st.found.backlog_limit = UINT32_MAX;
	st.changed = AUDIT_STATUS_BACKLOG_LIMIT;
	text = audit_state_format(&st);
	memset(&back, 0xaa, sizeof(back));
	if (CHECK_EQ_INT(audit_state_parse(text, &back), 0)) {
		CHECK_EQ_UINT(back.changed, st.changed);
		CHECK_EQ_UINT(back.found.enabled, st.found.enabled);
		CHECK_EQ_UINT(back.found.backlog_limit, UINT32_MAX);
		CHECK_EQ_UINT(back.found.backlog_wait_time, st.found.backlog_wait_time);
		CHECK_EQ_UINT(back.set.enabled, st.set.enabled);
		CHECK_EQ_UINT(back.set.backlog_limit, st.set.backlog_limit);
		CHECK_EQ_UINT(back.set.backlog_wait_time, st.set.backlog_wait_time);
		/* Fields outside the text form come back zero. */
		CHECK_EQ_UINT(back.found.pid, 0);
		CHECK_EQ_UINT(back.set.failure, 0);
	}
	free(text);
}

static void check_rejected(const char *file, int line, const char *text)
{
	struct audit_state st;

	check_eq_int(file, line, text, "-EINVAL", audit_state_parse(text, &st), -EINVAL);
}

#define CHECK_REJECTED(text) check_rejected(__FILE__, __LINE__, text)

static void test_parse_rejects(void)
{
	CHECK_REJECTED("");
	CHECK_REJECTED("garbage");
	CHECK_REJECTED("changed=1");
	CHECK_REJECTED("changed=1 found=1,2,3");
	CHECK_REJECTED("changed=1 found=1,2 set=1,2,3");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2,x");
	CHECK_REJECTED("changed=1 found=1;2;3 set=1,2,3");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2,3 ");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2,3\n");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2,3,4");
	CHECK_REJECTED("changed=1 found=1,2,3 set=1,2,3 extra=1");
	CHECK_REJECTED("set=1,2,3 found=1,2,3 changed=1");
}

/* The crashed run enabled audit; this run found it enabled and left it. */
static void test_adopt_original_value(void)
{
	struct audit_state st, crashed;

	memset(&st, 0, sizeof(st));
	memset(&crashed, 0, sizeof(crashed));
	crashed.found.enabled = 0;
	crashed.set.enabled = 1;
	crashed.changed = AUDIT_STATUS_ENABLED;
	st.found.enabled = 1;
	st.found.backlog_limit = 4096;
	audit_state_adopt(&st, &crashed);
	CHECK_EQ_UINT(st.changed, AUDIT_STATUS_ENABLED);
	CHECK_EQ_UINT(st.found.enabled, 0);
	CHECK_EQ_UINT(st.set.enabled, 1);
	/* A setting the crashed run did not change keeps what this run found. */
	CHECK_EQ_UINT(st.found.backlog_limit, 4096);
}

/* Both runs changed the backlog: the original value is the crashed run's
 * find, the value to expect at restore is this run's. */
static void test_adopt_both_changed(void)
{
	struct audit_state st, crashed;

	memset(&st, 0, sizeof(st));
	memset(&crashed, 0, sizeof(crashed));
	crashed.found.backlog_limit = 64;
	crashed.set.backlog_limit = 4096;
	crashed.changed = AUDIT_STATUS_BACKLOG_LIMIT;
	st.found.backlog_limit = 100;
	st.set.backlog_limit = 8192;
	st.found.backlog_wait_time = 7;
	st.set.backlog_wait_time = 0;
	st.changed = AUDIT_STATUS_BACKLOG_LIMIT | AUDIT_STATUS_BACKLOG_WAIT_TIME;
	audit_state_adopt(&st, &crashed);
	CHECK_EQ_UINT(st.changed, AUDIT_STATUS_BACKLOG_LIMIT | AUDIT_STATUS_BACKLOG_WAIT_TIME);
	CHECK_EQ_UINT(st.found.backlog_limit, 64);
	CHECK_EQ_UINT(st.set.backlog_limit, 8192);
	/* This run's own change is untouched. */
	CHECK_EQ_UINT(st.found.backlog_wait_time, 7);
	CHECK_EQ_UINT(st.set.backlog_wait_time, 0);
}

/* Only the settings named in crashed->changed are taken, whatever else
 * the crashed record holds. */
static void test_adopt_ignores_unchanged(void)
{
	struct audit_state st, crashed;

	memset(&st, 0, sizeof(st));
	memset(&crashed, 0, sizeof(crashed));
	crashed.found.enabled = 0;
	crashed.found.backlog_limit = 1;
	crashed.found.backlog_wait_time = 2;
	crashed.set.backlog_limit = 3;
	crashed.found.failure = 2;
	crashed.changed = AUDIT_STATUS_FAILURE; /* not a setting sysq changes */
	st.found.enabled = 1;
	st.found.backlog_limit = 8192;
	st.found.failure = 1;
	audit_state_adopt(&st, &crashed);
	CHECK_EQ_UINT(st.changed, 0);
	CHECK_EQ_UINT(st.found.enabled, 1);
	CHECK_EQ_UINT(st.found.backlog_limit, 8192);
	CHECK_EQ_UINT(st.found.failure, 1);
	CHECK_EQ_UINT(st.set.backlog_limit, 0);
}

/* The crashed state survives the text form it is stored in. */
static void test_adopt_after_parse(void)
{
	struct audit_state st, crashed;

	memset(&st, 0, sizeof(st));
	if (!CHECK_EQ_INT(audit_state_parse("changed=17 found=0,64,0 set=1,4096,0", &crashed), 0))
		return;
	st.found.enabled = 1;
	st.found.backlog_limit = 4096;
	audit_state_adopt(&st, &crashed);
	CHECK_EQ_UINT(st.changed, AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_LIMIT);
	CHECK_EQ_UINT(st.found.enabled, 0);
	CHECK_EQ_UINT(st.found.backlog_limit, 64);
	CHECK_EQ_UINT(st.set.enabled, 1);
	CHECK_EQ_UINT(st.set.backlog_limit, 4096);
}

int main(void)
{
	test_format();
	test_round_trip();
	test_parse_rejects();
	test_adopt_original_value();
	test_adopt_both_changed();
	test_adopt_ignores_unchanged();
	test_adopt_after_parse();
	return check_finish();
}
