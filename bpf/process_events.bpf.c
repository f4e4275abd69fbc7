/* process_events from BPF: one record per exec.
 *
 * One program on the sched_process_exec raw tracepoint (tp_btf), which the
 * kernel fires once an exec has succeeded and the new image is in place,
 * so nothing runs on any other syscall. From there everything the audit
 * path reports is at hand: the credentials just committed, the new mm's
 * argument area (arg_start..arg_end, the exact argv bytes), the
 * executable and the working directory, the exec syscall's number in the
 * task's user registers, and the file the caller named. The user's
 * filters (process names, executable path prefixes) run before the
 * arguments are read, and each drop is counted. Records go to a ring
 * buffer of their own, each with only the bytes it uses.
 *
 * Three more programs, loaded only when the agent asks for lifecycle
 * rows, write a small fixed record each (struct sysq_life_event): the
 * scheduler's fork and exit tracepoints and signal generation. They fire
 * for those events only, never on another syscall; each keeps an event
 * only when the caller's user registers name the syscall that made it
 * (fork, vfork, clone, clone3; exit, exit_group; kill, tkill, tgkill), as
 * audit sees only those calls. */
#include "sysq_core.h"
#include "sysq_exec_event.h"
#include "sysq_path.h"
#include "sysq_syscalls.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <stdbool.h>

/* The syscall number is read from x86-64 registers (pt_regs___sysq). */
#ifndef __TARGET_ARCH_x86
#error "x86-64 only: the exec program reads the syscall number from x86-64 registers"
#endif

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* Fields the exec program reads beyond sysq_core.h's. The ___exec flavors
 * name the same kernel types (CO-RE ignores the suffix) without
 * redeclaring sysq_core.h's. */
struct cred___exec {
	kuid_t uid, suid, euid, fsuid;
	kgid_t gid, sgid, egid, fsgid;
};

struct mm_struct___exec {
	unsigned long arg_start;
	unsigned long arg_end;
};

struct fs_struct___exec {
	struct path root;
	struct path pwd;
};

struct task_struct___exec {
	struct fs_struct___exec *fs;
};

struct kernel_siginfo___exec {
	int si_signo;
	int si_errno;
	int si_code;
};

struct inode___exec {
	unsigned short i_mode;
	kuid_t i_uid;
	kgid_t i_gid;
};

struct file___exec {
	struct path f_path;
	struct inode___exec *f_inode;
};

struct linux_binprm___exec {
	struct file___exec *file;
	int argc;
	const char *filename;
	const char *interp;
	const char *fdpath;
};

#pragma clang attribute pop

const volatile struct sysq_exec_settings cfg;

/* Where a record is built: the header, then its variable part, then room
 * for the path walks. Too big for a per-CPU array (values are limited to
 * 32 KiB there), so it is an array with one slot per CPU, indexed by the
 * CPU the program runs on: the kernel never runs the program twice at once
 * on one CPU (it counts such a miss instead). */
struct exec_scratch {
	struct sysq_exec_event rec;
	__u8 data[SYSQ_EXEC_DATA_MAX];
	char walk[SYSQ_PATH_BUF];
	struct sysq_exec_prefix_key prefix;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the agent sets the number of possible CPUs */
	__type(key, __u32);
	__type(value, struct exec_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* the agent sets --bpf_ring_buffer_size */
} exec_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYSQ_EXEC_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} exec_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[SYSQ_EXEC_COMM_LEN]);
	__type(value, __u8);
} exec_exclude_processes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sysq_exec_prefix_key);
	__type(value, __u8);
} exec_exclude_paths SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&exec_counters, &idx);

	if (c)
		*c += 1;
}

/* The path of p into data[pos]; returns its length. */
static __always_inline __u32 put_path(struct exec_scratch *s, const struct path *p,
				      const struct path *root, __u32 pos, __u32 *truncated)
{
	__u32 off = sysq_path_build(p, root, s->walk, truncated);
	__u64 len = CLAMP(SYSQ_PATH_END - off, SYSQ_EXEC_PATH_MAX);

	pos = CLAMP(pos, SYSQ_EXEC_ARGS_MAX + SYSQ_EXEC_PATH_MAX);
	bpf_probe_read_kernel(s->data + pos, len, s->walk + (off & (SYSQ_PATH_END - 1)));
	return len;
}

/* The executable's path, at the start of data for now (the arguments are
 * read only for an exec the filters keep, and go in front of it later). */
