/* sysq_flags: every flag with its value, default and where the value came
 * from.
 *
 * Example:
 *   SELECT name, value, source FROM sysq_flags WHERE source != 'default';
 */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "core/flags.h"
#include "core/runtime_flags.h"
#include "common/xalloc.h"
#include "registry/table_module.h"

#include <stdlib.h>

enum { COL_name, COL_type, COL_description, COL_default_value, COL_value, COL_source };

static const struct column_def sysq_flags_columns[] = {
	{"name", COLUMN_TEXT, false, "Flag name, without dashes"},
	{"type", COLUMN_TEXT, false, "bool, int or string"},
	{"description", COLUMN_TEXT, false, "What the flag does"},
	{"default_value", COLUMN_TEXT, false, "Built-in default"},
	{"value", COLUMN_TEXT, false, "Value in effect"},
	{"source", COLUMN_TEXT, false, "default, flagfile, command line or config"},
};

static const struct table_def sysq_flags_def = {
	.name = "sysq_flags",
	.description = "Every daemon flag with its value, default and source",
	.columns = sysq_flags_columns,
	.ncolumns = sizeof(sysq_flags_columns) / sizeof(sysq_flags_columns[0]),
	.time_column = -1,
	.eid_column = -1,
};

static void fill_sysq_flags(const void *ctx, struct snapshot_rows *out)
{
	const struct catalog *cat = ctx;

	if (!cat->flags)
		return;
	for (int i = 0; i < FLAG_COUNT; i++) {
		struct row *row = snapshot_add_row(out, sysq_flags_def.ncolumns);
		char *value = flags_value_text(cat->flags, (enum flag_id)i);
		enum flag_source source = cat->flags->source[i];
		int64_t live;

		/* A fleet server's run-time value is the one in force. */
		if (runtime_flag_override((enum flag_id)i, &live)) {
			free(value);
			value = xasprintf("%lld", (long long)live);
			source = FLAG_SOURCE_CONFIG;
		}

		row_set_str(row, COL_name, flag_defs[i].name);
		row_set_str(row, COL_type, flag_kind_name(flag_defs[i].kind));
		row_set_str(row, COL_description, flag_defs[i].description);
		row_set_str(row, COL_default_value, flag_defs[i].default_text);
		row_set_str(row, COL_value, value);
		row_set_str(row, COL_source, flag_source_name(source));
		free(value);
	}
}

const struct snapshot_module sysq_flags_module = {
	.def = &sysq_flags_def,
	.fill = fill_sysq_flags,
	/* Fleet managers read flags under osquery's name (FleetDM's detail
	 * query asks for config_refresh, distributed_interval...). */
	.view_sql = "CREATE TEMP VIEW osquery_flags AS "
		    "SELECT name, type, description, default_value, value, 0 AS shell_only "
		    "FROM sysq_flags",
	.view_doc = "### osquery_flags\n\nA view over `sysq_flags` with osquery's columns: "
		    "`name`, `type`, `description`, `default_value`, `value`, and `shell_only`, "
		    "always 0 (sysq has no shell-only flags).\n",
};
