/* Opening a read-only query connection (connection.h). */
#include "connection.h"

#include "authorizer.h"
#include "catalog.h"

#include "store/db.h"

#include "common/xalloc.h"

#include <errno.h>

int sql_connection_open(const char *db_path, const struct catalog *cat,
			struct scan_context *scan, struct authorizer_state *authz, sqlite3 **ret,
			char **err)
{
	sqlite3 *db = NULL;
	int rc = db_open(db_path, DB_QUERY, &db, err);

	if (rc == 0 && authorizer_restrict_modules(db) != SQLITE_OK) {
		*err = xasprintf("cannot restrict the modules of %s: %s", db_path,
				 sqlite3_errmsg(db));
		rc = -EIO;
	}
	if (rc == 0 && catalog_attach(cat, db, scan, err) != SQLITE_OK)
		rc = -EIO;
	if (rc < 0) {
		sqlite3_close(db);
		return rc;
	}
	sqlite3_set_authorizer(db, readonly_authorizer, authz);
	*ret = db;
	return 0;
}
