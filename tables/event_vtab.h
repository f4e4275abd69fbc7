/* The "sysq_event" virtual table module: SQL access to buffered events.
 *
 * Example, on a control-socket connection:
 *   CREATE VIRTUAL TABLE temp.process_events USING sysq_event(process_events);
 *   SELECT pid, cmdline FROM process_events WHERE time > strftime('%s','now') - 60;
 *   SELECT argv FROM process_events WHERE eid = '0000000042';
 *
 * How it works: each event table is buffered by the store in a plain table
 * "<name>_buffer". This module declares the osquery-compatible schema, in
 * which some columns are HIDDEN (they appear only when named), and reads
 * the buffer with a SELECT built from the pushed-down constraints. See
 * xBestIndex in event_vtab.c for the plan encoding. */
#pragma once

#include <sqlite3.h>

struct store;

/* Registers the module on `db`; the store resolves table names. */
int event_vtab_register(sqlite3 *db, struct store *store);
