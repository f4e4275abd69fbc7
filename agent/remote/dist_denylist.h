/* osquery's denylist of live queries: a query that crashed or hung the
 * daemon is not run again for --distributed_denylist_duration seconds.
 *
 * Before a live query (or its discovery query) runs, its id and SQL are
 * recorded in the database (store/meta.h), and cleared when it ends. A
 * record found at start means the daemon died while that SQL ran: the
 * SQL is denylisted until start + duration (kept in the database, so a
 * restart does not lift it), and the query is reported failed at the
 * next write. The state lives only in the database; one thread uses it. */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

struct dist_denylist {
	const char *db_path;
	int64_t duration;
	cJSON *entries; /* [{"sql": text, "until": unix time}] */
	cJSON *failed;	/* {id: message}: crashed queries not reported yet */
};

/* Loads the denylist (expired entries dropped) and takes over a query
 * left running by the last run, logging a warning that names it. */
void dist_denylist_open(struct dist_denylist *d, const char *db_path, int64_t duration);
void dist_denylist_close(struct dist_denylist *d);

/* Whether `sql` may not run now. */
bool dist_denylist_has(struct dist_denylist *d, const char *sql);

/* Records the SQL about to run under `id`, and clears it. */
void dist_denylist_running(struct dist_denylist *d, const char *id, const char *sql);
void dist_denylist_done(struct dist_denylist *d);

/* The crashed queries to report ({id: message}, owned by `d`; empty when
 * none), and forgetting them once the server has them. */
const cJSON *dist_denylist_failed(const struct dist_denylist *d);
void dist_denylist_reported(struct dist_denylist *d);
