/* Building a call's record and handing it to the agent: the executable's
 * path (built once per process image and cached), the process and socket
 * fields, the tick-exact time, and the copy into the ring buffer with a
 * wakeup only per batch. A part of socket_events.bpf.c. */
#pragma once

#include "call.h"
#include "sysq_path.h"

/* Builds the path of exe into s->exe as audit's exe= and the exec
 * program give it (sysq_path.h): relative to the task's root, so a
 * process in a container or a chroot reads as it sees itself. A path
 * longer than a record holds keeps its end, the executable's name, and
 * is marked truncated. */
static __always_inline void build_exe_path(struct task_struct *task, struct file *exe,
					   struct scratch *s)
{
	struct fs_struct___sock *fs = ((struct task_struct___sock *)task)->fs;
	__u32 truncated = 0, off = SYSQ_PATH_END, len;

	if (exe)
		off = sysq_path_build(&exe->f_path, fs ? &fs->root : NULL, s->path, &truncated);
	len = SYSQ_PATH_END - off;
	if (len > SYSQ_EXE_MAX - 1) {
		off += len - (SYSQ_EXE_MAX - 1);
		len = SYSQ_EXE_MAX - 1;
		truncated = 1;
	}
	/* The mask says len < SYSQ_EXE_MAX to the verifier; the barrier
	 * stops clang from dropping it. */
	barrier_var(len);
	len &= SYSQ_EXE_MAX - 1;
	bpf_probe_read_kernel(s->exe.path, len, s->path + (off & (SYSQ_PATH_END - 1)));
	s->exe.len = len;
	s->exe.truncated = truncated;
}

static __always_inline bool same_image(const struct image_id *x, const struct image_id *y)
{
	return x->tgid == y->tgid && x->exec_id == y->exec_id && x->mm == y->mm &&
	       x->exe_file == y->exe_file && x->root_dentry == y->root_dentry &&
	       x->root_mnt == y->root_mnt;
}

/* Copies the first n bytes of src (size bytes) in whole blocks of plain
 * loads and stores, so up to COPY_BLOCK - 1 bytes past n: for the few
 * dozen bytes of a path, a helper call costs more than the copy. */
static __always_inline void copy_blocks(void *dst, const void *src, __u32 n, __u32 size)
{
	for (__u32 off = 0; off < size; off += COPY_BLOCK) {
		if (off >= n)
			break;
		__builtin_memcpy(dst + off, src + off, COPY_BLOCK);
	}
}

/* The current process image's executable, left in s->exe: already there
 * when this CPU's last record was of the same image (a process making
 * calls in a loop costs no map lookup), else from the per-process cache,
 * else built and cached. Kernel threads have none (len 0). */
static __always_inline const struct exe_entry *exe_of(struct task_struct *task, struct scratch *s)
{
	struct fs_struct___sock *fs = ((struct task_struct___sock *)task)->fs;
	struct mm_struct *mm = task->mm;
	struct file *exe = mm ? mm->exe_file : NULL;
	struct image_id id = {
		.exec_id = task->self_exec_id,
		.mm = (__u64)mm,
		.exe_file = (__u64)exe,
		.root_dentry = fs ? (__u64)fs->root.dentry : 0,
		.root_mnt = fs ? (__u64)fs->root.mnt : 0,
		.tgid = task->tgid,
	};
	struct exe_entry *hit;

	if (same_image(&s->exe.id, &id))
		return &s->exe;
	s->exe.id = id;
	hit = bpf_map_lookup_elem(&exe_cache, &id.tgid);
	if (hit && same_image(&hit->id, &id)) {
		s->exe.len = CLAMP(hit->len, SYSQ_EXE_MAX - 1);
		s->exe.truncated = hit->truncated;
		copy_blocks(s->exe.path, hit->path, s->exe.len, SYSQ_EXE_MAX);
		/* Another CPU may have reused the LRU element meanwhile: the
		 * copy counts only if it is still this image's. */
		if (same_image(&hit->id, &id))
			return &s->exe;
	}
	build_exe_path(task, exe, s);
	bpf_map_update_elem(&exe_cache, &id.tgid, &s->exe, BPF_ANY);
	return &s->exe;
}

