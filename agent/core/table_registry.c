/* The list of event table modules the daemon knows. */
#include "table_module.h"

#include <stddef.h>

const struct table_module *const table_modules[] = {
	&process_events_module,
	&socket_events_module,
	&user_events_module,
	NULL,
};

void table_emit_to_store(void *store, struct row *row)
{
	store_submit(store, row);
}
