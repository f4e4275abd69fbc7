/* Runs the scheduler's SQL: scheduled queries, decorators, discovery.
 *
 * A runner owns a read-only connection with the catalog attached, the
 * read-only authorizer and a deadline (--control_query_timeout). Each
 * query runs in one read transaction, so the events it returns and the
 * cursors it moves to come from the same snapshot of the store. With
 * events_optimize, scans of event tables return only rows past the
 * query's cursor (read from the state connection). */
#pragma once

#include "logger/results_format.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct catalog;
struct event_table;
struct runner;

#define RUNNER_MAX_TABLES 8

/* An event table a query scanned, and how far it read: the newest event
 * in the snapshot, or less if an optimized scan stopped early. */
struct scanned_table {
	char *table;
	const struct event_table *source; /* the store's, for its newest eid */
	bool optimized;
	bool stopped_early;
	int64_t stopped_at;
	int64_t newest_eid;
};

struct run_result {
	struct result_set rows;
	struct scanned_table scanned[RUNNER_MAX_TABLES];
	size_t nscanned;
};

int runner_open(const char *db_path, const struct catalog *cat, sqlite3 *state_db, bool optimize,
		int timeout_s, struct runner **ret, char **err);
void runner_close(struct runner *r);

/* Stops the query running now, from another thread (shutdown). */
void runner_interrupt(struct runner *r);

/* Runs one SQL statement as query `name` (whose cursors apply when
 * `optimize`). Returns 0, or -1 with *err set (free it). Free the result
 * with run_result_free. */
int runner_run(struct runner *r, const char *name, const char *sql, bool optimize,
	       struct run_result *out, char **err);
void run_result_free(struct run_result *res);

/* The event tables a query reads, found by preparing it: up to `max`
 * names written to `out` (free each). Returns the count. */
size_t runner_event_tables(struct runner *r, const char *sql, char **out, size_t max);
