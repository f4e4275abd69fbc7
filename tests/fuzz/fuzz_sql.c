/* fuzz_sql: arbitrary SQL text on a real query connection.
 *
 * Why untrusted: whoever reaches the control socket sends SQL, and the
 * scheduler runs SQL from the config. The connection is opened as the
 * daemon opens it (sql_connection_open: db_open DB_QUERY, the modules
 * restricted, the catalog attached, the read-only authorizer) on a store
 * the writer created, with one event table holding a few rows, so every
 * function, module and pragma a query can reach is reachable here. No
 * input may crash the process (issue 15: fts3_tokenizer() did). Each input
 * runs for at most STEP_BUDGET virtual machine instructions or
 * TIME_BUDGET_NS, whichever comes first, so a recursive CTE cannot hang. */
#include "sql/authorizer.h"
#include "sql/catalog.h"
#include "sql/connection.h"
#include "store/row.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The progress handler runs every PROGRESS_OPS instructions. */
#define PROGRESS_OPS 1000
#define STEP_BUDGET (200 * 1000)
#define TIME_BUDGET_NS (500 * 1000 * 1000LL)
/* Inputs longer than this only repeat what shorter ones reach. */
#define MAX_SQL 4096

enum { COL_time, COL_eid, COL_cmdline, COL_secret, NCOLS };

static const struct column_def columns[NCOLS] = {
	[COL_time] = {"time", COLUMN_INTEGER, false, "Event time"},
	[COL_eid] = {"eid", COLUMN_TEXT, false, "Event id"},
	[COL_cmdline] = {"cmdline", COLUMN_TEXT, false, "A command line"},
	[COL_secret] = {"secret", COLUMN_TEXT, true, "Returned only when named"},
};

static const struct table_def fuzz_def = {
	.name = "fuzz_events",
	.description = "Rows the SQL fuzzer reads",
	.columns = columns,
	.ncolumns = NCOLS,
	.time_column = COL_time,
	.eid_column = COL_eid,
};

static struct {
	struct store *store;
	struct catalog cat;
	struct authorizer_state authz;
	struct sysq_counters counters;
	sqlite3 *db;
	unsigned progress_calls;
	struct timespec start;
} fx;

static void die(const char *what, char *err)
{
	fprintf(stderr, "fuzz_sql: %s: %s\n", what, err ? err : "");
	abort();
}

static char dir[] = "/tmp/sysq-fuzz-sql-XXXXXX";
static char path[64];

/* At exit, so a fuzzing run leaves no database behind. */
static void remove_store(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char name[96];

	sqlite3_close(fx.db);
	store_close(fx.store);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		unlink(name);
	}
	rmdir(dir);
}

/* Creates the database with the store writer and buffers a few rows. */
static void make_store(void)
{
	struct store_options opt = {.path = path, .queue_size = 64};
	struct event_table *t;
	char *err = NULL;

	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(path, sizeof(path), "%s/sysq.db", dir);
	atexit(remove_store);
	if (store_open(&opt, &fx.store, &err) < 0)
		die("store_open", err);
	t = store_add_table(fx.store, &fuzz_def, &fx.counters, &err);
	if (!t || store_start(fx.store, &err) < 0)
		die("store", err);
	for (int i = 1; i <= 4; i++) {
		struct row *row = row_new(t, NCOLS);

		row_set_int(row, COL_time, 1700000000 + i);
		row_set_str(row, COL_cmdline, i % 2 ? "/bin/sh -c true" : "{\"a\": [1, 2]}");
		row_set_str(row, COL_secret, "s");
		store_submit(fx.store, row);
	}
	store_stop(fx.store);
}

static int64_t elapsed_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - fx.start.tv_sec) * 1000000000LL + (now.tv_nsec - fx.start.tv_nsec);
}

/* Non-zero interrupts the statement. */
static int progress(void *arg)
{
	(void)arg;
	fx.progress_calls++;
	return fx.progress_calls * PROGRESS_OPS > STEP_BUDGET || elapsed_ns() > TIME_BUDGET_NS;
}

/* The inputs reach the rows through the catalog, or the harness would
 * fuzz an empty table. */
static void check_rows(void)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(fx.db, "SELECT count(*) FROM fuzz_events", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 4)
		die("fuzz_events does not hold its 4 rows", (char *)sqlite3_errmsg(fx.db));
	sqlite3_finalize(st);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *err = NULL;

	(void)argc;
	(void)argv;
	make_store();
	fx.cat.store = fx.store;
	if (sql_connection_open(store_path(fx.store), &fx.cat, NULL, &fx.authz, &fx.db, &err) < 0)
		die("sql_connection_open", err);
	check_rows();
	sqlite3_progress_handler(fx.db, PROGRESS_OPS, progress, NULL);
	return 0;
}

/* Runs every statement of `sql` as the control socket would, stopping at
 * the first error. */
static void run_all(const char *sql)
{
	const char *tail = sql;

	while (*tail) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(fx.db, tail, -1, &st, &tail);

		if (rc != SQLITE_OK)
			break;
		if (!st)
			continue;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++)
				(void)sqlite3_column_text(st, c);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql;

	if (size > MAX_SQL)
		return 0;
	sql = malloc(size + 1);
	memcpy(sql, data, size);
	sql[size] = '\0';
	fx.authz.reason[0] = '\0';
	fx.progress_calls = 0;
	clock_gettime(CLOCK_MONOTONIC, &fx.start);
	run_all(sql);
	free(sql);
	return 0;
}
