/* Loading the task cgroup program (task_cgroup_bpf.h). It has no ring
 * buffer and no reader: the kernel writes the map on fork, exec and
 * cgroup moves, and audit rows look a pid up in it. Processes that
 * started before the load are in it only once they exec or move; for the
 * others the lookup falls back to /proc. */
#include "task_cgroup_bpf.h"

#include "sysq_task_cgroup.h"

#include "task_cgroup.skel.h"

#include "bpf_util.h"

#include "common/xalloc.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct task_cgroup_bpf {
	struct task_cgroup *skel;
};

static int fail(struct task_cgroup_bpf *tc, char **err, int rc, const char *step)
{
	*err = xasprintf("%s: %s%s", step, strerror(-rc), bpf_util_hint(-rc));
	task_cgroup_bpf_close(tc);
	return rc;
}

int task_cgroup_bpf_open(struct task_cgroup_bpf **out, char **err)
{
	struct task_cgroup_bpf *tc = xcalloc(1, sizeof(*tc));
	int rc;

	*out = NULL;
	bpf_util_set_print();
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(tc, err, -ENOENT, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
	tc->skel = task_cgroup__open();
	if (!tc->skel)
		return fail(tc, err, -errno, "opening the embedded task cgroup BPF object");
	rc = task_cgroup__load(tc->skel);
	if (rc < 0)
		return fail(tc, err, rc, "loading the task cgroup programs");
	rc = task_cgroup__attach(tc->skel);
	if (rc < 0)
		return fail(tc, err, rc,
			    "attaching to sched_process_fork, sched_process_exec and "
			    "cgroup_attach_task");
	*out = tc;
	return 0;
}

int task_cgroup_bpf_map_fd(const struct task_cgroup_bpf *tc)
{
	return bpf_map__fd(tc->skel->maps.task_cgroups);
}

void task_cgroup_bpf_close(struct task_cgroup_bpf *tc)
{
	if (!tc)
		return;
	task_cgroup__destroy(tc->skel);
	free(tc);
}
