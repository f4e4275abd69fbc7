/* uptime: how long the system has been up, with osquery's columns (a
 * fleet manager's detail queries read total_seconds).
 *
 * Example:
 *   SELECT days, hours, total_seconds FROM uptime;
 *
 * From sysinfo(2), the same clock as /proc/uptime (CLOCK_BOOTTIME:
 * time asleep counts). */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include <sys/sysinfo.h>

enum { COL_days, COL_hours, COL_minutes, COL_seconds, COL_total_seconds, COL_COUNT };

static const struct column_def uptime_columns[] = {
	{"days", COLUMN_INTEGER, false, "Whole days up"},
	{"hours", COLUMN_INTEGER, false, "Hours past the whole days"},
	{"minutes", COLUMN_INTEGER, false, "Minutes past the whole hours"},
	{"seconds", COLUMN_INTEGER, false, "Seconds past the whole minutes"},
	{"total_seconds", COLUMN_INTEGER, false, "Seconds since boot"},
};

static const struct table_def uptime_def = {
	.name = "uptime",
	.description = "Time since the system booted",
	.columns = uptime_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

static void fill_uptime(const void *ctx, struct snapshot_rows *out)
{
	struct sysinfo si;
	struct row *row;
	long t;

	(void)ctx;
	if (sysinfo(&si) < 0)
		return;
	t = si.uptime;
	row = snapshot_add_row(out, COL_COUNT);
	row_set_int(row, COL_days, t / 86400);
	row_set_int(row, COL_hours, t % 86400 / 3600);
	row_set_int(row, COL_minutes, t % 3600 / 60);
	row_set_int(row, COL_seconds, t % 60);
	row_set_int(row, COL_total_seconds, t);
}

const struct snapshot_module uptime_module = {
	.def = &uptime_def,
	.fill = fill_uptime,
};
