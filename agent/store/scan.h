/* What a reader on its own connection asks the store for: the SELECT
 * that scans an event table's rows, and how far its events go.
 *
 * The tables behind an event table (its rows and its time bins,
 * store.h) are the store's to name: the virtual table in
 * sql/event_vtab.c describes the bounds SQLite pushed down, and the store
 * turns them into SQL over its own tables. */
#pragma once

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct event_table;

/* The columns of the scan's SELECT, in order: the eid, the time, and the
 * other values packed into one BLOB (packed.h). */
enum { STORE_SCAN_EID, STORE_SCAN_TIME, STORE_SCAN_DATA };

enum store_scan_column { STORE_BOUND_TIME, STORE_BOUND_EID };
enum store_scan_op { STORE_OP_EQ, STORE_OP_GT, STORE_OP_GE, STORE_OP_LT, STORE_OP_LE };

/* "<column> <op> ?<param>": the caller binds the value (an integer eid,
 * or the time as SQLite gave it). */
struct store_bound {
	enum store_scan_column column;
	enum store_scan_op op;
	int param;
};

struct store_scan {
	const struct store_bound *bounds;
	size_t nbounds;
	/* > 0 adds "eid > ?cursor_param": only rows past a scheduled query's
	 * read cursor (events_optimize). */
	int cursor_param;
};

/* The SELECT (free it) of the rows of `t` within the bounds, in eid
 * order. A time bound also narrows the eids through the time bins, since
 * the time column has no index. */
char *store_scan_sql(const struct event_table *t, const struct store_scan *scan);

/* The eid of the newest event ever stored in `t`, expired ones included
 * (its AUTOINCREMENT sequence), read on the caller's connection `db` so
 * it comes from the caller's snapshot; 0 if none. */
int64_t store_newest_eid(sqlite3 *db, const struct event_table *t);
