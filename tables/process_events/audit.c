/* process_events rows from audit (source = 'audit'): the exec syscalls
 * that succeeded, from the SYSCALL record (ids, exe, ppid), the EXECVE
 * records (argv), CWD and the PATH record of the executed file (item=0:
 * mode, owner). `time` is the audit timestamp.
 *
 * With the lifecycle flags, also the SYSCALL records of fork, vfork,
 * clone and clone3 that created a process (pid = the child, the call's
 * return value; parent = the caller), of successful kill, tkill and tgkill
 * (target_pid and signal from their arguments) and of exit and
 * exit_group (exit_code from the argument; the kernel writes the record
 * as the task ends, with no result). These rows carry the caller's ids
 * and leave the exec columns (path, cmdline, cwd, file) NULL. */
#include "process_events.h"

#include "audit/audit_row.h"

#include "audit/assembler.h"
#include "audit/execve.h"
#include "audit/record_types.h"

#include "common/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_ids(struct row *row, const struct audit_record *sc)
{
	static const struct field_column ids[] = {
		{"pid", PE_pid},     {"ppid", PE_parent}, {"auid", PE_auid},	 {"uid", PE_uid},
		{"euid", PE_euid},   {"gid", PE_gid},	  {"egid", PE_egid},	 {"fsuid", PE_fsuid},
		{"suid", PE_suid},   {"fsgid", PE_fsgid}, {"sgid", PE_sgid},
	};

	audit_row_ints(row, sc, ids, sizeof(ids) / sizeof(ids[0]));
}

/* The PATH record of the executed file: item=0. */
static const struct audit_record *exec_path_record(const struct audit_event *ev)
{
	for (const struct audit_record *r = ev->first; r; r = r->next) {
		int64_t item;

		if (r->type == AUDIT_TYPE_PATH && audit_record_i64(r, "item", &item) == 0 && item == 0)
			return r;
	}
	return NULL;
}

static void set_path_record(struct row *row, const struct audit_event *ev)
{
	static const struct field_column owner[] = {{"ouid", PE_owner_uid}, {"ogid", PE_owner_gid}};
	const struct audit_record *path = exec_path_record(ev);
	const struct audit_field *mode;

	if (!path)
		return;
	mode = audit_record_field(path, "mode");
	if (mode)
		row_set_text(row, PE_mode, mode->val, mode->val_len);
	audit_row_ints(row, path, owner, 2);
	process_events_file_identity(row, path);
}

static void set_args(struct row *row, const struct audit_event *ev, struct strbuf *scratch)
{
	struct exec_args args;
	struct args_builder b;

	if (exec_args_collect(ev, &args) < 0) {
		exec_args_free(&args);
		row_set_str(row, PE_overflows, "argv");
		return;
	}
	args_begin(&b, scratch);
	for (size_t i = 0; i < args.argc; i++) {
		size_t len;
		const char *arg = exec_arg(&args, i, &len);

		args_add(&b, arg, len);
	}
	args_finish(&b, row, args.complete);
	exec_args_free(&args);
}

/* Returns the exec syscall of a successful SYSCALL record, or -1. */
static int exec_syscall(const struct audit_record *sc)
{
	struct syscall_info si;

	if (audit_syscall_info(sc, &si) < 0 || !si.success)
		return -1;
	return si.which == AUDIT_SYSCALL_execve || si.which == AUDIT_SYSCALL_execveat ? si.which
										     : -1;
}

static struct row *build_row(const struct table_ctx *tc, const struct audit_event *ev,
			     const struct audit_record *sc, int syscall)
{
	struct row *row = row_new(tc->table, PE_COUNT);
	struct strbuf scratch = STRBUF_INIT;
	const struct audit_record *cwd;

	set_ids(row, sc);
	audit_row_decoded(row, PE_path, audit_record_field(sc, "exe"), &scratch);
	cwd = audit_event_record(ev, AUDIT_TYPE_CWD);
	audit_row_decoded(row, PE_cwd, cwd ? audit_record_field(cwd, "cwd") : NULL, &scratch);
	set_path_record(row, ev);
	set_args(row, ev, &scratch);
	row_set_int(row, PE_time, (int64_t)ev->sec);
	row_set_int(row, PE_uptime, (int64_t)ev->sec - tc->boot_time);
	row_set_str(row, PE_syscall, audit_syscall_name(syscall));
	row_set_str(row, PE_source, "audit");
	audit_row_node(row, PE_node, sc);
	sb_free(&scratch);
	return row;
}

