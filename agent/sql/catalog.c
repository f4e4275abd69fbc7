/* Attaches sysq's tables and views to a query connection. */
#include "catalog.h"

#include "event_vtab.h"
#include "snapshot_vtab.h"

#include "registry/table_module.h"

#include "store/store.h"

#include "common/xalloc.h"

#include <stdlib.h>

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

static int attach_snapshot_tables(const struct catalog *cat, sqlite3 *db, char **err)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; snapshot_modules[i] && rc == SQLITE_OK; i++) {
		const struct snapshot_module *m = snapshot_modules[i];
		const struct snapshot_key key = {.column = m->key_column, .fill = m->fill_key};

		rc = snapshot_vtab_create(db, m->def, m->fill, m->fill_key ? &key : NULL, cat, err);
		if (rc == SQLITE_OK && m->view_sql)
			rc = exec_or_report(db, m->view_sql, err);
	}
	return rc;
}

int catalog_attach(const struct catalog *cat, sqlite3 *db, struct scan_context *scan, char **err)
{
	int rc = SQLITE_OK;

	if (cat->store)
		rc = attach_event_tables(cat, db, scan, err);
	if (rc == SQLITE_OK)
		rc = attach_snapshot_tables(cat, db, err);
	return rc;
}
