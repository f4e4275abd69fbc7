/* The TLS logger's thread: buffered results and status lines POSTed to
 * --logger_tls_endpoint (tls_logger.h). */
#include "tls_logger.h"

#include "client.h"
#include "reply.h"
#include "status_log.h"

#include "scheduler/host.h"

#include "common/log.h"
#include "core/runtime_flags.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The sinks of the two kinds of lines in the log buffer file. */
#define SINK_RESULTS "tls"
#define SINK_STATUS  "tls_status"

struct tls_logger {
	const struct sysq_flags *flags;
	struct remote_client client;
	struct log_buffer *results, *status;
	struct status_log *statuslog; /* NULL with --tls_disable_status_log */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	/* Requests failed in a row, of results and of status lines: a run of
	 * each is logged once, so status requests the server refuses for good
	 * do not feed it a new status line every period. */
	unsigned failures[2];
	char *(*decorations)(void *arg);
	void *decorations_arg;
};

bool tls_logger_wanted(const struct sysq_flags *flags)
{
	return flags_list_has(flags->logger_plugin, "tls");
}

int tls_logger_check_flags(const struct sysq_flags *f, char **err)
{
	if (!tls_logger_wanted(f))
		return 0;
	if (f->tls_hostname[0] && !f->logger_tls_endpoint[0]) {
		*err = xstrdup("--logger_plugin=tls needs --logger_tls_endpoint");
		return -EINVAL;
	}
	return remote_client_check_server(f, "--logger_plugin=tls", err);
}

/* Waits up to `seconds`; false when stopping. */
static bool wait_or_stop(struct tls_logger *t, int seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&t->lock);
	while (!atomic_load(&t->stopping) &&
	       pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&t->lock);
	return !atomic_load(&t->stopping);
}

static bool retry_sleep(void *arg, int seconds)
{
	return wait_or_stop(arg, seconds);
}

/* A results line dropped is logged; a status line only counted, since
 * its warning would be a status line too (over a tiny
 * --logger_tls_max_linesize, dropped in turn, and so on forever). */
static void dropped(struct log_buffer *b, const struct log_line *l, enum counter_id why,
		    const char *what)
{
	char *name = remote_escape(l->name, 64);

	if (strcmp(log_buffer_sink(b), SINK_RESULTS) == 0)
		log_warn("fleet: a results line of %s (%zu bytes) %s, dropped", name, l->len, what);
	else
		log_debug("fleet: a status line (%zu bytes) %s, dropped", l->len, what);
	free(name);
	log_buffer_discard_as(b, l->id, why);
}

/* Adds one buffered line to `data`, or drops it: longer than
 * --logger_tls_max_linesize, or not JSON (osquery skips both). Returns
 * whether it was added. */
static bool add_line(struct tls_logger *t, struct log_buffer *b, const struct log_line *l,
		     cJSON *data)
{
	cJSON *item;

	if ((int64_t)l->len > t->flags->logger_tls_max_linesize) {
		dropped(b, l, COUNTER_drop_too_large, "is over --logger_tls_max_linesize");
		return false;
	}
	item = cJSON_ParseWithLength(l->line, l->len);
	if (!item) {
		dropped(b, l, COUNTER_drop_malformed, "is not JSON");
		return false;
	}
	cJSON_AddItemToArray(data, item);
	return true;
}

/* The request for up to `n` lines; their ids go to `ids`. Returns how
 * many lines it holds, or -EIO. */
static int make_body(struct tls_logger *t, struct log_buffer *b, const char *type, int n,
		     cJSON **body, int64_t *ids)
{
	struct log_line *lines = xcalloc((size_t)n, sizeof(*lines));
	int got = log_buffer_take(b, 0, lines, n), used = 0;
	cJSON *data = cJSON_CreateArray();

	for (int i = 0; i < got; i++) {
		if (add_line(t, b, &lines[i], data))
			ids[used++] = lines[i].id;
		log_line_free(&lines[i]);
	}
	free(lines);
	*body = cJSON_CreateObject();
	cJSON_AddStringToObject(*body, "log_type", type);
	cJSON_AddItemToObject(*body, "data", data);
	return got < 0 ? got : used;
}

/* Sends the oldest lines of `b` as one request. Returns 0 (sent, or
 * nothing to send) or a negative errno with *err set. */
static int ship(struct tls_logger *t, struct log_buffer *b, const char *type, char **err)
{
	int n = log_buffer_window(b);
	int64_t *ids;
	cJSON *body = NULL, *reply = NULL;
	int rc, used;

	if (n > runtime_flag(t->flags, FLAG_logger_tls_max_lines))
		n = (int)runtime_flag(t->flags, FLAG_logger_tls_max_lines);
	ids = xcalloc((size_t)n, sizeof(*ids));
	used = make_body(t, b, type, n, &body, ids);
	rc = used < 0 ? used : 0;
	if (used < 0)
		*err = xasprintf("the log buffer cannot be read");
	else if (used > 0)
		rc = remote_client_post(&t->client, t->flags->logger_tls_endpoint, body, &reply, err);
	/* Delivered lines leave; the others are taken again next time. */
	if (rc == 0 && used > 0)
		log_buffer_confirm(b, ids, (size_t)used);
	log_buffer_rewind(b);
	cJSON_Delete(reply);
	cJSON_Delete(body);
	free(ids);
	return rc;
}