/* The task's cgroup v2 id, as bpf_get_current_cgroup_id() gives it, by
 * direct loads; kernels whose kernfs_node has no plain id use the helper. */
static __always_inline __u64 cgroup_id_of(struct task_struct *task)
{
	struct kernfs_node *kn;

	if (!bpf_core_field_exists(struct kernfs_node, id))
		return bpf_get_current_cgroup_id();
	kn = task->cgroups->dfl_cgrp->kn;
	return kn ? kn->id : 0;
}

/* The process fields, then the executable's path appended at data[off].
 * Returns the new end of the variable part. Direct loads from the task,
 * not helpers: each helper call is a call and a return, and with the
 * kernel's return-thunk mitigations a return is not cheap. */
static __always_inline __u32 fill_process(struct scratch *s, struct task_struct *task, __u32 off)
{
	const struct exe_entry *x = exe_of(task, s);
	struct sysq_sock_event *e = &s->rec;
	const struct cred *cred = task->cred;
	__u64 len;

	e->pid = task->tgid;
	e->tid = task->pid;
	e->uid = cred->uid.val;
	e->gid = cred->gid.val;
	e->ppid = task->real_parent->tgid;
	e->auid = bpf_core_field_exists(task->loginuid) ? task->loginuid.val : 4294967295u;
	e->cgroup_id = cgroup_id_of(task);
	/* Two loads instead of a helper; the kernel keeps comm NUL-padded. */
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	len = CLAMP(x->len, SYSQ_EXE_MAX - 1);
	off = CLAMP(off, SYSQ_SOCKADDR_MAX + SYSQ_UNIX_PATH_MAX);
	copy_blocks(s->data + off, x->path, len, SYSQ_EXE_MAX);
	e->exe_len = len;
	if (x->truncated)
		e->flags |= SYSQ_EV_EXE_TRUNCATED;
	return off + len;
}

/* The socket's own fields; for a UNIX socket its bound path, appended at
 * data[off]. Returns the new end of the variable part. */
static __always_inline __u32 fill_socket(struct scratch *s, struct sock *sk, __u32 off)
{
	struct sysq_sock_event *e = &s->rec;
	/* Direct loads, like fd_sock's: no helper call per field. */
	__u16 family = sk->__sk_common.skc_family;

	e->flags |= SYSQ_EV_HAVE_SOCKET;
	e->sock_family = family;
	e->protocol = sk->sk_protocol;
	e->sock_type = sk->sk_type;
	if (family == AF_UNIX) {
		off = CLAMP(off, SYSQ_SOCKADDR_MAX);
		e->local_unix_len = own_unix_path(sk, s->data + off);
		return off + e->local_unix_len;
	}
	if (family == AF_INET) {
		__be32 local = sk->__sk_common.skc_rcv_saddr;
		__be32 peer = sk->__sk_common.skc_daddr;

		__builtin_memcpy(e->local_addr, &local, sizeof(local));
		__builtin_memcpy(e->peer_addr, &peer, sizeof(peer));
	} else if (family == AF_INET6) {
		struct sysq_in6 local = sk->__sk_common.skc_v6_rcv_saddr;
		struct sysq_in6 peer = sk->__sk_common.skc_v6_daddr;

		__builtin_memcpy(e->local_addr, &local, sizeof(local));
		__builtin_memcpy(e->peer_addr, &peer, sizeof(peer));
	} else {
		return off;
	}
	e->local_port = sk->__sk_common.skc_num;
	e->peer_port = bpf_ntohs(sk->__sk_common.skc_dport);
	e->flags |= SYSQ_EV_HAVE_LOCAL;
	if (e->peer_port)
		e->flags |= SYSQ_EV_HAVE_PEER;
	return off;
}

/* Copies the record into the ring. Only a record that takes the data
 * waiting past a multiple of wakeup_bytes (a power of two) wakes the
 * reader: waking on every record past the mark would raise an interrupt
 * per event until the reader catches up (a VM exit each, on a virtual
 * machine). The reader sleeps only once it has read the ring empty, so
 * the first mark is crossed before it waits long; if records of two CPUs
 * race past a mark unseen, the next mark or the reader's poll timeout
 * wakes it. */
