/* Unit tests for events_optimize: the scheduler's runner (scheduler/
 * runner.c) over a real store, with the cursors of query_state.c, and the
 * store's expiry and eviction as they read those cursors. Covers: only
 * rows past the cursor, LIMIT moving the cursor only as far as it read, a
 * time constraint turning optimization off, non-event and failing
 * queries, expiry keeping unread rows and evicted_unread. */
#include "scheduler/query_state.h"
#include "scheduler/runner.h"
#include "sql/catalog.h"

#include "check.h"
#include "store_fixture.h"

#include <time.h>

/* The query's rows as "a,b,c" from its first column. */
static char *names(const struct run_result *res)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t r = 0; r < res->rows.nrows; r++) {
		const struct result_value *v = &res->rows.vals[r * res->rows.ncols];

		if (r)
			sb_putc(&sb, ',');
		if (v->kind == RESULT_TEXT)
			sb_append(&sb, v->s, v->len);
		else if (v->kind == RESULT_INT)
			sb_printf(&sb, "%lld", (long long)v->i);
	}
	return sb_detach(&sb);
}

/* Runs `sql` as query "q" and checks its rows; returns the result (free
 * it) or a zeroed one on failure. */
static struct run_result run_query(int line, struct runner *r, const char *sql, bool optimize,
				   const char *want)
{
	struct run_result res;
	char *err = NULL, *got;

	if (!check_eq_int(__FILE__, line, "runner_run", "0",
			  runner_run(r, "q", sql, optimize, &res, &err), 0)) {
		fprintf(stderr, "\t%s: %s\n", sql, err);
		free(err);
		memset(&res, 0, sizeof(res));
		return res;
	}
	got = names(&res);
	check_eq_str(__FILE__, line, sql, want, got, want);
	free(got);
	return res;
}

#define RUN(r, sql, opt, want) run_query(__LINE__, r, sql, opt, want)

static void set_cursor(sqlite3 *state, int64_t eid)
{
	CHECK_EQ_INT(query_state_set_cursor(state, "q", "unit_events", eid), SQLITE_OK);
}

static void check_cursor_queries(struct runner *r, sqlite3 *state)
{
	struct run_result res;

	res = RUN(r, "SELECT name FROM unit_events", true, "r1,r2,r3,r4,r5");
	if (CHECK_EQ_INT(res.nscanned, 1)) {
		CHECK(res.scanned[0].optimized);
		CHECK_EQ_INT(res.scanned[0].newest_eid, 5);
	}
	run_result_free(&res);
	set_cursor(state, 3);
	res = RUN(r, "SELECT name FROM unit_events", true, "r4,r5");
	run_result_free(&res);

	/* A scan cut short reads up to its last row, not the newest. */
	set_cursor(state, 0);
	res = RUN(r, "SELECT name FROM unit_events LIMIT 2", true, "r1,r2");
	if (CHECK_EQ_INT(res.nscanned, 1))
		CHECK_EQ_INT(res.scanned[0].newest_eid, 2);
	run_result_free(&res);

	/* A time constraint is the query's own choice of rows. */
	set_cursor(state, 5);
	res = RUN(r, "SELECT name FROM unit_events WHERE time >= 300", true, "r3,r4,r5");
	if (CHECK_EQ_INT(res.nscanned, 1)) {
		CHECK(!res.scanned[0].optimized);
		CHECK_EQ_INT(res.scanned[0].newest_eid, 5);
	}
	run_result_free(&res);
	res = RUN(r, "SELECT count(*) FROM unit_events", false, "5");
	run_result_free(&res);
	res = RUN(r, "SELECT 'x'", true, "x");
	CHECK_EQ_INT(res.nscanned, 0);
	run_result_free(&res);
}

static void check_runner_errors(struct runner *r)
{
	struct run_result res;
	char *err = NULL, *tables[4];

	CHECK_EQ_INT(runner_run(r, "q", "SELECT * FROM nope", true, &res, &err), -1);
	CHECK_CONTAINS(err, "no such table: nope");
	free(err);
	err = NULL;
	CHECK_EQ_INT(runner_run(r, "q", "SELECT 1; SELECT 2", true, &res, &err), -1);
	CHECK_CONTAINS(err, "one statement");
	free(err);
	err = NULL;
	CHECK_EQ_INT(runner_run(r, "q", "DELETE FROM unit_events", true, &res, &err), -1);
	free(err);
	if (CHECK_EQ_INT(runner_event_tables(r, "SELECT * FROM unit_events a, unit_events b",
					     tables, 4),
			 1)) {
		CHECK_EQ_STR(tables[0], "unit_events");
		free(tables[0]);
	}
}

static void test_runner(void)
{
	struct catalog cat = {0};
	struct runner *r = NULL;
	sqlite3 *state = NULL;
	struct fixture fx;
	char *err = NULL;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	if (fixture_start(&fx)) {
		for (int i = 1; i <= 5; i++) {
			char name[8];

			snprintf(name, sizeof(name), "r%d", i);
			submit(&fx, 100 * i, name, NULL);
		}
		store_stop(fx.store);
	}
	cat.store = fx.store;
	CHECK_EQ_INT(sqlite3_open_v2(fx.path, &state, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	if (CHECK_EQ_INT(runner_open(fx.path, &cat, state, true, 10, &r, &err), 0)) {
		check_cursor_queries(r, state);
		check_runner_errors(r);
	} else {
		fprintf(stderr, "\t%s\n", err);
		free(err);
	}
	runner_close(r);
	sqlite3_close(state);
	store_close(fx.store);
	fixture_remove(&fx);
}

/* Sets a cursor for query "q" from a connection of its own, as the
 * scheduler does. */
static void hold_at(const struct fixture *fx, int64_t eid)
{
	sqlite3 *db = NULL;

	CHECK_EQ_INT(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	set_cursor(db, eid);
	sqlite3_close(db);
}

static void test_expiry_keeps_unread_rows(void)
{
	int64_t old = (int64_t)time(NULL) - 7200;
	struct fixture fx;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	if (fixture_start(&fx)) {
		for (int i = 0; i < 4; i++)
			submit(&fx, old, "old", NULL);
		store_stop(fx.store);
	}
	store_close(fx.store);
	hold_at(&fx, 2);
	/* Expiry runs as the store starts: rows 1-2 were read, 3-4 not. */
	if (fixture_open(&fx, 3600, 0, 64) && fixture_start(&fx)) {
		store_stop(fx.store);
		CHECK_EQ_UINT(counter(&fx, COUNTER_expired), 2);
		CHECK_EQ_INT(atomic_load(&fx.table->buffered), 2);
		store_close(fx.store);
	}
	fixture_remove(&fx);
}

static void test_evicted_unread(void)
{
	struct fixture fx;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 3, 64))
		return;
	hold_at(&fx, 1);
	if (fixture_start(&fx)) {
		for (int i = 0; i < 5; i++)
			submit(&fx, 100, "r", NULL);
		store_stop(fx.store);
	}
	/* Rows 1 and 2 went; the query had read only row 1. */
	CHECK_EQ_UINT(counter(&fx, COUNTER_evicted), 2);
	CHECK_EQ_UINT(counter(&fx, COUNTER_evicted_unread), 1);
	store_close(fx.store);
	fixture_remove(&fx);
}

int main(void)
{
	test_runner();
	test_expiry_keeps_unread_rows();
	test_evicted_unread();
	return check_finish();
}
