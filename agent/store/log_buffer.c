/* The durable log buffer (log_buffer.h): one SQLite file, one connection
 * shared by the appending scheduler and the shipper under a mutex. Each
 * call is one short statement or transaction, so neither waits long. */
#include "log_buffer.h"

#include "db.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The most lines a shipper holds at once: enough for a broker's batches,
 * small enough that a restart ships few lines twice. */
#define WINDOW_MAX 1000

struct log_buffer {
	pthread_mutex_t lock;
	sqlite3 *db;
	sqlite3_stmt *insert, *drop, *take, *confirm;
	char *sink;
	int64_t max;
	_Atomic int64_t pending; /* read without the lock (metrics) */
	int64_t taken_upto;	 /* lines up to this id are with the shipper */
	struct sysq_counters counters;
};

static const char schema_sql[] = "PRAGMA journal_mode=WAL;"
				 "PRAGMA synchronous=NORMAL;"
				 "CREATE TABLE IF NOT EXISTS log_buffer ("
				 " id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL,"
				 " name TEXT NOT NULL, line TEXT NOT NULL);";

/* The oldest lines the shipper does not hold; AUTOINCREMENT keeps ids
 * from coming back after the newest lines were deleted. */
static const char drop_sql[] = "DELETE FROM log_buffer WHERE id IN (SELECT id FROM log_buffer "
			       "WHERE sink = ?1 AND id > ?2 ORDER BY id LIMIT ?3)";

/* Created root-only before SQLite opens it: results are as private as
 * the event database. */
