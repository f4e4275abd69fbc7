/* What each scheduled query's runs cost, as osquery keeps it for its
 * osquery_schedule table: executions, the last one's time, bytes of
 * results, wall, user and system time, memory.
 *
 * The scheduler thread writes it (the queries of the config in force,
 * then one record per run); query threads read a copy through
 * tables/osquery_schedule.c; with them, the hash of the config they come
 * from, for osquery_info.config_hash. It lives here, below both, because tables/
 * may not name the scheduler: the daemon makes one and hands it to both
 * through the catalog. One mutex guards it, held only to copy numbers,
 * never while a query runs. Counts last as long as the daemon and
 * survive a config reload for a query that keeps its name. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct schedule_stats;

/* A scheduled query and its totals since the daemon started. Times in
 * milliseconds except wall_time (whole seconds, as osquery sums it),
 * memory in bytes, last_executed in Unix seconds (0: never ran). */
struct schedule_entry {
	char *name;
	char *query;
	int64_t interval;
	int denylisted;
	uint64_t executions;
	int64_t last_executed;
	uint64_t output_size;
	uint64_t wall_time;
	uint64_t wall_time_ms;
	uint64_t last_wall_time_ms;
	uint64_t user_time;
	uint64_t last_user_time;
	uint64_t system_time;
	uint64_t last_system_time;
	uint64_t average_memory;
	uint64_t last_memory;
};

/* What one run measured. */
struct schedule_run {
	int64_t finished;    /* Unix seconds */
	uint64_t output_size; /* bytes of the rows it returned (osquery's measure) */
	uint64_t wall_ms;
	uint64_t user_ms;
	uint64_t system_ms;
	uint64_t memory; /* growth of the daemon's resident memory over the run */
};

struct schedule_stats *schedule_stats_new(void);
void schedule_stats_free(struct schedule_stats *st);

/* The queries that run on this host now (name, SQL and interval each),
 * replacing the list; a name that was there before keeps its totals. */
void schedule_stats_set_queries(struct schedule_stats *st, const char *const *names,
				const char *const *queries, const int64_t *intervals, size_t n);

/* The SHA-1 (hex) of the config in force; "" when there is none. */
void schedule_stats_set_config_hash(struct schedule_stats *st, const char *hash);

/* Copies the config's hash into `out` (SHA1_HEX_LEN + 1 bytes). */
void schedule_stats_config_hash(struct schedule_stats *st, char *out);

/* Adds one run of query `name`; a name not in the list is ignored (the
 * config changed meanwhile). */
void schedule_stats_record(struct schedule_stats *st, const char *name,
			   const struct schedule_run *run);

/* A copy of every entry, in the config's order, for the caller to free
 * with schedule_entries_free. Returns the count. */
size_t schedule_stats_copy(struct schedule_stats *st, struct schedule_entry **out);
void schedule_entries_free(struct schedule_entry *entries, size_t n);
