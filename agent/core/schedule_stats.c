/* Scheduled queries' run statistics, shared by the scheduler (writer)
 * and the osquery_schedule table (readers). */
#include "schedule_stats.h"

#include "common/sha1.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct schedule_stats {
	pthread_mutex_t lock;
	struct schedule_entry *v;
	size_t n;
	char config_hash[SHA1_HEX_LEN + 1];
};

struct schedule_stats *schedule_stats_new(void)
{
	struct schedule_stats *st = xcalloc(1, sizeof(*st));

	pthread_mutex_init(&st->lock, NULL);
	return st;
}

void schedule_entries_free(struct schedule_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(entries[i].name);
		free(entries[i].query);
	}
	free(entries);
}

void schedule_stats_free(struct schedule_stats *st)
{
	if (!st)
		return;
	schedule_entries_free(st->v, st->n);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static struct schedule_entry *find(struct schedule_entry *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	}
	return NULL;
}

void schedule_stats_set_queries(struct schedule_stats *st, const char *const *names,
				const char *const *queries, const int64_t *intervals, size_t n)
{
	struct schedule_entry *v = xcalloc(n ? n : 1, sizeof(*v));
	struct schedule_entry *old;
	size_t nold;

	pthread_mutex_lock(&st->lock);
	for (size_t i = 0; i < n; i++) {
		const struct schedule_entry *prev = find(st->v, st->n, names[i]);

		if (prev)
			v[i] = *prev;
		v[i].name = xstrdup(names[i]);
		v[i].query = xstrdup(queries[i]);
		v[i].interval = intervals[i];
	}
	old = st->v;
	nold = st->n;
	st->v = v;
	st->n = n;
	pthread_mutex_unlock(&st->lock);
	schedule_entries_free(old, nold);
}

/* As osquery's Config::recordQueryPerformance, except that the last_*
 * values are always the last run's, where osquery leaves them at an
 * older run's when the newer one measured 0. */
static void add_run(struct schedule_entry *e, const struct schedule_run *run)
{
	e->average_memory = (e->average_memory * e->executions + run->memory) / (e->executions + 1);
	e->last_memory = run->memory;
	e->executions++;
	e->last_executed = run->finished;
	e->output_size += run->output_size;
	e->wall_time += run->wall_ms / 1000;
	e->wall_time_ms += run->wall_ms;
	e->last_wall_time_ms = run->wall_ms;
	e->user_time += run->user_ms;
	e->last_user_time = run->user_ms;
	e->system_time += run->system_ms;
	e->last_system_time = run->system_ms;
}

void schedule_stats_record(struct schedule_stats *st, const char *name,
			   const struct schedule_run *run)
{
	struct schedule_entry *e;

	pthread_mutex_lock(&st->lock);
	e = find(st->v, st->n, name);
	if (e)
		add_run(e, run);
	pthread_mutex_unlock(&st->lock);
}

size_t schedule_stats_copy(struct schedule_stats *st, struct schedule_entry **out)
{
	size_t n;

	pthread_mutex_lock(&st->lock);
	n = st->n;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		(*out)[i] = st->v[i];
		(*out)[i].name = xstrdup(st->v[i].name);
		(*out)[i].query = xstrdup(st->v[i].query);
	}
	pthread_mutex_unlock(&st->lock);
	return n;
}

void schedule_stats_set_config_hash(struct schedule_stats *st, const char *hash)
{
	pthread_mutex_lock(&st->lock);
	snprintf(st->config_hash, sizeof(st->config_hash), "%s", hash);
	pthread_mutex_unlock(&st->lock);
}

void schedule_stats_config_hash(struct schedule_stats *st, char *out)
{
	pthread_mutex_lock(&st->lock);
	memcpy(out, st->config_hash, sizeof(st->config_hash));
	pthread_mutex_unlock(&st->lock);
}
