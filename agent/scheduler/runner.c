/* Scheduled query execution in one snapshot, with events_optimize. */
#include "runner.h"

#include "control/watch.h"
#include "sql/authorizer.h"
#include "sql/catalog.h"
#include "sql/connection.h"
#include "sql/event_vtab.h"
#include "store/scan.h"
#include "store/store.h"

#include "query_state.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct runner {
	sqlite3 *db;
	sqlite3 *state_db;
	const struct catalog *cat;
	struct authorizer_state authz;
	struct query_watch watch;
	struct scan_context scan;
	const char *query;	/* the query running now */
	struct run_result *res; /* where scans are recorded */
};

static int64_t scan_cursor(void *arg, const char *table)
{
	struct runner *r = arg;

	return query_state_cursor(r->state_db, r->query, table);
}

static struct scanned_table *find_scanned(struct run_result *res, const char *table)
{
	for (size_t i = 0; i < res->nscanned; i++) {
		if (strcmp(res->scanned[i].table, table) == 0)
			return &res->scanned[i];
	}
	return NULL;
}

static void scan_record(void *arg, const char *table, bool optimized)
{
	struct runner *r = arg;
	struct run_result *res = r->res;
	struct scanned_table *st = find_scanned(res, table);
	struct event_table *t;

	if (st) {
		st->optimized &= optimized;
		return;
	}
	t = store_find_table(r->cat->store, table);
	if (res->nscanned == RUNNER_MAX_TABLES || !t)
		return;
	st = &res->scanned[res->nscanned++];
	memset(st, 0, sizeof(*st));
	st->table = xstrdup(table);
	st->source = t;
	st->optimized = optimized;
}

static void scan_stopped(void *arg, const char *table, int64_t last_eid)
{
	struct runner *r = arg;
	struct scanned_table *st = find_scanned(r->res, table);

	if (!st)
		return;
	if (!st->stopped_early || last_eid < st->stopped_at)
		st->stopped_at = last_eid;
	st->stopped_early = true;
}

int runner_open(const char *db_path, const struct catalog *cat, sqlite3 *state_db, bool optimize,
		int timeout_s, struct runner **ret, char **err)
{
	struct runner *r = xcalloc(1, sizeof(*r));
	int rc;

	r->cat = cat;
	r->state_db = state_db;
	r->scan = (struct scan_context){.optimize = optimize, .cursor = scan_cursor,
					.scanned = scan_record, .stopped = scan_stopped,
					.arg = r};
	rc = sql_connection_open(db_path, cat, &r->scan, &r->authz, &r->db, err);
	if (rc < 0) {
		runner_close(r);
		return rc;
	}
	query_watch_install(r->db, &r->watch, timeout_s);
	*ret = r;
	return 0;
}

void runner_close(struct runner *r)
{
	if (!r)
		return;
	sqlite3_close(r->db);
	free(r);
}

void runner_interrupt(struct runner *r)
{
	sqlite3_interrupt(r->db);
}

static int internal_exec(struct runner *r, const char *sql)
{
	int rc;

	r->authz.internal = true;
	rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);
	r->authz.internal = false;
	return rc;
}

static void add_value(struct result_set *rs, sqlite3_stmt *st, int col)
{
	struct result_value *v = &rs->vals[rs->nrows * rs->ncols + (size_t)col];

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		v->kind = RESULT_INT;
		v->i = sqlite3_column_int64(st, col);
		break;
	case SQLITE_FLOAT:
		v->kind = RESULT_REAL;
		v->d = sqlite3_column_double(st, col);
		break;
	case SQLITE_NULL:
		v->kind = RESULT_NULL;
		break;
	default:
		v->kind = RESULT_TEXT;
		v->len = (size_t)sqlite3_column_bytes(st, col);
		v->s = xstrndup((const char *)sqlite3_column_text(st, col), v->len);
	}
}

