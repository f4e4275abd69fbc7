/* The contract between the task cgroup BPF program
 * (bpf/task_cgroup.bpf.c) and the agent (agent/bpf/task_cgroup_bpf.c,
 * agent/container/cgroup_lookup.c): the map from a process's id to the
 * cgroup v2 it is in, which audit rows read instead of /proc/<pid>/cgroup.
 * Included by both sides, so it uses only fixed-size uapi types. */
#pragma once

#include <linux/types.h>

/* Processes the map remembers; the least recently written go first. */
#define SYSQ_TASK_CGROUP_ENTRIES 65536

/* The value for a thread group id (the pid audit reports). start_ns
 * tells a process from a later one that was given the same pid: an event
 * before start_ns was not this process's. */
struct sysq_task_cgroup {
	__u64 cgroup_id;
	__u64 start_ns; /* the process's start, CLOCK_BOOTTIME (task->start_boottime) */
};
