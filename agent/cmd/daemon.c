/* The daemon's lifecycle: flags and config, paths, store, tables, audit,
 * control socket, scheduler, then a signal loop that drives the
 * once-a-second audit tick and reloads the config on SIGHUP.
 * Shutdown runs in reverse so the audit state is restored before the store
 * closes and no queued event is dropped. */
#include "daemon.h"
#include "daemon_internal.h"

#include "audit/publisher.h"
#include "bpf/bpf_publisher.h"
#include "bpf/exec_publisher.h"
#include "control/server.h"
#include "metrics/metrics.h"
#include "remote/distributed.h"
#include "remote/remote.h"
#include "remote/tls_logger.h"
#include "scheduler/scheduler.h"
#include "shipping/kafka_producer.h"
#include "store/log_buffer.h"
#include "store/integrity.h"
#include "store/meta.h"
#include "store/store.h"
#include "sql/catalog.h"
#include "registry/table_module.h"

#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

#include "daemon_config.h"
#include "task_cgroup.h"
#include "core/flags.h"
#include "core/pubsub.h"
#include "core/schedule_stats.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longer than any gap between the records of one syscall's event. */
#define AUDIT_EVENT_TIMEOUT_MS 5000

static void usage(FILE *out)
{
	fprintf(out, "usage: sysq daemon [--flag=value ...]\n"
		     "\n"
		     "Runs the sysq agent in the foreground. Flags may also come from\n"
		     "--flagfile (default /etc/sysq/sysq.flags); command-line flags win,\n"
		     "and the \"options\" of the JSON config (--config_path, default\n"
		     "/etc/sysq/sysq.conf) win over both. --config_check validates the\n"
		     "flags and the config, then exits 0 or 2. SIGHUP reloads the config.\n"
		     "Every flag is listed in docs/configuration.md and, at run time, in\n"
		     "the sysq_flags table.\n");
}

static int64_t boot_time(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (int64_t)real.tv_sec - (int64_t)boot.tv_sec;
}

