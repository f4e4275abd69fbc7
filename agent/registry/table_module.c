/* The lists of tables the agent knows, and how an event table is wired to
 * the publishers it reads. */
#include "table_module.h"

#include <stddef.h>
#include <string.h>

const struct table_module *const table_modules[] = {
	&process_events_module,
	&socket_events_module,
	&user_events_module,
	NULL,
};

const struct snapshot_module *const snapshot_modules[] = {
	&sysq_events_module,
	&sysq_flags_module,
	&os_version_module,
	&osquery_info_module,
	&system_info_module,
	&platform_info_module,
	&uptime_module,
	&kernel_info_module,
	&processes_module,
	&osquery_schedule_module,
	&osquery_registry_module,
	NULL,
};

void table_emit_to_store(void *store, struct row *row)
{
	store_submit(store, row);
}

bool table_reads(const struct table_module *m, enum publisher_id id)
{
	return m->on_event[id] != NULL;
}

struct subscriber *table_subscribe(struct pubsub *ps, const struct table_module *m,
				   struct table_ctx *tc)
{
	struct subscriber *sub = NULL;

	for (int id = 0; id < PUBLISHER_COUNT; id++) {
		if (!table_reads(m, id) || !pubsub_publisher(ps, id))
			continue;
		if (!sub)
			sub = pubsub_add_subscriber(ps, m->def->name, tc, NULL);
		pubsub_subscribe(ps, sub, id, m->on_event[id]);
	}
	return sub;
}

const struct snapshot_module *snapshot_module_find(const char *name)
{
	for (size_t i = 0; snapshot_modules[i]; i++) {
		if (strcmp(snapshot_modules[i]->def->name, name) == 0)
			return snapshot_modules[i];
	}
	return NULL;
}
