/* Loading the task cgroup BPF program (bpf/task_cgroup.bpf.c), which
 * keeps each process's cgroup v2 in a map for audit rows' container
 * columns (container/cgroup_lookup.h reads the map). */
#pragma once

struct task_cgroup_bpf;

/* Loads and attaches the program. Returns 0, or -errno with *err set (the
 * caller frees it). */
int task_cgroup_bpf_open(struct task_cgroup_bpf **out, char **err);

/* The map's fd, valid until task_cgroup_bpf_close. */
int task_cgroup_bpf_map_fd(const struct task_cgroup_bpf *tc);

/* Detaches and frees; NULL is fine. */
void task_cgroup_bpf_close(struct task_cgroup_bpf *tc);
