/* Starting the daemon's optional services: the shipping loggers (Kafka,
 * the fleet server's TLS logger), the metrics endpoint, the fleet client
 * and live queries. Each is off unless its flags ask for it; their flags
 * are checked before anything starts, like every flag. */
#include "daemon_internal.h"

#include "metrics/metrics.h"
#include "remote/distributed.h"
#include "remote/remote.h"
#include "remote/tls_logger.h"
#include "scheduler/scheduler.h"
#include "shipping/kafka_producer.h"
#include "store/log_buffer.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* A check's result as the process's: a refused flag prints its reason
 * and exits 2, as the flag parser does. */
static int flag_error(int rc, char *err)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "sysq daemon: %s\n", err);
	free(err);
	return 2;
}

static bool kafka_wanted(const struct daemon *d)
{
	return flags_list_has(d->flags.logger_plugin, "kafka_producer");
}

int check_kafka_flags(const struct daemon *d)
{
	char *err = NULL;
	int rc;

	if (!kafka_wanted(d))
		return 0;
	rc = kafka_producer_check(&d->flags, &d->cfg, &err);
	return flag_error(rc, err);
}

/* The durable log buffer sits beside the database, in a file of its own
 * (store/log_buffer.h says why); before the scheduler, which appends. */
int start_kafka(struct daemon *d)
{
	char *path, *err = NULL;
	int rc;

	if (!kafka_wanted(d))
		return 0;
	path = xasprintf("%s.logbuf", d->flags.database_path);
	rc = log_buffer_open(path, "kafka_producer", d->flags.buffered_log_max, &d->log_buffer,
			     &err);
	free(path);
	if (rc == 0)
		rc = kafka_producer_start(&d->flags, d->log_buffer, &d->cfg.kafka_topics, &d->kafka,
					  &err);
	if (rc < 0) {
		log_error("%s", err);
		free(err);
		return 1;
	}
	d->catalog.results_buffers[0] = d->log_buffer;
	return 0;
}

int check_tls_logger_flags(const struct daemon *d)
{
	char *err = NULL;
	int rc;

	rc = tls_logger_check_flags(&d->flags, &err);
	return flag_error(rc, err);
}

/* Its buffers before the scheduler, which appends; the thread that sends
 * them once everything runs (start_tls_logger). */
int open_tls_logger(struct daemon *d)
{
	size_t n = d->catalog.results_buffers[0] ? 1 : 0;
	char *err = NULL;

	if (!tls_logger_wanted(&d->flags))
		return 0;
	if (tls_logger_open(&d->flags, &d->catalog, &d->tls_logger, &err) < 0) {
		log_error("fleet: %s", err);
		free(err);
		return 1;
	}
	d->catalog.results_buffers[n] = tls_logger_results(d->tls_logger);
	d->catalog.status_buffer = tls_logger_status(d->tls_logger);
	return 0;
}

/* Status lines carry the decorations of results lines, as osquery's. */
static char *status_decorations(void *arg)
{
	struct daemon *d = arg;
	char *text = NULL;

	pthread_mutex_lock(&d->scheduler_lock);
	if (d->scheduler)
		text = scheduler_decorations(d->scheduler);
	pthread_mutex_unlock(&d->scheduler_lock);
	return text;
}

int start_tls_logger(struct daemon *d)
{
	char *err = NULL;

	if (!d->tls_logger)
		return 0;
	tls_logger_set_decorations(d->tls_logger, status_decorations, d);
	if (tls_logger_start(d->tls_logger, &err) == 0)
		return 0;
	log_error("fleet: %s", err);
	free(err);
	return 1;
}

int check_metrics_flags(const struct daemon *d)
{
	char *err = NULL;
	int rc;

	rc = metrics_check_flags(&d->flags, &err);
	return flag_error(rc, err);
}

/* Last, once everything it reads runs. */
int start_metrics(struct daemon *d)
{
	struct metrics_sources src = {
		.pubsub = d->pubsub,
		.store = d->store,
		.audit = d->audit,
		.scheduler = d->scheduler,
		.db_path = d->flags.database_path,
		.stall_ms = d->flags.metrics_stall_seconds * 1000,
	};
	char *err = NULL;
	size_t n = 0;

	for (size_t i = 0; i < LOG_BUFFERS_MAX && d->catalog.results_buffers[i]; i++)
		src.log_buffers[n++] = d->catalog.results_buffers[i];
	src.log_buffers[n] = d->catalog.status_buffer;
	if (metrics_start(&d->flags, &src, &d->metrics, &err) < 0) {
		log_error("%s", err);
		free(err);
		return 1;
	}
	return 0;
}

/* The fleet client hands each new config over as SIGHUP would. */
static void apply_remote_config(void *arg, struct config *cfg)
{
	struct daemon *d = arg;

	kafka_producer_set_topics(d->kafka, &cfg->kafka_topics);
	scheduler_reload(d->scheduler, cfg);
}

int start_remote(struct daemon *d)
{
	struct remote_options opt = {
		.flags = &d->flags,
		.cat = &d->catalog,
		.apply = apply_remote_config,
		.arg = d,
	};
	char *err = NULL;

	remote_warn_unsupported(&d->flags);
	if (!remote_wanted(&d->flags))
		return 0;
	if (remote_start(&opt, &d->remote, &err) < 0) {
		log_error("fleet: %s", err);
		free(err);
		return 1;
	}
	return 0;
}

int check_distributed_flags(const struct daemon *d)
{
	char *err = NULL;
	int rc;

	rc = distributed_check_flags(&d->flags, &err);
	return flag_error(rc, err);
}

int start_distributed(struct daemon *d)
{
	char *err = NULL;

	if (!distributed_wanted(&d->flags))
		return 0;
	if (distributed_start(&d->flags, &d->catalog, &d->distributed, &err) < 0) {
		log_error("fleet: live queries: %s", err);
		free(err);
		return 1;
	}
	return 0;
}
