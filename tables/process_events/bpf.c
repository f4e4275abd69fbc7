/* process_events rows from the exec BPF program (source = 'bpf').
 *
 * Every column the audit path fills has the same meaning here, so a query
 * need not care where a row came from: the ids are the process's after the
 * exec (audit logs them at the syscall's exit), `path` is the loaded
 * executable, the arguments are the exact bytes the new program received,
 * quoted by the same code, and mode and owner are those of the file the
 * caller named. What differs: `time` is taken when the new image is in
 * place rather than at the syscall's entry, so the two can straddle a
 * second; mode and owner stay NULL when an interpreter ran the named file
 * (a script), as the program sees only the interpreter; and an exec no
 * syscall made (a kernel user-mode helper), which audit does not report
 * either, makes no row. BPF also fills cgroup_id, from which the
 * container columns are resolved (container/cgroup_lookup.h).
 *
 * The fork, exit and kill records (the lifecycle hooks) become rows with
 * the same columns as audit's: the ids, syscall, and target_pid, signal
 * or exit_code. A record whose caller was in none of the lifecycle calls
 * (its syscall NULL) makes no row, as audit would have no record. */
#include "process_events.h"

#include "bpf/exec_decode.h"

#include <stdio.h>
#include <time.h>

/* Wall-clock seconds of a CLOCK_BOOTTIME instant, as audit stamps an
 * event. Seconds and nanoseconds apart: boot_ns is untrusted, and no value
 * of it may overflow. */
static int64_t wall_seconds(uint64_t boot_ns)
{
	struct timespec real, boot;
	int64_t sec, nsec;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	sec = (int64_t)real.tv_sec - (int64_t)boot.tv_sec + (int64_t)(boot_ns / 1000000000);
	nsec = real.tv_nsec - boot.tv_nsec + (int64_t)(boot_ns % 1000000000);
	return sec + (nsec >= 1000000000 ? 1 : nsec < 0 ? -1 : 0);
}

static void set_ids(struct row *row, const struct bpf_exec *e)
{
	row_set_int(row, PE_pid, e->pid);
	row_set_int(row, PE_parent, e->ppid);
	row_set_int(row, PE_auid, e->auid);
	row_set_int(row, PE_uid, e->uid);
	row_set_int(row, PE_euid, e->euid);
	row_set_int(row, PE_gid, e->gid);
	row_set_int(row, PE_egid, e->egid);
	row_set_int(row, PE_fsuid, e->fsuid);
	row_set_int(row, PE_suid, e->suid);
	row_set_int(row, PE_fsgid, e->fsgid);
	row_set_int(row, PE_sgid, e->sgid);
	row_set_int(row, PE_cgroup_id, (int64_t)e->cgroup_id);
}

/* Mode in octal with a leading 0, as audit's PATH record writes it. */
static void set_file(struct row *row, const struct bpf_exec *e)
{
	char mode[16];

	if (!e->have_file)
		return;
	snprintf(mode, sizeof(mode), "%#o", (unsigned)e->mode);
	row_set_str(row, PE_mode, mode);
	row_set_int(row, PE_owner_uid, e->owner_uid);
	row_set_int(row, PE_owner_gid, e->owner_gid);
}

/* A path cut at the top would read as another, shorter path: NULL then. */
static void set_paths(struct row *row, const struct bpf_exec *e)
{
	if (e->path_len && !e->path_truncated)
		row_set_text(row, PE_path, e->path, e->path_len);
	if (e->cwd_len && !e->cwd_truncated)
		row_set_text(row, PE_cwd, e->cwd, e->cwd_len);
}

static void add_arg(void *ctx, const char *arg, size_t len)
{
	args_add(ctx, arg, len);
}

/* No argument recovered at all leaves the argument columns NULL with
 * overflows set, as an audit event whose EXECVE records were lost does. */
static void set_args(struct row *row, const struct bpf_exec *e, struct strbuf *scratch)
{
	struct args_builder b;

	if (!e->args_complete && !e->args_len) {
		row_set_str(row, PE_overflows, "argv");
		return;
	}
	args_begin(&b, scratch);
	exec_args_each(e, add_arg, &b);
	args_finish(&b, row, e->args_complete);
}

static struct row *build_row(const struct table_ctx *tc, const struct bpf_exec *e)
{
	struct row *row = row_new(tc->table, PE_COUNT);
	struct strbuf scratch = STRBUF_INIT;
	int64_t sec = wall_seconds(e->boot_ns);

	set_ids(row, e);
	set_paths(row, e);
	set_file(row, e);
	set_args(row, e, &scratch);
	row_set_int(row, PE_time, sec);
	row_set_int(row, PE_uptime, sec - tc->boot_time);
	row_set_str(row, PE_syscall, e->syscall);
	row_set_str(row, PE_source, "bpf");
	sb_free(&scratch);
	return row;
}

void process_events_on_bpf(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct bpf_exec *e = event;
	struct row *row;

	if (!e->syscall)
		return;
	if (e->kind != BPF_EXEC_EXEC) {
		process_events_bpf_lifecycle(sub, tc, e);
		return;
	}
	counter_add(&sub->counters, COUNTER_events, 1);
	row = build_row(tc, e);
	if (tc->live_lookup)
		container_row_bpf(row, &process_events_container_columns, e->cgroup_id,
				  &sub->counters);
	tc->emit(tc->sink, row);
}

/* The ids and what the kind adds, each as audit's row has it: a fork's
 * pid is the child and parent the caller; an exit's or kill's are the
 * caller's and its parent's. */
static void set_life(struct row *row, const struct bpf_exec *e)
{
	set_ids(row, e);
	if (e->kind == BPF_EXEC_KILL) {
		row_set_int(row, PE_target_pid, e->target_pid);
		row_set_int(row, PE_signal, e->signal);
	} else if (e->kind == BPF_EXEC_EXIT) {
		row_set_int(row, PE_exit_code, e->exit_code);
	}
}

void process_events_bpf_lifecycle(struct subscriber *sub, const struct table_ctx *tc,
				  const struct bpf_exec *e)
{
	struct row *row = row_new(tc->table, PE_COUNT);
	int64_t sec = wall_seconds(e->boot_ns);

	set_life(row, e);
	row_set_int(row, PE_time, sec);
	row_set_int(row, PE_uptime, sec - tc->boot_time);
	row_set_str(row, PE_syscall, e->syscall);
	row_set_str(row, PE_source, "bpf");
	counter_add(&sub->counters, COUNTER_events, 1);
	tc->emit(tc->sink, row);
}
