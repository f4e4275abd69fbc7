/* Store: SQLite schema, writer thread, batched inserts; the limits it
 * applies between batches are limits.c's. */
#include "store.h"

#include "checkpointer.h"
#include "cursors.h"
#include "db.h"
#include "integrity.h"
#include "buffer_limits.h"
#include "meta.h"
#include "queue.h"
#include "sql_util.h"
#include "store_schema.h"
#include "time_bins.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Rows per transaction at most; larger batches gain little and hold the
 * WAL lock longer. */
#define WRITE_BATCH 4096
/* Rows per multi-row INSERT: one statement step carries this many rows,
 * which spreads SQLite's per-statement cost (about a third of a one-row
 * insert) over all of them. */
#define INSERT_CHUNK 32
#define EXPIRY_INTERVAL_S 1
/* Group commit: when fewer than LINGER_BELOW rows wait (the first rows
 * of a quiet spell, or a trickle), wait this long so a burst shares one
 * transaction instead of paying one commit per row. Only then: a writer
 * that lingered after every partial batch took at most WRITE_BATCH rows
 * per linger, which capped a steady stream at about 350,000 rows a second
 * and let the queue overflow under a storm. */
#define COMMIT_LINGER_MS 10
#define LINGER_BELOW 64
/* WAL frames (16 KiB pages) after which the checkpoint thread copies the
 * WAL into the database: SQLite's default of 1000. */
#define CHECKPOINT_FRAMES 1000
/* Written rows each table may keep for reuse. Rows in flight (queued or
 * in the batch being written) are what a burst needs; recycling them all
 * keeps the burst from allocating, which costs page faults and, with
 * glibc, arena contention between the threads. Once a second the pool is
 * trimmed to what the last second wrote, so an idle agent gives the
 * memory back, all but a reserve: about one write batch of rows, what a
 * burst the writer keeps up with has in flight, within POOL_RESERVE_BYTES.
 * With 64 rows kept, each burst after an idle spell allocated its rows
 * again and faulted their pages in (malloc_trim had given them back): the
 * agent's CPU per row in bursts of 20,000 connects was 1.5 times that
 * of a sustained storm, and a page fault is dear on a virtual machine. */
#define POOL_ROWS_MAX 65536
#define POOL_RESERVE_ROWS 4096
#define POOL_RESERVE_BYTES (4u << 20)

struct store {
	struct store_options opt;
	char *path;
	sqlite3 *db;
	struct row_queue *queue;
	struct event_table **tables;
	size_t ntables;
	size_t tables_cap;
	pthread_t writer;
	struct checkpointer *checkpointer;
	bool started;
	atomic_bool stopping;
	time_t last_expiry;
	size_t trim_pending; /* rows freed since the last malloc_trim */
	size_t burst_rows;   /* rows written since the last malloc_trim */
	/* For store_writer_stalled_ms: when the writer last came back from
	 * a wait or a write (CLOCK_MONOTONIC ms), and rows it has taken from
	 * the queue but not yet written. Written by the writer only. */
	_Atomic int64_t progress_ms;
	_Atomic size_t in_hand;
	struct store_limits limits; /* events_max and events_expiry */
};

/* The writer's connection settings and the tables every store has. */
static int setup_db(struct store *s, char **err)
{
	/* Root only, even for a database another tool created: SQLite gives
	 * the -wal and -shm files the database's mode. */
	if (chmod(s->path, 0600) < 0)
		log_warn("store: cannot make %s root-only: %s", s->path, strerror(errno));
	/* 16 KiB pages make an insert about a fifth cheaper than the default
	 * 4 KiB (fewer page splits and WAL frames per row). SQLite applies it
	 * only to a database that is still empty: an existing one keeps its
	 * page size. WAL lets queries read while the writer commits; NORMAL
	 * sync is durable across process crashes, which is what an event
	 * buffer needs. */
	/* journal_size_limit: a WAL that grew during a long burst (the
	 * checkpoints run beside the writer, checkpointer.h) is cut back to
	 * 64 MiB once it restarts. */
	if (sql_exec(s->db,
		     "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
		     "PRAGMA journal_size_limit=67108864;",
		     err) < 0) {
		char *inner = *err;

		*err = xasprintf("%s: %s", s->path, inner);
		free(inner);
		return -EIO;
	}
	/* The read cursors are created with the store, as expiry reads them
	 * (cursors.h). */
	if (cursors_setup(s->db, err) < 0 || sql_exec(s->db, store_layouts_schema, err) < 0)
		return -EIO;
	return 0;
}