static __always_inline void submit(struct sysq_sock_event *rec, __u32 size)
{
	__u64 before = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	/* The ring adds its 8-byte header and rounds up to 8 bytes. */
	__u64 after = before + ((size + 8 + 7) & ~7ull);
	__u64 flags = (before ^ after) >= cfg.wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;

	size = CLAMP(size, sizeof(*rec) + SYSQ_SOCK_EVENT_DATA_MAX);
	if (bpf_ringbuf_output(&events, rec, size, flags))
		count(SYSQ_CNT_RINGBUF_FULL);
}

/* CLOCK_BOOTTIME as of this CPU's first record in the current kernel tick
 * (jiffy): exact to a tick, as
 * audit stamps its records, and the time column counts seconds. Reading
 * the clock source serializes the CPU, which cost more than the rest of
 * a record; jiffies is one load, and tracing programs may not call
 * bpf_ktime_get_coarse_ns(). */
static __always_inline __u64 tick_boot_ns(struct scratch *s)
{
	__u64 now = bpf_jiffies64();

	if (now != s->tick || !s->tick_boot_ns) {
		s->tick = now;
		s->tick_boot_ns = bpf_ktime_get_boot_ns();
	}
	return s->tick_boot_ns;
}

/* Builds the record of a call that passed the filters in s->rec and
 * s->data (the named address is there already); e->size is its size. */
static __always_inline void record(struct call_ctx *c)
{
	struct sock *sk = sock_of(c);
	struct scratch *s = c->s;
	struct sysq_sock_event *e = &s->rec;
	__u32 end;

	need_sockaddr(c);
	__builtin_memset(e, 0, sizeof(*e));
	e->version = SYSQ_SOCK_EVENT_VERSION;
	e->action = c->call.action;
	e->family = c->family;
	e->ret = c->call.ret;
	e->fd = (int)c->call.a0;
	e->collapsed = c->collapsed;
	e->boot_ns = tick_boot_ns(s);
	end = CLAMP(c->salen, SYSQ_SOCKADDR_MAX);
	e->sockaddr_len = end;
	if (sk)
		end = fill_socket(s, sk, end);
	end = fill_process(s, c->task, end);
	end = CLAMP(end, SYSQ_SOCK_EVENT_DATA_MAX);
	e->size = sizeof(*e) + end;
}

/* False when the caller's calls are not reported: 32-bit syscalls (other
 * numbers, other registers) and the agent's own. */
static __always_inline bool reported_caller(struct task_struct *task)
{
	if (bpf_core_field_exists(task->thread_info) && (task->thread_info.status & TS_COMPAT))
		return false;
	return (__u32)task->tgid != cfg.self_tgid;
}

/* This CPU's scratch, taken for one record, or NULL when it is taken. The
 * cgroup hooks run preemptible, pinned to their CPU only, so a task
 * preempted while it builds a record can let another task's hook run on
 * the same CPU: that one counts its call lost (lost_bpf_busy) instead of
 * mixing two records in one scratch. An atomic exchange, as preemption
 * may fall between a test and a store. scratch_release() gives it back. */
static __always_inline struct scratch *take_scratch(bool count_busy)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);

	if (!s)
		return NULL;
	if (__sync_lock_test_and_set(&s->busy, 1)) {
		if (count_busy)
			count(SYSQ_CNT_SCRATCH_BUSY);
		return NULL;
	}
	return s;
}

/* Every path that took c->s gives it back through here. */
static __always_inline void scratch_release(struct call_ctx *c)
{
	if (c->s)
		/* An exchange: no store to the scratch moves past it (clang 14
		 * has no BPF store-release). */
		__sync_lock_test_and_set(&c->s->busy, 0);
}

/* Filters the call in c and builds its record in c->s; false when the
 * call is not reported (the filter that dropped it counted it). */
static __always_inline bool build(struct call_ctx *c)
{
	c->family = call_family(c);
	if (!reported_family(c->family) || filtered(c))
		return false;
	record(c);
	return true;
}
