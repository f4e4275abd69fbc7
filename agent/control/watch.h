/* A deadline for running SQL, a check that its client is still there,
 * and a memory budget.
 *
 * Installed as SQLite's progress handler, it interrupts a statement that
 * runs past the limit or whose client socket has hung up, so a runaway
 * query cannot hold a thread for good. While a query runs, its thread's
 * SQLite allocations count against QUERY_MEMORY_MAX (sql/query_memory.h),
 * so one query cannot take the daemon's memory either. */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>
#include <time.h>

struct query_watch {
	int limit_s;
	bool active;
	int fd; /* the client, or -1 for none */
	struct timespec deadline;
	bool timed_out;
	bool over_memory; /* the last query hit its memory budget */
};

/* Installs the watch on `db`; it must outlive the connection. */
void query_watch_install(sqlite3 *db, struct query_watch *w, int limit_s);

/* Starts the clock and the memory budget for one query (fd may be -1),
 * and stops them. */
void query_watch_start(struct query_watch *w, int fd);
void query_watch_stop(struct query_watch *w);

/* Why the watch ended a query that failed with SQLite code `rc`: its
 * deadline or its memory budget; NULL when it did not. Valid before and
 * after query_watch_stop. */
const char *query_watch_reason(const struct query_watch *w, int rc);