int store_open(const struct store_options *opt, struct store **ret, char **err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	struct store_salvage salvage;
	int rc;

	s->opt = *opt;
	s->path = xstrdup(opt->path);
	s->opt.path = s->path;
	/* A damaged database is set aside before the writer opens it, and
	 * what it held of sysq_meta goes into the fresh one (integrity.h). */
	rc = store_integrity_check(s->path, &salvage, err);
	if (rc >= 0)
		rc = db_open(s->path, DB_WRITER, &s->db, err);
	if (rc >= 0)
		rc = setup_db(s, err);
	if (rc >= 0 && salvage.moved_to)
		store_salvage_write(s->db, &salvage);
	/* Before any query connection opens: a node key a previous release
	 * kept in sysq_meta, where queries can read it, moves to the secret
	 * table. A failure is logged and tried again at the key's first use;
	 * the store works either way. */
	if (rc >= 0)
		store_meta_move_secrets(s->path);
	s->limits = (struct store_limits){.db = s->db, .events_max = opt->events_max,
					  .events_expiry = opt->events_expiry};
	store_salvage_free(&salvage);
	if (rc < 0) {
		store_close(s);
		return rc;
	}
	s->queue = row_queue_new_bounded(opt->queue_size, opt->queue_bytes);
	*ret = s;
	return 0;
}

/* INSERT of `nrows` rows: each binds its time and its packed values. */
static char *insert_sql(const char *table, unsigned nrows)
{
	struct strbuf sql = STRBUF_INIT;

	sb_printf(&sql, "INSERT INTO \"%s\" (time, data) VALUES ", table);
	for (unsigned r = 0; r < nrows; r++)
		sb_puts(&sql, r ? ", (?, ?)" : "(?, ?)");
	return sb_detach(&sql);
}

static int64_t count_rows(sqlite3 *db, const char *table)
{
	char *sql = xasprintf("SELECT count(*) FROM \"%s\"", table);
	int64_t n = sql_query_int(db, sql, 0);

	free(sql);
	return n;
}

static int prepare_insert(sqlite3 *db, struct event_table *t, unsigned nrows, void **slot,
			  char **err)
{
	char *sql = insert_sql(t->buffer_name, nrows);
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		*err = xasprintf("%s", sqlite3_errmsg(db));
		rc = -EIO;
	}
	free(sql);
	*slot = st;
	return rc;
}

static void free_table(struct event_table *t)
{
	sqlite3_finalize(t->insert);
	sqlite3_finalize(t->insert_chunk);
	sqlite3_finalize(t->count_unread);
	sqlite3_finalize(t->evict);
	sqlite3_finalize(t->expire);
	time_bins_free(t);
	row_pool_free(t->pool);
	packed_layout_free(&t->layout);
	sb_free(&t->packed);
	free(t->buffer_name);
	free(t);
}

struct event_table *store_add_table(struct store *s, const struct table_def *def,
				    struct sysq_counters *counters, char **err)
{
	struct event_table *t = xcalloc(1, sizeof(*t));
	int rc;

