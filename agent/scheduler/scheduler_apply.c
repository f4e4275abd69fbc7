/* Applying a config to the scheduler: which queries run on this host,
 * which packs are active, and which events their cursors hold back. */
#include "scheduler_internal.h"

#include "query_state.h"

#include "core/schedule_stats.h"
#include "sql/catalog.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* How often pack discovery queries are re-run, as osquery's
 * --pack_refresh_interval default. */
#define PACK_REFRESH_S 3600
/* Sooner while a pack's discovery has never succeeded. */
#define PACK_RETRY_S 60

/* Platform names a query may give that include Linux. */
static bool platform_includes_linux(const char *platform)
{
	static const char *const ours[] = {"linux", "posix", "all", "any", "ubuntu", "centos"};

	if (!platform || !*platform)
		return true;
	for (const char *p = platform; *p;) {
		size_t len = strcspn(p, ",");

		while (len > 0 && p[len - 1] == ' ')
			len--;
		for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
			if (strlen(ours[i]) == len && strncmp(p, ours[i], len) == 0)
				return true;
		}
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return false;
}

static int pack_index(const struct config *cfg, const char *pack)
{
	for (size_t i = 0; pack && i < cfg->npacks; i++) {
		if (strcmp(cfg->packs[i].name, pack) == 0)
			return (int)i;
	}
	return -1;
}

bool sched_query_active(const struct scheduler *s, const struct sched_query *sq)
{
	return sq->here && (sq->pack < 0 || s->pack_state[sq->pack] == PACK_ACTIVE);
}

/* Whether the query's state is worth keeping: it runs here, or its pack's
 * discovery could not tell. */
static bool keeps_state(const struct scheduler *s, const struct sched_query *sq)
{
	return sq->here && (sq->pack < 0 || s->pack_state[sq->pack] != PACK_INACTIVE);
}

/* A pack is active when each of its discovery queries returns a row.
 * Returns 1 or 0, or -1 when a discovery query failed (the pack then
 * keeps its state: a timeout must not make it forget its cursors). */
static int pack_discovered(struct scheduler *s, const struct pack *p)
{
	for (size_t i = 0; i < p->ndiscovery; i++) {
		struct run_result res;
		char *err = NULL;
		bool rows;

		if (runner_run(s->runner, "discovery", p->discovery[i], false, &res, &err) < 0) {
			log_warn("pack %s: discovery query failed: %s", p->name, err);
			free(err);
			return -1;
		}
		rows = res.rows.nrows > 0;
		run_result_free(&res);
		if (!rows)
			return 0;
	}
	return 1;
}

/* Re-runs discovery; returns whether any pack changed state. */
bool sched_refresh_packs(struct scheduler *s, int64_t now)
{
	bool changed = false, unknown = false;

	for (size_t i = 0; i < s->cfg.npacks; i++) {
		int found = pack_discovered(s, &s->cfg.packs[i]);

		unknown |= found < 0 && s->pack_state[i] == PACK_UNKNOWN;
		if (found < 0 || found == s->pack_state[i])
			continue;
		log_info("pack %s: %s", s->cfg.packs[i].name,
			 found ? "discovery passed, its queries run"
			       : "discovery returned no row, its queries do not run");
		s->pack_state[i] = (signed char)found;
		changed = true;
	}
	s->packs_next = now + (unknown ? PACK_RETRY_S : PACK_REFRESH_S);
	return changed;
}

/* Tells the catalog's schedule_stats which queries run here now, for
 * osquery_schedule: those of packs whose discovery passed, on this
 * platform and shard; and the hash of their config (osquery_info). */
static void sched_publish_queries(struct scheduler *s)
{
	const char **names = xcalloc(s->nqueries + 1, sizeof(*names));
	const char **sql = xcalloc(s->nqueries + 1, sizeof(*sql));
	int64_t *intervals = xcalloc(s->nqueries + 1, sizeof(*intervals));
	size_t n = 0;

	for (size_t i = 0; i < s->nqueries && s->cat->schedule; i++) {
		if (!sched_query_active(s, &s->queries[i]))
			continue;
		names[n] = s->queries[i].q->name;
		sql[n] = s->queries[i].q->sql;
		intervals[n++] = s->queries[i].q->interval;
	}
	if (s->cat->schedule) {
		schedule_stats_set_queries(s->cat->schedule, names, sql, intervals, n);
		schedule_stats_set_config_hash(s->cat->schedule, s->cfg.hash);
	}
	free(names);
	free(sql);
	free(intervals);
}


