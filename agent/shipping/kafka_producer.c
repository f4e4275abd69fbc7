/* The Kafka shipping thread (kafka_producer.h). */
#include "kafka_producer.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS	       100
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define STOP_FLUSH_MS  2000

struct kafka_producer {
	const struct sysq_flags *flags;
	struct log_buffer *buf;
	rd_kafka_t *rk;
	pthread_t thread;
	atomic_bool stopping;
	atomic_bool fatal; /* the producer must be made anew */
	pthread_mutex_t topics_lock;
	struct kafka_topics topics;
	char *key;     /* as osquery: "<hostname>_<binary>" */
	int64_t after; /* the newest line handed to librdkafka */
	int inflight;  /* handed to librdkafka, not yet reported */
	int64_t *acked;
	size_t nacked, acked_cap;
	bool failed;  /* a delivery failed: send again what is unconfirmed */
	bool failing; /* logged once per streak */
	int backoff_ms;
	int64_t retry_at_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kafka_producer_check(const struct sysq_flags *flags, const struct config *cfg, char **err)
{
	/* The flag parser has checked acks and compression. */
	if (!flags->logger_kafka_brokers[0])
		*err = xstrdup("--logger_plugin=kafka_producer needs --logger_kafka_brokers");
	else if (!flags->logger_kafka_topic[0] && cfg->kafka_topics.n == 0)
		*err = xstrdup("--logger_plugin=kafka_producer needs --logger_kafka_topic or the "
			       "config's kafka_topics");
	else
		return 0;
	return -EINVAL;
}

static void note_failure(struct kafka_producer *k, const char *what)
{
	if (!k->failing)
		log_warn("kafka: %s; lines stay buffered and are sent again", what);
	k->failing = true;
	k->failed = true;
	k->backoff_ms = k->backoff_ms ? k->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (k->backoff_ms > BACKOFF_MAX_MS)
		k->backoff_ms = BACKOFF_MAX_MS;
	k->retry_at_ms = now_ms() + k->backoff_ms;
}

/* Runs inside rd_kafka_poll/flush, on the shipping thread. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kafka_producer *k = opaque;

	(void)rk;
	k->inflight--;
	if (m->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
		/* No retry would make it fit: dropped and counted. */
		log_warn("kafka: a line larger than the broker takes dropped");
		log_buffer_discard(k->buf, (int64_t)(intptr_t)m->_private);
		return;
	}
	if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
		return; /* drop_producer: the line stays buffered */
	if (m->err) {
		char what[256];

		snprintf(what, sizeof(what), "delivery to %s failed: %s",
			 rd_kafka_topic_name(m->rkt), rd_kafka_err2str(m->err));
		note_failure(k, what);
		return;
	}
	k->acked = xgrow(k->acked, &k->acked_cap, k->nacked + 1, sizeof(*k->acked));
	k->acked[k->nacked++] = (int64_t)(intptr_t)m->_private;
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kafka_producer *k = opaque;

	(void)rk;
	if (err == RD_KAFKA_RESP_ERR__FATAL)
		atomic_store(&k->fatal, true);
	/* Other errors are transient and librdkafka retries them itself. */
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__FATAL)
		log_warn("kafka: %s", reason);
	else
		log_debug("kafka: %s", reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	/* A failed connection is reported through on_error, once. */
	if (level <= 4 && strcmp(fac, "FAIL") != 0)
		log_warn("kafka: %s: %s", fac, buf);
	else
		log_debug("kafka: %s: %s", fac, buf);
}

static bool set(rd_kafka_conf_t *conf, const char *name, const char *value, char **err)
{
	char errstr[256];

	if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) == RD_KAFKA_CONF_OK)
		return true;
	*err = xasprintf("kafka: %s=%s: %s", name, value, errstr);
	return false;
}

/* ssl:// brokers, as osquery: TLS with the --tls_* files. */
static bool set_tls(rd_kafka_conf_t *conf, const struct sysq_flags *f, char **err)
{
	bool ok = set(conf, "security.protocol", "ssl", err);

	if (ok && f->tls_server_certs[0])
		ok = set(conf, "ssl.ca.location", f->tls_server_certs, err);
	if (ok && f->tls_client_cert[0])
		ok = set(conf, "ssl.certificate.location", f->tls_client_cert, err);
	if (ok && f->tls_client_key[0])
		ok = set(conf, "ssl.key.location", f->tls_client_key, err);
	return ok;
}