static __always_inline void read_exe(struct exec_scratch *s, struct task_struct *task)
{
	struct fs_struct___exec *fs = ((struct task_struct___exec *)task)->fs;
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	__u32 trunc = 0;

	s->rec.path_len = exe ? put_path(s, &exe->f_path, &fs->root, 0, &trunc) : 0;
	if (trunc)
		s->rec.flags |= SYSQ_EXEC_PATH_TRUNCATED;
}

static __always_inline bool process_excluded(void)
{
	char comm[SYSQ_EXEC_COMM_LEN] = {};

	if (!(cfg.filters & SYSQ_EXEC_FILTER_PROCESSES))
		return false;
	bpf_get_current_comm(comm, sizeof(comm));
	return bpf_map_lookup_elem(&exec_exclude_processes, comm) != NULL;
}

/* The executable's path (at data[0]) against the prefixes. */
static __always_inline bool path_excluded(struct exec_scratch *s)
{
	__u64 len = CLAMP(s->rec.path_len, SYSQ_EXEC_PREFIX_MAX + 1);

	if (!(cfg.filters & SYSQ_EXEC_FILTER_PATHS) || !len)
		return false;
	bpf_probe_read_kernel(s->prefix.path, len, s->data);
	s->prefix.prefixlen = len * 8;
	return bpf_map_lookup_elem(&exec_exclude_paths, &s->prefix) != NULL;
}

/* Applies the filters and counts what each drops. */
static __always_inline bool filtered(struct exec_scratch *s)
{
	if (process_excluded()) {
		count(SYSQ_EXEC_CNT_FILTER_PROCESS);
		return true;
	}
	if (path_excluded(s)) {
		count(SYSQ_EXEC_CNT_FILTER_PATH);
		return true;
	}
	return false;
}

/* Moves the executable's path behind the arguments' room (args_len
 * bytes), through the walk buffer, as the two places may overlap. The walk
 * buffer keeps a copy until the working directory's walk. */
static __always_inline void move_exe(struct exec_scratch *s, __u32 args_len)
{
	__u64 len = CLAMP(s->rec.path_len, SYSQ_EXEC_PATH_MAX);
	__u64 to = CLAMP(args_len, SYSQ_EXEC_ARGS_MAX);

	bpf_probe_read_kernel(s->walk, len, s->data);
	bpf_probe_read_kernel(s->data + to, len, s->walk);
}

/* Puts the executable's path back at data[0] from that copy. */
static __always_inline void restore_exe(struct exec_scratch *s)
{
	__u64 len = CLAMP(s->rec.path_len, SYSQ_EXEC_PATH_MAX);

	bpf_probe_read_kernel(s->data, len, s->walk);
}

/* The new image's argument area, byte for byte, into data[0]. */
static __always_inline __u32 read_args(struct exec_scratch *s, struct task_struct *task)
{
	struct mm_struct___exec *mm = (struct mm_struct___exec *)BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u64 len;

	if (end <= start)
		return 0;
	len = end - start;
	if (len > SYSQ_EXEC_ARGS_MAX)
		s->rec.flags |= SYSQ_EXEC_ARGS_TRUNCATED;
	len = CLAMP(len, SYSQ_EXEC_ARGS_MAX);
	move_exe(s, len);
	if (bpf_probe_read_user(s->data, len, (void *)start)) {
		s->rec.flags |= SYSQ_EXEC_ARGS_UNREADABLE;
		restore_exe(s);
		return 0;
	}
	return len;
}

static __always_inline void read_creds(struct sysq_exec_event *e, struct task_struct *task)
{
	const struct cred___exec *c = (const struct cred___exec *)BPF_CORE_READ(task, cred);

	e->uid = BPF_CORE_READ(c, uid.val);
	e->euid = BPF_CORE_READ(c, euid.val);
	e->suid = BPF_CORE_READ(c, suid.val);
	e->fsuid = BPF_CORE_READ(c, fsuid.val);
	e->gid = BPF_CORE_READ(c, gid.val);
	e->egid = BPF_CORE_READ(c, egid.val);
	e->sgid = BPF_CORE_READ(c, sgid.val);
	e->fsgid = BPF_CORE_READ(c, fsgid.val);
	e->auid = bpf_core_field_exists(task->loginuid) ? BPF_CORE_READ(task, loginuid.val)
						       : 4294967295u;
}

/* The named file's mode and owner, as audit's PATH record has them. When
 * an interpreter ran it (a script, binfmt_misc), the file loaded is not
 * the one named, and the record says nothing of either. */
static __always_inline void read_file(struct sysq_exec_event *e,
				      struct linux_binprm___exec *bprm)
{
	struct inode___exec *inode;

