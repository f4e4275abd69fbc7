/* A deadline for running SQL, and a check that its client is still there.
 *
 * Installed as SQLite's progress handler, it interrupts a statement that
 * runs past the limit or whose client socket has hung up, so a runaway
 * query cannot hold a thread for good. */
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
};

/* Installs the watch on `db`; it must outlive the connection. */
void query_watch_install(sqlite3 *db, struct query_watch *w, int limit_s);

/* Starts the clock for one query (fd may be -1), and stops it. */
void query_watch_start(struct query_watch *w, int fd);
void query_watch_stop(struct query_watch *w);