/* acks=all lets the idempotent producer keep retries in order without
 * duplicates; with fewer acks one request at a time keeps the order. */
static bool set_delivery(rd_kafka_conf_t *conf, const struct sysq_flags *f, char **err)
{
	bool all = strcmp(f->logger_kafka_acks, "all") == 0;
	bool ok = set(conf, "acks", f->logger_kafka_acks, err);

	if (ok)
		ok = set(conf, "enable.idempotence", all ? "true" : "false", err);
	if (ok && !all)
		ok = set(conf, "max.in.flight.requests.per.connection", "1", err);
	/* No time limit: a line leaves the buffer only once delivered. */
	if (ok)
		ok = set(conf, "message.timeout.ms", "0", err);
	/* A broker back from an outage is found within 2 s, not librdkafka's
	 * 10: a connection attempt is cheap next to lines waiting. */
	if (ok)
		ok = set(conf, "reconnect.backoff.max.ms", "2000", err);
	return ok;
}

static rd_kafka_conf_t *make_conf(struct kafka_producer *k, const char *host, char **err)
{
	const struct sysq_flags *f = k->flags;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	bool ok = set(conf, "bootstrap.servers", f->logger_kafka_brokers, err) &&
		  set(conf, "client.id", host, err) &&
		  set(conf, "compression.codec", f->logger_kafka_compression, err) &&
		  set_delivery(conf, f, err);

	if (ok && strcasestr(f->logger_kafka_brokers, "ssl://"))
		ok = set_tls(conf, f, err);
	if (!ok) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_log_cb(conf, on_log);
	return conf;
}

static int make_producer(struct kafka_producer *k, char **err)
{
	char host[256] = "localhost", errstr[512];
	rd_kafka_conf_t *conf;

	gethostname(host, sizeof(host) - 1);
	conf = make_conf(k, host, err);
	if (!conf)
		return -EINVAL;
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!k->rk) {
		rd_kafka_conf_destroy(conf);
		*err = xasprintf("kafka: cannot create the producer: %s", errstr);
		return -EINVAL;
	}
	if (!k->key)
		k->key = xasprintf("%s_sysq", host);
	return 0;
}

/* Lines the broker confirmed leave the buffer. */
static void confirm_acked(struct kafka_producer *k)
{
	if (k->nacked == 0)
		return;
	if (log_buffer_confirm(k->buf, k->acked, k->nacked) == 0 && k->failing && !k->failed) {
		log_info("kafka: delivering again");
		k->failing = false;
		k->backoff_ms = 0;
	}
	k->nacked = 0;
}

static const char *topic_of(struct kafka_producer *k, const char *query)
{
	const char *t = kafka_topics_find(&k->topics, query);

	return t ? t : k->flags->logger_kafka_topic;
}

enum produced { PRODUCED, DISCARDED, RETRY };

/* A line that can never be sent (no topic; larger than a message may
 * be) is dropped, counted and logged, as osquery drops it, rather than
 * holding back every line after it. */
static enum produced discard(struct kafka_producer *k, const struct log_line *l, const char *why)
{
	log_warn("kafka: a line of %s dropped: %s", l->name, why);
	log_buffer_discard(k->buf, l->id);
	return DISCARDED;
}

/* Hands one line to librdkafka. */
static enum produced produce(struct kafka_producer *k, const struct log_line *l)
{
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	const char *topic;
	bool topicless;

	pthread_mutex_lock(&k->topics_lock);
	topic = topic_of(k, l->name);
	topicless = !topic[0];
	if (!topicless)
		err = rd_kafka_producev(
		    k->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_VALUE(l->line, l->len), RD_KAFKA_V_KEY(k->key, strlen(k->key)),
		    RD_KAFKA_V_OPAQUE((void *)(intptr_t)l->id), RD_KAFKA_V_END);
	pthread_mutex_unlock(&k->topics_lock);
	if (topicless)
		return discard(k, l,
			       "kafka_topics does not name its query and --logger_kafka_topic "
			       "is empty");
	if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
		return discard(k, l, rd_kafka_err2str(err));
	if (err)
		note_failure(k, rd_kafka_err2str(err));
	return err ? RETRY : PRODUCED;
}

