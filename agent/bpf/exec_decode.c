/* Ring buffer record decoding for the exec BPF program: exec records,
 * and the fork, exit and kill records of its lifecycle hooks. */
#include "exec_decode.h"

#include "sysq_exec_event.h"
#include "sysq_syscalls.h"

#include <errno.h>
#include <string.h>

/* The exec syscalls' numbers on the 64-bit and the 32-bit (compat) ABI,
 * from the one table of syscall numbers. */
enum {
#define X(name, x86_64, i386, aarch64, arm, ppc64, s390x) NR64_##name = x86_64, NR32_##name = i386,
	SYSQ_AUDIT_SYSCALLS(X)
#undef X
};

/* NULL when no exec syscall ran (the kernel started the exec). The
 * registers name execve for an execveat too (sysq_exec_event.h), so an
 * exec on a descriptor is execveat whatever they say. */
static const char *syscall_name(const struct sysq_exec_event *e)
{
	bool compat = e->flags & SYSQ_EXEC_COMPAT;

	if (e->syscall_nr != (compat ? NR32_execve : NR64_execve) &&
	    e->syscall_nr != (compat ? NR32_execveat : NR64_execveat))
		return NULL;
	return e->syscall_nr == (compat ? NR32_execveat : NR64_execveat) ||
			       (e->flags & SYSQ_EXEC_AT_FD)
		       ? "execveat"
		       : "execve";
}

/* Each length within its field's maximum, and together exactly the
 * record's size. */
static bool lengths_valid(const struct sysq_exec_event *e, size_t size)
{
	return e->args_len <= SYSQ_EXEC_ARGS_MAX && e->path_len <= SYSQ_EXEC_PATH_MAX &&
	       e->cwd_len <= SYSQ_EXEC_PATH_MAX && e->size == size &&
	       size == sizeof(*e) + (size_t)e->args_len + e->path_len + e->cwd_len;
}

static size_t count_nuls(const char *p, size_t len)
{
	size_t n = 0;

	for (const char *end = p + len; (p = memchr(p, '\0', (size_t)(end - p))); p++)
		n++;
	return n;
}

/* Keeps the whole arguments: a cut area ends inside its last one. An
 * area that is not cut must hold exactly the argc arguments the kernel
 * counted, each ending with a NUL. */
static int decode_args(const struct sysq_exec_event *e, const char *args, struct bpf_exec *out)
{
	size_t len = e->args_len;
	bool cut = e->flags & (SYSQ_EXEC_ARGS_TRUNCATED | SYSQ_EXEC_ARGS_UNREADABLE);

	while (len && args[len - 1] != '\0')
		len--;
	if (!cut && len != e->args_len)
		return -EINVAL;
	out->args = args;
	out->args_len = len;
	out->argc = e->argc;
	out->args_complete = !cut && count_nuls(args, len) == e->argc;
	return 0;
}

/* The ids both record kinds carry under the same names (the exec record
 * and the lifecycle one are separate types, so a macro, not a function). */
#define COPY_TASK_IDS(out, e)                                                                      \
	do {                                                                                       \
		(out)->pid = (e)->pid;                                                             \
		(out)->ppid = (e)->ppid;                                                           \
		(out)->auid = (e)->auid;                                                           \
		(out)->uid = (e)->uid;                                                             \
		(out)->euid = (e)->euid;                                                           \
		(out)->suid = (e)->suid;                                                           \
		(out)->fsuid = (e)->fsuid;                                                         \
		(out)->gid = (e)->gid;                                                             \
		(out)->egid = (e)->egid;                                                           \
		(out)->sgid = (e)->sgid;                                                           \
		(out)->fsgid = (e)->fsgid;                                                         \
		(out)->cgroup_id = (e)->cgroup_id;                                                 \
		(out)->boot_ns = (e)->boot_ns;                                                     \
	} while (0)

static void copy_ids(const struct sysq_exec_event *e, struct bpf_exec *out)
{
	COPY_TASK_IDS(out, e);
	out->old_pid = e->old_pid;
}

