/* Putting the host back after a sysq run that did not stop cleanly.
 *
 * A run that is killed (SIGKILL, the OOM killer, a crash) cannot undo
 * what it changed: its audit rules stay loaded and the audit settings it
 * set (enabled, backlog limit, backlog wait time) stay set. What it
 * changed is in its database (the restore record, state.h's text form).
 * `sysq restore` and the next daemon start undo it from there: every rule
 * keyed "sysq" is deleted (rules.h), and each recorded setting still
 * holding the value sysq set goes back to what that run found. A dead
 * process's audit pid registration is cleared too. BPF programs need
 * nothing: they are attached through the process's descriptors, pin
 * nothing, and go with the process. */
#pragma once

#include "state.h"

#include <stdbool.h>

struct audit_restore_result {
	int rules_deleted;   /* sysq-keyed rules deleted */
	bool state_restored; /* the recorded settings were put back */
	bool pid_cleared;    /* a dead process's audit pid was cleared */
};

/* Deletes sysq's rules and restores `saved` (NULL: no record, rules
 * only). Returns 0, or the first -errno with *err saying what failed
 * (free it); what could be done is done either way. */
int audit_restore_host(const struct audit_state *saved, struct audit_restore_result *res,
		       char **err);
