/* The event store: one SQLite database in WAL mode, one writer thread.
 *
 * Subscribers hand rows to store_submit() from reader threads; it never
 * blocks. The writer thread drains the queue in batches, one transaction
 * per batch (rows go in with multi-row INSERTs) that also evicts the
 * oldest rows over events_max; once a second it applies events_expiry,
 * which keeps rows a scheduled query has not read (its read cursors,
 * cursors.h). Every row that does not make it is counted on its table:
 * queue full, write error, expired, evicted (evicted_unread for rows a
 * scheduled query had yet to read).
 *
 * Each event table is buffered in a plain SQLite table "<name>_rows":
 * its integer primary key is the event id (eid), then the time, then
 * every other value packed into one BLOB (packed.h, store_schema.h).
 * AUTOINCREMENT keeps eids growing across restarts even after every row
 * has been deleted. The time column has no index; "<name>_time_bins" maps
 * seconds to eid ranges instead (time_bins.h). Queries read it through
 * the virtual tables in tables/, on their own connections, with the SQL
 * scan.h builds. Every connection to the database opens through db.h. */
#pragma once

#include "packed.h"
#include "row.h"
#include "row_pool.h"
#include "table_def.h"

#include "core/counters.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_options {
	const char *path;
	int64_t events_expiry; /* seconds; 0 keeps rows until events_max */
	int64_t events_max;    /* rows per table; 0 for no limit */
	/* The queue between the publishers and the writer (queue.h): at
	 * most queue_size rows and queue_bytes bytes of them, 0 for no bound
	 * of that kind. Past pack_after rows waiting (0: never), a row of a
	 * table without before_store is queued packed, in a third of the
	 * memory, so that the same bytes hold a storm's backlog. */
	size_t queue_size;
	size_t queue_bytes;
	size_t pack_after;
};

struct event_table {
	const struct table_def *def;
	struct sysq_counters *counters; /* the subscriber's, shown in sysq_events */
	struct row_pool *pool;		/* written rows, for row_new to reuse */
	int64_t written_recently;	/* rows written since the pool was last trimmed */
	struct packed_layout layout;	/* what the data BLOB holds */
	_Atomic int64_t buffered; /* rows in the buffer table now */
	/* The rest is the store's own: nothing outside agent/store/ reads
	 * it. Readers name no table: scan.h gives them the SQL. */
	char *buffer_name;	  /* the rows table, "<name>_rows" */
	void *insert;		  /* sqlite3_stmt, writer thread only */
	void *insert_chunk;	  /* the same for INSERT_CHUNK rows at once */
	struct strbuf packed;	  /* the BLOBs of the rows being inserted */
	/* More sqlite3_stmt the writer runs on every batch or expiry pass,
	 * prepared on first use and kept until store_close. */
	void *count_unread;
	void *evict;
	void *expire;
	/* The writer's batch in progress: rows it has for this table (0: the
	 * table is not in it), how many were added, and rows evicted to make
	 * room, counted once the transaction commits. */
	int64_t batch_total;
	int64_t batch_rows;
	int64_t batch_evicted;
	int64_t batch_unread;
	/* The batch's time bins (time_bins.h) and their statements. */
	struct time_bin *bins;
	size_t nbins, bins_cap;
	void *bins_upsert;
	void *bins_prune;
};

struct store;

/* Opens (creating if needed) the database. An existing one is checked
 * first; a damaged one is set aside and replaced by a fresh one that keeps
 * its sysq_meta rows (integrity.h). Returns 0 or a negative errno, with
 * *err describing the failure (free it). */
int store_open(const struct store_options *opt, struct store **ret, char **err);

/* Creates the buffer table for `def` if needed. Before store_start only. */
struct event_table *store_add_table(struct store *s, const struct table_def *def,
				    struct sysq_counters *counters, char **err);

int store_start(struct store *s, char **err);

/* Queues a row for writing, taking ownership; behind a long queue, as a
 * packed copy (the row goes back to its table's pool). A full queue frees
 * the row and counts drop_queue_full on its table. */
void store_submit(struct store *s, struct row *row);

/* Writes what is queued, then stops the writer thread. */
void store_stop(struct store *s);
void store_close(struct store *s);

const char *store_path(const struct store *s);
size_t store_table_count(const struct store *s);
struct event_table *store_table_at(const struct store *s, size_t i);
struct event_table *store_find_table(const struct store *s, const char *name);

/* Rows waiting in the queue now, and the bytes they take. */
size_t store_queue_length(struct store *s);
size_t store_queue_bytes(struct store *s);

/* How long rows have waited for a writer that made no progress, in ms, and
 * in `waiting` (if not NULL) how many rows wait, in its hands or queued: 0
 * while the writer keeps finishing writes (or waits for rows, the queue
 * empty). It comes back from a wait at least once a second and from a
 * write as soon as SQLite does, so a large value means SQLite is stuck:
 * another process holds the database's write lock, or the disk does not
 * answer. Any thread may call it; it reads two atomics and takes no lock. */
int64_t store_writer_stalled_ms(struct store *s, size_t *waiting);
