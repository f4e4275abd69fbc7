/* Container columns from a cgroup id or a pid (container_row.h). On the
 * host, container_id and container_runtime stay NULL while cgroup_id and
 * cgroup_path say where the process was. */
#include "container_row.h"

#include "cgroup_lookup.h"

#include "common/rate_limit.h"

#include <time.h>

static void set_info(struct row *row, const struct container_columns *cols,
		     const struct cgroup_info *info)
{
	const char *runtime = container_runtime_name(info->container.runtime);

	row_set_text(row, cols->cgroup_path, info->path, info->path_len);
	if (runtime) {
		row_set_str(row, cols->container_id, info->container.id);
		row_set_str(row, cols->container_runtime, runtime);
	}
}

int container_row_by_id(struct row *row, const struct container_columns *cols, uint64_t id)
{
	struct cgroup_info info;
	int rc = cgroup_info_by_id(id, &info);

	if (rc == 0)
		set_info(row, cols, &info);
	return rc;
}

int container_row_by_pid(struct row *row, const struct container_columns *cols, pid_t pid,
			 int64_t event_ms)
{
	struct cgroup_info info;
	int rc = cgroup_info_by_pid(pid, event_ms, true, &info);

	if (rc < 0)
		return rc;
	if (info.id)
		row_set_int(row, cols->cgroup_id, (int64_t)info.id);
	set_info(row, cols, &info);
	return 0;
}

void container_row_bpf(struct row *row, const struct container_columns *cols, uint64_t id,
		       struct sysq_counters *counters)
{
	if (container_row_by_id(row, cols, id) < 0)
		counter_add(counters, COUNTER_cgroup_unknown, 1);
}

/* The cgroup reads of this reader thread (common/rate_limit.h). */
static bool read_allowed(unsigned per_second)
{
	static __thread struct rate_limit bucket;

	return rate_limit_take(&bucket, per_second);
}

void container_row_audit(struct row *row, const struct container_columns *cols, pid_t pid,
			 int64_t event_ms, unsigned per_second, struct sysq_counters *counters)
{
	if (!read_allowed(per_second) || container_row_by_pid(row, cols, pid, event_ms) < 0)
		counter_add(counters, COUNTER_cgroup_unknown, 1);
}
