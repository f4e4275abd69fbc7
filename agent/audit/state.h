/* The kernel audit settings sysq changes, and putting them back.
 *
 * At start sysq records the status it found (enabled, failure, backlog
 * limit, backlog wait time), then enables audit and sets the backlog. At
 * exit it restores each setting it changed, but only if it still holds the
 * value sysq set: a setting someone else changed meanwhile is theirs. So
 * audit is never disabled when it was found enabled, and a setting is
 * never reverted over another tool's change.
 *
 * The state serializes to one line so the daemon can keep it in its
 * database: after a crash, the next run restores what the crashed run
 * found, not what the crash left behind. */
#pragma once

#include "netlink.h"

#include <stdbool.h>
#include <stdint.h>

struct audit_state {
	struct audit_status found; /* as found before any change */
	struct audit_status set;   /* the values sysq set */
	uint32_t changed;	   /* AUDIT_STATUS_* bits sysq changed */
};

/* Reads the status into st->found and applies enabled=1 and the backlog
 * settings, recording each change. Returns 0, -EPERM when the audit
 * configuration is locked (enabled=2), or -errno. */
int audit_state_apply(struct audit_nl *ctl, uint32_t backlog_limit, uint32_t backlog_wait_time,
		      struct audit_state *st);

/* Adopts a crashed run's record of what it found, for the settings it had
 * changed; the current run's changes are merged on top. */
void audit_state_adopt(struct audit_state *st, const struct audit_state *crashed);

/* Restores what st->changed names, where the kernel still holds st->set.
 * Returns 0 or the first error. */
int audit_state_restore(struct audit_nl *ctl, const struct audit_state *st);

/* One-line text form, and its parser (returns 0 or -EINVAL). */
char *audit_state_format(const struct audit_state *st);
int audit_state_parse(const char *text, struct audit_state *st);
