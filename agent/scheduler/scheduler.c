/* The scheduler thread: start, reload, the timing loop, stop. */
#include "scheduler_internal.h"

#include "host.h"
#include "query_state.h"

#include "sql/catalog.h"
#include "store/db.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static int64_t earlier(int64_t a, int64_t b)
{
	return b < a ? b : a;
}

/* Missed runs (a long query, a suspended host) are skipped, not
 * replayed: the next run is the next interval boundary after now. */
static int64_t advance(int64_t next, int64_t interval, int64_t now)
{
	next += interval;
	if (next <= now)
		next = now + interval;
	return next;
}

/* Runs whatever is due and returns when something is next due. */
static int64_t run_due(struct scheduler *s, int64_t now)
{
	int64_t wake = now + 3600;

	if (s->packs_next <= now && sched_refresh_packs(s, now))
		sched_update_holds(s);
	wake = earlier(wake, s->packs_next);
	for (size_t i = 0; i < s->cfg.ndecorators_interval; i++) {
		const struct interval_decorators *d = &s->cfg.decorators_interval[i];

		if (s->interval_next[i] <= now) {
			decorations_run(s, d->queries, d->n, &s->interval[i]);
			s->interval_next[i] = advance(s->interval_next[i], d->interval, now);
			decorations_publish(s);
		}
		wake = earlier(wake, s->interval_next[i]);
	}
	for (size_t i = 0; i < s->nqueries && !atomic_load(&s->stopping); i++) {
		struct sched_query *sq = &s->queries[i];

		if (sq->next <= now) {
			if (sched_query_active(s, sq))
				sched_run_and_log(s, sq->q);
			sq->next = advance(sq->next, sq->q->interval, now_s());
		}
		wake = earlier(wake, sq->next);
	}
	return wake;
}

static void wait_until(struct scheduler *s, int64_t when)
{
	struct timespec ts = {.tv_sec = when};

	while (!atomic_load(&s->stopping) && !s->has_pending && now_s() < when) {
		if (pthread_cond_timedwait(&s->wake, &s->lock, &ts) == ETIMEDOUT)
			break;
	}
}

static void *scheduler_main(void *arg)
{
	struct scheduler *s = arg;

	pthread_setname_np(pthread_self(), "sysq-schedule");
	pthread_mutex_lock(&s->lock);
	while (!atomic_load(&s->stopping)) {
		int64_t wake;

		if (s->has_pending) {
			struct config cfg = s->pending;

			s->has_pending = false;
			pthread_mutex_unlock(&s->lock);
			sched_apply_config(s, &cfg, now_s());
			pthread_mutex_lock(&s->lock);
			continue;
		}
		pthread_mutex_unlock(&s->lock);
		wake = run_due(s, now_s());
		pthread_mutex_lock(&s->lock);
		wait_until(s, wake);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* The connection the scheduler keeps its state on (query_state.h), which
 * creates sysq_query_state before any query runs. */
static int open_state_db(struct scheduler *s, const char *db_path, char **err)
{
	int rc = db_open(db_path, DB_HELPER, &s->state_db, err);

	if (rc == 0)
		rc = query_state_setup(s->state_db, err);
	return rc;
}

static void init_sync(struct scheduler *s)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &attr);
	pthread_condattr_destroy(&attr);
}

static void free_scheduler(struct scheduler *s)
{
	runner_close(s->runner);
	sqlite3_close(s->state_db);
	results_logger_close(s->logger);
	for (size_t i = 0; s->interval && i < s->cfg.ndecorators_interval; i++)
		decorations_free(&s->interval[i]);
	free(s->interval);
	free(s->interval_next);
	decorations_free(&s->load);
	free(s->published);
	free(s->queries);
	free(s->pack_state);
	config_free(&s->cfg);
	if (s->has_pending)
		config_free(&s->pending);
	free(s->host);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int scheduler_start(const struct sysq_flags *flags, const struct catalog *cat,
		    const char *db_path, struct config *cfg, struct scheduler **ret, char **err)
{
	struct scheduler *s = xcalloc(1, sizeof(*s));
	int rc;

	s->flags = flags;
	s->cat = cat;
	init_sync(s);
	s->host = host_identifier(flags, err);
	rc = s->host ? open_state_db(s, db_path, err) : -EINVAL;
	if (rc == 0)
		rc = runner_open(db_path, cat, s->state_db, flags->events_optimize,
				 (int)flags->control_query_timeout, &s->runner, err);
	if (rc == 0)
		rc = results_logger_open(flags, cat->results_buffers, &s->logger, err);
	if (rc < 0) {
		config_free(cfg);
		free_scheduler(s);
		return rc;
	}
	s->host_shard = host_shard(s->host);
	sched_apply_config(s, cfg, now_s());
	rc = pthread_create(&s->thread, NULL, scheduler_main, s);
	if (rc != 0) {
		*err = xasprintf("cannot start the scheduler thread: %s", strerror(rc));
		free_scheduler(s);
		return -rc;
	}
	*ret = s;
	return 0;
}

void scheduler_reload(struct scheduler *s, struct config *cfg)
{
	pthread_mutex_lock(&s->lock);
	if (s->has_pending)
		config_free(&s->pending);
	s->pending = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	s->has_pending = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->stopping, true);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	runner_interrupt(s->runner);
	pthread_join(s->thread, NULL);
	free_scheduler(s);
}

char *scheduler_decorations(struct scheduler *s)
{
	char *text = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->published && strcmp(s->published, "{}") != 0)
		text = xstrdup(s->published);
	pthread_mutex_unlock(&s->lock);
	return text;
}

void scheduler_counts(struct scheduler *s, uint64_t *runs, uint64_t *failures)
{
	*runs = atomic_load_explicit(&s->runs, memory_order_relaxed);
	*failures = atomic_load_explicit(&s->failures, memory_order_relaxed);
}