/* Makes the state tables match the active queries: state of queries that
 * no longer run is forgotten, and each active query over event tables
 * holds a cursor on exactly those tables, so expiry keeps its events. */
void sched_update_holds(struct scheduler *s)
{
	const char **keep = xcalloc(s->nqueries + 1, sizeof(*keep));
	size_t n = 0;

	for (size_t i = 0; i < s->nqueries; i++) {
		if (keeps_state(s, &s->queries[i]))
			keep[n++] = s->queries[i].q->name;
	}
	if (query_state_forget_others(s->state_db, keep) != SQLITE_OK)
		log_warn("schedule: cannot update query state: %s", sqlite3_errmsg(s->state_db));
	free(keep);
	for (size_t i = 0; i < s->nqueries; i++) {
		const struct scheduled_query *q = s->queries[i].q;
		char *tables[RUNNER_MAX_TABLES];
		size_t nt = 0;

		if (!sched_query_active(s, &s->queries[i]))
			continue;
		query_state_reset_if_changed(s->state_db, q->name, q->sql, s->flags->schedule_epoch);
		if (s->flags->events_optimize && !q->snapshot)
			nt = runner_event_tables(s->runner, q->sql, tables, RUNNER_MAX_TABLES);
		query_state_keep_tables(s->state_db, q->name, tables, nt);
		for (size_t t = 0; t < nt; t++) {
			query_state_hold(s->state_db, q->name, tables[t]);
			free(tables[t]);
		}
	}
	sched_publish_queries(s);
}

/* The run time a query keeps across a reload: unchanged queries stay on
 * their rhythm, new or changed ones wait one interval, as osquery does. */
static int64_t next_run(const struct sched_query *old, size_t nold,
			const struct scheduled_query *q, int64_t now)
{
	for (size_t i = 0; i < nold; i++) {
		if (strcmp(old[i].q->name, q->name) == 0 && old[i].q->interval == q->interval &&
		    strcmp(old[i].q->sql, q->sql) == 0)
			return old[i].next;
	}
	return now + q->interval;
}

static void build_queries(struct scheduler *s, struct config *cfg, int64_t now)
{
	struct sched_query *list = xcalloc(cfg->nqueries ? cfg->nqueries : 1, sizeof(*list));

	for (size_t i = 0; i < cfg->nqueries; i++) {
		const struct scheduled_query *q = &cfg->queries[i];

		list[i].q = q;
		list[i].pack = pack_index(cfg, q->pack);
		list[i].here = platform_includes_linux(q->platform) &&
			       (q->shard == 0 || s->host_shard < (unsigned)q->shard);
		list[i].next = next_run(s->queries, s->nqueries, q, now);
	}
	free(s->queries);
	s->queries = list;
	s->nqueries = cfg->nqueries;
}

static void reset_decorators(struct scheduler *s, int64_t now)
{
	free(s->interval_next);
	s->interval = xcalloc(s->cfg.ndecorators_interval + 1, sizeof(*s->interval));
	s->interval_next = xcalloc(s->cfg.ndecorators_interval + 1, sizeof(*s->interval_next));
	decorations_run(s, s->cfg.decorators_load, s->cfg.ndecorators_load, &s->load);
	for (size_t i = 0; i < s->cfg.ndecorators_interval; i++) {
		const struct interval_decorators *d = &s->cfg.decorators_interval[i];

		decorations_run(s, d->queries, d->n, &s->interval[i]);
		s->interval_next[i] = now + d->interval;
	}
	decorations_publish(s);
}

void sched_apply_config(struct scheduler *s, struct config *cfg, int64_t now)
{
	struct config old = s->cfg;
	size_t nold_intervals = s->cfg.ndecorators_interval;

	/* Free the old interval decorations while their count is known. */
	for (size_t i = 0; s->interval && i < nold_intervals; i++)
		decorations_free(&s->interval[i]);
	free(s->interval);
	s->interval = NULL;
	build_queries(s, cfg, now);
	s->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	config_free(&old);
	free(s->pack_state);
	s->pack_state = xcalloc(s->cfg.npacks + 1, sizeof(*s->pack_state));
	for (size_t i = 0; i < s->cfg.npacks; i++)
		s->pack_state[i] = PACK_UNKNOWN;
	sched_refresh_packs(s, now);
	sched_update_holds(s);
	reset_decorators(s, now);
	log_info("schedule: %zu queries from %s", s->nqueries, s->cfg.path ? s->cfg.path : "-");
}
