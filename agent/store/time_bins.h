/* Time bins: per-second eid ranges that stand in for an index on time.
 *
 * An index on a rows table's time column cost about a fifth of every
 * insert (a second B-tree insert per row). Rows arrive in eid order with
 * times that barely move, so "<name>_time_bins" keeps, per second `bin`,
 * the smallest and largest eid of the rows stamped with it. A query's
 * time bounds become an eid range from the bins (a rowid range scan); the
 * time comparison itself stays in the query, so a bin that is wider than
 * its rows only widens the scan, never changes the result. Only integer
 * times are binned: every table writes time with row_set_int. Bins are
 * written in the transaction of the rows they cover, so they are never
 * behind the rows; bins whose rows are all gone are pruned. */
#pragma once

#include "store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* Creates the bins table of `t` if needed and prepares its statements.
 * 0 or -EIO with *err. */
int time_bins_setup(sqlite3 *db, struct event_table *t, char **err);

/* Builds the bins of `t` anew from its rows, for rows converted from an
 * older sysq's table (store_schema.h); run inside that transaction. 0 or
 * -EIO with *err. */
int time_bins_rebuild(sqlite3 *db, struct event_table *t, char **err);

/* Notes that row `eid` has time `time`, for the batch in progress. */
void time_bins_note(struct event_table *t, int64_t time, int64_t eid);

/* Writes the batch's bins of `t` (inside the batch's transaction) and
 * forgets them; false if SQLite refused, and the batch must not commit. */
bool time_bins_flush(sqlite3 *db, struct event_table *t);

/* Forgets the batch's bins without writing them (the batch rolled back). */
void time_bins_discard(struct event_table *t);

/* Deletes the bins whose rows have all been deleted. */
void time_bins_prune(sqlite3 *db, struct event_table *t);

/* Frees the batch state and the statements. */
void time_bins_free(struct event_table *t);
