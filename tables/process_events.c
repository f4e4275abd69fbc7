/* process_events: one row per successful execve or execveat, from audit.
 *
 * Example:
 *   SELECT pid, parent, path, cmdline, cwd FROM process_events
 *    WHERE time > strftime('%s', 'now') - 300;
 *   SELECT argv FROM process_events WHERE path = '/usr/bin/curl';
 *
 * How it works: the audit publisher delivers assembled events; this
 * subscriber keeps SYSCALL events for the exec syscalls that succeeded and
 * builds the row from SYSCALL (ids, exe, ppid), EXECVE (argv), CWD and the
 * PATH record of the executable (item=0: mode, owner). Unlike osquery,
 * `cmdline` shell-quotes arguments so argv boundaries survive, `argv`
 * holds the exact arguments as JSON, `time` is the audit timestamp and
 * `cwd` is decoded. */
#include "registry/table_module.h"

#include "audit/audit_row.h"

#include "audit/assembler.h"
#include "audit/execve.h"
#include "audit/record_types.h"

#include "common/escape.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* X(name, type, hidden, description) */
#define PROCESS_EVENTS_COLUMNS(X)                                                                  \
	X(pid, INTEGER, false, "Process ID")                                                       \
	X(path, TEXT, false, "Path of the executed file (the SYSCALL record's exe)")               \
	X(mode, TEXT, false, "Mode of the executed file, from its PATH record")                    \
	X(cmdline, TEXT, false,                                                                    \
	  "Arguments joined by spaces; any argument with spaces, quotes or control bytes is "      \
	  "shell-quoted")                                                                          \
	X(cmdline_size, INTEGER, true, "Total bytes of the arguments")                             \
	X(env, TEXT, true, "Environment; audit does not record it, so NULL")                       \
	X(env_count, INTEGER, true, "Environment variable count; NULL, as env")                    \
	X(env_size, INTEGER, true, "Environment size; NULL, as env")                               \
	X(cwd, TEXT, false, "Working directory, decoded")                                          \
	X(auid, INTEGER, false, "Audit (login) user ID; 4294967295 when unset")                    \
	X(uid, INTEGER, false, "User ID")                                                          \
	X(euid, INTEGER, false, "Effective user ID")                                               \
	X(gid, INTEGER, false, "Group ID")                                                         \
	X(egid, INTEGER, false, "Effective group ID")                                              \
	X(owner_uid, INTEGER, false, "Owner of the executed file")                                 \
	X(owner_gid, INTEGER, false, "Group of the executed file")                                 \
	X(atime, INTEGER, false, "Access time of the executed file when the event was read")       \
	X(mtime, INTEGER, false, "Modification time of the executed file")                         \
	X(ctime, INTEGER, false, "Status change time of the executed file")                        \
	X(btime, INTEGER, false, "Birth time of the executed file, where the filesystem has it")   \
	X(overflows, TEXT, true, "'argv' when some arguments could not be recovered, else ''")     \
	X(parent, INTEGER, false, "Parent process ID")                                             \
	X(time, INTEGER, false, "Audit timestamp of the exec, in seconds since the epoch")         \
	X(uptime, INTEGER, false, "Seconds since boot at the time of the exec")                    \
	X(eid, TEXT, true, "Event ID")                                                             \
	X(fsuid, INTEGER, false, "Filesystem user ID")                                             \
	X(suid, INTEGER, false, "Saved user ID")                                                   \
	X(fsgid, INTEGER, false, "Filesystem group ID")                                            \
	X(sgid, INTEGER, false, "Saved group ID")                                                  \
	X(syscall, TEXT, false, "execve or execveat")                                              \
	X(argv, TEXT, true, "The exact arguments as a JSON array; bytes that are not UTF-8 "       \
			    "appear as \\udcXX")                                                  \
	X(node, TEXT, true, "Host that logged the event (auditd's node=), from saved logs; NULL live")

enum process_events_column {
#define X(name, ...) PE_##name,
	PROCESS_EVENTS_COLUMNS(X)
#undef X
	PE_COUNT
};

