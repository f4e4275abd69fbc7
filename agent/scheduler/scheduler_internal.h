/* Shared by the scheduler's files. Not for use outside agent/scheduler. */
#pragma once

#include "scheduler.h"

#include "runner.h"

#include "config/config.h"
#include "logger/results_logger.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <time.h>

struct sched_query {
	const struct scheduled_query *q; /* owned by the active config */
	int pack;			 /* index into cfg.packs; -1 for the schedule */
	bool here;			 /* its platform and shard include this host */
	int64_t next;			 /* monotonic second of the next run */
};

enum { PACK_UNKNOWN = -1, PACK_INACTIVE = 0, PACK_ACTIVE = 1 };

struct decoration {
	char *name;
	char *value;
};

struct decorations {
	struct decoration *v;
	size_t n;
};

struct scheduler {
	const struct sysq_flags *flags;
	const struct catalog *cat;
	char *host;
	unsigned host_shard; /* 0-99: which share of the fleet this host is */
	sqlite3 *state_db;
	struct runner *runner;
	struct results_logger *logger;
	struct config cfg;
	struct sched_query *queries;
	size_t nqueries;
	/* Per cfg.packs: PACK_ACTIVE when its discovery queries returned
	 * rows, PACK_INACTIVE when one did not, PACK_UNKNOWN while discovery
	 * has only failed (its queries wait, but keep their state). */
	signed char *pack_state;
	int64_t packs_next;
	struct decorations load;      /* "load" decorators, run when a config is applied */
	struct decorations *interval; /* per cfg.decorators_interval group */
	int64_t *interval_next;
	char *published; /* decorations_json(s, NULL) for other threads, under lock */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	/* Since start: query runs, and those that ended in an error
	 * (scheduler_counts). */
	_Atomic uint64_t runs;
	_Atomic uint64_t failures;
	bool has_pending;
	struct config pending;
};

/* Config application (scheduler_apply.c). Times are monotonic seconds. */
void sched_apply_config(struct scheduler *s, struct config *cfg, int64_t now);
bool sched_query_active(const struct scheduler *s, const struct sched_query *sq);
bool sched_refresh_packs(struct scheduler *s, int64_t now);
void sched_update_holds(struct scheduler *s);

/* Runs a query at its time, logs its results and saves its state
 * (run_and_log.c). */
void sched_run_and_log(struct scheduler *s, const struct scheduled_query *q);

/* What a run cost, for osquery_schedule (run_cost.c). */
struct schedule_run;
struct run_cost {
	struct timespec wall;
	struct rusage usage;
	int64_t resident;
};
void run_cost_begin(struct run_cost *c);
/* Fills everything but output_size. */
void run_cost_end(const struct run_cost *c, struct schedule_run *out);
uint64_t run_cost_output_size(const struct result_set *rs);
void sched_record_run(struct scheduler *s, const char *name, const struct schedule_run *run);

/* Decorators (decorators.c). */
void decorations_free(struct decorations *d);
/* Runs decorator queries; each first row's columns become decorations. */
void decorations_run(struct scheduler *s, char *const *queries, size_t n, struct decorations *out);
/* The decorations object for a result line: load, then interval, then
 * `always` decorations, a later one replacing an earlier of the same name. */
char *decorations_json(const struct scheduler *s, const struct decorations *always);
/* Makes the load and interval decorations scheduler_decorations' answer;
 * called on the scheduler's thread after they change. */
void decorations_publish(struct scheduler *s);
