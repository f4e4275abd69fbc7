/* The "-a never,task -F key=sysq" rule: no syscall auditing for new tasks.
 *
 * Once audit has been enabled on a boot, the kernel gives every new task an
 * audit context, even after audit is disabled again and with no rules
 * loaded, and a task with a context takes the slow path on every syscall.
 * A rule on the task list with action "never" stops that: a task created
 * while it is loaded gets no context, for its whole life. It also stops
 * every exit rule from seeing those tasks, sysq's own and other tools'.
 *
 * So sysq adds it only when it installs no syscall rule of its own (it
 * needs audit for userspace messages only), owns the audit configuration
 * (unicast, --audit_allow_config) and no other tool has a rule on the
 * syscall exit, io_uring exit or task lists; it deletes it at exit. The
 * kernel takes a key on a task rule, so the rule carries the key "sysq"
 * and a crashed run's copy goes with the other stale sysq rules
 * (rules.h). If another tool adds a syscall rule while sysq runs, the
 * once-a-second check deletes the never,task rule so that tool's rule
 * sees the tasks created from then on. */
#pragma once

#include "netlink.h"

#include <stdbool.h>
#include <stddef.h>

struct audit_task_rule {
	struct audit_rule_data *rule; /* what this run added, or NULL */
	size_t len;
	bool warned; /* a failed delete was logged; retries stay quiet */
};

/* Builds "-a never,task -k <key>". Free with free(). */
struct audit_rule_data *audit_task_rule_build(const char *key, size_t *len);

/* True for a rule on a list the never,task rule affects: syscall exit,
 * io_uring exit, or task. */
bool audit_rule_on_syscall_lists(const struct audit_rule_data *rule, size_t len);

/* Adds the rule unless another tool has a rule on those lists, saying
 * once in the log why it added nothing. Failing to add it only costs
 * speed, so that is logged too, and 0 returned; -errno only when the
 * rules cannot be listed. */
int audit_task_rule_add(struct audit_nl *ctl, struct audit_task_rule *tr);

/* Once a second while the rule is loaded: deletes it when another tool
 * has added a rule on those lists since, and logs why. */
void audit_task_rule_check(struct audit_nl *ctl, struct audit_task_rule *tr);

/* Deletes the rule if this run added it. Returns 0 or -errno. */
int audit_task_rule_remove(struct audit_nl *ctl, struct audit_task_rule *tr);
