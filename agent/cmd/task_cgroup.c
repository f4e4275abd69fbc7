/* --audit_cgroup_bpf_map (task_cgroup.h). The program is loaded before
 * the audit source starts, so the first audit rows can use the map, and
 * unloaded after it stops, so no reader looks at a closed map. */
#include "task_cgroup.h"

#include "bpf/task_cgroup_bpf.h"
#include "container/cgroup_lookup.h"

#include "common/log.h"

#include <stdlib.h>

static struct task_cgroup_bpf *loaded;

void task_cgroup_start(const struct sysq_flags *flags)
{
	char *err = NULL;

	/* Only audit rows look it up. */
	if (!flags->audit_cgroup_bpf_map || flags->disable_events || flags->disable_audit)
		return;
	if (task_cgroup_bpf_open(&loaded, &err) < 0) {
		log_warn("bpf: no cgroup map, audit rows read /proc/<pid>/cgroup alone: %s", err);
		free(err);
		return;
	}
	cgroup_lookup_use_task_map(task_cgroup_bpf_map_fd(loaded));
}

void task_cgroup_stop(void)
{
	cgroup_lookup_use_task_map(-1);
	task_cgroup_bpf_close(loaded);
	loaded = NULL;
}
