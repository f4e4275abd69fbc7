/* Unit tests for store/store.c and tables/event_vtab.c together: rows
 * submitted to a store in a temporary directory are written by its writer
 * thread, then read on a separate SQLite connection through catalog_attach
 * (with no pubsub and no flags). Covers hidden columns, time and eid
 * constraints (time bounds also over out-of-order times written in several
 * batches, which the time bins must cover), the 10-digit eid text, eid
 * order, exact bytes, and the store's limits: events_max eviction,
 * events_expiry (with eids that keep growing across a restart, and with
 * old and new times interleaved) and drops when the queue is full, by
 * count or by bytes. Rows queued packed behind a long queue read back the
 * same as the rows queued as built. */
#include "store/store.h"
#include "sql/catalog.h"

#include "check.h"
#include "store_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* A query connection as the control socket opens one: read-only, with
 * the catalog attached. */
static sqlite3 *open_query_db(const struct fixture *fx, const struct catalog *cat)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	if (!CHECK_EQ_INT(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK)) {
		sqlite3_close(db);
		return NULL;
	}
	if (!CHECK_EQ_INT(catalog_attach(cat, db, NULL, &err), SQLITE_OK)) {
		fprintf(stderr, "\t%s\n", err);
		free(err);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* First column of the first row as text; "(null)" for NULL, "(none)"
 * without rows, "(error)" when the statement fails. Free the result. */
static char *query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *text;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "\t%s: %s\n", sql, sqlite3_errmsg(db));
		return strdup("(error)");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		text = strdup((const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_ROW)
		text = strdup("(null)");
	else if (rc == SQLITE_DONE)
		text = strdup("(none)");
	else
		text = strdup("(error)");
	sqlite3_finalize(st);
	return text;
}

static bool check_query(const char *file, int line, sqlite3 *db, const char *sql,
			const char *want)
{
	char *got = query_text(db, sql);
	bool ok = check_eq_str(file, line, sql, want, got, want);

	free(got);
	return ok;
}

#define CHECK_QUERY(db, sql, want) check_query(__FILE__, __LINE__, db, sql, want)

/* The names of the rows matching `where`, in eid order, comma-separated. */
#define NAMES_WHERE(where)                                                                         \
	"SELECT group_concat(name) FROM (SELECT name FROM unit_events WHERE " where                \
	" ORDER BY eid)"

static void check_select_star(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	if (!CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT * FROM unit_events", -1, &st, NULL),
			  SQLITE_OK))
		return;
	if (CHECK_EQ_INT(sqlite3_column_count(st), 3)) {
		CHECK_EQ_STR(sqlite3_column_name(st, 0), "time");
		CHECK_EQ_STR(sqlite3_column_name(st, 1), "eid");
		CHECK_EQ_STR(sqlite3_column_name(st, 2), "name");
	}
	sqlite3_finalize(st);
}

static void check_constraints(sqlite3 *db)
{
	CHECK_QUERY(db, NAMES_WHERE("1"), "r1,r2,r3,r4,r5");
	CHECK_QUERY(db, NAMES_WHERE("time >= 300"), "r3,r4,r5");
	CHECK_QUERY(db, NAMES_WHERE("time < 300"), "r1,r2");
	CHECK_QUERY(db, NAMES_WHERE("time = 300"), "r3");
	CHECK_QUERY(db, NAMES_WHERE("time > 300"), "r4,r5");
	CHECK_QUERY(db, NAMES_WHERE("time <= 300"), "r1,r2,r3");
	CHECK_QUERY(db, NAMES_WHERE("time >= 200 AND time < 400"), "r2,r3");
	CHECK_QUERY(db, NAMES_WHERE("time = 999"), "(null)");
	CHECK_QUERY(db, NAMES_WHERE("eid = '0000000002'"), "r2");
	CHECK_QUERY(db, NAMES_WHERE("eid > '0000000003'"), "r4,r5");
	CHECK_QUERY(db, NAMES_WHERE("eid <= '0000000002'"), "r1,r2");
	CHECK_QUERY(db, NAMES_WHERE("eid >= '0000000002' AND time < 400"), "r2,r3");
	/* eid is text: an unpadded id is another value and matches nothing. */
	CHECK_QUERY(db, NAMES_WHERE("eid = '2'"), "(null)");
	CHECK_QUERY(db, NAMES_WHERE("rowid = 3"), "r3");
	CHECK_QUERY(db, NAMES_WHERE("rowid > 3"), "r4,r5");
	CHECK_QUERY(db, NAMES_WHERE("secret = 's4'"), "r4");
}