	t->def = def;
	t->counters = counters;
	t->buffer_name = xasprintf("%s_rows", def->name);
	packed_layout_init(&t->layout, def);
	t->pool = row_pool_new(POOL_ROWS_MAX, def->ncolumns);
	row_pool_set_reserve(t->pool, POOL_RESERVE_ROWS, POOL_RESERVE_BYTES);
	rc = time_bins_setup(s->db, t, err);
	if (rc == 0)
		rc = store_schema_setup(s->db, t, err);
	if (rc == 0)
		rc = prepare_insert(s->db, t, 1, &t->insert, err);
	if (rc == 0)
		rc = prepare_insert(s->db, t, INSERT_CHUNK, &t->insert_chunk, err);
	if (rc < 0) {
		free_table(t);
		return NULL;
	}
	atomic_store(&t->buffered, count_rows(s->db, t->buffer_name));
	s->tables = xgrow(s->tables, &s->tables_cap, s->ntables + 1, sizeof(*s->tables));
	s->tables[s->ntables++] = t;
	return t;
}

/* The row's time, false if it has none (NULL or not an integer). */
static bool row_time(const struct row *row, int col, int64_t *time)
{
	if (row->packed) {
		*time = row->time;
		return row->has_time;
	}
	*time = row->values[col].i;
	return row->values[col].kind == ROW_INT;
}

/* Notes the time of rows[0..n), just inserted by one statement: their eids
 * are consecutive and end at the last one inserted. */
static void note_times(struct store *s, struct row **rows, size_t n)
{
	struct event_table *t = rows[0]->table;
	int64_t eid = sqlite3_last_insert_rowid(s->db) - (int64_t)n + 1;
	int col = t->def->time_column;
	int64_t time;

	for (size_t i = 0; i < n; i++, eid++) {
		if (row_time(rows[i], col, &time))
			time_bins_note(t, time, eid);
	}
}

/* Packs rows[0..n) into t->packed, one BLOB after another (a row queued
 * packed is copied as it is); ends[i] is where the BLOB of row i ends. */
static void pack_rows(struct event_table *t, struct row **rows, size_t n, size_t *ends)
{
	sb_truncate(&t->packed, 0);
	for (size_t i = 0; i < n; i++) {
		if (rows[i]->packed) {
			sb_append(&t->packed, rows[i]->text.buf, rows[i]->text.len);
		} else {
			if (t->def->before_store)
				t->def->before_store(rows[i]);
			packed_encode_row(rows[i], &t->layout, &t->packed);
		}
		ends[i] = t->packed.len;
	}
}

/* Binds each row's time and BLOB, in statement order. */
static int bind_rows(sqlite3_stmt *st, struct event_table *t, struct row **rows, size_t n,
		     const size_t *ends)
{
	int col = t->def->time_column;
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		size_t start = i ? ends[i - 1] : 0;
		int param = 2 * (int)i + 1;
		int64_t time;

		if (row_time(rows[i], col, &time))
			rc = sqlite3_bind_int64(st, param, time);
		else
			rc = sqlite3_bind_null(st, param);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_blob64(st, param + 1, t->packed.buf + start,
						 ends[i] - start, SQLITE_STATIC);
	}
	return rc;
}

/* Inserts rows[0..n) of one table with one statement: `insert` for one
 * row, `insert_chunk` for INSERT_CHUNK. They go in together or not at
 * all. */
static bool insert_rows(struct store *s, struct row **rows, size_t n)
{
	struct event_table *t = rows[0]->table;
	sqlite3_stmt *st = n == 1 ? t->insert : t->insert_chunk;
	size_t ends[INSERT_CHUNK];
	int rc;

	pack_rows(t, rows, n, ends);
	rc = bind_rows(st, t, rows, n, ends);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	/* Every use binds every parameter, so none needs clearing; the
	 * BLOBs are bound SQLITE_STATIC and t->packed outlives the step. */
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warn("store: cannot write %zu %s row%s: %s", n, t->def->name, n == 1 ? "" : "s",
			 sqlite3_errmsg(s->db));
		return false;
	}
	note_times(s, rows, n);
	return true;
}

