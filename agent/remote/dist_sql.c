/* Live queries on a read-only connection (dist_sql.h). */
#include "dist_sql.h"

#include "control/watch.h"
#include "sql/authorizer.h"
#include "sql/connection.h"

#include "common/escape.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct dist_sql {
	sqlite3 *db;
	struct authorizer_state authz;
	struct query_watch watch;
	uint64_t max_result_bytes;
};

int dist_sql_open(const char *db_path, const struct catalog *cat, int timeout_s,
		  uint64_t max_result_bytes, struct dist_sql **ret, char **err)
{
	struct dist_sql *s = xcalloc(1, sizeof(*s));
	int rc = sql_connection_open(db_path, cat, NULL, &s->authz, &s->db, err);

	if (rc < 0) {
		free(s);
		return rc;
	}
	query_watch_install(s->db, &s->watch, timeout_s);
	s->max_result_bytes = max_result_bytes;
	*ret = s;
	return 0;
}

void dist_sql_close(struct dist_sql *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

static char *error_text(struct dist_sql *s, int rc)
{
	const char *why = query_watch_reason(&s->watch, rc);

	/* SQLite says only "not authorized"; the authorizer kept why. */
	if (s->authz.reason[0])
		return xstrdup(s->authz.reason);
	return xstrdup(why ? why : sqlite3_errmsg(s->db));
}

/* Prepares the one statement of `sql`. A second statement is refused: a
 * live query answers with one set of rows. */
static int prepare_one(struct dist_sql *s, const char *sql, sqlite3_stmt **st, char **err)
{
	const char *tail = NULL;
	sqlite3_stmt *next = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, &tail);

	if (rc != SQLITE_OK) {
		*err = error_text(s, rc);
		return -1;
	}
	if (!*st) {
		*err = xstrdup("the query is empty");
		return -1;
	}
	/* What follows may be blanks, semicolons and comments only. */
	while (tail && *tail && rc == SQLITE_OK && !next)
		rc = sqlite3_prepare_v2(s->db, tail, -1, &next, &tail);
	sqlite3_finalize(next);
	if (rc != SQLITE_OK || next) {
		sqlite3_finalize(*st);
		*st = NULL;
		*err = rc != SQLITE_OK ? error_text(s, rc) :
					 xstrdup("a live query is one SQL statement");
		return -1;
	}
	return 0;
}

static void append_row(struct strbuf *rows, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);

	sb_putc(rows, '{');
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		const char *v = (const char *)sqlite3_column_text(st, i);

		if (i)
			sb_putc(rows, ',');
		json_append_string(rows, name ? name : "", name ? strlen(name) : 0);
		sb_putc(rows, ':');
		/* Every value a string, NULL as "", as osquery sends them. */
		json_append_string(rows, v ? v : "", v ? (size_t)sqlite3_column_bytes(st, i) : 0);
	}
	sb_putc(rows, '}');
}

static char *limit_error(uint64_t max)
{
	return xasprintf("result larger than %" PRIu64 " bytes (--control_max_result_bytes); "
			 "add a LIMIT or narrow the columns",
			 max);
}

/* Steps to the end, appending rows. Returns SQLITE_DONE, an SQLite
 * error, or SQLITE_TOOBIG with *err set. */
static int collect(struct dist_sql *s, sqlite3_stmt *st, struct dist_sql_result *out, char **err)
{
	int rc;

	sb_putc(&out->rows, '[');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->nrows)
			sb_putc(&out->rows, ',');
		append_row(&out->rows, st);
		out->nrows++;
		if (out->rows.len > s->max_result_bytes) {
			*err = limit_error(s->max_result_bytes);
			return SQLITE_TOOBIG;
		}
	}
	sb_putc(&out->rows, ']');
	return rc;
}

static uint64_t ms_of(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000 + (uint64_t)tv->tv_usec / 1000;
}

/* Resident bytes of the process, as osquery's stats measure memory. */
static uint64_t resident_bytes(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

struct usage {
	struct timespec wall;
	struct rusage ru;
	uint64_t resident;
};

static void usage_now(struct usage *u)
{
	clock_gettime(CLOCK_MONOTONIC, &u->wall);
	getrusage(RUSAGE_THREAD, &u->ru);
	u->resident = resident_bytes();
}

static void usage_since(const struct usage *u0, struct dist_sql_result *out)
{
	struct usage u1;
	int64_t wall;

	usage_now(&u1);
	wall = (int64_t)(u1.wall.tv_sec - u0->wall.tv_sec) * 1000 +
	       (u1.wall.tv_nsec - u0->wall.tv_nsec) / 1000000;
	out->wall_time_ms = wall > 0 ? (uint64_t)wall : 0;
	out->user_time_ms = ms_of(&u1.ru.ru_utime) - ms_of(&u0->ru.ru_utime);
	out->system_time_ms = ms_of(&u1.ru.ru_stime) - ms_of(&u0->ru.ru_stime);
	out->memory = u1.resident > u0->resident ? u1.resident - u0->resident : 0;
}

int dist_sql_run(struct dist_sql *s, const char *sql, struct dist_sql_result *out)
{
	sqlite3_stmt *st = NULL;
	struct usage u0;
	int rc;

	memset(out, 0, sizeof(*out));
	s->authz.reason[0] = '\0';
	usage_now(&u0);
	query_watch_start(&s->watch, -1);
	rc = prepare_one(s, sql, &st, &out->error) < 0 ? SQLITE_ERROR : SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = collect(s, st, out, &out->error);
	if (rc != SQLITE_DONE && !out->error)
		out->error = error_text(s, rc);
	sqlite3_finalize(st);
	query_watch_stop(&s->watch);
	usage_since(&u0, out);
	if (out->error) {
		sb_free(&out->rows);
		out->nrows = 0;
		return -1;
	}
	return 0;
}

int dist_sql_any_row(struct dist_sql *s, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	s->authz.reason[0] = '\0';
	query_watch_start(&s->watch, -1);
	if (prepare_one(s, sql, &st, err) < 0) {
		ret = -1;
		goto out;
	}
	rc = sqlite3_step(st);
	ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (ret < 0)
		*err = error_text(s, rc);
out:
	sqlite3_finalize(st);
	query_watch_stop(&s->watch);
	return ret;
}

void dist_sql_result_free(struct dist_sql_result *r)
{
	sb_free(&r->rows);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

void dist_sql_interrupt(struct dist_sql *s)
{
	sqlite3_interrupt(s->db);
}
