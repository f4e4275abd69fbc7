/* The live-query thread: check in, run, report (distributed.h). */
#include "distributed.h"

#include "client.h"
#include "dist_denylist.h"
#include "dist_sql.h"
#include "dist_work.h"
#include "reply.h"

#include "common/log.h"
#include "core/runtime_flags.h"
#include "common/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* osquery's check-in interval while a server's "accelerate" lasts. */
#define ACCELERATED_INTERVAL_S 5
/* The longest --distributed_interval taken: a year. */
#define INTERVAL_MAX_S (365 * 86400)
/* Server text quoted in a log line is cut to this many bytes. */
#define QUOTE_MAX 120

struct distributed {
	const struct sysq_flags *flags;
	struct remote_client client;
	struct dist_sql *sql;
	struct dist_denylist denylist;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	int64_t accelerated_until; /* CLOCK_MONOTONIC seconds */
	cJSON *pending;		   /* a write body the server has not taken yet */
	bool pending_failed;	   /* it carries the crashed queries' failures */
};

/* One query of a batch: what is reported, and what it points into. */
struct entry {
	struct dist_result res;
	struct dist_sql_result out;
	char *message;
	bool reported; /* false: its discovery query returned no row */
};

bool distributed_wanted(const struct sysq_flags *flags)
{
	return !flags->disable_distributed;
}

int distributed_check_flags(const struct sysq_flags *f, char **err)
{
	char *name;

	if (!distributed_wanted(f))
		return 0;
	if (strcmp(f->distributed_plugin, "tls") != 0) {
		name = remote_escape(f->distributed_plugin, QUOTE_MAX);
		*err = xasprintf("--distributed_plugin=%s is not supported: live queries come from "
				 "a fleet server (tls), or set --disable_distributed=true",
				 name);
		free(name);
		return -EINVAL;
	}
	if (!f->distributed_tls_read_endpoint[0] || !f->distributed_tls_write_endpoint[0]) {
		*err = xstrdup("--disable_distributed=false needs --distributed_tls_read_endpoint "
			       "and --distributed_tls_write_endpoint");
		return -EINVAL;
	}
	return remote_client_check_server(f, "--disable_distributed=false", err);
}

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* Waits up to `seconds`; false when stopping. */
static bool wait_or_stop(void *arg, int seconds)
{
	struct distributed *d = arg;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&d->lock);
	while (!atomic_load(&d->stopping) &&
	       pthread_cond_timedwait(&d->wake, &d->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&d->lock);
	return !atomic_load(&d->stopping);
}

/* One request, tried --distributed_tls_max_attempts times with waits of
 * 1, 4, 9... s between, as osquery does. Returns 0 with *reply set (free
 * it), or a negative errno with *err set. */
static int post_retrying(struct distributed *d, const char *endpoint, cJSON *body,
			 cJSON **reply, char **err)
{
	int64_t max = d->flags->distributed_tls_max_attempts;

	for (int64_t i = 1;; i++) {
		int rc = remote_client_post(&d->client, endpoint, body, reply, err);

		if (rc == 0 || rc == -ECANCELED || i >= max)
			return rc;
		log_warn("fleet: live queries: request %lld of %lld failed: %s", (long long)i,
			 (long long)max, *err);
		free(*err);
		*err = NULL;
		if (!wait_or_stop(d, (int)(i * i))) {
			*err = xstrdup("the daemon is stopping");
			return -ECANCELED;
		}
	}
}

static int read_work(struct distributed *d, struct dist_work *w, char **err)
{
	cJSON *body = cJSON_CreateObject(), *reply = NULL;
	int rc = post_retrying(d, d->flags->distributed_tls_read_endpoint, body, &reply, err);

	cJSON_Delete(body);
	if (rc == 0)
		rc = dist_work_parse(reply, w, err);
	cJSON_Delete(reply);
	return rc;
}

/* Sends the results the server has not taken yet. Kept for the next
 * check-in when it fails; no new work is read until it goes. */
