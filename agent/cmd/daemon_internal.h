/* What the daemon's files share: the daemon's state, and the starting of
 * its optional services (daemon_services.c). Not for use outside
 * agent/cmd. */
#pragma once

#include "config/config.h"
#include "core/flags.h"
#include "registry/table_module.h"
#include "sql/catalog.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define MAX_TABLES 16

struct daemon {
	struct sysq_flags flags;
	int pidfile_fd;
	int db_lock_fd; /* held while the daemon runs: one daemon per database */
	int signal_fd;
	struct store *store;
	struct pubsub *pubsub;
	struct table_ctx tables[MAX_TABLES];
	size_t ntables;
	struct catalog catalog;
	struct audit_publisher *audit;
	struct bpf_publisher *bpf; /* NULL unless the socket programs run */
	struct exec_publisher *bpf_exec; /* NULL unless the exec program runs */
	bool audit_state_saved; /* the database holds this run's audit changes */
	struct control_server *control;
	struct config cfg; /* until the scheduler takes it */
	struct scheduler *scheduler;
	struct metrics *metrics; /* NULL unless --metrics_listen or --metrics_textfile */
	struct remote *remote; /* NULL unless --config_plugin=tls */
	struct distributed *distributed; /* NULL unless --disable_distributed=false */
	struct log_buffer *log_buffer; /* NULL unless --logger_plugin has kafka_producer */
	struct kafka_producer *kafka;
	struct tls_logger *tls_logger; /* NULL unless --logger_plugin has tls */
	/* Guards `scheduler` for the TLS logger's thread, which asks it for
	 * decorations until shutdown takes it away. */
	pthread_mutex_t scheduler_lock;
};

/* Each checks the flags of one optional service before anything starts:
 * 0, or 2 (a flag error, printed) for the process to exit with. */
int check_metrics_flags(const struct daemon *d);
int check_kafka_flags(const struct daemon *d);
int check_distributed_flags(const struct daemon *d);
int check_tls_logger_flags(const struct daemon *d);

/* The shipping loggers' buffers, before the scheduler, which appends to
 * them: 0, or 1 (logged). */
int start_kafka(struct daemon *d);
int open_tls_logger(struct daemon *d);

/* Once the scheduler runs, in this order: 0, or 1 (logged). */
int start_metrics(struct daemon *d);
int start_remote(struct daemon *d);
int start_distributed(struct daemon *d);
int start_tls_logger(struct daemon *d);