static void check_eids(sqlite3 *db)
{
	CHECK_QUERY(db, "SELECT eid FROM unit_events WHERE name = 'r1'", "0000000001");
	CHECK_QUERY(db, "SELECT typeof(eid) FROM unit_events WHERE name = 'r1'", "text");
	CHECK_QUERY(db, "SELECT rowid FROM unit_events WHERE name = 'r5'", "5");
	CHECK_QUERY(db,
		    "SELECT group_concat(eid) FROM (SELECT eid FROM unit_events ORDER BY eid)",
		    "0000000001,0000000002,0000000003,0000000004,0000000005");
	CHECK_QUERY(db,
		    "SELECT group_concat(name) FROM (SELECT name FROM unit_events "
		    "ORDER BY eid DESC)",
		    "r5,r4,r3,r2,r1");
	CHECK_QUERY(db,
		    "SELECT group_concat(name) FROM (SELECT name FROM unit_events "
		    "ORDER BY time DESC LIMIT 2)",
		    "r5,r4");
}

static void test_queries(void)
{
	struct fixture fx;
	struct catalog cat = {0};
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	CHECK(store_find_table(fx.store, "unit_events") == fx.table);
	CHECK(store_find_table(fx.store, "unit") == NULL);
	CHECK_EQ_UINT(store_table_count(fx.store), 1);
	CHECK_EQ_STR(store_path(fx.store), fx.path);
	if (fixture_start(&fx)) {
		for (int i = 1; i <= 5; i++) {
			char name[8], secret[8];

			snprintf(name, sizeof(name), "r%d", i);
			snprintf(secret, sizeof(secret), "s%d", i);
			submit(&fx, i * 100, name, secret);
		}
		store_stop(fx.store);
	}
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 5);
	CHECK_EQ_INT(atomic_load(&fx.table->buffered), 5);
	CHECK_EQ_UINT(store_queue_length(fx.store), 0);

	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db) {
		check_select_star(db);
		CHECK_QUERY(db, "SELECT secret FROM unit_events WHERE name = 'r2'", "s2");
		check_constraints(db);
		check_eids(db);
		/* Without pubsub and flags these tables are empty, not broken. */
		CHECK_QUERY(db, "SELECT count(*) FROM sysq_events", "0");
		CHECK_QUERY(db, "SELECT count(*) FROM sysq_flags", "0");
		CHECK_QUERY(db, "SELECT count(*) FROM osquery_events", "0");
		sqlite3_close(db);
	}
	store_close(fx.store);
	fixture_remove(&fx);
}

/* Text keeps its exact bytes, NUL and invalid UTF-8 included; an unset
 * column is NULL. */
static void test_exact_bytes(void)
{
	static const char name[] = "a\xff\0b";
	struct fixture fx;
	struct catalog cat = {0};
	struct row *row;
	sqlite3_stmt *st = NULL;
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	row = row_new(fx.table, NCOLS);
	row_set_int(row, COL_time, 1);
	row_set_text(row, COL_name, name, sizeof(name) - 1);
	if (fixture_start(&fx)) {
		store_submit(fx.store, row);
		store_stop(fx.store);
	} else {
		row_free(row);
	}
	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db && CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT name, secret FROM unit_events", -1,
						  &st, NULL),
			       SQLITE_OK)) {
		if (CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW)) {
			CHECK_EQ_MEM(sqlite3_column_blob(st, 0),
				     (size_t)sqlite3_column_bytes(st, 0), name, sizeof(name) - 1);
			CHECK_EQ_INT(sqlite3_column_type(st, 1), SQLITE_NULL);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	store_close(fx.store);
	fixture_remove(&fx);
}