static int flush_pending(struct distributed *d)
{
	cJSON *reply = NULL;
	char *err = NULL;
	int rc;

	if (!d->pending)
		return 0;
	rc = post_retrying(d, d->flags->distributed_tls_write_endpoint, d->pending, &reply, &err);
	cJSON_Delete(reply);
	if (rc < 0) {
		if (rc != -ECANCELED)
			log_warn("fleet: live queries: the results were not sent: %s; sending them "
				 "again at the next check-in",
				 err);
		free(err);
		return rc;
	}
	cJSON_Delete(d->pending);
	d->pending = NULL;
	if (d->pending_failed)
		dist_denylist_reported(&d->denylist);
	d->pending_failed = false;
	return 0;
}

static bool fail(struct entry *e, char *message)
{
	e->res.status = 1;
	e->message = message;
	e->res.message = message;
	return true;
}

static void take_stats(struct entry *e)
{
	e->res.has_stats = true;
	e->res.wall_time_ms = e->out.wall_time_ms;
	e->res.user_time = e->out.user_time_ms;
	e->res.system_time = e->out.system_time_ms;
	e->res.memory = e->out.memory;
}

/* Runs a query's discovery query: true when the query should run; false
 * with e->reported set when the discovery failed (reported as the
 * query's failure), or clear when it returned no row (not reported). */
static bool discovered(struct distributed *d, const struct dist_query *q, struct entry *e)
{
	char *err = NULL, *msg;
	int any;

	dist_denylist_running(&d->denylist, q->id, q->discovery);
	any = dist_sql_any_row(d->sql, q->discovery, &err);
	dist_denylist_done(&d->denylist);
	if (any > 0)
		return true;
	if (any < 0) {
		msg = xasprintf("the discovery query failed: %s", err);
		e->reported = fail(e, msg);
	}
	free(err);
	return false;
}

/* Runs one query of a batch into `e`. */
static void run_one(struct distributed *d, const struct dist_query *q, struct entry *e)
{
	e->res.id = q->id;
	e->res.message = "";
	if (q->error) {
		e->reported = fail(e, xstrdup(q->error));
		return;
	}
	if (dist_denylist_has(&d->denylist, q->sql) ||
	    (q->discovery && dist_denylist_has(&d->denylist, q->discovery))) {
		e->reported = fail(e, xstrdup("distributed query is denylisted: it was running "
					      "when the daemon stopped "
					      "(--distributed_denylist_duration)"));
		return;
	}
	if (q->discovery && !discovered(d, q, e))
		return;
	e->reported = true;
	dist_denylist_running(&d->denylist, q->id, q->sql);
	if (dist_sql_run(d->sql, q->sql, &e->out) < 0)
		fail(e, xstrdup(e->out.error));
	else
		e->res.rows_json = sb_str(&e->out.rows);
	dist_denylist_done(&d->denylist);
	take_stats(e);
}

static bool in_results(const struct dist_result *r, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(r[i].id, id) == 0)
			return true;
	}
	return false;
}

/* The write body of a batch, with the failures of queries that crashed
 * an earlier run; NULL when there is nothing to report. */
static cJSON *write_body(struct distributed *d, const struct entry *e, size_t n)
{
	const cJSON *failed = dist_denylist_failed(&d->denylist), *f;
	struct dist_result *r = xcalloc(n + (size_t)cJSON_GetArraySize(failed) + 1, sizeof(*r));
	cJSON *body = NULL;
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (e[i].reported)
			r[m++] = e[i].res;
	}
	cJSON_ArrayForEach(f, failed) {
		if (!cJSON_IsString(f) || !f->string || in_results(r, m, f->string))
			continue;
		r[m++] = (struct dist_result){.id = f->string, .status = 1,
					      .message = f->valuestring};
		d->pending_failed = true;
	}
	if (m)
		body = dist_results_body(r, m);
	free(r);
	return body;
}

static void log_batch(const struct entry *e, size_t n)
{
	unsigned ran = 0, failed = 0, skipped = 0;

	for (size_t i = 0; i < n; i++) {
		char *id = remote_escape(e[i].res.id, QUOTE_MAX);

		if (!e[i].reported) {
			skipped++;
			log_debug("fleet: live query \"%s\": its discovery query returned no row",
				  id);
		} else if (e[i].res.status) {
			failed++;
			log_debug("fleet: live query \"%s\" failed: %s", id, e[i].res.message);
		} else {
			ran++;
		}
		free(id);
	}
	if (n)
		log_info("fleet: live queries: %u answered, %u failed, %u skipped by their "
			 "discovery query",
			 ran, failed, skipped);
}

