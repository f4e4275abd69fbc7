/* Ring buffer record decoding for the exec BPF program. */
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

static void copy_ids(const struct sysq_exec_event *e, struct bpf_exec *out)
{
	out->pid = e->pid;
	out->old_pid = e->old_pid;
	out->ppid = e->ppid;
	out->auid = e->auid;
	out->uid = e->uid;
	out->euid = e->euid;
	out->suid = e->suid;
	out->fsuid = e->fsuid;
	out->gid = e->gid;
	out->egid = e->egid;
	out->sgid = e->sgid;
	out->fsgid = e->fsgid;
	out->cgroup_id = e->cgroup_id;
	out->boot_ns = e->boot_ns;
}

int exec_decode(const void *data, size_t size, struct bpf_exec *out)
{
	const struct sysq_exec_event *e = data;
	const char *var;

	memset(out, 0, sizeof(*out));
	if (size < sizeof(*e) || e->version != SYSQ_EXEC_EVENT_VERSION || !lengths_valid(e, size))
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
