/* osquery_info: the running agent itself, under osquery's table name and
 * columns, which fleet managers read at enrollment and in their detail
 * queries.
 *
 * Example:
 *   SELECT version, pid, instance_id, start_time FROM osquery_info;
 *
 * version is sysq's; uuid is the host's (as system_info.uuid); instance_id
 * is this installation's, kept in the database; start_time is when the
 * daemon process started; config_hash is the SHA-1 of the text of the
 * config in force (the file's or the fleet server's), as osquery's;
 * watcher is -1, as osquery shows it without a watcher process, and
 * extensions "inactive": sysq has neither. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"
#include "store/meta.h"

#include "common/hostinfo.h"
#include "common/sha1.h"
#include "core/flags.h"
#include "core/schedule_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* osquery's platform mask for Linux: POSIX (1) | LINUX (8). */
#define PLATFORM_MASK_LINUX 9

enum {
	COL_pid, COL_uuid, COL_instance_id, COL_version, COL_config_hash, COL_config_valid,
	COL_extensions, COL_build_platform, COL_build_distro, COL_start_time, COL_watcher,
	COL_platform_mask, COL_COUNT
};

static const struct column_def osquery_info_columns[] = {
	{"pid", COLUMN_INTEGER, false, "Process id of the daemon"},
	{"uuid", COLUMN_TEXT, false, "The host's UUID (as system_info.uuid)"},
	{"instance_id", COLUMN_TEXT, false, "This installation's id, kept in the database"},
	{"version", COLUMN_TEXT, false, "sysq's version"},
	{"config_hash", COLUMN_TEXT, false, "SHA-1 of the config in force; empty without one"},
	{"config_valid", COLUMN_INTEGER, false, "1 when a config is in force, else 0"},
	{"extensions", COLUMN_TEXT, false, "Always inactive: sysq loads no extensions"},
	{"build_platform", COLUMN_TEXT, false, "Platform sysq was built for (linux)"},
	{"build_distro", COLUMN_TEXT, false, "Distribution sysq was built on (debian12...)"},
	{"start_time", COLUMN_INTEGER, false, "Unix time the daemon process started"},
	{"watcher", COLUMN_INTEGER, false, "Always -1: sysq runs without a watcher process"},
	{"platform_mask", COLUMN_INTEGER, false, "osquery's platform bits: 9 (POSIX, Linux)"},
};

static const struct table_def osquery_info_def = {
	.name = "osquery_info",
	.description = "The running sysq daemon, with osquery's columns",
	.columns = osquery_info_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

/* Field 22 of /proc/self/stat: clock ticks from boot to our start. The
 * command name (field 2) may hold spaces, so fields count from its ')'. */
static int64_t process_start_time(void)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	unsigned long long ticks = 0;
	struct timespec real, boot;
	char *p;

	if (f)
		fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				"%*d %*d %*d %llu",
			 &ticks) != 1)
		return 0;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (int64_t)real.tv_sec - (int64_t)boot.tv_sec +
	       (int64_t)(ticks / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/* A config that fails to load is never put in force (the daemon exits,
 * or a reload keeps the old one), so any hash means a valid config. */
static void set_config(struct row *row, const struct catalog *cat)
{
	char hash[SHA1_HEX_LEN + 1] = "";

	if (cat->schedule)
		schedule_stats_config_hash(cat->schedule, hash);
	row_set_str(row, COL_config_hash, hash);
	row_set_int(row, COL_config_valid, hash[0] != '\0');
}

static void fill_osquery_info(const void *ctx, struct snapshot_rows *out)
{
	const struct catalog *cat = ctx;
	struct row *row = snapshot_add_row(out, COL_COUNT);
	char *uuid = host_uuid(), *instance = NULL;

	if (cat->flags)
		store_meta_get(cat->flags->database_path, META_INSTANCE_ID, &instance);
	row_set_int(row, COL_pid, getpid());
	row_set_str(row, COL_uuid, uuid ? uuid : "");
	row_set_str(row, COL_instance_id, instance ? instance : "");
	row_set_str(row, COL_version, SYSQ_VERSION);
	set_config(row, cat);
	row_set_str(row, COL_extensions, "inactive");
	row_set_str(row, COL_build_platform, "linux");
	row_set_str(row, COL_build_distro, SYSQ_BUILD_DISTRO);
	row_set_int(row, COL_start_time, process_start_time());
	row_set_int(row, COL_watcher, -1);
	row_set_int(row, COL_platform_mask, PLATFORM_MASK_LINUX);
	free(uuid);
	free(instance);
}

const struct snapshot_module osquery_info_module = {
	.def = &osquery_info_def,
	.fill = fill_osquery_info,
};