/* Runs a batch and leaves its write body pending. */
static void run_batch(struct distributed *d, const struct dist_work *w)
{
	struct entry *e = xcalloc(w->n + 1, sizeof(*e));
	size_t n = 0;

	for (; n < w->n && !atomic_load(&d->stopping); n++)
		run_one(d, &w->q[n], &e[n]);
	if (!atomic_load(&d->stopping)) {
		log_batch(e, n);
		d->pending = write_body(d, e, n);
	}
	for (size_t i = 0; i < n; i++) {
		dist_sql_result_free(&e[i].out);
		free(e[i].message);
	}
	free(e);
}

static void accelerate(struct distributed *d, int64_t seconds)
{
	if (seconds <= 0)
		return;
	d->accelerated_until = mono_now() + seconds;
	log_info("fleet: live queries: checking in every %d s for %lld s, as the server asks",
		 ACCELERATED_INTERVAL_S, (long long)seconds);
}

static void check_in(struct distributed *d)
{
	struct dist_work w;
	char *err = NULL;
	int rc;

	if (flush_pending(d) < 0)
		return;
	rc = read_work(d, &w, &err);
	if (rc < 0) {
		if (rc != -ECANCELED)
			log_warn("fleet: live queries: %s", err);
		free(err);
		return;
	}
	accelerate(d, w.accelerate);
	run_batch(d, &w);
	dist_work_free(&w);
	flush_pending(d);
}

static int next_wait(const struct distributed *d)
{
	int64_t interval = runtime_flag(d->flags, FLAG_distributed_interval);

	if (mono_now() < d->accelerated_until && interval > ACCELERATED_INTERVAL_S)
		return ACCELERATED_INTERVAL_S;
	if (interval < 1)
		return 1;
	return interval > INTERVAL_MAX_S ? INTERVAL_MAX_S : (int)interval;
}

static void *distributed_main(void *arg)
{
	struct distributed *d = arg;

	do
		check_in(d);
	while (wait_or_stop(d, next_wait(d)));
	return NULL;
}

static void free_distributed(struct distributed *d)
{
	remote_client_free(&d->client);
	dist_sql_close(d->sql);
	dist_denylist_close(&d->denylist);
	cJSON_Delete(d->pending);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static void init_sync(struct distributed *d)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&d->lock, NULL);
}

static int open_parts(struct distributed *d, const struct catalog *cat, char **err)
{
	const struct sysq_flags *f = d->flags;
	int rc = remote_client_init(&d->client, f, cat, err);

	if (rc == 0)
		rc = dist_sql_open(f->database_path, cat, (int)f->control_query_timeout,
				   (uint64_t)f->control_max_result_bytes, &d->sql, err);
	if (rc < 0)
		return rc;
	/* Before any query of this run: a query recorded as running now is
	 * one the last run died in. */
	dist_denylist_open(&d->denylist, f->database_path, f->distributed_denylist_duration);
	d->client.sleep = wait_or_stop;
	d->client.sleep_arg = d;
	d->client.stopping = &d->stopping;
	return 0;
}

int distributed_start(const struct sysq_flags *flags, const struct catalog *cat,
		      struct distributed **ret, char **err)
{
	struct distributed *d = xcalloc(1, sizeof(*d));
	int rc;

	d->flags = flags;
	init_sync(d);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = open_parts(d, cat, err);
	if (rc == 0) {
		rc = -pthread_create(&d->thread, NULL, distributed_main, d);
		if (rc < 0)
			*err = xasprintf("cannot start the live-query thread: %s", strerror(-rc));
	}
	if (rc < 0) {
		free_distributed(d);
		curl_global_cleanup();
		return rc;
	}
	*ret = d;
	return 0;
}

void distributed_stop(struct distributed *d)
{
	struct timespec until;

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	atomic_store(&d->stopping, true);
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	/* A query may start just after an interrupt: interrupt until the
	 * thread has ended. */
	do {
		dist_sql_interrupt(d->sql);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	} while (pthread_timedjoin_np(d->thread, NULL, &until) == ETIMEDOUT);
	free_distributed(d);
	curl_global_cleanup();
}
