/* The "sysq_event" virtual table module: SQL access to buffered events.
 *
 * Example, on a control-socket connection:
 *   CREATE VIRTUAL TABLE temp.process_events USING sysq_event(process_events);
 *   SELECT pid, cmdline FROM process_events WHERE time > strftime('%s','now') - 60;
 *   SELECT argv FROM process_events WHERE eid = '0000000042';
 *
 * How it works: each event table is buffered by the store in plain SQLite
 * tables of its own (eid, time and the other values packed,
 * store/packed.h). This module declares the osquery-compatible schema, in
 * which some columns are HIDDEN (they appear only when named), reads the
 * rows with the SELECT the store builds for the pushed-down constraints
 * (store/scan.h), and decodes each row's packed values. See xBestIndex in
 * event_vtab.c for the plan encoding. */
#pragma once

#include <sqlite3.h>

#include <stdbool.h>
#include <stdint.h>

struct store;

/* How the scheduler makes scans of event tables return only new events
 * (events_optimize). Set on the scheduler's own connection only; the
 * control socket's connections pass NULL and see every buffered row. */
struct scan_context {
	bool optimize;
	/* The running query's cursor for a table: rows with a larger eid are
	 * new. */
	int64_t (*cursor)(void *arg, const char *table);
	/* Called for every scan of an event table; `optimized` is false when
	 * the query constrained time itself, which turns optimization off. */
	void (*scanned)(void *arg, const char *table, bool optimized);
	/* Called when an optimized scan ends before its last row (LIMIT, an
	 * EXISTS): rows after `last_eid` were not read, so the cursor must
	 * not pass it. */
	void (*stopped)(void *arg, const char *table, int64_t last_eid);
	void *arg;
};

/* Registers the module on `db`; the store resolves table names. `scan`
 * may be NULL. */
int event_vtab_register(sqlite3 *db, struct store *store, struct scan_context *scan);
