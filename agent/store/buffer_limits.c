/* events_max and events_expiry: the rows the writer deletes from a
 * buffer table, and the counters that say so (evicted, evicted_unread,
 * expired). Expiry spares rows a scheduled query has yet to read;
 * events_max spares nothing, so the buffer stays bounded. The DELETEs are
 * prepared once per table and kept (store_close finalizes them). */
#include "buffer_limits.h"

#include "cursors.h"

#include "common/log.h"
#include "common/strbuf.h"

#include <stdarg.h>
#include <stdatomic.h>

/* Returns the statement in *slot, preparing it from the formatted SQL on
 * first use; it stays prepared until store_close. NULL if SQLite refuses
 * (sqlite3_errmsg says why); the next call tries again. */
static sqlite3_stmt *cached_stmt(struct store_limits *l, void **slot, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static sqlite3_stmt *cached_stmt(struct store_limits *l, void **slot, const char *fmt, ...)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	va_list ap;

	if (*slot)
		return *slot;
	va_start(ap, fmt);
	sb_vprintf(&sql, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v3(l->db, sb_str(&sql), -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK)
		st = NULL;
	sb_free(&sql);
	*slot = st;
	return st;
}

/* Runs a DELETE on one buffer table (NULL if it could not be prepared)
 * and returns how many rows went. */
static int64_t delete_rows(struct store_limits *l, sqlite3_stmt *st, int64_t arg, int64_t limit)
{
	int64_t n = 0;

	if (!st) {
		log_warn("store: %s", sqlite3_errmsg(l->db));
		return 0;
	}
	sqlite3_bind_int64(st, 1, arg);
	sqlite3_bind_int64(st, 2, limit);
	if (sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes64(l->db);
	else
		log_warn("store: %s", sqlite3_errmsg(l->db));
	/* Every use binds both parameters, so none needs clearing. */
	sqlite3_reset(st);
	return n;
}

/* The oldest event some scheduled query has not read yet is the one after
 * this eid; INT64_MAX when no query reads the table. */
static int64_t read_horizon(struct store_limits *l, struct event_table *t)
{
	if (!l->horizon)
		l->horizon = cursors_horizon_stmt(l->db);
	if (!l->horizon) {
		log_warn("store: %s", sqlite3_errmsg(l->db));
		return INT64_MAX;
	}
	return cursors_horizon(l->horizon, t->def->name);
}

static int64_t count_unread(struct store_limits *l, struct event_table *t, int64_t over,
			    int64_t horizon)
{
	sqlite3_stmt *st =
	    cached_stmt(l, &t->count_unread,
			"SELECT count(*) FROM (SELECT rowid FROM \"%s\" ORDER BY rowid "
			"LIMIT ?2) WHERE rowid > ?1",
			t->buffer_name);
	int64_t n = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, horizon);
	sqlite3_bind_int64(st, 2, over);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Deletes the `over` oldest rows; *unread counts those a scheduled query
 * had not read (0 if the DELETE failed, as it then removed nothing).
 * Returns how many went. */
static int64_t evict_oldest(struct store_limits *l, struct event_table *t, int64_t over,
			    int64_t *unread)
{
	int64_t horizon = read_horizon(l, t);
	int64_t n;

	/* No rowid is above INT64_MAX: with no cursor on the table, no
	 * evicted row is unread. */
	*unread = horizon == INT64_MAX ? 0 : count_unread(l, t, over, horizon);
	n = delete_rows(l,
			cached_stmt(l, &t->evict,
				    "DELETE FROM \"%1$s\" WHERE rowid IN "
				    "(SELECT rowid FROM \"%1$s\" ORDER BY rowid LIMIT ?2)",
				    t->buffer_name),
			0, over);
	if (n != over)
		*unread = 0; /* a failed DELETE removed nothing */
	return n;
}

void limits_count_eviction(const struct store_limits *l, struct event_table *t, int64_t n,
			   int64_t unread)
{
	atomic_fetch_sub(&t->buffered, n);
	counter_add(t->counters, COUNTER_evicted, (uint64_t)n);
	counter_add(t->counters, COUNTER_evicted_unread, (uint64_t)unread);
	if (n > 0)
		log_info("store: %s over events_max (%lld): evicted the %lld oldest events, %lld "
			 "not yet read by a scheduled query",
			 t->def->name, (long long)l->events_max, (long long)n, (long long)unread);
}

void limits_enforce_max(struct store_limits *l, struct event_table *t)
{
	int64_t over = atomic_load(&t->buffered) - l->events_max;
	int64_t unread, n;

	/* events_max wins over unread rows: the buffer must stay bounded. */
	if (l->events_max <= 0 || over <= 0)
		return;
	n = evict_oldest(l, t, over, &unread);
	limits_count_eviction(l, t, n, unread);
}

void limits_evict_for_batch(struct store_limits *l, struct event_table *t)
{
	int64_t over = atomic_load(&t->buffered) + t->batch_rows - l->events_max;

	if (l->events_max <= 0 || t->batch_total == 0 || over <= 0)
		return;
	t->batch_evicted = evict_oldest(l, t, over, &t->batch_unread);
}

void limits_expire(struct store_limits *l, struct event_table *t, time_t now)
{
	int64_t horizon, n;

	if (l->events_expiry <= 0)
		return;
	horizon = read_horizon(l, t);
	/* The bins bound the scan: no row older than the cutoff lies past the
	 * largest eid of a bin older than it. One bound, the smaller of that
	 * and the horizon: given the two as separate terms, SQLite ranged
	 * over the horizon (all rows, as no query reads most tables) and
	 * filtered on the other, which read the whole table every second,
	 * most of the writer's time under a storm once the table was large. */
	n = delete_rows(
	    l,
	    cached_stmt(l, &t->expire,
			"DELETE FROM \"%1$s\" WHERE time < ?1 AND rowid <= min(?2, "
			"coalesce((SELECT max(max_eid) FROM \"%2$s_time_bins\" WHERE bin < "
			"?1), -1))",
			t->buffer_name, t->def->name),
	    (int64_t)now - l->events_expiry, horizon);

	atomic_fetch_sub(&t->buffered, n);
	counter_add(t->counters, COUNTER_expired, (uint64_t)n);
}

void limits_close(struct store_limits *l)
{
	sqlite3_finalize(l->horizon);
	l->horizon = NULL;
}
