/* osquery_registry: sysq's plugins, under osquery's registry names and
 * columns. Fleet managers gate queries on it (FleetDM's discovery
 * queries: SELECT 1 FROM osquery_registry WHERE active = true AND
 * registry = 'table' AND name = 'processes').
 *
 * Example:
 *   SELECT registry, name, active FROM osquery_registry
 *    WHERE registry != 'table';
 *
 * Registries: `table`, every table a query can read now (the event
 * tables the flags enable, the snapshot tables and their views), all
 * active; `config`, filesystem and tls, the one --config_plugin names
 * active; `logger`, filesystem, syslog, kafka_producer and tls, each that
 * --logger_plugin lists active (osquery marks none active when it lists
 * several); `distributed`, tls, active when --distributed_plugin=tls and
 * --disable_distributed=false. sysq loads no extensions, so owner_uuid is
 * 0 and internal 0, as osquery shows its own plugins. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"
#include "store/store.h"

#include "core/flags.h"

#include <string.h>

enum { COL_registry, COL_name, COL_owner_uuid, COL_internal, COL_active, COL_COUNT };

static const struct column_def osquery_registry_columns[] = {
	{"registry", COLUMN_TEXT, false, "Registry: table, config, logger or distributed"},
	{"name", COLUMN_TEXT, false, "Plugin name (a table's name in the table registry)"},
	{"owner_uuid", COLUMN_INTEGER, false, "Always 0: every plugin is sysq's own"},
	{"internal", COLUMN_INTEGER, false, "Always 0, as osquery shows these plugins"},
	{"active", COLUMN_INTEGER, false, "1 if the flags in effect use the plugin"},
};

static const struct table_def osquery_registry_def = {
	.name = "osquery_registry",
	.description = "sysq's table, config, logger and distributed plugins, and which are "
		       "active",
	.columns = osquery_registry_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

static void add_plugin(struct snapshot_rows *out, const char *registry, const char *name,
		       size_t name_len, bool active)
{
	struct row *row = snapshot_add_row(out, COL_COUNT);

	row_set_str(row, COL_registry, registry);
	row_set_text(row, COL_name, name, name_len);
	row_set_int(row, COL_owner_uuid, 0);
	row_set_int(row, COL_internal, 0);
	row_set_int(row, COL_active, active);
}

/* The view's name: the word after "VIEW " in its CREATE statement. */
static void add_view(struct snapshot_rows *out, const char *view_sql)
{
	const char *p = strstr(view_sql, "VIEW ");

	if (!p)
		return;
	p += strlen("VIEW ");
	add_plugin(out, "table", p, strcspn(p, " ("), true);
}

static void add_tables(const struct catalog *cat, struct snapshot_rows *out)
{
	for (size_t i = 0; cat->store && i < store_table_count(cat->store); i++) {
		const char *name = store_table_at(cat->store, i)->def->name;

		add_plugin(out, "table", name, strlen(name), true);
	}
	for (size_t i = 0; snapshot_modules[i]; i++) {
		const struct snapshot_module *m = snapshot_modules[i];

		add_plugin(out, "table", m->def->name, strlen(m->def->name), true);
		if (m->view_sql)
			add_view(out, m->view_sql);
	}
}

static void add_str(struct snapshot_rows *out, const char *registry, const char *name, bool active)
{
	add_plugin(out, registry, name, strlen(name), active);
}

static void fill_osquery_registry(const void *ctx, struct snapshot_rows *out)
{
	static const char *const loggers[] = {"filesystem", "syslog", "kafka_producer", "tls"};
	const struct catalog *cat = ctx;
	const struct sysq_flags *f = cat->flags;
	const char *config = f ? f->config_plugin : "filesystem";
	const char *logger = f ? f->logger_plugin : "filesystem";
	bool distributed = f && strcmp(f->distributed_plugin, "tls") == 0 && !f->disable_distributed;

	add_str(out, "config", "filesystem", strcmp(config, "filesystem") == 0);
	add_str(out, "config", "tls", strcmp(config, "tls") == 0);
	add_str(out, "distributed", "tls", distributed);
	for (size_t i = 0; i < sizeof(loggers) / sizeof(loggers[0]); i++)
		add_str(out, "logger", loggers[i], flags_list_has(logger, loggers[i]));
	add_tables(cat, out);
}

const struct snapshot_module osquery_registry_module = {
	.def = &osquery_registry_def,
	.fill = fill_osquery_registry,
};