static void test_vtab_errors(void)
{
	struct fixture fx;
	struct catalog cat = {0};
	char *msg = NULL;
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db) {
		CHECK_EQ_INT(sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.x USING sysq_event(bogus)",
					  NULL, NULL, &msg),
			     SQLITE_ERROR);
		CHECK_CONTAINS(msg, "no event table named bogus");
		sqlite3_free(msg);
		msg = NULL;
		CHECK_EQ_INT(sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.y USING sysq_event", NULL,
					  NULL, &msg),
			     SQLITE_ERROR);
		CHECK_CONTAINS(msg, "expected one argument");
		sqlite3_free(msg);
		/* An empty table reads as empty. */
		CHECK_QUERY(db, "SELECT count(*) FROM unit_events", "0");
		sqlite3_close(db);
	}
	store_close(fx.store);
	fixture_remove(&fx);
}

static void test_events_max(void)
{
	struct fixture fx;
	struct catalog cat = {0};
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 3, 64))
		return;
	if (fixture_start(&fx)) {
		submit(&fx, 100, "r1", NULL);
		submit(&fx, 200, "r2", NULL);
		submit(&fx, 300, "r3", NULL);
		submit(&fx, 400, "r4", NULL);
		submit(&fx, 500, "r5", NULL);
		store_stop(fx.store);
	}
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 5);
	CHECK_EQ_UINT(counter(&fx, COUNTER_evicted), 2);
	CHECK_EQ_UINT(counter(&fx, COUNTER_expired), 0);
	CHECK_EQ_INT(atomic_load(&fx.table->buffered), 3);
	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db) {
		/* The oldest go first. */
		CHECK_QUERY(db, NAMES_WHERE("1"), "r3,r4,r5");
		sqlite3_close(db);
	}
	store_close(fx.store);
	fixture_remove(&fx);
}

/* Rows older than events_expiry go when the store starts; eids keep
 * growing even though every earlier row was deleted. */
static void test_expiry_across_restart(void)
{
	int64_t now = (int64_t)time(NULL);
	struct fixture fx;
	struct catalog cat = {0};
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	if (fixture_start(&fx)) {
		submit(&fx, now - 7200, "old1", NULL);
		submit(&fx, now - 7200, "old2", NULL);
		submit(&fx, now - 3600, "old3", NULL);
		store_stop(fx.store);
	}
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 3);
	store_close(fx.store);

	if (!fixture_open(&fx, 60, 0, 64))
		return;
	CHECK_EQ_INT(atomic_load(&fx.table->buffered), 3);
	if (fixture_start(&fx)) {
		CHECK_EQ_UINT(counter(&fx, COUNTER_expired), 3);
		CHECK_EQ_INT(atomic_load(&fx.table->buffered), 0);
		submit(&fx, now, "new", NULL);
		store_stop(fx.store);
	}
	CHECK_EQ_UINT(counter(&fx, COUNTER_expired), 3);
	CHECK_EQ_UINT(counter(&fx, COUNTER_evicted), 0);
	CHECK_EQ_INT(atomic_load(&fx.table->buffered), 1);
	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db) {
		CHECK_QUERY(db, NAMES_WHERE("1"), "new");
		CHECK_QUERY(db, "SELECT eid FROM unit_events", "0000000004");
		sqlite3_close(db);
	}
	store_close(fx.store);
	fixture_remove(&fx);
}

/* Opens a query connection on the fixture's store, runs `checks` on it,
 * then closes the store and removes its files. */
static void finish_with_queries(struct fixture *fx, void (*checks)(sqlite3 *db, const void *arg),
				const void *arg)
{
	struct catalog cat = {.store = fx->store};
	sqlite3 *db = open_query_db(fx, &cat);

	if (db) {
		checks(db, arg);
		sqlite3_close(db);
	}
	store_close(fx->store);
	fixture_remove(fx);
}

