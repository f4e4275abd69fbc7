/* The cgroup v2 of every process, kept by the kernel for audit rows.
 *
 * An audit record names a pid; by the time sysq reads it the process may
 * be gone, and /proc has nothing left to say. This program keeps, per
 * thread group, the cgroup it is in and its start time, in an LRU hash
 * that nothing deletes at exit: an entry outlives its process until the
 * pid is given to a new process, whose fork overwrites it (with a later
 * start time, by which the agent tells an event of the old process from
 * one of the new). Three raw tracepoints (tp_btf), none on a syscall:
 * sched_process_fork (a new process, in the cgroup clone3 may have put
 * it in), sched_process_exec and cgroup_attach_task (a process moved to
 * another cgroup v2, as runtimes do before they exec the container's
 * program). */
#include "sysq_core.h"
#include "sysq_task_cgroup.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <stdbool.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* Fields beyond sysq_core.h's; CO-RE ignores the ___tc suffix. */
struct task_struct___tc {
	int pid;
	int tgid;
	__u64 start_boottime;
	struct css_set *cgroups;
};

struct cgroup_root___tc {
	int hierarchy_id; /* 0: the v2 hierarchy */
};

struct cgroup___tc {
	struct kernfs_node *kn;
	struct cgroup_root___tc *root;
};

#pragma clang attribute pop

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SYSQ_TASK_CGROUP_ENTRIES);
	__type(key, __u32);
	__type(value, struct sysq_task_cgroup);
} task_cgroups SEC(".maps");

/* Records `id` for the thread group of `task`, when `task` leads it (a
 * new thread is not a new process). */
static __always_inline void remember(struct task_struct___tc *task, __u64 id)
{
	struct sysq_task_cgroup v = {.cgroup_id = id};
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, pid) != (int)tgid || id == 0)
		return;
	v.start_ns = BPF_CORE_READ(task, start_boottime);
	bpf_map_update_elem(&task_cgroups, &tgid, &v, BPF_ANY);
}

static __always_inline __u64 task_cgroup_id(struct task_struct___tc *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sysq_tc_fork, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct___tc *c = (struct task_struct___tc *)child;

	remember(c, task_cgroup_id(c));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sysq_tc_exec, struct task_struct *task, int old_pid, void *bprm)
{
	struct task_struct___tc *t = (struct task_struct___tc *)task;

	remember(t, task_cgroup_id(t));
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(sysq_tc_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	struct cgroup___tc *cg = (struct cgroup___tc *)dst;

	if (BPF_CORE_READ(cg, root, hierarchy_id) != 0)
		return 0; /* a v1 hierarchy's */
	remember((struct task_struct___tc *)task, BPF_CORE_READ(cg, kn, id));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