	if (BPF_CORE_READ(bprm, interp) != BPF_CORE_READ(bprm, filename))
		return;
	inode = BPF_CORE_READ(bprm, file, f_inode);
	if (!inode)
		return;
	e->mode = BPF_CORE_READ(inode, i_mode);
	e->owner_uid = BPF_CORE_READ(inode, i_uid.val);
	e->owner_gid = BPF_CORE_READ(inode, i_gid.val);
	e->flags |= SYSQ_EXEC_HAVE_FILE;
}

/* Which exec syscall ran. The task's user registers say whether one did
 * (an exec the kernel started has no syscall number there), but by this
 * point they say execve for execveat too; an execveat on a descriptor is
 * told by the name the kernel made for it (bprm->fdpath, "/dev/fd/N"). */
static __always_inline void read_syscall(struct sysq_exec_event *e, struct task_struct *task,
					 struct linux_binprm___exec *bprm)
{
	struct pt_regs___sysq *regs = (struct pt_regs___sysq *)bpf_task_pt_regs(task);

	e->syscall_nr = (__s64)BPF_CORE_READ(regs, orig_ax);
	if (bpf_core_field_exists(bprm->fdpath) && BPF_CORE_READ(bprm, fdpath))
		e->flags |= SYSQ_EXEC_AT_FD;
	if (bpf_core_field_exists(task->thread_info) &&
	    (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT))
		e->flags |= SYSQ_EXEC_COMPAT;
}

static __always_inline void read_task(struct sysq_exec_event *e, struct task_struct *task,
				      __u32 old_pid, struct linux_binprm___exec *bprm)
{
	e->version = SYSQ_EXEC_EVENT_VERSION;
	e->kind = SYSQ_KIND_EXEC;
	e->boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = BPF_CORE_READ(task, tgid);
	e->old_pid = old_pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	read_creds(e, task);
	read_syscall(e, task, bprm);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* The working directory, after the arguments and the executable. */
static __always_inline void read_cwd(struct exec_scratch *s, struct task_struct *task, __u32 pos)
{
	struct fs_struct___exec *fs = ((struct task_struct___exec *)task)->fs;
	__u32 trunc = 0;

	s->rec.cwd_len = fs ? put_path(s, &fs->pwd, &fs->root, pos, &trunc) : 0;
	if (trunc)
		s->rec.flags |= SYSQ_EXEC_CWD_TRUNCATED;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sysq_exec, struct task_struct *task, int old_pid, struct linux_binprm___exec *bprm)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	__u64 size;
	__u32 args;

	if (!s)
		return 0;
	__builtin_memset(&s->rec, 0, sizeof(s->rec));
	read_exe(s, task);
	if (filtered(s))
		return 0;
	read_task(&s->rec, task, (__u32)old_pid, bprm);
	read_file(&s->rec, bprm);
	s->rec.argc = BPF_CORE_READ(bprm, argc);
	args = read_args(s, task);
	s->rec.args_len = args;
	read_cwd(s, task, args + s->rec.path_len);
	size = sizeof(s->rec) + (__u64)args + s->rec.path_len + s->rec.cwd_len;
	size = CLAMP(size, sizeof(s->rec) + SYSQ_EXEC_DATA_MAX);
	s->rec.size = size;
	if (bpf_ringbuf_output(&exec_events, &s->rec, size, 0))
		count(SYSQ_EXEC_CNT_RINGBUF_FULL);
	return 0;
}

/* The lifecycle syscalls' numbers on the 64-bit and 32-bit ABIs. */
enum {
#define X(name, x86_64, i386, aarch64, arm, ppc64, s390x) NR64_##name = x86_64, NR32_##name = i386,
	SYSQ_AUDIT_SYSCALLS(X)
#undef X
};

/* si_code of a signal kill sent (SI_USER) and of one tkill or tgkill
 * sent (SI_TKILL). */
#define SYSQ_SI_USER 0
#define SYSQ_SI_TKILL (-6)

/* The syscall the current task is in, from its user registers, and
 * whether it is a 32-bit one. */
static __always_inline __s64 current_syscall(__u32 *flags)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct pt_regs___sysq *regs = (struct pt_regs___sysq *)bpf_task_pt_regs(task);

	if (bpf_core_field_exists(task->thread_info) &&
	    (BPF_CORE_READ(task, thread_info.status) & TS_COMPAT))
		*flags |= SYSQ_LIFE_COMPAT;
	return (__s64)BPF_CORE_READ(regs, orig_ax);
}

static __always_inline bool is_call(__s64 nr, __u32 flags, int nr64, int nr32)
{
	return nr == ((flags & SYSQ_LIFE_COMPAT) ? nr32 : nr64);
}