/* Writes the batch's rows of table `t`, in batch order (which is eid
 * order), in chunks of INSERT_CHUNK and then one by one. `mine` has room
 * for the whole batch. False when SQLite rolled the whole transaction
 * back on an error (disk full, I/O, memory): rows written after that
 * would commit one by one, outside the batch and without their bins. */
static bool insert_table_rows(struct store *s, struct event_table *t, struct row **rows, size_t n,
			      struct row **mine)
{
	size_t m = 0;

	if (t->batch_total == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (rows[i]->table == t)
			mine[m++] = rows[i];
	}
	for (size_t done = 0; done < m;) {
		size_t k = m - done >= INSERT_CHUNK ? INSERT_CHUNK : 1;

		if (insert_rows(s, mine + done, k))
			t->batch_rows += (int64_t)k;
		else if (sqlite3_get_autocommit(s->db))
			return false;
		done += k;
	}
	return true;
}

/* Notes how many rows of the batch each table has, written or not. */
static void count_batch_rows(struct row **rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rows[i]->table->batch_total++;
}

/* Hands each table its rows of the batch back for reuse, emptying rows[];
 * `scratch` has room for the whole batch. */
static void recycle_rows(struct store *s, struct row **rows, size_t n, struct row **scratch)
{
	for (size_t i = 0; i < s->ntables; i++) {
		struct event_table *t = s->tables[i];
		size_t m = 0;

		/* Each row is taken out of rows[] as it is handed on: the pool
		 * may free it, so a later table must not look at it. */
		for (size_t j = 0; j < n; j++) {
			if (rows[j] && rows[j]->table == t) {
				s->trim_pending += rows[j]->packed;
				scratch[m++] = rows[j];
				rows[j] = NULL;
			}
		}
		/* The pool frees the packed rows: they hold no values to fill. */
		row_pool_give(t->pool, scratch, m);
	}
}

/* Settles the counters of a batch: what was stored and what its
 * evictions removed count only if the transaction committed. */
static void settle_batch(struct store *s, struct row **rows, size_t n, bool committed,
			 struct row **scratch)
{
	/* One add per table and counter, not per row. */
	for (size_t i = 0; i < s->ntables; i++) {
		struct event_table *t = s->tables[i];
		int64_t stored = committed ? t->batch_rows : 0;

		counter_add(t->counters, COUNTER_stored, (uint64_t)stored);
		t->written_recently += t->batch_total;
		counter_add(t->counters, COUNTER_drop_write_error, (uint64_t)(t->batch_total - stored));
		atomic_fetch_add(&t->buffered, stored);
		if (committed && t->batch_evicted > 0)
			limits_count_eviction(&s->limits, t, t->batch_evicted, t->batch_unread);
		t->batch_total = t->batch_rows = t->batch_evicted = t->batch_unread = 0;
	}
	recycle_rows(s, rows, n, scratch);
}

/* Writes one batch in one transaction and hands the rows back to their
 * tables' pools. Evictions for events_max happen in the same transaction,
 * so a reader never sees a table over its limit. */
static void write_batch(struct store *s, struct row **rows, size_t n)
{
	struct row **mine = xcalloc(n, sizeof(*mine));
	bool committed;

	count_batch_rows(rows, n);
	committed = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	if (!committed)
		log_warn("store: cannot begin a transaction: %s", sqlite3_errmsg(s->db));
	for (size_t i = 0; i < s->ntables && committed; i++)
		committed = insert_table_rows(s, s->tables[i], rows, n, mine);
	for (size_t i = 0; i < s->ntables; i++) {
		if (committed && !time_bins_flush(s->db, s->tables[i])) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			committed = false;
		}
		time_bins_discard(s->tables[i]);
	}
	for (size_t i = 0; i < s->ntables && committed; i++)
		limits_evict_for_batch(&s->limits, s->tables[i]);
	if (committed && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_warn("store: commit failed: %s", sqlite3_errmsg(s->db));
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		committed = false;
	}
	settle_batch(s, rows, n, committed, mine);
	free(mine);
}

