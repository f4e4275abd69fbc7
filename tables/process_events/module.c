/* process_events: one row per successful execve or execveat, and with
 * the lifecycle flags one per fork, exit and kill (audit.c, bpf.c).
 *
 * Example:
 *   SELECT pid, parent, path, cmdline, cwd FROM process_events
 *    WHERE time > strftime('%s', 'now') - 300;
 *   SELECT argv FROM process_events WHERE path = '/usr/bin/curl';
 *
 * The table's schema and module. Two sources feed it, each with its own
 * row builder in this folder: audit.c (the audit publisher's SYSCALL,
 * EXECVE, CWD and PATH records) and bpf.c (the exec BPF program's
 * records). row.c holds what both share. The hidden `source` column says
 * which one built a row. Unlike osquery, `cmdline` shell-quotes arguments
 * so argv boundaries survive, `argv` holds the exact arguments as JSON and
 * `cwd` is decoded. */
#include "process_events.h"

#include <string.h>

static const struct column_def process_events_columns[] = {
#define X(name, type, hidden, desc) {#name, COLUMN_##type, hidden, desc},
	PROCESS_EVENTS_COLUMNS(X)
#undef X
};

static const struct table_def process_events_def = {
	.name = "process_events",
	.description = "Process executions (execve, execveat), and with the lifecycle flags "
		       "forks, exits and kills, recorded by the kernel audit subsystem or the "
		       "exec BPF program",
	.columns = process_events_columns,
	.ncolumns = PE_COUNT,
	.time_column = PE_time,
	.eid_column = PE_eid,
	.before_store = process_events_file_times,
};

/* Any of the lifecycle switches asks for the table on its own. */
static bool lifecycle_enabled(const struct sysq_flags *flags)
{
	return flags->audit_allow_fork_process_events || flags->audit_allow_kill_process_events ||
	       flags->audit_allow_exit_process_events;
}

/* Audit's switch, as in osquery; or BPF required outright. */
static bool process_events_enabled(const struct sysq_flags *flags)
{
	return flags->audit_allow_process_events ||
	       strcmp(flags->enable_bpf_process_events, "true") == 0 || lifecycle_enabled(flags);
}

/* The rules of the lifecycle calls each flag allows: each is a syscall
 * rule like exec's, so it puts every syscall on audit's slow path. */
static void lifecycle_syscalls(const struct sysq_flags *flags, bool want[AUDIT_SYSCALL_COUNT])
{
	if (flags->audit_allow_fork_process_events) {
		want[AUDIT_SYSCALL_fork] = true;
		want[AUDIT_SYSCALL_vfork] = true;
		want[AUDIT_SYSCALL_clone] = true;
		want[AUDIT_SYSCALL_clone3] = true;
	}
	if (flags->audit_allow_kill_process_events) {
		want[AUDIT_SYSCALL_kill] = true;
		want[AUDIT_SYSCALL_tkill] = true;
		want[AUDIT_SYSCALL_tgkill] = true;
	}
	if (flags->audit_allow_exit_process_events) {
		want[AUDIT_SYSCALL_exit] = true;
		want[AUDIT_SYSCALL_exit_group] = true;
	}
}

/* With BPF feeding the table, audit exec rules would only duplicate its
 * rows, and put every syscall of every task on audit's slow path, unless
 * asked to keep them. */
static void process_events_syscalls(const struct sysq_flags *flags,
				    const bool running[PUBLISHER_COUNT],
				    bool want[AUDIT_SYSCALL_COUNT])
{
	if (running[PUBLISHER_BPF_EXEC] && !flags->audit_keep_exec_rules)
		return;
	lifecycle_syscalls(flags, want);
	if (!flags->audit_allow_process_events && !running[PUBLISHER_BPF_EXEC])
		return;
	want[AUDIT_SYSCALL_execve] = true;
	want[AUDIT_SYSCALL_execveat] = true;
}

const struct table_module process_events_module = {
	.def = &process_events_def,
	.on_event = {[PUBLISHER_AUDIT] = process_events_on_audit,
		     [PUBLISHER_BPF_EXEC] = process_events_on_bpf},
	.enabled = process_events_enabled,
	.audit_syscalls = process_events_syscalls,
};