static int decode_exec(const void *data, size_t size, struct bpf_exec *out)
{
	const struct sysq_exec_event *e = data;
	const char *var;

	if (size < sizeof(*e) || !lengths_valid(e, size))
		return -EINVAL;
	var = (const char *)(e + 1);
	if (decode_args(e, var, out) < 0)
		return -EINVAL;
	out->path = var + e->args_len;
	out->path_len = e->path_len;
	out->cwd = out->path + e->path_len;
	out->cwd_len = e->cwd_len;
	out->path_truncated = e->flags & SYSQ_EXEC_PATH_TRUNCATED;
	out->cwd_truncated = e->flags & SYSQ_EXEC_CWD_TRUNCATED;
	/* A NUL cannot come from a file name. */
	if (memchr(out->path, '\0', out->path_len) || memchr(out->cwd, '\0', out->cwd_len))
		return -EINVAL;
	copy_ids(e, out);
	out->syscall = syscall_name(e);
	out->have_file = e->flags & SYSQ_EXEC_HAVE_FILE;
	out->mode = e->mode;
	out->owner_uid = e->owner_uid;
	out->owner_gid = e->owner_gid;
	memcpy(out->comm, e->comm, SYSQ_EXEC_COMM_LEN);
	out->comm[SYSQ_EXEC_COMM_LEN] = '\0';
	return 0;
}

/* The lifecycle call of a record's syscall number, if it is one of its
 * kind's calls: a number of another call (which the program does not
 * send) gives NULL, and no row. */
static const char *life_syscall(const struct sysq_life_event *e, enum bpf_exec_kind kind)
{
	static const struct {
		enum bpf_exec_kind kind;
		const char *name;
		int nr64, nr32;
	} calls[] = {
		{BPF_EXEC_FORK, "fork", NR64_fork, NR32_fork},
		{BPF_EXEC_FORK, "vfork", NR64_vfork, NR32_vfork},
		{BPF_EXEC_FORK, "clone", NR64_clone, NR32_clone},
		{BPF_EXEC_FORK, "clone3", NR64_clone3, NR32_clone3},
		{BPF_EXEC_EXIT, "exit", NR64_exit, NR32_exit},
		{BPF_EXEC_EXIT, "exit_group", NR64_exit_group, NR32_exit_group},
		{BPF_EXEC_KILL, "kill", NR64_kill, NR32_kill},
		{BPF_EXEC_KILL, "tkill", NR64_tkill, NR32_tkill},
		{BPF_EXEC_KILL, "tgkill", NR64_tgkill, NR32_tgkill},
	};
	bool compat = e->flags & SYSQ_LIFE_COMPAT;

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (calls[i].kind == kind && e->syscall_nr == (compat ? calls[i].nr32 : calls[i].nr64))
			return calls[i].name;
	}
	return NULL;
}

static void copy_life_ids(const struct sysq_life_event *e, struct bpf_exec *out)
{
	COPY_TASK_IDS(out, e);
	out->old_pid = e->pid;
}

/* A fork, exit or kill record: a fixed size, and only the fields of its
 * kind set. */
static int decode_life(const void *data, size_t size, enum bpf_exec_kind kind,
		       struct bpf_exec *out)
{
	const struct sysq_life_event *e = data;

	if (size != sizeof(*e) || e->size != size || (e->flags & ~SYSQ_LIFE_COMPAT))
		return -EINVAL;
	if ((kind != BPF_EXEC_KILL && (e->target_pid || e->signal)) ||
	    (kind != BPF_EXEC_EXIT && e->exit_code) || e->exit_code < 0 || e->exit_code > 255)
		return -EINVAL;
	out->kind = kind;
	copy_life_ids(e, out);
	out->target_pid = e->target_pid;
	out->signal = e->signal;
	out->exit_code = e->exit_code;
	out->syscall = life_syscall(e, kind);
	memcpy(out->comm, e->comm, SYSQ_EXEC_COMM_LEN);
	out->comm[SYSQ_EXEC_COMM_LEN] = '\0';
	return 0;
}

/* The version and kind every record starts with. */
struct record_head {
	uint16_t version;
	uint16_t kind;
};

int exec_decode(const void *data, size_t size, struct bpf_exec *out)
{
	struct record_head h;

	memset(out, 0, sizeof(*out));
	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));
	if (h.version != SYSQ_EXEC_EVENT_VERSION)
		return -EINVAL;
	switch (h.kind) {
	case SYSQ_KIND_EXEC:
		return decode_exec(data, size, out);
	case SYSQ_KIND_FORK:
		return decode_life(data, size, BPF_EXEC_FORK, out);
	case SYSQ_KIND_EXIT:
		return decode_life(data, size, BPF_EXEC_EXIT, out);
	case SYSQ_KIND_KILL:
		return decode_life(data, size, BPF_EXEC_KILL, out);
	default:
		return -EINVAL;
	}
}

void exec_args_each(const struct bpf_exec *e, void (*fn)(void *ctx, const char *arg, size_t len),
		    void *ctx)
{
	const char *p = e->args, *end = e->args + e->args_len;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		fn(ctx, p, (size_t)(nul - p));
		p = nul + 1;
	}
}