/* Returns the rows it freed. `idle`: the queue stayed empty for a whole
 * wait, so the burst is over and its rows can go at once rather than a
 * second later. */
static size_t trim_pool(struct event_table *t, bool idle)
{
	int64_t keep = idle ? 0 : t->written_recently;

	t->written_recently = 0;
	return row_pool_trim(t->pool, (size_t)keep);
}

/* Once the pools have let go of a burst's rows, and the writer has freed
 * the rows a backlog queued packed, glibc still holds the memory in its
 * arenas (each publisher thread allocates from its own) and would keep it
 * for good: after a 60 s storm the daemon stayed 40 MB over its idle size.
 * malloc_trim hands free pages back to the kernel; it is worth its walk
 * over the heap only after a real burst, and only once the backlog has
 * drained and the stream has calmed to fewer rows a second (until then
 * the pages would be faulted in again at once). A burst is that many rows
 * freed, or written: a writer that keeps up with a storm frees few rows,
 * but the rows it had in flight left the arenas just as large. */
#define TRIM_HEAP_ROWS 4096

static void trim_memory(struct store *s, bool idle)
{
	int64_t recent = 0;
	bool calm;

	for (size_t i = 0; i < s->ntables; i++) {
		recent += s->tables[i]->written_recently;
		s->trim_pending += trim_pool(s->tables[i], idle);
	}
	calm = (idle || recent < TRIM_HEAP_ROWS) &&
	       row_queue_length_hint(s->queue) < TRIM_HEAP_ROWS;
	if (calm && (s->trim_pending >= TRIM_HEAP_ROWS || s->burst_rows >= TRIM_HEAP_ROWS)) {
		/* The burst also filled the writer's page cache (up to its
		 * 2 MiB), which it fills again when the next burst comes. */
		sqlite3_db_release_memory(s->db);
		malloc_trim(0);
		s->trim_pending = s->burst_rows = 0;
	}
}