enum { BOUNDS_ROWS = 200, BOUNDS_BATCHES = 4 };

/* Each time bound through the vtab (which narrows the scan with the time
 * bins) counts exactly the rows a plain comparison does. */
static void check_time_bounds(sqlite3 *db, const void *arg)
{
	static const char *const ops[] = {"=", ">", ">=", "<", "<="};
	const int64_t *times = arg;

	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		for (int64_t bound = 998; bound <= 1014; bound++) {
			char sql[96], want[16];
			int count = 0;

			for (int i = 0; i < BOUNDS_ROWS; i++) {
				int64_t t = times[i];

				count += o == 0 ? t == bound : o == 1 ? t > bound : o == 2 ? t >= bound
					 : o == 3 ? t < bound : t <= bound;
			}
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM unit_events WHERE time %s %lld",
				 ops[o], (long long)bound);
			snprintf(want, sizeof(want), "%d", count);
			CHECK_QUERY(db, sql, want);
		}
	}
}

/* Rows whose times go back and forth, written over several batches. */
static void test_time_bounds_out_of_order(void)
{
	int64_t times[BOUNDS_ROWS];
	struct fixture fx;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 512))
		return;
	if (fixture_start(&fx)) {
		for (int i = 0; i < BOUNDS_ROWS; i++) {
			times[i] = 1000 + (i * 7) % 13;
			submit(&fx, times[i], "r", NULL);
			/* Past the writer's linger, so the rows span batches. */
			if ((i + 1) % (BOUNDS_ROWS / BOUNDS_BATCHES) == 0)
				usleep(50 * 1000);
		}
		store_stop(fx.store);
	}
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), BOUNDS_ROWS);
	finish_with_queries(&fx, check_time_bounds, times);
}

static void check_only_new_rows(sqlite3 *db, const void *arg)
{
	(void)arg;
	CHECK_QUERY(db, "SELECT count(*) FROM unit_events WHERE name = 'new'", "10");
	CHECK_QUERY(db, "SELECT count(*) FROM unit_events", "10");
}

/* Expiry with old and new rows interleaved: every old row goes, every new
 * one stays, though the old rows' eids reach past the new ones'. */
static void test_expiry_interleaved(void)
{
	int64_t now = (int64_t)time(NULL);
	struct fixture fx;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 64))
		return;
	if (fixture_start(&fx)) {
		for (int i = 0; i < 20; i++)
			submit(&fx, i % 2 ? now - i % 5 : now - 7200 - i % 5, i % 2 ? "new" : "old",
			       NULL);
		store_stop(fx.store);
	}
	store_close(fx.store);
	if (!fixture_open(&fx, 3600, 0, 64))
		return;
	if (fixture_start(&fx)) {
		CHECK_EQ_UINT(counter(&fx, COUNTER_expired), 10);
		store_stop(fx.store);
	}
	finish_with_queries(&fx, check_only_new_rows, NULL);
}

/* With the writer not started, a tiny queue fills: the next row is
 * dropped and counted, never waited for. */
static void test_queue_full(void)
{
	struct fixture fx;

	fixture_dir(&fx);
	if (!fixture_open(&fx, 0, 0, 2))
		return;
	submit(&fx, 1, "a", NULL);
	submit(&fx, 2, "b", NULL);
	CHECK_EQ_UINT(counter(&fx, COUNTER_drop_queue_full), 0);
	submit(&fx, 3, "c", NULL);
	CHECK_EQ_UINT(counter(&fx, COUNTER_drop_queue_full), 1);
	CHECK_EQ_UINT(store_queue_length(fx.store), 2);
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 0);
	/* Queued rows are freed with the store (ASan checks). */
	store_close(fx.store);
	fixture_remove(&fx);
}