static const struct column_def process_events_columns[] = {
#define X(name, type, hidden, desc) {#name, COLUMN_##type, hidden, desc},
	PROCESS_EVENTS_COLUMNS(X)
#undef X
};

static void set_file_times(struct row *row);

static const struct table_def process_events_def = {
	.name = "process_events",
	.description = "Process executions (execve, execveat) recorded by the kernel audit "
		       "subsystem",
	.columns = process_events_columns,
	.ncolumns = PE_COUNT,
	.time_column = PE_time,
	.eid_column = PE_eid,
	.before_store = set_file_times,
};

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
}

static void set_args(struct row *row, const struct audit_event *ev, struct strbuf *scratch)
{
	struct exec_args args;
	struct strbuf json = STRBUF_INIT;
	size_t total = 0;

	if (exec_args_collect(ev, &args) < 0) {
		exec_args_free(&args);
		row_set_str(row, PE_overflows, "argv");
		return;
	}
	sb_truncate(scratch, 0);
	sb_putc(&json, '[');
	for (size_t i = 0; i < args.argc; i++) {
		size_t len;
		const char *arg = exec_arg(&args, i, &len);

		if (i) {
			sb_putc(scratch, ' ');
			sb_putc(&json, ',');
		}
		shell_quote_append(scratch, arg, len);
		json_append_string(&json, arg, len);
		total += len;
	}
	sb_putc(&json, ']');
	row_set_strbuf(row, PE_cmdline, scratch);
	row_set_strbuf(row, PE_argv, &json);
	row_set_int(row, PE_cmdline_size, (int64_t)total);
	row_set_str(row, PE_overflows, args.complete ? "" : "argv");
	sb_free(&json);
	exec_args_free(&args);
}

/* File times of the executable, as osquery reads them when the event
 * arrives. The file may have changed since the exec; that is the cost of
 * not reading them in the kernel. Runs on the store's writer thread (see
 * before_store), so the audit reader never waits on the filesystem. */
static void set_file_times(struct row *row)
{
	struct statx stx;
	char *path;
	int rc;

	if (row->values[PE_path].kind != ROW_TEXT)
		return;
	/* Row text is packed without terminators. */
	path = xstrndup(row_text(row, PE_path), row->values[PE_path].len);
	rc = statx(AT_FDCWD, path, AT_STATX_DONT_SYNC,
		   STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME, &stx);
	free(path);
	if (rc < 0)
		return;
	row_set_int(row, PE_atime, stx.stx_atime.tv_sec);
	row_set_int(row, PE_mtime, stx.stx_mtime.tv_sec);
	row_set_int(row, PE_ctime, stx.stx_ctime.tv_sec);
	if (stx.stx_mask & STATX_BTIME)
		row_set_int(row, PE_btime, stx.stx_btime.tv_sec);
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
	audit_row_node(row, PE_node, sc);
	sb_free(&scratch);
	return row;
}

static void process_events_on_audit(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct audit_event *ev = event;
	const struct audit_record *sc;
	int syscall;

	if (!ev->has_syscall)
		return;
	sc = audit_event_record(ev, AUDIT_TYPE_SYSCALL);
	syscall = exec_syscall(sc);
	if (syscall < 0)
		return;
	counter_add(&sub->counters, COUNTER_events, 1);
	tc->emit(tc->sink, build_row(tc, ev, sc, syscall));
}

static bool process_events_enabled(const struct sysq_flags *flags)
{
	return flags->audit_allow_process_events;
}

static void process_events_syscalls(const struct sysq_flags *flags,
				    const bool running[PUBLISHER_COUNT],
				    bool want[AUDIT_SYSCALL_COUNT])
{
	(void)flags;
	(void)running;
	want[AUDIT_SYSCALL_execve] = true;
	want[AUDIT_SYSCALL_execveat] = true;
}

const struct table_module process_events_module = {
	.def = &process_events_def,
	.on_event = {[PUBLISHER_AUDIT] = process_events_on_audit},
	.enabled = process_events_enabled,
	.audit_syscalls = process_events_syscalls,
};