/* The writer's upkeep, after each batch and each empty wait (`idle`). */
static void maintain(struct store *s, bool idle)
{
	time_t now = time(NULL);
	bool due = now - s->last_expiry >= EXPIRY_INTERVAL_S;

	for (size_t i = 0; i < s->ntables; i++) {
		if (due)
			limits_expire(&s->limits, s->tables[i], now);
		limits_enforce_max(&s->limits, s->tables[i]);
		/* Expiry and events_max evictions leave bins of deleted rows. */
		if (due)
			time_bins_prune(s->db, s->tables[i]);
	}
	if (due || idle)
		trim_memory(s, idle);
	if (due)
		s->last_expiry = now;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The writer is alive and has nothing in hand: it just finished a write
 * or a wait. */
static void note_progress(struct store *s)
{
	atomic_store_explicit(&s->in_hand, 0, memory_order_relaxed);
	atomic_store_explicit(&s->progress_ms, monotonic_ms(), memory_order_relaxed);
}

static void *writer_main(void *arg)
{
	struct store *s = arg;
	struct row **batch = xcalloc(WRITE_BATCH, sizeof(*batch));

	pthread_setname_np(pthread_self(), "sysq-writer");
	for (;;) {
		size_t n = row_queue_pop_batch(s->queue, batch, WRITE_BATCH, 1000);

		if (n > 0 && n < LINGER_BELOW && !atomic_load(&s->stopping)) {
			nanosleep(&(struct timespec){.tv_nsec = COMMIT_LINGER_MS * 1000000L}, NULL);
			n += row_queue_pop_batch(s->queue, batch + n, WRITE_BATCH - n, 0);
		}
		atomic_store_explicit(&s->in_hand, n, memory_order_relaxed);
		if (n > 0)
			write_batch(s, batch, n);
		s->burst_rows += n;
		maintain(s, n == 0);
		note_progress(s);
		if (n == 0 && atomic_load(&s->stopping) && row_queue_length(s->queue) == 0)
			break;
	}
	free(batch);
	return NULL;
}

/* The writer's connection stops signalling the thread before it goes;
 * closing the connection checkpoints what is left. */
static void stop_checkpoints(struct store *s)
{
	sqlite3_wal_hook(s->db, NULL, NULL);
	checkpointer_stop(s->checkpointer);
	s->checkpointer = NULL;
}

int store_start(struct store *s, char **err)
{
	int rc = checkpointer_start(s->path, CHECKPOINT_FRAMES, &s->checkpointer, err);

	if (rc < 0)
		return rc;
	checkpointer_attach(s->checkpointer, s->db);
	maintain(s, false);
	note_progress(s);
	rc = pthread_create(&s->writer, NULL, writer_main, s);
	if (rc != 0) {
		*err = xasprintf("cannot start the store writer: %s", strerror(rc));
		stop_checkpoints(s);
		return -rc;
	}
	s->started = true;
	return 0;
}

/* Packs on the stack up to this many bytes, then copies into the row. */
#define PACK_STACK 2048

/* A packed copy of `row`, which goes back to its table's pool. The writer
 * would pack it anyway: done here, the work only moves threads, and a
 * socket_events row waits in about 240 bytes instead of 770. Tables with
 * before_store are left as they are, as that must run on the writer. */
static struct row *pack_for_queue(struct event_table *t, struct row *row)
{
	unsigned char stack[PACK_STACK];
	size_t max = packed_encoded_max(row, &t->layout);
	unsigned char *buf = max <= sizeof(stack) ? stack : xmalloc(max);
	size_t len = packed_encode_to(row, &t->layout, buf);
	unsigned col = (unsigned)t->def->time_column;
	struct row *packed = row_new_packed(t, col < row->ncolumns ? &row->values[col] : NULL,
					    buf, len);

	if (buf != stack)
		free(buf);
	row_pool_give(t->pool, &row, 1);
	return packed;
}

void store_submit(struct store *s, struct row *row)
{
	struct event_table *t = row->table;

	if (s->opt.pack_after && !row->packed && !t->def->before_store &&
	    row_queue_length_hint(s->queue) >= s->opt.pack_after)
		row = pack_for_queue(t, row);
	if (!row_queue_push(s->queue, row)) {
		counter_add(t->counters, COUNTER_drop_queue_full, 1);
		row_free(row);
	}
}

void store_stop(struct store *s)
{
	if (!s || !s->started)
		return;
	atomic_store(&s->stopping, true);
	row_queue_wake(s->queue);
	pthread_join(s->writer, NULL);
	stop_checkpoints(s);
	s->started = false;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_stop(s);
	/* Every statement goes before the connection, which would not close
	 * with one still prepared. */
	for (size_t i = 0; i < s->ntables; i++)
		free_table(s->tables[i]);
	limits_close(&s->limits);
	free(s->tables);
	row_queue_free(s->queue);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

size_t store_table_count(const struct store *s)
{
	return s->ntables;
}

struct event_table *store_table_at(const struct store *s, size_t i)
{
	return s->tables[i];
}

struct event_table *store_find_table(const struct store *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++) {
		if (strcmp(s->tables[i]->def->name, name) == 0)
			return s->tables[i];
	}
	return NULL;
}

size_t store_queue_length(struct store *s)
{
	return row_queue_length(s->queue);
}

size_t store_queue_bytes(struct store *s)
{
	return row_queue_bytes(s->queue);
}

int64_t store_writer_stalled_ms(struct store *s, size_t *waiting)
{
	size_t rows = 0;
	int64_t since;

	if (s->started)
		rows = atomic_load_explicit(&s->in_hand, memory_order_relaxed) +
		       row_queue_length_hint(s->queue);
	if (waiting)
		*waiting = rows;
	if (rows == 0)
		return 0;
	since = monotonic_ms() - atomic_load_explicit(&s->progress_ms, memory_order_relaxed);
	return since > 0 ? since : 0;
}
