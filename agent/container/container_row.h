/* The container columns of an event table's row (cgroup_id, cgroup_path,
 * container_id, container_runtime), filled the same way for every table
 * and source: from the cgroup id a BPF record carries, or from the pid of
 * an audit record while its process lives. */
#pragma once

#include "store/row.h"

#include "core/counters.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The table's column indexes. A row built from a pid (audit) takes the
 * cgroup id of the path it read, as a BPF row takes the kernel's. */
struct container_columns {
	unsigned cgroup_id, cgroup_path, container_id, container_runtime;
};

/* cgroup_path and the container from the id the kernel gave (the caller
 * has set cgroup_id from the record). Returns 0, or -errno with the
 * columns left NULL: the caller counts it (cgroup_unknown). */
int container_row_by_id(struct row *row, const struct container_columns *cols, uint64_t id);

/* The columns from /proc/<pid>/cgroup, for an event at event_ms (wall
 * clock, ms). Returns 0, or -errno with the columns left NULL (-ESRCH: the
 * process was gone, or its pid named a later process). */
int container_row_by_pid(struct row *row, const struct container_columns *cols, pid_t pid,
			 int64_t event_ms);

/* What the tables call: the above, with a failure counted in `counters`
 * (the table's cgroup_unknown). */
void container_row_bpf(struct row *row, const struct container_columns *cols, uint64_t id,
		       struct sysq_counters *counters);
/* An audit row reads /proc at most `per_second` times a second (per
 * thread: one audit reader), a read costing tens of microseconds on the
 * reader's thread; past that, or with 0, the columns stay NULL and are
 * counted, so a storm of events does not become a storm of reads. */
void container_row_audit(struct row *row, const struct container_columns *cols, pid_t pid,
			 int64_t event_ms, unsigned per_second, struct sysq_counters *counters);