/* Takes the next lines from the buffer, up to the window; after a line
 * that must wait, the rest are taken again later. */
static void fill(struct kafka_producer *k)
{
	int room = log_buffer_window(k->buf) - k->inflight;
	struct log_line *lines;
	int n;

	if (room <= 0)
		return;
	lines = xcalloc((size_t)room, sizeof(*lines));
	n = log_buffer_take(k->buf, k->after, lines, room);
	for (int i = 0; i < n; i++) {
		enum produced r = k->failed ? RETRY : produce(k, &lines[i]);

		if (r != RETRY)
			k->after = lines[i].id;
		k->inflight += r == PRODUCED;
		log_line_free(&lines[i]);
	}
	free(lines);
}

/* After a failure, once librdkafka holds nothing more: start again from
 * the oldest line not confirmed. */
static void rewind_if_drained(struct kafka_producer *k)
{
	if (!k->failed || k->inflight > 0 || now_ms() < k->retry_at_ms)
		return;
	k->failed = false;
	k->after = 0;
	log_buffer_rewind(k->buf);
}

/* Discards what librdkafka holds (reports are ignored: those lines are
 * still buffered) and frees the producer. */
static void drop_producer(struct kafka_producer *k)
{
	if (!k->rk)
		return;
	rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(k->rk, 0);
	confirm_acked(k);
	rd_kafka_destroy(k->rk);
	k->rk = NULL;
	k->inflight = 0;
}

/* A fatal error (the idempotent producer lost its state): a new one. */
static void renew_producer(struct kafka_producer *k)
{
	char *err = NULL;

	drop_producer(k);
	atomic_store(&k->fatal, false);
	if (make_producer(k, &err) < 0) {
		log_error("%s", err);
		free(err);
	}
	k->failed = true;
	k->retry_at_ms = now_ms() + BACKOFF_MIN_MS;
}

static void *ship_main(void *arg)
{
	struct kafka_producer *k = arg;

	while (!atomic_load(&k->stopping)) {
		if (atomic_load(&k->fatal) || !k->rk) {
			renew_producer(k);
			if (!k->rk) {
				usleep(BACKOFF_MIN_MS * 1000);
				continue;
			}
		}
		rd_kafka_poll(k->rk, POLL_MS);
		confirm_acked(k);
		rewind_if_drained(k);
		if (!k->failed)
			fill(k);
	}
	return NULL;
}

int kafka_producer_start(const struct sysq_flags *flags, struct log_buffer *buf,
			 const struct kafka_topics *topics, struct kafka_producer **ret, char **err)
{
	struct kafka_producer *k = xcalloc(1, sizeof(*k));
	int rc;

	k->flags = flags;
	k->buf = buf;
	pthread_mutex_init(&k->topics_lock, NULL);
	kafka_topics_copy(&k->topics, topics);
	rc = make_producer(k, err);
	if (rc == 0 && (rc = -pthread_create(&k->thread, NULL, ship_main, k)) < 0) {
		*err = xasprintf("cannot start the kafka thread: %s", strerror(-rc));
		rd_kafka_destroy(k->rk);
	}
	if (rc < 0) {
		kafka_topics_free(&k->topics);
		free(k->key);
		free(k);
		return rc;
	}
	*ret = k;
	return 0;
}

void kafka_producer_set_topics(struct kafka_producer *k, const struct kafka_topics *topics)
{
	struct kafka_topics old;

	if (!k)
		return;
	pthread_mutex_lock(&k->topics_lock);
	old = k->topics;
	kafka_topics_copy(&k->topics, topics);
	pthread_mutex_unlock(&k->topics_lock);
	kafka_topics_free(&old);
}

void kafka_producer_stop(struct kafka_producer *k)
{
	if (!k)
		return;
	atomic_store(&k->stopping, true);
	pthread_join(k->thread, NULL);
	if (k->rk) {
		/* Reports of lines the broker took in time are confirmed. */
		rd_kafka_flush(k->rk, STOP_FLUSH_MS);
		confirm_acked(k);
	}
	drop_producer(k);
	kafka_topics_free(&k->topics);
	pthread_mutex_destroy(&k->topics_lock);
	free(k->acked);
	free(k->key);
	free(k);
}
