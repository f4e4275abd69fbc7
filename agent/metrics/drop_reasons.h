/* Which sysq_events counter is which reason of sysq_events_dropped_total,
 * and on which rows: a publisher's (what its source lost or filtered) or a
 * table's (what happened to its rows). Every counter but events, stored,
 * refreshes, the gauge bpf_waiting and the rows stored without their
 * container or file columns (cgroup_unknown, file_unread) is a drop; tests/unit/test_metrics.c holds every counter
 * to a reason, so a new one cannot go unexported. */
#pragma once

#include "core/counters.h"

/* DROP_ON_LOGGER: a shipping logger's (sysq_log_lines_dropped_total). */
enum { DROP_ON_PUBLISHER = 1, DROP_ON_TABLE = 2, DROP_ON_LOGGER = 4 };

struct drop_reason {
	const char *reason; /* the label value; NULL: not a drop */
	unsigned on;	    /* DROP_ON_* */
};

extern const struct drop_reason drop_reasons[COUNTER_COUNT];
