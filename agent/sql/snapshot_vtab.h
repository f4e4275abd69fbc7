/* Virtual tables computed in memory at query time (sysq_events, sysq_flags).
 *
 * Example:
 *   SELECT name, drop_queue_full FROM sysq_events;
 *
 * How it works: xFilter calls the table's fill function, which appends
 * rows built with the store's row type; the cursor walks that array. No
 * constraint is pushed down: these tables have tens of rows. */
#pragma once

#include "store/row.h"
#include "store/table_def.h"

#include <sqlite3.h>
#include <stddef.h>

struct snapshot_rows {
	struct row **rows;
	size_t n;
	size_t cap;
};

/* Appends a new empty row with `ncolumns` columns and returns it. */
struct row *snapshot_add_row(struct snapshot_rows *out, unsigned ncolumns);

typedef void (*snapshot_fill_fn)(const void *ctx, struct snapshot_rows *out);

/* Registers a module named "<def->name>_module" and creates the table
 * temp.<def->name> on `db`. */
int snapshot_vtab_create(sqlite3 *db, const struct table_def *def, snapshot_fill_fn fill,
			 const void *ctx, char **err);
