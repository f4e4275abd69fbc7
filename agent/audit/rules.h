/* sysq's audit rules: build, add, and remove exactly what was added.
 *
 * sysq's syscall rules are exit rules "-a always,exit -F arch=bXX
 * -S ... -k sysq": one rule per ABI with all the syscalls the enabled
 * tables need. Its only other rule, "-a never,task -F key=sysq"
 * (task_rule.h), carries the same key. The key marks a rule as sysq's, so
 * a restart after a crash can find and delete stale rules without
 * touching anyone else's. */
#pragma once

#include "netlink.h"
#include "syscalls.h"

#include <stdbool.h>
#include <stddef.h>

#define SYSQ_RULE_KEY "sysq"

/* The rules this run added, to delete at shutdown. */
struct audit_rule_set {
	struct audit_rule_data *rules[AUDIT_ABI_COUNT];
	size_t lens[AUDIT_ABI_COUNT];
	size_t n;
};

/* Builds the exit rule for one ABI. Returns NULL (and len 0) if the ABI
 * has none of the wanted syscalls. Free with free(). */
struct audit_rule_data *audit_rule_build(const struct audit_abi *abi,
					 const bool want[AUDIT_SYSCALL_COUNT], const char *key,
					 size_t *len);

/* True if the rule's key list (keys joined by \x01) contains `key`. */
/* Appends the field `key=KEY` to a rule allocated with keylen bytes of
 * buf to spare, as the last field (buf holds only the key). */
void audit_rule_add_key(struct audit_rule_data *rule, const char *key, size_t keylen);

bool audit_rule_has_key(const struct audit_rule_data *rule, size_t len, const char *key);

/* Adds a rule per ABI for the wanted syscalls. On failure the rules added
 * so far stay in `added` (the caller removes them). Returns 0 or -errno. */
int audit_rules_add(struct audit_nl *ctl, const bool want[AUDIT_SYSCALL_COUNT],
		    struct audit_rule_set *added);

/* Deletes the rules in `set` and frees them. Returns 0 or the first error. */
int audit_rules_remove(struct audit_nl *ctl, struct audit_rule_set *set);

/* Deletes every loaded rule keyed SYSQ_RULE_KEY (left by a crashed run).
 * Returns how many were deleted, or -errno. */
int audit_rules_remove_stale(struct audit_nl *ctl);
