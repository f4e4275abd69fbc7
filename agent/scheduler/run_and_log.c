/* One scheduled run of a query: run it, log its results, and remember
 * what was logged (query_state.h). */
#include "scheduler_internal.h"

#include "diff.h"
#include "query_state.h"

#include "logger/results_format.h"

#include "core/schedule_stats.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Lines of the run in progress that some sink did not take. */
static void write_line(struct scheduler *s, const char *query, const struct strbuf *line,
		       bool *delivered)
{
	if (!results_logger_line(s->logger, query, line->buf, line->len))
		*delivered = false;
}

/* Every row's "columns" JSON, one string per row. */
static char **row_texts(const struct result_set *rs, bool numerics)
{
	char **rows = xcalloc(rs->nrows ? rs->nrows : 1, sizeof(*rows));

	for (size_t r = 0; r < rs->nrows; r++) {
		struct strbuf sb = STRBUF_INIT;

		results_columns_json(&sb, rs, r, numerics);
		rows[r] = sb_detach(&sb);
	}
	return rows;
}

static void log_rows(struct scheduler *s, const struct results_meta *m, char *const *rows,
		     size_t n, const bool *pick, const char *action, bool *delivered)
{
	struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (pick && !pick[i])
			continue;
		sb_truncate(&line, 0);
		results_event_line(&line, m, rows[i], strlen(rows[i]), action);
		write_line(s, m->name, &line, delivered);
	}
	sb_free(&line);
}

/* Logs removed then added rows against the previous results, and returns
 * the current results to remember (one row per line). */
static char *log_differential(struct scheduler *s, const struct scheduled_query *q,
			      const struct results_meta *m, char **rows, size_t n, bool *delivered)
{
	char *prev_text = query_state_previous(s->state_db, q->name);
	struct strbuf keep = STRBUF_INIT;
	size_t nprev = 0;
	char **prev = prev_text ? split_rows(prev_text, &nprev) : NULL;
	bool *gone = xcalloc(nprev ? nprev : 1, sizeof(*gone));
	bool *added = xcalloc(n ? n : 1, sizeof(*added));

	diff_rows(prev, nprev, rows, n, gone, added);
	if (q->removed)
		log_rows(s, m, prev, nprev, gone, "removed", delivered);
	log_rows(s, m, rows, n, added, "added", delivered);
	for (size_t i = 0; i < n; i++)
		sb_printf(&keep, "%s%s", i ? "\n" : "", rows[i]);
	free(gone);
	free(added);
	free(prev);
	free(prev_text);
	return sb_detach(&keep);
}

/* Logs the run's lines; returns whether every line reached every sink. */
static bool log_results(struct scheduler *s, const struct scheduled_query *q,
			const struct run_result *res, uint64_t counter, char **previous)
{
	struct decorations always = {0};
	bool delivered = true;
	char *decorations;
	struct results_meta m = {
		.name = q->name,
		.host = s->host,
		.unix_time = time(NULL),
		.epoch = s->flags->schedule_epoch,
		.counter = counter,
		.numerics = s->flags->logger_numerics,
	};

	decorations_run(s, s->cfg.decorators_always, s->cfg.ndecorators_always, &always);
	decorations = decorations_json(s, &always);
	m.decorations = decorations;
	if (q->snapshot) {
		struct strbuf line = STRBUF_INIT;

		results_snapshot_line(&line, &m, &res->rows);
		write_line(s, m.name, &line, &delivered);
		sb_free(&line);
	} else {
		char **rows = row_texts(&res->rows, m.numerics);

		if (res->nscanned > 0) {
			/* Event tables, as in osquery: every row is an event,
			 * logged as added. With events_optimize they are the
			 * new ones. */
			log_rows(s, &m, rows, res->rows.nrows, NULL, "added", &delivered);
		} else {
			*previous = log_differential(s, q, &m, rows, res->rows.nrows, &delivered);
		}
		for (size_t i = 0; i < res->rows.nrows; i++)
			free(rows[i]);
		free(rows);
	}
	free(decorations);
	decorations_free(&always);
	return delivered;
}

/* After the lines are out, in one transaction: move the cursors to where
 * the query read up to (every scanned table, so expiry can go on even
 * for scans that were not optimized) and save the counter and results. */
static void remember(struct scheduler *s, const struct scheduled_query *q,
		     const struct run_result *res, uint64_t counter, const char *previous)
{
	int rc = query_state_begin(s->state_db);

	for (size_t i = 0; i < res->nscanned && rc == SQLITE_OK; i++)
		rc = query_state_set_cursor(s->state_db, q->name, res->scanned[i].table,
					    res->scanned[i].newest_eid);
	if (rc == SQLITE_OK)
		rc = query_state_save(s->state_db, q->name, counter, previous, q->sql,
				      s->flags->schedule_epoch);
	if (rc == SQLITE_OK)
		rc = query_state_commit(s->state_db);
	else
		sqlite3_exec(s->state_db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		log_warn("schedule: cannot save the state of %s (its next run may log some "
			 "results again): %s",
			 q->name, sqlite3_errmsg(s->state_db));
}

void sched_run_and_log(struct scheduler *s, const struct scheduled_query *q)
{
	uint64_t counter = query_state_counter(s->state_db, q->name) + 1;
	char *err = NULL, *previous = NULL;
	struct run_result res;
	struct run_cost cost;
	struct schedule_run run;
	int rc;

	/* A snapshot is the whole result, whatever the table. */
	bool optimize = s->flags->events_optimize && !q->snapshot;

	atomic_fetch_add_explicit(&s->runs, 1, memory_order_relaxed);
	run_cost_begin(&cost);
	rc = runner_run(s->runner, q->name, q->sql, optimize, &res, &err);
	run_cost_end(&cost, &run);
	if (rc < 0) {
		/* Still an execution, as osquery counts one. */
		sched_record_run(s, q->name, &run);
		atomic_fetch_add_explicit(&s->failures, 1, memory_order_relaxed);
		log_warn("schedule: query %s failed: %s", q->name, err);
		free(err);
		return;
	}
	run.output_size = run_cost_output_size(&res.rows);
	/* After the lines are written, so that a reader of osquery_schedule
	 * finds every execution it counts in the results log. */
	if (log_results(s, q, &res, counter, &previous))
		remember(s, q, &res, counter, previous);
	else
		log_warn("schedule: some results of %s were not written; its next run returns "
			 "them again",
			 q->name);
	sched_record_run(s, q->name, &run);
	free(previous);
	run_result_free(&res);
}