static int parse_flags(struct daemon *d, int argc, char **argv)
{
	char err[FLAG_ERROR_MAX], note[FLAG_ERROR_MAX];

	flags_init(&d->flags);
	if (flags_parse(&d->flags, argc, argv, err, note) < 0) {
		fprintf(stderr, "sysq daemon: %s\n", err);
		return 2;
	}
	log_set_verbose(d->flags.verbose);
	if (note[0])
		log_info("%s", note);
	/* One warning per ignored osquery flag, each on its own line. */
	for (const char *p = d->flags.ignored; p && *p; p += strcspn(p, "\n") + 1)
		log_warn("%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

/* The pid file keeps out a second daemon with the same --pidfile; this
 * lock keeps out one with another pid file but the same database, whose
 * rules and audit state records would collide with ours. */
static int lock_database(struct daemon *d)
{
	char *path = xasprintf("%s.lock", d->flags.database_path);
	pid_t owner = 0;

	d->db_lock_fd = pidfile_acquire(path, &owner);
	if (d->db_lock_fd == -EEXIST)
		log_error("another sysq daemon (pid %d) uses the database %s", (int)owner,
			  d->flags.database_path);
	else if (d->db_lock_fd < 0)
		log_error("cannot lock %s: %s", path, strerror(-d->db_lock_fd));
	free(path);
	return d->db_lock_fd < 0 ? 1 : 0;
}

/* A database path that can never work (a directory in its place, a
 * parent that is a file, no permission) is a configuration error, exit
 * status 2 like a bad flag; a damaged file is not: the store sets it
 * aside (store/integrity.h). */
static int check_database_path(struct daemon *d)
{
	char *err = NULL;

	if (store_path_check(d->flags.database_path, &err) == 0)
		return 0;
	log_error("%s", err);
	free(err);
	return 2;
}

static int prepare_paths(struct daemon *d)
{
	const char *dirs[] = {d->flags.control_socket, d->flags.pidfile};
	pid_t owner = 0;

	umask(077);
	if (check_database_path(d))
		return 2;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int rc = mkdir_parent(dirs[i], 0700);

		if (rc < 0) {
			log_error("cannot create the directory for %s: %s", dirs[i], strerror(-rc));
			return 1;
		}
	}
	d->pidfile_fd = pidfile_acquire(d->flags.pidfile, &owner);
	if (d->pidfile_fd == -EEXIST) {
		log_error("another sysq daemon (pid %d) holds %s", (int)owner, d->flags.pidfile);
		return 1;
	}
	if (d->pidfile_fd < 0) {
		log_error("cannot write the pid file %s: %s", d->flags.pidfile,
			  strerror(-d->pidfile_fd));
		return 1;
	}
	return lock_database(d);
}

static int open_store(struct daemon *d)
{
	struct store_options opt = {
		.path = d->flags.database_path,
		.events_expiry = d->flags.events_expiry,
		.events_max = d->flags.events_max,
		/* Bytes bound the queue; past store_queue_size rows it packs
		 * them, so that those bytes hold a storm's backlog. */
		.queue_bytes = (size_t)d->flags.store_queue_bytes,
		.pack_after = (size_t)d->flags.store_queue_size,
	};
	char *err = NULL;

	if (store_open(&opt, &d->store, &err) < 0) {
		log_error("%s", err);
		free(err);
		return 1;
	}
	return 0;
}

/* A table runs when its flags enable it and the config's "events" key
 * does not disable it. */
static bool table_wanted(const struct daemon *d, const struct table_module *m)
{
	return m->enabled(&d->flags) && config_subscriber_enabled(&d->cfg, m->def->name);
}

/* Whether the flags let publisher `id` run at all. */
static bool publisher_allowed(const struct daemon *d, enum publisher_id id)
{
	switch (id) {
	case PUBLISHER_AUDIT:
		return !d->flags.disable_audit;
	case PUBLISHER_BPF_SOCKET:
		return strcmp(d->flags.enable_bpf_events, "false") != 0;
	case PUBLISHER_BPF_EXEC:
		return strcmp(d->flags.enable_bpf_process_events, "false") != 0;
	default:
		return false;
	}
}

/* A publisher runs when its flags allow it and a table that runs reads
 * it. Audit runs whenever allowed: it owns the kernel's audit state and
 * reports its lost counter even when no table reads it. */
static bool publisher_wanted(const struct daemon *d, enum publisher_id id)
{
	if (!publisher_allowed(d, id))
		return false;
	if (id == PUBLISHER_AUDIT)
		return true;
	for (size_t i = 0; table_modules[i]; i++) {
		if (table_reads(table_modules[i], id) && table_wanted(d, table_modules[i]))
			return true;
	}
	return false;
}

static void init_table_ctx(struct daemon *d, struct table_ctx *tc)
{
	*tc = (struct table_ctx){
		.flags = &d->flags,
		.boot_time = boot_time(),
		.self = getpid(),
		.live_lookup = true,
		.emit = table_emit_to_store,
		.sink = d->store,
	};
}

/* Registers the publishers that will run, then each enabled table that
 * reads one of them as a subscriber with a buffer. */
static int add_tables(struct daemon *d)
{
	d->pubsub = pubsub_new();
	if (d->flags.disable_events)
		return 0;
	for (int id = 0; id < PUBLISHER_COUNT; id++) {
		if (publisher_wanted(d, id))
			pubsub_add_publisher(d->pubsub, id);
	}
	for (size_t i = 0; table_modules[i] && d->ntables < MAX_TABLES; i++) {
		const struct table_module *m = table_modules[i];
		struct table_ctx *tc = &d->tables[d->ntables];
		struct subscriber *sub;
		char *err = NULL;

		if (!table_wanted(d, m))
			continue;
		init_table_ctx(d, tc);
		sub = table_subscribe(d->pubsub, m, tc);
		if (!sub)
			continue;
		tc->table = store_add_table(d->store, m->def, &sub->counters, &err);
		if (!tc->table) {
			log_error("cannot create the %s buffer: %s", m->def->name, err);
			free(err);
			return 1;
		}
		d->ntables++;
	}
	return 0;
}

static void audit_options(const struct daemon *d, struct audit_publisher_options *opt)
{
	/* Audit starts after BPF, so a table BPF feeds can drop its rules. */
	const bool running[PUBLISHER_COUNT] = {[PUBLISHER_AUDIT] = true,
					       [PUBLISHER_BPF_SOCKET] = d->bpf != NULL,
					       [PUBLISHER_BPF_EXEC] = d->bpf_exec != NULL};

	memset(opt, 0, sizeof(*opt));
	opt->multicast = strcmp(d->flags.audit_mode, "multicast") == 0;
	opt->allow_config = d->flags.audit_allow_config;
	opt->persist = d->flags.audit_persist;
	opt->debug = d->flags.audit_debug;
	opt->task_never_rule = d->flags.audit_task_never_rule;
	opt->debug_out = stdout;
	opt->backlog_limit = (uint32_t)d->flags.audit_backlog_limit;
	opt->backlog_wait_time = (uint32_t)d->flags.audit_backlog_wait_time;
	opt->event_timeout_ms = AUDIT_EVENT_TIMEOUT_MS;
	for (size_t i = 0; table_modules[i]; i++) {
		const struct table_module *m = table_modules[i];

		if (table_wanted(d, m) && m->audit_syscalls)
			m->audit_syscalls(&d->flags, running, opt->want);
	}
}

/* Reads what a crashed run left: the audit settings it had changed. */
static bool load_crashed_state(const struct daemon *d, struct audit_state *st)
{
	char *text = NULL;
	bool ok;

	if (store_meta_get(d->flags.database_path, META_AUDIT_STATE, &text) < 0)
		return false;
	ok = audit_state_parse(text, st) == 0;
	if (ok)
		log_info("audit: an earlier run did not stop cleanly; its original audit "
			 "settings will be restored at exit");
	free(text);
	return ok;
}

static void save_audit_state(struct daemon *d)
{
	const struct audit_state *changed = audit_publisher_state(d->audit);
	char *text;

	if (!changed)
		return;
	text = audit_state_format(changed);
	if (store_meta_set(d->flags.database_path, META_AUDIT_STATE, text) == 0)
		d->audit_state_saved = true;
	free(text);
}

static int start_audit(struct daemon *d)
{
	struct publisher *pub = pubsub_publisher(d->pubsub, PUBLISHER_AUDIT);
	struct audit_publisher_options opt;
	struct audit_state crashed;
	char *err = NULL;

	if (!pub)
		return 0;
	audit_options(d, &opt);
	if (load_crashed_state(d, &crashed))
		opt.crashed_state = &crashed;
	if (audit_publisher_start(&opt, pub, &d->audit, &err) < 0) {
		log_error("audit: %s", err);
		free(err);
		return 1;
	}
	save_audit_state(d);
	return 0;
}

/* What the default socket hooks cannot see, said once where a flag asks
 * for it (docs/bpf.md). */
static void warn_unseen(const struct sysq_flags *f)
{
	if (f->bpf_socket_syscall_exit)
		return;
	if (f->audit_allow_unix)
		log_warn("bpf: UNIX socket calls are seen only with --bpf_socket_syscall_exit=true");
	if (f->audit_allow_null_accept_socket_events)
		log_warn("bpf: accepts that find no client are seen only with "
			 "--bpf_socket_syscall_exit=true");
	if (f->audit_allow_failed_socket_events)
		log_warn("bpf: failed binds and accepts are seen only with "
			 "--bpf_socket_syscall_exit=true");
}

/* --enable_bpf_events=auto goes on without BPF, with audit feeding the
 * tables; =true stops the daemon. */
static int start_bpf(struct daemon *d)
{
	struct publisher *pub = pubsub_publisher(d->pubsub, PUBLISHER_BPF_SOCKET);
	struct bpf_publisher_options opt = {
		.filters = &d->cfg.bpf_filters,
		.allow_unix = d->flags.audit_allow_unix,
		.ring_size = (uint64_t)d->flags.bpf_ring_buffer_size,
		.flush_ms = (int)d->flags.bpf_flush_ms,
		.syscall_exit = d->flags.bpf_socket_syscall_exit,
		.sends = d->flags.enable_bpf_send_events,
		.send_dedup_ms = (uint64_t)d->flags.bpf_send_dedup_ms,
	};
	bool required = strcmp(d->flags.enable_bpf_events, "true") == 0;
	char *err = NULL;

	if (!pub || bpf_publisher_start(&opt, pub, &d->bpf, &err) == 0) {
		if (pub)
			warn_unseen(&d->flags);
		return 0;
	}
	if (required)
		log_error("bpf: --enable_bpf_events=true, but BPF is unavailable: %s", err);
	else
		log_warn("bpf: BPF is unavailable, socket_events comes from audit: %s", err);
	free(err);
	return required ? 1 : 0;
}

/* --enable_bpf_process_events=auto goes on without BPF, with audit's exec
 * rules feeding process_events; =true stops the daemon. */
static int start_bpf_exec(struct daemon *d)
{
	struct publisher *pub = pubsub_publisher(d->pubsub, PUBLISHER_BPF_EXEC);
	struct exec_publisher_options opt = {
		.filters = &d->cfg.bpf_filters,
		.ring_size = (uint64_t)d->flags.bpf_ring_buffer_size,
		.flush_ms = (int)d->flags.bpf_flush_ms,
		.fork = d->flags.audit_allow_fork_process_events,
		.exit = d->flags.audit_allow_exit_process_events,
		.kill = d->flags.audit_allow_kill_process_events,
		.threads = d->flags.audit_allow_thread_process_events,
	};
	bool required = strcmp(d->flags.enable_bpf_process_events, "true") == 0;
	char *err = NULL;

	if (!pub || exec_publisher_start(&opt, pub, &d->bpf_exec, &err) == 0)
		return 0;
	if (required)
		log_error("bpf: --enable_bpf_process_events=true, but BPF is unavailable: %s", err);
	else
		log_warn("bpf: BPF is unavailable, process_events comes from audit: %s", err);
	free(err);
	return required ? 1 : 0;
}

static int start_control(struct daemon *d)
{
	struct control_options opt = {
		.path = d->flags.control_socket,
		.db_path = d->flags.database_path,
		.cat = &d->catalog,
		.query_timeout_s = (int)d->flags.control_query_timeout,
		.idle_timeout_s = (int)d->flags.control_idle_timeout,
		.max_result_bytes = (uint64_t)d->flags.control_max_result_bytes,
	};
	char *err = NULL;

	d->catalog.store = d->store;
	d->catalog.pubsub = d->pubsub;
	d->catalog.flags = &d->flags;
	d->catalog.schedule = schedule_stats_new(); /* the scheduler's runs, for osquery_schedule */
	if (control_server_start(&opt, &d->control, &err) < 0) {
		log_error("control socket: %s", err);
		free(err);
		return 1;
	}
	return 0;
}

static int start_scheduler(struct daemon *d)
{
	char *err = NULL;

	if (scheduler_start(&d->flags, &d->catalog, d->flags.database_path, &d->cfg,
			    &d->scheduler, &err) < 0) {
		log_error("scheduler: %s", err);
		free(err);
		return 1;
	}
	return 0;
}

/* osquery_info.instance_id and --host_identifier=instance: made once per
 * database. Not fatal here: only --host_identifier=instance needs it, and
 * the scheduler says so if it cannot have it. */
static int ensure_instance_id(struct daemon *d)
{
	char *id = NULL;

	if (store_meta_instance_id(d->flags.database_path, &id) < 0)
		log_warn("cannot save the instance id in %s", d->flags.database_path);
	free(id);
	return 0;
}

static void reload_config(struct daemon *d)
{
	struct config cfg;

	if (d->remote) {
		log_info("SIGHUP: fetching the config from the fleet server");
		remote_refresh(d->remote);
		return;
	}

	if (daemon_config_reload(&d->flags, &cfg) == 0) {
		kafka_producer_set_topics(d->kafka, &cfg.kafka_topics);
		scheduler_reload(d->scheduler, &cfg);
	}
}

static int block_signals(struct daemon *d)
{
	sigset_t set;

	/* Blocked before any thread starts, so every thread inherits the
	 * mask and only the main loop's signalfd sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (d->signal_fd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return 1;
	}
	return 0;
}

static void run_loop(struct daemon *d)
{
	struct pollfd pfd = {.fd = d->signal_fd, .events = POLLIN};

	for (;;) {
		struct signalfd_siginfo si;

		if (poll(&pfd, 1, 1000) > 0 && read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload_config(d);
				continue;
			}
			log_info("signal %d: stopping", (int)si.ssi_signo);
			return;
		}
		if (d->audit && audit_publisher_tick(d->audit))
			save_audit_state(d);
		bpf_publisher_tick(d->bpf);
		exec_publisher_tick(d->bpf_exec);
	}
}

static void shutdown_daemon(struct daemon *d)
{
	struct scheduler *sched;

	/* First: it reads everything below. */
	metrics_stop(d->metrics);
	d->metrics = NULL;
	/* First: it hands configs to the scheduler. */
	remote_stop(d->remote);
	d->remote = NULL;
	distributed_stop(d->distributed); /* it queries the store */
	d->distributed = NULL;
	pthread_mutex_lock(&d->scheduler_lock);
	sched = d->scheduler;
	d->scheduler = NULL;
	pthread_mutex_unlock(&d->scheduler_lock);
	scheduler_stop(sched);
	control_server_stop(d->control);
	schedule_stats_free(d->catalog.schedule); /* after all that query it */
	/* After the scheduler, its last lines buffered; after the control
	 * socket, whose sysq_events reads the buffer. */
	kafka_producer_stop(d->kafka);
	log_buffer_close(d->log_buffer);
	tls_logger_stop(d->tls_logger);
	if (d->audit) {
		/* Once this run's changes are undone, the record of them is
		 * obsolete; if they were never made, an older record stays. */
		if (audit_publisher_stop(d->audit) == 0 && d->audit_state_saved)
			store_meta_set(d->flags.database_path, META_AUDIT_STATE, NULL);
		d->audit = NULL;
	}
	task_cgroup_stop(); /* after audit: its rows read the map */
	bpf_publisher_stop(d->bpf);
	d->bpf = NULL;
	exec_publisher_stop(d->bpf_exec);
	d->bpf_exec = NULL;
	store_close(d->store);
	pubsub_free(d->pubsub);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	if (d->pidfile_fd >= 0) {
		unlink(d->flags.pidfile);
		close(d->pidfile_fd);
	}
	/* The lock file stays: removing it could let two daemons lock two
	 * different files of the same name. */
	if (d->db_lock_fd >= 0)
		close(d->db_lock_fd);
	config_free(&d->cfg);
	flags_free(&d->flags);
}

/* Where the config came from, for --config_check. */
static const char *config_source(const struct sysq_flags *flags)
{
	if (remote_wanted(flags))
		return "the config the fleet server last sent";
	return flags->config_path[0] ? flags->config_path : "no config";
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

int daemon_main(int argc, char **argv)
{
	struct daemon d = {.pidfile_fd = -1,
			   .db_lock_fd = -1,
			   .signal_fd = -1,
			   .scheduler_lock = PTHREAD_MUTEX_INITIALIZER};
	int rc;

	if (wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	rc = parse_flags(&d, argc, argv);
	rc = rc ? rc : daemon_config_load(&d.flags, &d.cfg);
	rc = rc ? rc : check_metrics_flags(&d);
	rc = rc ? rc : check_kafka_flags(&d);
	rc = rc ? rc : check_distributed_flags(&d);
	rc = rc ? rc : check_tls_logger_flags(&d);
	if (rc || d.flags.config_check) {
		if (!rc)
			printf("sysq daemon: flags and config are valid (%s: %zu scheduled "
			       "queries)\n",
			       config_source(&d.flags), d.cfg.nqueries);
		config_free(&d.cfg);
		flags_free(&d.flags);
		return rc;
	}
	if (d.flags.daemonize && daemon(0, 1) < 0) {
		log_error("cannot daemonize: %s", strerror(errno));
		flags_free(&d.flags);
		return 1;
	}
	rc = block_signals(&d);
	rc = rc ? rc : prepare_paths(&d);
	rc = rc ? rc : open_store(&d);
	rc = rc ? rc : ensure_instance_id(&d);
	rc = rc ? rc : add_tables(&d);
	if (rc == 0) {
		char *err = NULL;

		if (store_start(d.store, &err) < 0) {
			log_error("%s", err);
			free(err);
			rc = 1;
		}
	}
	rc = rc ? rc : start_bpf(&d);
	rc = rc ? rc : start_bpf_exec(&d);
	if (rc == 0)
		task_cgroup_start(&d.flags);
	rc = rc ? rc : start_audit(&d);
	rc = rc ? rc : start_kafka(&d);
	rc = rc ? rc : open_tls_logger(&d);
	rc = rc ? rc : start_control(&d);
	rc = rc ? rc : start_scheduler(&d);
	rc = rc ? rc : start_metrics(&d);
	rc = rc ? rc : start_remote(&d);
	rc = rc ? rc : start_distributed(&d);
	rc = rc ? rc : start_tls_logger(&d);
	if (rc == 0) {
		log_info("sysq started: %zu event table(s), database %s; query with: sysq shell "
			 "--control_socket=%s",
			 d.ntables, d.flags.database_path, d.flags.control_socket);
		run_loop(&d);
	}
	shutdown_daemon(&d);
	return rc;
}
