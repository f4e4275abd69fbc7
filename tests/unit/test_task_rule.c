/* Unit tests for audit/task_rule.c without the kernel: the never,task rule
 * as built (task list, action never, one key field, found by
 * audit_rule_has_key so stale-rule cleanup deletes it), and which loaded
 * rules count as being on the lists it affects. */
#include "audit/rules.h"
#include "audit/task_rule.h"

#include "check.h"

#include <stdlib.h>

static void test_build(void)
{
	size_t len = 0;
	struct audit_rule_data *r = audit_task_rule_build(SYSQ_RULE_KEY, &len);

	if (!CHECK(r != NULL))
		return;
	CHECK_EQ_UINT(len, sizeof(*r) + strlen(SYSQ_RULE_KEY));
	CHECK_EQ_UINT(r->flags, AUDIT_FILTER_TASK);
	CHECK_EQ_UINT(r->action, AUDIT_NEVER);
	CHECK_EQ_UINT(r->field_count, 1);
	CHECK_EQ_UINT(r->fields[0], AUDIT_FILTERKEY);
	CHECK_EQ_UINT(r->values[0], strlen(SYSQ_RULE_KEY));
	CHECK_EQ_UINT(r->fieldflags[0], AUDIT_EQUAL);
	CHECK_EQ_UINT(r->buflen, strlen(SYSQ_RULE_KEY));
	CHECK_EQ_MEM(r->buf, r->buflen, SYSQ_RULE_KEY, strlen(SYSQ_RULE_KEY));
	/* Keyed like the exit rules, so a crashed run's copy is stale. */
	CHECK(audit_rule_has_key(r, len, SYSQ_RULE_KEY));
	CHECK(!audit_rule_has_key(r, len, "sys"));
	/* It is itself on the task list. */
	CHECK(audit_rule_on_syscall_lists(r, len));
	free(r);
}

static bool on_lists(uint32_t flags, size_t len)
{
	struct audit_rule_data *r = calloc(1, sizeof(*r));
	bool on;

	r->flags = flags;
	on = audit_rule_on_syscall_lists(r, len);
	free(r);
	return on;
}

static void test_lists(void)
{
	const size_t full = sizeof(struct audit_rule_data);

	CHECK(on_lists(AUDIT_FILTER_EXIT, full));
	CHECK(on_lists(AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND, full));
	CHECK(on_lists(AUDIT_FILTER_TASK, full));
	CHECK(on_lists(AUDIT_FILTER_ENTRY, full));
	CHECK(on_lists(0x07 /* AUDIT_FILTER_URING_EXIT */, full));
	/* Rules the never,task rule does not affect: userspace messages,
	 * the exclude list, filesystem types. */
	CHECK(!on_lists(AUDIT_FILTER_USER, full));
	CHECK(!on_lists(AUDIT_FILTER_EXCLUDE, full));
	CHECK(!on_lists(AUDIT_FILTER_FS, full));
	CHECK(!on_lists(AUDIT_FILTER_EXCLUDE | AUDIT_FILTER_PREPEND, full));
	/* A truncated rule is not read. */
	CHECK(!on_lists(AUDIT_FILTER_EXIT, full - 1));
	CHECK(!on_lists(AUDIT_FILTER_EXIT, 0));
}

int main(void)
{
	test_build();
	test_lists();
	return check_finish();
}