/* The memory one test row takes while it waits as built. */
static size_t built_row_bytes(void)
{
	struct row *row = row_new(NULL, NCOLS);
	size_t n;

	row_set_int(row, COL_time, 1);
	row_set_str(row, COL_name, "x");
	n = row_footprint(row);
	row_free(row);
	return n;
}

/* Rows submitted past pack_after wait packed; the rows read back are the
 * same, values, NULLs, time bounds and eids included. */
static void test_packed_queue(void)
{
	struct fixture fx;
	struct catalog cat = {0};
	sqlite3 *db;

	fixture_dir(&fx);
	if (!fixture_open_with(&fx, (struct store_options){.queue_bytes = 1 << 20, .pack_after = 2}))
		return;
	/* Queued before the writer starts: r1 and r2 as built, the rest
	 * packed, which take less memory each. */
	for (int i = 1; i <= 5; i++) {
		char name[8], secret[8];

		snprintf(name, sizeof(name), "r%d", i);
		snprintf(secret, sizeof(secret), "s%d", i);
		submit(&fx, i * 100, name, i == 3 ? NULL : secret);
	}
	CHECK_EQ_UINT(store_queue_length(fx.store), 5);
	CHECK(store_queue_bytes(fx.store) > 2 * built_row_bytes());
	CHECK(store_queue_bytes(fx.store) < 4 * built_row_bytes());
	if (fixture_start(&fx))
		store_stop(fx.store);
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 5);
	CHECK_EQ_UINT(counter(&fx, COUNTER_drop_queue_full), 0);
	CHECK_EQ_UINT(store_queue_bytes(fx.store), 0);
	cat.store = fx.store;
	db = open_query_db(&fx, &cat);
	if (db) {
		CHECK_QUERY(db, NAMES_WHERE("1"), "r1,r2,r3,r4,r5");
		CHECK_QUERY(db, NAMES_WHERE("time >= 300"), "r3,r4,r5");
		CHECK_QUERY(db, NAMES_WHERE("time = 400"), "r4");
		CHECK_QUERY(db, NAMES_WHERE("secret IS NULL"), "r3");
		CHECK_QUERY(db, "SELECT secret FROM unit_events WHERE name = 'r5'", "s5");
		CHECK_QUERY(db, "SELECT eid FROM unit_events WHERE name = 'r4'", "0000000004");
		sqlite3_close(db);
	}
	store_close(fx.store);
	fixture_remove(&fx);
}

/* A queue bounded by bytes drops, and counts, the row that would pass the
 * bound; what it took is written. */
static void test_queue_bytes_full(void)
{
	struct fixture fx;

	fixture_dir(&fx);
	/* Room for three rows with their slots in the queue, not four. */
	if (!fixture_open_with(&fx, (struct store_options){.queue_bytes = 4 * built_row_bytes()}))
		return;
	for (int i = 0; i < 10; i++)
		submit(&fx, i, "x", NULL);
	CHECK_EQ_UINT(counter(&fx, COUNTER_drop_queue_full), 7);
	CHECK_EQ_UINT(store_queue_length(fx.store), 3);
	if (fixture_start(&fx))
		store_stop(fx.store);
	CHECK_EQ_UINT(counter(&fx, COUNTER_stored), 3);
	store_close(fx.store);
	fixture_remove(&fx);
}

static void test_open_error(void)
{
	struct store_options opt = {.path = "/nonexistent-sysq-unit-test/sysq.db",
				    .queue_size = 16};
	struct store *s = NULL;
	char *err = NULL;

	CHECK_EQ_INT(store_open(&opt, &s, &err), -EIO);
	CHECK(s == NULL);
	CHECK_CONTAINS(err, "/nonexistent-sysq-unit-test/sysq.db");
	free(err);
	store_close(NULL);
}

int main(void)
{
	test_queries();
	test_exact_bytes();
	test_vtab_errors();
	test_events_max();
	test_expiry_across_restart();
	test_time_bounds_out_of_order();
	test_expiry_interleaved();
	test_queue_full();
	test_packed_queue();
	test_queue_bytes_full();
	test_open_error();
	return check_finish();
}