int tls_logger_backoff(int64_t period, int64_t max, unsigned failures)
{
	/* n^2 x period stays far inside int64_t. */
	int64_t n = failures < 65536 ? failures : 65536;
	int64_t wait = period * n * n;

	if (n == 0 || max == 0)
		return (int)period;
	if (max < period)
		max = period;
	return (int)(wait < max ? wait : max);
}

/* Status requests failing alone do not hold results back. */
static int next_wait(const struct tls_logger *t)
{
	return tls_logger_backoff(runtime_flag(t->flags, FLAG_logger_tls_period),
				  t->flags->logger_tls_backoff_max,
				  t->failures[0]);
}

/* The outcome of a request for kind `k` (0 results, 1 status lines):
 * logged when a run of failures starts and ends, not per request, so a
 * failing status request cannot fill the status log it is trying to
 * send. */
static void note(struct tls_logger *t, int k, int rc, char *err)
{
	unsigned *failures = &t->failures[k];

	if (rc < 0 && (*failures)++ == 0)
		log_warn("fleet: logs: %s; the lines stay buffered and are sent again", err);
	else if (rc < 0)
		log_debug("fleet: logs: %s", err);
	else if (*failures > 0) {
		log_info("fleet: logs delivered again after %u failed request(s)", *failures);
		*failures = 0;
	}
	free(err);
}

/* The queued messages into the buffer, as status lines. */
static void flush_status(struct tls_logger *t)
{
	char *decorations = t->decorations ? t->decorations(t->decorations_arg) : NULL;

	if (t->statuslog)
		status_log_flush(t->statuslog, t->status, t->client.node_key, decorations);
	free(decorations);
}

/* One period's work: status messages buffered, then a request of results
 * and one of status lines (not when the first failed: the server is most
 * likely out of reach). Returns -ECANCELED when the daemon stops. */
static int round_trip(struct tls_logger *t)
{
	char *err = NULL;
	int rc;

	flush_status(t);
	rc = ship(t, t->results, "result", &err);
	if (rc != -ECANCELED)
		note(t, 0, rc, err);
	if (rc == 0 && t->status) {
		err = NULL;
		rc = ship(t, t->status, "status", &err);
		if (rc != -ECANCELED)
			note(t, 1, rc, err);
	}
	if (rc == -ECANCELED)
		free(err);
	return rc;
}

static void *logger_main(void *arg)
{
	struct tls_logger *t = arg;

	/* The first round waits a period, as osquery's does, so that the
	 * start-up's messages go out together. */
	while (wait_or_stop(t, next_wait(t)) && round_trip(t) != -ECANCELED)
		;
	return NULL;
}

static int open_buffers(struct tls_logger *t, char **err)
{
	char *path = xasprintf("%s.logbuf", t->flags->database_path);
	int64_t max = t->flags->buffered_log_max;
	int rc = log_buffer_open(path, SINK_RESULTS, max, &t->results, err);

	if (rc == 0 && !t->flags->tls_disable_status_log)
		rc = log_buffer_open(path, SINK_STATUS, max, &t->status, err);
	free(path);
	return rc;
}

static void init_sync(struct tls_logger *t)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&t->lock, NULL);
}

static void free_logger(struct tls_logger *t)
{
	status_log_close(t->statuslog);
	log_buffer_close(t->results);
	log_buffer_close(t->status);
	remote_client_free(&t->client);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int tls_logger_open(const struct sysq_flags *flags, const struct catalog *cat,
		    struct tls_logger **ret, char **err)
{
	struct tls_logger *t = xcalloc(1, sizeof(*t));
	char *host = NULL;
	int rc;

	t->flags = flags;
	init_sync(t);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = remote_client_init(&t->client, flags, cat, err);
	if (rc == 0)
		rc = open_buffers(t, err);
	if (rc == 0 && t->status) {
		host = host_identifier(flags, err);
		rc = host ? 0 : -EINVAL;
	}
	if (rc < 0) {
		free_logger(t);
		curl_global_cleanup();
		return rc;
	}
	if (host)
		t->statuslog = status_log_open(host, STATUS_QUEUE_MAX);
	free(host);
	t->client.gzip_body = flags->logger_tls_compress;
	t->client.sleep = retry_sleep;
	t->client.sleep_arg = t;
	t->client.stopping = &t->stopping;
	*ret = t;
	return 0;
}

struct log_buffer *tls_logger_results(struct tls_logger *t)
{
	return t ? t->results : NULL;
}

struct log_buffer *tls_logger_status(struct tls_logger *t)
{
	return t ? t->status : NULL;
}

void tls_logger_set_decorations(struct tls_logger *t, char *(*fn)(void *arg), void *arg)
{
	t->decorations = fn;
	t->decorations_arg = arg;
}

int tls_logger_start(struct tls_logger *t, char **err)
{
	int rc = pthread_create(&t->thread, NULL, logger_main, t);

	if (rc != 0) {
		*err = xasprintf("cannot start the TLS logger's thread: %s", strerror(rc));
		return -rc;
	}
	t->started = true;
	return 0;
}

void tls_logger_stop(struct tls_logger *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stopping, true);
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	if (t->started)
		pthread_join(t->thread, NULL);
	/* The last messages wait in the buffer for the next start. */
	flush_status(t);
	free_logger(t);
	curl_global_cleanup();
}
