/* process_events rows from audit (source = 'audit'): the exec syscalls
 * that succeeded, from the SYSCALL record (ids, exe, ppid), the EXECVE
 * records (argv), CWD and the PATH record of the executed file (item=0:
 * mode, owner). `time` is the audit timestamp. */
#include "process_events.h"

#include "audit/audit_row.h"

#include "audit/assembler.h"
#include "audit/execve.h"
#include "audit/record_types.h"

#include "common/strbuf.h"

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
	if (syscall < 0)
		return;
	counter_add(&sub->counters, COUNTER_events, 1);
	row = build_row(tc, ev, sc, syscall);
	if (tc->live_lookup && row->values[PE_pid].kind == ROW_INT)
		container_row_audit(row, &process_events_container_columns,
				    (pid_t)row->values[PE_pid].i,
				    (int64_t)ev->sec * 1000 + ev->msec,
				    (unsigned)tc->flags->audit_cgroup_lookup_rate, &sub->counters);
	tc->emit(tc->sink, row);
}
