/* Virtual tables computed in memory at query time (sysq_events, sysq_flags).
 *
 * Example:
 *   SELECT name, drop_queue_full FROM sysq_events;
 *
 * How it works: xFilter calls the table's fill function, which appends
 * rows built with the store's row type; the cursor walks that array.
 * Most of these tables have tens of rows, and no constraint is pushed
 * down. A table whose full fill is costly (processes reads /proc for
 * every process) may name one key column and a second fill that reads
 * the rows of one key: an equality on that column (`WHERE pid = 1`, each
 * value of `pid IN (...)`, a join on it) then calls that one instead.
 * SQLite still checks each row against the constraint, so the key fill
 * only makes queries faster, never different. */
#pragma once

#include "store/row.h"
#include "store/table_def.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct snapshot_rows {
	struct row **rows;
	size_t n;
	size_t cap;
};

/* Appends a new empty row with `ncolumns` columns and returns it. */
struct row *snapshot_add_row(struct snapshot_rows *out, unsigned ncolumns);
/* Removes and frees the row added last (one found incomplete). */
void snapshot_drop_last(struct snapshot_rows *out);

typedef void (*snapshot_fill_fn)(const void *ctx, struct snapshot_rows *out);
/* Appends the rows whose key column equals `key`. */
typedef void (*snapshot_fill_key_fn)(const void *ctx, int64_t key, struct snapshot_rows *out);

struct snapshot_key {
	unsigned column; /* an INTEGER column */
	snapshot_fill_key_fn fill;
};

/* Registers a module named "<def->name>_module" and creates the table
 * temp.<def->name> on `db`. `key` may be NULL (no key column). */
int snapshot_vtab_create(sqlite3 *db, const struct table_def *def, snapshot_fill_fn fill,
			 const struct snapshot_key *key, const void *ctx, char **err);
