/* The tables an event table is stored in, and their upgrades.
 *
 * Each event table keeps its rows in "<name>_rows" (eid INTEGER PRIMARY
 * KEY AUTOINCREMENT, time INTEGER, data BLOB): the eid, the time (a real
 * column, for expiry and time bounds) and every other value packed into
 * data (packed.h). sysq_layouts records which columns data holds, by name,
 * for each table. Opening a database brings it up to date:
 *  - the "<name>_buffer" table of an older sysq, one column per value, is
 *    converted into "<name>_rows" with the same eids (and the same
 *    AUTOINCREMENT sequence), then dropped;
 *  - rows packed with another layout (a table that gained, lost or moved
 *    columns) are repacked by column name; a column they lack is NULL.
 * Either happens in one transaction, so a failure leaves the database as
 * it was. */
#pragma once

#include "store.h"

#include <sqlite3.h>

/* The SQL that creates sysq_layouts, for store_open's schema. */
extern const char store_layouts_schema[];

/* Creates or upgrades the rows table of `t` (t->layout set, time bins set
 * up: a converted table gets its bins built). 0 or -EIO with *err. */
int store_schema_setup(sqlite3 *db, struct event_table *t, char **err);
