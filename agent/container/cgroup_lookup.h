/* The cgroup v2 and container of an event's process, from what the event
 * carries: a cgroup id the kernel gave (BPF records), or a pid (audit
 * records), whose /proc/<pid>/cgroup is read while the process lives.
 *
 * A cgroup id is the inode number of the cgroup's directory in cgroupfs
 * (kernfs), and is never reused while the system runs, so what an id
 * resolves to is cached for good, in a cache of fixed size
 * (CGROUP_CACHE_SLOTS). An id is resolved with open_by_handle_at(2) on the
 * cgroup v2 mount (a kernfs file handle is the id itself), which needs
 * CAP_DAC_READ_SEARCH, then the path of the descriptor it gives. Safe to
 * call from any thread. */
#pragma once

#include "container_parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_PATH_MAX 4096
#define CGROUP_CACHE_SLOTS 1024

struct cgroup_info {
	uint64_t id; /* 0 when not known */
	size_t path_len;
	char path[CGROUP_PATH_MAX]; /* "/system.slice/...", NUL-terminated */
	struct container_ref container;
};

/* From the id the kernel gave. Returns 0, or -errno: -ENOENT when no
 * cgroup has that id (any more), -ENODEV without a cgroup v2 mount,
 * -EPERM without the capability. */
int cgroup_info_by_id(uint64_t id, struct cgroup_info *out);

/* Has cgroup_info_by_pid look a pid up in the task cgroup BPF map
 * (bpf/task_cgroup.bpf.c) at `fd` before /proc, or not with -1. The map
 * still knows a process that has exited, until its pid is reused. */
void cgroup_lookup_use_task_map(int fd);

/* From the task map when it knows the pid, else /proc/<pid>/cgroup, for
 * an event at event_ms (wall clock, ms).
 * Returns 0, -ESRCH when the process is gone or its pid names a process
 * started after the event (proc_pid.h), or another -errno. out->id is
 * the path's id with `with_id` (a statx more), 0 without it or when the
 * cgroup went away between the two reads. */
int cgroup_info_by_pid(pid_t pid, int64_t event_ms, bool with_id, struct cgroup_info *out);
