/* The scheduler: runs the config's queries on their intervals and logs
 * their results in osquery's format (see logger/results_format.h).
 *
 * One thread. Each query runs in one read snapshot of the store. Queries
 * over event tables log each row as "added" and, with events_optimize,
 * see only events since their previous run; other queries log
 * differential results (removed, then added) against their previous
 * results; snapshot queries log the whole result. What a query has seen
 * (cursors, counter, previous results) is kept in the database, after the
 * lines are logged, so a restart neither repeats nor loses results.
 * A failing query logs its error; the others run on. */
#pragma once

#include "core/flags.h"

#include <stdint.h>

struct catalog;
struct config;
struct scheduler;

/* Starts with `cfg`, whose ownership passes to the scheduler (even on
 * failure). Returns 0 or -errno with *err set (free it). */
int scheduler_start(const struct sysq_flags *flags, const struct catalog *cat,
		    const char *db_path, struct config *cfg, struct scheduler **ret, char **err);

/* Hands over a new config (SIGHUP); it is applied between query runs. */
void scheduler_reload(struct scheduler *s, struct config *cfg);

void scheduler_stop(struct scheduler *s);

/* Scheduled query runs since start, and those of them that failed (the
 * query returned an error; it was logged). Any thread may call it. */
void scheduler_counts(struct scheduler *s, uint64_t *runs, uint64_t *failures);

/* The load and interval decorations results lines carry now, as a JSON
 * object of strings (free it), or NULL when there are none: for the
 * fleet server's status lines. Any thread may call it. */
char *scheduler_decorations(struct scheduler *s);
