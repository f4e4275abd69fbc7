/* The daemon's --audit_cgroup_bpf_map: the task cgroup BPF program's
 * lifetime, and handing its map to the container lookups. */
#pragma once

#include "core/flags.h"

/* With the flag on, loads the program and has audit rows read its map.
 * Never fails the daemon: without BPF, audit rows read /proc alone, and
 * a warning says why. */
void task_cgroup_start(const struct sysq_flags *flags);

/* Stops the lookups using the map and unloads it; call once no audit
 * subscriber runs. */
void task_cgroup_stop(void);