void process_events_on_audit(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct audit_event *ev = event;
	const struct audit_record *sc;
	struct row *row;
	int syscall;

	if (!ev->has_syscall)
		return;
	sc = audit_event_record(ev, AUDIT_TYPE_SYSCALL);
	syscall = exec_syscall(sc);
	if (syscall < 0) {
		process_events_audit_lifecycle(sub, tc, ev);
		return;
	}
	counter_add(&sub->counters, COUNTER_events, 1);
	row = build_row(tc, ev, sc, syscall);
	if (tc->live_lookup && row->values[PE_pid].kind == ROW_INT)
		container_row_audit(row, &process_events_container_columns,
				    (pid_t)row->values[PE_pid].i,
				    (int64_t)ev->sec * 1000 + ev->msec,
				    (unsigned)tc->flags->audit_cgroup_lookup_rate, &sub->counters);
	tc->emit(tc->sink, row);
}

/* The syscall argument aN of a SYSCALL record, as the kernel wrote it
 * (hex, an unsigned long). */
static int sc_arg(const struct audit_record *sc, const char *name, uint64_t *out)
{
	const struct audit_field *f = audit_record_field(sc, name);

	return f ? audit_field_hex_u64(f, out) : -ENOENT;
}

/* Reads /proc/<tid>/status into buf (NUL-terminated); -1 when gone. */
static int read_status(int64_t tid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%lld/status", (long long)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Whether task `tid` is a thread (its Tgid differs from its id): 1, 0,
 * or -1 when /proc no longer has it. */
static int task_is_thread(int64_t tid)
{
	char buf[1024];
	const char *tgid;

	if (read_status(tid, buf, sizeof(buf)) < 0 || !(tgid = strstr(buf, "\nTgid:")))
		return -1;
	return strtoll(tgid + 6, NULL, 10) != tid;
}

/* Whether process `pid` still runs (is in /proc and not a zombie): after
 * an exit call, that means the call ended one of its threads. */
static bool process_runs(int64_t pid)
{
	char buf[1024];
	const char *state;

	if (read_status(pid, buf, sizeof(buf)) < 0 || !(state = strstr(buf, "\nState:")))
		return false;
	state += 7;
	state += strspn(state, " \t");
	return *state != 'Z' && *state != 'X';
}

/* clone's flags are its first argument; clone3's are in a struct in the
 * caller's memory that the record does not carry, so the new task's
 * Tgid in /proc decides. A task gone before that read is kept: a thread
 * that short-lived is rare, a short-lived process is not. */
static bool creates_thread(const struct table_ctx *tc, const struct audit_record *sc,
			   const struct syscall_info *si)
{
	uint64_t flags;

	if (si->which == AUDIT_SYSCALL_clone)
		return sc_arg(sc, "a0", &flags) == 0 && (flags & 0x10000); /* CLONE_THREAD */
	if (si->which == AUDIT_SYSCALL_clone3 && tc->live_lookup)
		return task_is_thread(si->exit) == 1;
	return false;
}

/* A fork row: the child is the call's return value, the caller its parent. */
static bool fork_row(struct subscriber *sub, const struct table_ctx *tc,
		     const struct audit_record *sc, const struct syscall_info *si, struct row *row)
{
	if (!si->success)
		return false;
	if (!si->has_exit || si->exit <= 0) {
		counter_add(&sub->counters, COUNTER_drop_malformed, 1);
		return false;
	}
	if (!tc->flags->audit_allow_thread_process_events && creates_thread(tc, sc, si)) {
		counter_add(&sub->counters, COUNTER_filtered_thread, 1);
		return false;
	}
	row_set_int(row, PE_pid, si->exit);
	row_set_int(row, PE_parent, si->pid);
	return true;
}

/* A kill row: the target is the pid argument (tgkill's thread is its
 * second), as a signed int, the signal the one after. A record without
 * them is malformed, and counted. */
static bool kill_row(struct subscriber *sub, const struct audit_record *sc,
		     const struct syscall_info *si, struct row *row)
{
	bool tg = si->which == AUDIT_SYSCALL_tgkill;
	uint64_t target, sig;

	if (!si->success)
		return false;
	if (sc_arg(sc, tg ? "a1" : "a0", &target) < 0 || sc_arg(sc, tg ? "a2" : "a1", &sig) < 0) {
		counter_add(&sub->counters, COUNTER_drop_malformed, 1);
		return false;
	}
	row_set_int(row, PE_target_pid, (int32_t)(uint32_t)target);
	row_set_int(row, PE_signal, (int32_t)(uint32_t)sig);
	return true;
}

/* An exit row: the status is the argument; a parent sees its low byte.
 * exit (not exit_group) ends only the calling thread: the record names
 * the process, so the process still running (in /proc and not a zombie)
 * says a thread ended, which is left out and counted unless threads are
 * asked for. */
static bool exit_row(struct subscriber *sub, const struct table_ctx *tc,
		     const struct audit_record *sc, const struct syscall_info *si, struct row *row)
{
	uint64_t status;

	if (sc_arg(sc, "a0", &status) < 0) {
		counter_add(&sub->counters, COUNTER_drop_malformed, 1);
		return false;
	}
	if (si->which == AUDIT_SYSCALL_exit && !tc->flags->audit_allow_thread_process_events &&
	    tc->live_lookup && process_runs(si->pid)) {
		counter_add(&sub->counters, COUNTER_filtered_thread, 1);
		return false;
	}
	row_set_int(row, PE_exit_code, (int64_t)(status & 0xff));
	return true;
}

enum life_kind { LIFE_NONE, LIFE_FORK, LIFE_KILL, LIFE_EXIT };

/* Which lifecycle call `which` is, if its flag is on. */
static enum life_kind life_kind(const struct sysq_flags *f, int which)
{
	switch (which) {
	case AUDIT_SYSCALL_fork:
	case AUDIT_SYSCALL_vfork:
	case AUDIT_SYSCALL_clone:
	case AUDIT_SYSCALL_clone3:
		return f->audit_allow_fork_process_events ? LIFE_FORK : LIFE_NONE;
	case AUDIT_SYSCALL_kill:
	case AUDIT_SYSCALL_tkill:
	case AUDIT_SYSCALL_tgkill:
		return f->audit_allow_kill_process_events ? LIFE_KILL : LIFE_NONE;
	case AUDIT_SYSCALL_exit:
	case AUDIT_SYSCALL_exit_group:
		return f->audit_allow_exit_process_events ? LIFE_EXIT : LIFE_NONE;
	default:
		return LIFE_NONE;
	}
}

static bool fill_life(struct subscriber *sub, const struct table_ctx *tc,
		      const struct audit_record *sc, const struct syscall_info *si,
		      enum life_kind kind, struct row *row)
{
	static const struct field_column caller[] = {{"pid", PE_pid}, {"ppid", PE_parent}};

	if (kind == LIFE_FORK)
		return fork_row(sub, tc, sc, si, row);
	audit_row_ints(row, sc, caller, 2);
	return kind == LIFE_KILL ? kill_row(sub, sc, si, row) : exit_row(sub, tc, sc, si, row);
}

bool process_events_audit_lifecycle(struct subscriber *sub, const struct table_ctx *tc,
				    const struct audit_event *ev)
{
	static const struct field_column ids[] = {
		{"auid", PE_auid}, {"uid", PE_uid},	{"euid", PE_euid}, {"gid", PE_gid},
		{"egid", PE_egid}, {"fsuid", PE_fsuid}, {"suid", PE_suid}, {"fsgid", PE_fsgid},
		{"sgid", PE_sgid},
	};
	const struct audit_record *sc = audit_event_record(ev, AUDIT_TYPE_SYSCALL);
	struct syscall_info si;
	enum life_kind kind;
	struct row *row;

	if (!sc || audit_syscall_info(sc, &si) < 0)
		return false;
	kind = life_kind(tc->flags, si.which);
	if (kind == LIFE_NONE)
		return false;
	row = row_new(tc->table, PE_COUNT);
	if (!fill_life(sub, tc, sc, &si, kind, row)) {
		row_free(row);
		return false;
	}
	audit_row_ints(row, sc, ids, sizeof(ids) / sizeof(ids[0]));
	row_set_int(row, PE_time, (int64_t)ev->sec);
	row_set_int(row, PE_uptime, (int64_t)ev->sec - tc->boot_time);
	row_set_str(row, PE_syscall, audit_syscall_name(si.which));
	row_set_str(row, PE_source, "audit");
	audit_row_node(row, PE_node, sc);
	counter_add(&sub->counters, COUNTER_events, 1);
	tc->emit(tc->sink, row);
	return true;
}