static int create_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int count_pending(struct log_buffer *b)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(b->db, "SELECT count(*) FROM log_buffer WHERE sink = ?", -1,
				    &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, b->sink, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			b->pending = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int prepare_all(struct log_buffer *b)
{
	int rc = sqlite3_exec(b->db, schema_sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
		    b->db, "INSERT INTO log_buffer (sink, name, line) VALUES (?, ?, ?)", -1,
		    &b->insert, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(b->db, drop_sql, -1, &b->drop, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(b->db,
					"SELECT id, name, line FROM log_buffer WHERE sink = ? "
					"AND id > ? ORDER BY id LIMIT ?",
					-1, &b->take, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(b->db, "DELETE FROM log_buffer WHERE sink = ? AND id = ?",
					-1, &b->confirm, NULL);
	if (rc == SQLITE_OK)
		rc = count_pending(b);
	return rc;
}

int log_buffer_open(const char *path, const char *sink, int64_t max, struct log_buffer **ret,
		    char **err)
{
	struct log_buffer *b = xcalloc(1, sizeof(*b));
	int rc = create_file(path);

	pthread_mutex_init(&b->lock, NULL);
	b->sink = xstrdup(sink);
	b->max = max;
	if (rc < 0) {
		*err = xasprintf("cannot create the log buffer %s: %s", path, strerror(-rc));
	} else if ((rc = db_open(path, DB_HELPER, &b->db, err)) == 0 &&
		   prepare_all(b) != SQLITE_OK) {
		*err = xasprintf("log buffer %s: %s", path, sqlite3_errmsg(b->db));
		rc = -EIO;
	}
	if (rc < 0) {
		log_buffer_close(b);
		return rc;
	}
	*ret = b;
	return 0;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* Deletes what is over the limit, oldest first among lines the shipper
 * does not hold. */
static void drop_excess(struct log_buffer *b)
{
	int64_t excess = b->max > 0 ? b->pending - b->max : 0;
	int n;

	if (excess <= 0)
		return;
	sqlite3_bind_text(b->drop, 1, b->sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b->drop, 2, b->taken_upto);
	sqlite3_bind_int64(b->drop, 3, excess);
	if (step_reset(b->drop) != SQLITE_DONE) {
		log_warn("log buffer: cannot drop old lines: %s", sqlite3_errmsg(b->db));
		return;
	}
	n = sqlite3_changes(b->db);
	b->pending -= n;
	counter_add(&b->counters, COUNTER_evicted, (uint64_t)n);
}

int log_buffer_append(struct log_buffer *b, const char *name, const char *line, size_t len)
{
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	counter_add(&b->counters, COUNTER_events, 1);
	sqlite3_bind_text(b->insert, 1, b->sink, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->insert, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->insert, 3, line, (int)len, SQLITE_STATIC);
	if (step_reset(b->insert) == SQLITE_DONE) {
		b->pending++;
		drop_excess(b);
	} else {
		log_warn("log buffer: cannot keep a line of %s: %s", name, sqlite3_errmsg(b->db));
		counter_add(&b->counters, COUNTER_drop_write_error, 1);
		rc = -EIO;
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

static void read_line(sqlite3_stmt *st, struct log_line *l)
{
	l->id = sqlite3_column_int64(st, 0);
	l->name = xstrdup((const char *)sqlite3_column_text(st, 1));
	l->len = (size_t)sqlite3_column_bytes(st, 2);
	l->line = xstrndup((const char *)sqlite3_column_text(st, 2), l->len);
}

int log_buffer_take(struct log_buffer *b, int64_t after, struct log_line *out, int n)
{
	int got = 0, rc;

	pthread_mutex_lock(&b->lock);
	sqlite3_bind_text(b->take, 1, b->sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b->take, 2, after);
	sqlite3_bind_int(b->take, 3, n);
	while (got < n && (rc = sqlite3_step(b->take)) == SQLITE_ROW)
		read_line(b->take, &out[got++]);
	if (got < n && rc != SQLITE_DONE) {
		log_warn("log buffer: cannot read lines: %s", sqlite3_errmsg(b->db));
		while (got > 0)
			log_line_free(&out[--got]);
		got = -EIO;
	} else if (got > 0) {
		b->taken_upto = out[got - 1].id;
	}
	sqlite3_reset(b->take);
	sqlite3_clear_bindings(b->take);
	pthread_mutex_unlock(&b->lock);
	return got;
}

void log_buffer_rewind(struct log_buffer *b)
{
	pthread_mutex_lock(&b->lock);
	b->taken_upto = 0;
	pthread_mutex_unlock(&b->lock);
}

static int confirm_locked(struct log_buffer *b, const int64_t *ids, size_t n)
{
	int rc = sqlite3_exec(b->db, "BEGIN", NULL, NULL, NULL);
	size_t done = 0;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		sqlite3_bind_text(b->confirm, 1, b->sink, -1, SQLITE_STATIC);
		sqlite3_bind_int64(b->confirm, 2, ids[i]);
		rc = step_reset(b->confirm) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		done += rc == SQLITE_OK ? (size_t)sqlite3_changes(b->db) : 0;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		log_warn("log buffer: cannot remove delivered lines (they are sent again): %s",
			 sqlite3_errmsg(b->db));
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		return -EIO;
	}
	/* A line dropped while the broker had it is delivered but was
	 * already counted as dropped: only lines still here count. */
	b->pending -= (int64_t)done;
	counter_add(&b->counters, COUNTER_stored, done);
	return 0;
}

int log_buffer_confirm(struct log_buffer *b, const int64_t *ids, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	pthread_mutex_lock(&b->lock);
	rc = confirm_locked(b, ids, n);
	pthread_mutex_unlock(&b->lock);
	return rc;
}

void log_buffer_discard(struct log_buffer *b, int64_t id)
{
	log_buffer_discard_as(b, id, COUNTER_drop_malformed);
}

void log_buffer_discard_as(struct log_buffer *b, int64_t id, enum counter_id why)
{
	pthread_mutex_lock(&b->lock);
	sqlite3_bind_text(b->confirm, 1, b->sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(b->confirm, 2, id);
	if (step_reset(b->confirm) == SQLITE_DONE && sqlite3_changes(b->db) > 0) {
		b->pending--;
		counter_add(&b->counters, why, 1);
	}
	pthread_mutex_unlock(&b->lock);
}

void log_buffer_count_drop(struct log_buffer *b, enum counter_id why, uint64_t n)
{
	counter_add(&b->counters, why, n);
}

int log_buffer_window(const struct log_buffer *b)
{
	/* At most half the limit, so that past it there are always lines the
	 * shipper does not hold to drop. */
	if (b->max <= 0 || b->max / 2 >= WINDOW_MAX)
		return WINDOW_MAX;
	return b->max / 2 > 0 ? (int)(b->max / 2) : 1;
}

int64_t log_buffer_pending(const struct log_buffer *b)
{
	return atomic_load(&b->pending);
}

const char *log_buffer_sink(const struct log_buffer *b)
{
	return b->sink;
}

const struct sysq_counters *log_buffer_counters(const struct log_buffer *b)
{
	return &b->counters;
}

void log_line_free(struct log_line *l)
{
	free(l->name);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

void log_buffer_close(struct log_buffer *b)
{
	if (!b)
		return;
	sqlite3_finalize(b->insert);
	sqlite3_finalize(b->drop);
	sqlite3_finalize(b->take);
	sqlite3_finalize(b->confirm);
	sqlite3_close(b->db);
	pthread_mutex_destroy(&b->lock);
	free(b->sink);
	free(b);
}