static int collect(sqlite3_stmt *st, struct result_set *rs)
{
	int rc;

	rs->ncols = (size_t)sqlite3_column_count(st);
	rs->cols = xcalloc(rs->ncols ? rs->ncols : 1, sizeof(*rs->cols));
	for (size_t c = 0; c < rs->ncols; c++)
		rs->cols[c] = xstrdup(sqlite3_column_name(st, (int)c));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rs->vals = xgrow(rs->vals, &rs->cap, (rs->nrows + 1) * rs->ncols,
				 sizeof(*rs->vals));
		memset(&rs->vals[rs->nrows * rs->ncols], 0, rs->ncols * sizeof(*rs->vals));
		for (size_t c = 0; c < rs->ncols; c++)
			add_value(rs, st, (int)c);
		rs->nrows++;
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* How far the query read each scanned table, in the same snapshot: the
 * AUTOINCREMENT sequence (which counts events already expired too), or
 * where an optimized scan stopped early. */
static void newest_events(struct runner *r, struct run_result *res)
{
	for (size_t i = 0; i < res->nscanned; i++) {
		struct scanned_table *st = &res->scanned[i];

		st->newest_eid = store_newest_eid(r->db, st->source);
		if (st->stopped_early && st->stopped_at < st->newest_eid)
			st->newest_eid = st->stopped_at;
	}
}

static bool is_blank(const char *s)
{
	while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';'))
		s++;
	return !s || !*s;
}

static char *error_text(struct runner *r, int rc)
{
	const char *why = query_watch_reason(&r->watch, rc);

	if (r->authz.reason[0])
		return xstrdup(r->authz.reason);
	return xstrdup(why ? why : sqlite3_errmsg(r->db));
}

int runner_run(struct runner *r, const char *name, const char *sql, bool optimize,
	       struct run_result *out, char **err)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	r->query = name;
	r->res = out;
	r->scan.optimize = optimize;
	r->authz.reason[0] = '\0';
	if (internal_exec(r, "BEGIN") != SQLITE_OK) {
		*err = xasprintf("cannot begin a read: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	query_watch_start(&r->watch, -1);
	rc = sqlite3_prepare_v2(r->db, sql, -1, &st, &tail);
	if (rc == SQLITE_OK && (!st || !is_blank(tail)))
		rc = SQLITE_MISUSE;
	if (rc == SQLITE_OK)
		rc = collect(st, &out->rows);
	/* Closes the scans, so those that stopped early have said where. */
	sqlite3_reset(st);
	if (rc == SQLITE_OK)
		newest_events(r, out);
	query_watch_stop(&r->watch);
	if (rc == SQLITE_MISUSE)
		*err = xstrdup(!st ? "the query is empty" : "a scheduled query is one statement");
	else if (rc != SQLITE_OK)
		*err = error_text(r, rc);
	sqlite3_finalize(st);
	internal_exec(r, "COMMIT");
	r->res = NULL;
	if (rc != SQLITE_OK) {
		run_result_free(out);
		return -1;
	}
	return 0;
}

void run_result_free(struct run_result *res)
{
	result_set_free(&res->rows);
	for (size_t i = 0; i < res->nscanned; i++)
		free(res->scanned[i].table);
	res->nscanned = 0;
}

/* Records the tables a statement reads while it is being prepared. */
struct table_probe {
	struct runner *r;
	char **out;
	size_t max;
	size_t n;
};

static int probe_authorizer(void *arg, int action, const char *a1, const char *a2,
			    const char *db, const char *trigger)
{
	struct table_probe *p = arg;
	bool known = false;

	(void)a2;
	(void)db;
	(void)trigger;
	if (action != SQLITE_READ || !a1 || !store_find_table(p->r->cat->store, a1))
		return SQLITE_OK;
	for (size_t i = 0; i < p->n && !known; i++)
		known = strcmp(p->out[i], a1) == 0;
	if (!known && p->n < p->max)
		p->out[p->n++] = xstrdup(a1);
	return SQLITE_OK;
}

size_t runner_event_tables(struct runner *r, const char *sql, char **out, size_t max)
{
	struct table_probe probe = {.r = r, .out = out, .max = max};
	sqlite3_stmt *st = NULL;

	sqlite3_set_authorizer(r->db, probe_authorizer, &probe);
	sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
	sqlite3_finalize(st);
	sqlite3_set_authorizer(r->db, readonly_authorizer, &r->authz);
	return probe.n;
}
