/* Attaches sysq's tables and views to a query connection. */
#include "catalog.h"

#include "event_vtab.h"

#include "store/store.h"

#include "common/xalloc.h"

#include <stdlib.h>

/* osquery's osquery_events columns, over sysq_events. */
static const char osquery_events_view[] =
	"CREATE TEMP VIEW osquery_events AS "
	"SELECT name, publisher, type, subscriptions, events, refreshes, active "
	"FROM sysq_events";

static int exec_or_report(sqlite3 *db, const char *sql, char **err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		*err = xasprintf("%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return rc;
}

static int attach_event_tables(const struct catalog *cat, sqlite3 *db, struct scan_context *scan,
			       char **err)
{
	int rc = event_vtab_register(db, cat->store, scan);

	if (rc != SQLITE_OK) {
		*err = xasprintf("sysq_event: %s", sqlite3_errmsg(db));
		return rc;
	}
	for (size_t i = 0; i < store_table_count(cat->store) && rc == SQLITE_OK; i++) {
		const char *name = store_table_at(cat->store, i)->def->name;
		char *sql = xasprintf("CREATE VIRTUAL TABLE temp.\"%s\" USING sysq_event(%s)",
				      name, name);

		rc = exec_or_report(db, sql, err);
		free(sql);
	}
	return rc;
}

int catalog_attach(const struct catalog *cat, sqlite3 *db, struct scan_context *scan, char **err)
{
	int rc = SQLITE_OK;

	if (cat->store)
		rc = attach_event_tables(cat, db, scan, err);
	if (rc == SQLITE_OK)
		rc = sysq_events_attach(cat, db, err);
	if (rc == SQLITE_OK)
		rc = sysq_flags_attach(cat, db, err);
	if (rc == SQLITE_OK)
		rc = exec_or_report(db, osquery_events_view, err);
	return rc;
}
