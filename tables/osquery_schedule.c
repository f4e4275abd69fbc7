/* osquery_schedule: each scheduled query that runs on this host, with
 * what its runs have cost since the daemon started, under osquery's
 * columns (fleet managers read it for their query performance reports).
 *
 * Example:
 *   SELECT name, executions, last_executed, wall_time_ms, output_size
 *     FROM osquery_schedule;
 *
 * The scheduler records every run, failed ones included as osquery
 * counts them (core/schedule_stats.h says how each value is measured);
 * this table copies the numbers from the daemon's memory. The list is
 * the config's schedule and pack queries that run here now (platform,
 * shard, pack discovery), named as in the results log. Totals start
 * from zero when the daemon starts and survive a reload for a query that
 * keeps its name. sysq never sets a scheduled query aside (a failing or
 * timed-out one runs again at its next interval), so denylisted is 0. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "core/schedule_stats.h"

#define X_COLUMNS(X)                                                                               \
	X(name, TEXT, "Query name, as in the results log (a pack's are pack_<pack>_<query>)")        \
	X(query, TEXT, "The query's SQL")                                                          \
	X(interval, INTEGER, "Seconds between runs")                                               \
	X(executions, INTEGER, "Runs since the daemon started, failed ones included")             \
	X(last_executed, INTEGER, "Unix time the last run ended (0: not run yet)")                 \
	X(denylisted, INTEGER, "Always 0: sysq never sets a scheduled query aside")                \
	X(output_size, INTEGER, "Bytes of rows returned, summed over runs (osquery's measure: "    \
				"column name plus value, 8 for a number)")                        \
	X(wall_time, INTEGER, "Wall time of the runs, whole seconds (deprecated in osquery)")     \
	X(wall_time_ms, INTEGER, "Wall time of the runs, milliseconds")                           \
	X(last_wall_time_ms, INTEGER, "Wall time of the last run, milliseconds")                  \
	X(user_time, INTEGER, "CPU time in user space of the runs, milliseconds")                 \
	X(last_user_time, INTEGER, "CPU time in user space of the last run, milliseconds")        \
	X(system_time, INTEGER, "CPU time in the kernel of the runs, milliseconds")              \
	X(last_system_time, INTEGER, "CPU time in the kernel of the last run, milliseconds")     \
	X(average_memory, INTEGER, "Average growth of the daemon's resident memory over a run, "  \
				   "bytes")                                                        \
	X(last_memory, INTEGER, "Growth of the daemon's resident memory over the last run, bytes")

enum {
#define X(name, type, desc) COL_##name,
	X_COLUMNS(X)
#undef X
	COL_COUNT
};

static const struct column_def osquery_schedule_columns[] = {
#define X(name, type, desc) {#name, COLUMN_##type, false, desc},
	X_COLUMNS(X)
#undef X
};

static const struct table_def osquery_schedule_def = {
	.name = "osquery_schedule",
	.description = "Scheduled queries that run on this host, and what their runs cost",
	.columns = osquery_schedule_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

static void add_entry(struct snapshot_rows *out, const struct schedule_entry *e)
{
	struct row *row = snapshot_add_row(out, COL_COUNT);

	row_set_str(row, COL_name, e->name);
	row_set_str(row, COL_query, e->query);
	row_set_int(row, COL_interval, e->interval);
	row_set_int(row, COL_executions, (int64_t)e->executions);
	row_set_int(row, COL_last_executed, e->last_executed);
	row_set_int(row, COL_denylisted, e->denylisted);
	row_set_int(row, COL_output_size, (int64_t)e->output_size);
	row_set_int(row, COL_wall_time, (int64_t)e->wall_time);
	row_set_int(row, COL_wall_time_ms, (int64_t)e->wall_time_ms);
	row_set_int(row, COL_last_wall_time_ms, (int64_t)e->last_wall_time_ms);
	row_set_int(row, COL_user_time, (int64_t)e->user_time);
	row_set_int(row, COL_last_user_time, (int64_t)e->last_user_time);
	row_set_int(row, COL_system_time, (int64_t)e->system_time);
	row_set_int(row, COL_last_system_time, (int64_t)e->last_system_time);
	row_set_int(row, COL_average_memory, (int64_t)e->average_memory);
	row_set_int(row, COL_last_memory, (int64_t)e->last_memory);
}

static void fill_osquery_schedule(const void *ctx, struct snapshot_rows *out)
{
	const struct catalog *cat = ctx;
	struct schedule_entry *entries;
	size_t n;

	if (!cat->schedule)
		return;
	n = schedule_stats_copy(cat->schedule, &entries);
	for (size_t i = 0; i < n; i++)
		add_entry(out, &entries[i]);
	schedule_entries_free(entries, n);
}

const struct snapshot_module osquery_schedule_module = {
	.def = &osquery_schedule_def,
	.fill = fill_osquery_schedule,
};
