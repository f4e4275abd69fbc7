/* Undoing what a dead sysq run left in the kernel's audit configuration
 * (host_restore.h). */
#include "host_restore.h"

#include "netlink.h"
#include "rules.h"

#include "common/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Clears the audit pid when the process that holds it is gone. The
 * kernel notices a dead audit daemon only when it next fails to send it a
 * record; until then `auditctl -s` shows the dead pid. A live holder
 * (auditd, or a sysq on another database) keeps it. */
static bool clear_dead_pid(struct audit_nl *ctl, uint32_t pid)
{
	struct audit_status s;

	if (pid == 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return false;
	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = 0;
	return audit_nl_set_status(ctl, &s) == 0;
}

/* Rules, then settings, as the daemon's own shutdown does. */
static int undo(struct audit_nl *ctl, const struct audit_state *saved,
		struct audit_restore_result *res, char **err)
{
	int rc = audit_rules_remove_stale(ctl);

	if (rc < 0) {
		*err = xasprintf("cannot delete sysq's audit rules: %s", strerror(-rc));
		return rc;
	}
	res->rules_deleted = rc;
	rc = saved ? audit_state_restore(ctl, saved) : 0;
	if (rc < 0) {
		*err = xasprintf("cannot restore the audit settings: %s", strerror(-rc));
		return rc;
	}
	res->state_restored = saved != NULL;
	return 0;
}

int audit_restore_host(const struct audit_state *saved, struct audit_restore_result *res,
		       char **err)
{
	struct audit_nl ctl = {.fd = -1};
	struct audit_status st;
	int rc = audit_nl_open(&ctl, 0);

	memset(res, 0, sizeof(*res));
	if (rc < 0) {
		*err = xasprintf("cannot open the audit netlink socket: %s%s", strerror(-rc),
				 rc == -EPERM ? " (CAP_AUDIT_CONTROL is needed)" : "");
		return rc;
	}
	rc = audit_nl_get_status(&ctl, &st);
	if (rc < 0) {
		*err = xasprintf("cannot read the audit status: %s", strerror(-rc));
	} else if (st.enabled == 2) {
		*err = xasprintf("the audit configuration is locked (enabled=2) until reboot; "
				 "nothing can be changed");
		rc = -EPERM;
	} else {
		rc = undo(&ctl, saved, res, err);
		res->pid_cleared = clear_dead_pid(&ctl, st.pid);
	}
	audit_nl_close(&ctl);
	return rc;
}
