/* The never,task rule's lifecycle (task_rule.h). */
#include "task_rule.h"

#include "rules.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef AUDIT_FILTER_URING_EXIT
#define AUDIT_FILTER_URING_EXIT 0x07 /* kernel 5.16; older headers lack it */
#endif

struct audit_rule_data *audit_task_rule_build(const char *key, size_t *len)
{
	size_t keylen = strlen(key);
	struct audit_rule_data *r;

	*len = sizeof(*r) + keylen;
	r = xcalloc(1, *len);
	r->flags = AUDIT_FILTER_TASK;
	r->action = AUDIT_NEVER;
	/* The task list ignores the mask; all ones is what auditctl sends
	 * for a rule without -S. */
	memset(r->mask, 0xff, sizeof(r->mask));
	audit_rule_add_key(r, key, keylen);
	return r;
}

bool audit_rule_on_syscall_lists(const struct audit_rule_data *rule, size_t len)
{
	if (len < sizeof(*rule))
		return false;
	switch (rule->flags & ~AUDIT_FILTER_PREPEND) {
	case AUDIT_FILTER_EXIT:
	case AUDIT_FILTER_ENTRY:
	case AUDIT_FILTER_URING_EXIT:
	case AUDIT_FILTER_TASK:
		return true;
	default:
		return false;
	}
}

static void count_foreign(void *ctx, const struct audit_rule_data *rule, size_t len)
{
	int *n = ctx;

	if (audit_rule_on_syscall_lists(rule, len) && !audit_rule_has_key(rule, len, SYSQ_RULE_KEY))
		(*n)++;
}

/* How many rules of other tools are on the lists the rule affects, or
 * -errno. */
static int foreign_rules(struct audit_nl *ctl)
{
	int n = 0;
	int err = audit_nl_list_rules(ctl, count_foreign, &n);

	return err < 0 ? err : n;
}

int audit_task_rule_add(struct audit_nl *ctl, struct audit_task_rule *tr)
{
	int n = foreign_rules(ctl);
	struct audit_rule_data *r;
	size_t len;

	if (n < 0)
		return n;
	if (n > 0) {
		log_info("audit: not adding '-a never,task': %d syscall or task rule(s) of another "
			 "tool are loaded, and it would hide new processes from them",
			 n);
		return 0;
	}
	r = audit_task_rule_build(SYSQ_RULE_KEY, &len);
	n = audit_nl_request_ack(ctl, AUDIT_ADD_RULE, r, len, NULL, NULL);
	if (n < 0) {
		/* Without it every new task keeps paying for an audit context;
		 * nothing is lost, so sysq runs on. */
		log_warn("audit: cannot add '-a never,task -F key=%s': %s", SYSQ_RULE_KEY,
			 strerror(-n));
		free(r);
		return 0;
	}
	log_info("audit: no syscall rules needed; added '-a never,task -F key=%s' so that no "
		 "process pays for syscall auditing (--audit_task_never_rule)",
		 SYSQ_RULE_KEY);
	tr->rule = r;
	tr->len = len;
	return 0;
}

void audit_task_rule_check(struct audit_nl *ctl, struct audit_task_rule *tr)
{
	int n;

	if (!tr->rule)
		return;
	n = foreign_rules(ctl);
	if (n <= 0)
		return;
	n = audit_task_rule_remove(ctl, tr);
	if (n < 0 && !tr->warned)
		log_warn("audit: another tool added a syscall or task rule, but '-a never,task' "
			 "cannot be deleted: %s",
			 strerror(-n));
	if (n < 0)
		tr->warned = true;
	else
		log_info("audit: another tool added a syscall or task rule; deleted '-a "
			 "never,task' so that it sees new processes (processes started "
			 "meanwhile stay unaudited)");
}

int audit_task_rule_remove(struct audit_nl *ctl, struct audit_task_rule *tr)
{
	int err;

	if (!tr->rule)
		return 0;
	err = audit_nl_request_ack(ctl, AUDIT_DEL_RULE, tr->rule, tr->len, NULL, NULL);
	if (err == -ENOENT)
		err = 0; /* someone deleted it already */
	if (err == 0) {
		free(tr->rule);
		tr->rule = NULL;
		tr->len = 0;
	}
	return err;
}