/* The current task's ids, as audit logs the caller's. */
static __always_inline void life_ids(struct sysq_life_event *e, __u32 kind)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct sysq_exec_event ids = {};

	read_creds(&ids, task);
	e->version = SYSQ_EXEC_EVENT_VERSION;
	e->kind = kind;
	e->size = sizeof(*e);
	e->boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->auid = ids.auid;
	e->uid = ids.uid;
	e->euid = ids.euid;
	e->suid = ids.suid;
	e->fsuid = ids.fsuid;
	e->gid = ids.gid;
	e->egid = ids.egid;
	e->sgid = ids.sgid;
	e->fsgid = ids.fsgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline void life_output(struct sysq_life_event *e)
{
	if (bpf_ringbuf_output(&exec_events, e, sizeof(*e), 0))
		count(SYSQ_EXEC_CNT_RINGBUF_FULL);
}

static __always_inline bool is_fork(__s64 nr, __u32 flags)
{
	return is_call(nr, flags, NR64_fork, NR32_fork) ||
	       is_call(nr, flags, NR64_vfork, NR32_vfork) ||
	       is_call(nr, flags, NR64_clone, NR32_clone) ||
	       is_call(nr, flags, NR64_clone3, NR32_clone3);
}

/* Runs in the caller, once the child exists. A kernel thread's fork (its
 * registers hold no syscall) and a thread, unless asked for, are left out. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sysq_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sysq_life_event e = {};
	__s64 nr = current_syscall(&e.flags);

	if (!is_fork(nr, e.flags))
		return 0;
	if (child->pid != child->tgid && !(cfg.lifecycle & SYSQ_LIFE_THREADS)) {
		count(SYSQ_EXEC_CNT_FILTER_THREAD);
		return 0;
	}
	life_ids(&e, SYSQ_KIND_FORK);
	e.syscall_nr = nr;
	/* What the call returned: the new process's id, or a thread's. */
	e.pid = child->pid;
	e.ppid = parent->tgid;
	life_output(&e);
	return 0;
}

/* Runs in the exiting task. Only an exit the task asked for by syscall:
 * exit_group, or exit when it ends the process (group_dead) or threads
 * are asked for. A task killed by a signal, or zapped by another
 * thread's exit_group, is in another syscall or none. The status is the
 * syscall's first argument, as audit's a0. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sysq_exit, struct task_struct *task, bool group_dead)
{
	struct sysq_life_event e = {};
	__s64 nr = current_syscall(&e.flags);
	struct pt_regs___sysq *regs;

	if (is_call(nr, e.flags, NR64_exit, NR32_exit)) {
		if (!group_dead && !(cfg.lifecycle & SYSQ_LIFE_THREADS)) {
			count(SYSQ_EXEC_CNT_FILTER_THREAD);
			return 0;
		}
	} else if (!is_call(nr, e.flags, NR64_exit_group, NR32_exit_group)) {
		return 0;
	}
	life_ids(&e, SYSQ_KIND_EXIT);
	regs = (struct pt_regs___sysq *)bpf_task_pt_regs(task);
	e.syscall_nr = nr;
	e.exit_code = (__s32)(BPF_CORE_READ(regs, di) & 0xff);
	life_output(&e);
	return 0;
}

/* Runs in the sender for each signal generated. Only a signal kill,
 * tkill or tgkill sent: its si_code says a user sent it, and the
 * sender's registers name the call (not pidfd_send_signal or
 * rt_sigqueueinfo). SEND_SIG_NOINFO and SEND_SIG_PRIV (0 and 1) are not
 * pointers. */
SEC("tp_btf/signal_generate")
int BPF_PROG(sysq_kill, int sig, struct kernel_siginfo___exec *info, struct task_struct *task,
	     int group, int result)
{
	struct sysq_life_event e = {};
	__s64 nr;
	int code;

	if ((unsigned long)info <= 1)
		return 0;
	code = BPF_CORE_READ(info, si_code);
	if (code != SYSQ_SI_USER && code != SYSQ_SI_TKILL)
		return 0;
	nr = current_syscall(&e.flags);
	if (!is_call(nr, e.flags, NR64_kill, NR32_kill) &&
	    !is_call(nr, e.flags, NR64_tkill, NR32_tkill) &&
	    !is_call(nr, e.flags, NR64_tgkill, NR32_tgkill))
		return 0;
	life_ids(&e, SYSQ_KIND_KILL);
	e.syscall_nr = nr;
	e.target_pid = code == SYSQ_SI_TKILL ? task->pid : task->tgid;
	e.signal = sig;
	life_output(&e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
