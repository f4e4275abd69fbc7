/* The JSON config: options, schedule, packs, decorators and events.
 *
 * The format is osquery's, so existing configs work:
 *   {"options": {...}, "schedule": {"name": {"query": "...", "interval": 60}},
 *    "packs": {"p": "/path/p.conf" | {...}}, "decorators": {"load": [...],
 *    "always": [...], "interval": {"3600": [...]}}, "events": {
 *    "enable_subscribers": [...], "disable_subscribers": [...]},
 *    "bpf_filters": {...},  (sysq's own: see config_bpf.c)
 *    "kafka_topics": {"topic": ["query name", ...]}}  (config_kafka.c)
 * Comments are allowed, as in osquery. An error (bad JSON, a wrong type, a
 * missing required key) names the file, line and column and fails the
 * load; an unknown key is a warning with its position. */
#pragma once

#include "core/flags.h"

#include "common/sha1.h"
#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest interval accepted, for queries and decorators: a week is
 * already more than any fleet uses. */
#define CONFIG_INTERVAL_MAX (7 * 24 * 3600)

struct scheduled_query {
	char *name; /* schedule name, or pack_<pack>_<query> */
	char *sql;
	int64_t interval; /* seconds */
	bool removed;	  /* log removed rows of differential results */
	bool snapshot;	  /* log the whole result set each run */
	char *platform;	  /* NULL: every platform */
	int64_t shard;	  /* 1-100: share of hosts that run it; 0: all */
	char *pack;	  /* NULL for schedule queries */
};

struct pack {
	char *name;
	char **discovery; /* the pack runs only if every one returns rows */
	size_t ndiscovery;
};

struct interval_decorators {
	int64_t interval;
	char **queries;
	size_t n;
};

/* "bpf_filters": what the BPF programs (sockets, exec) drop in the kernel. */
#define BPF_FILTER_MAX_PORTS 1024
#define BPF_FILTER_MAX_NAMES 256
#define BPF_FILTER_UNIX_PATH_MAX 108
#define BPF_FILTER_PROCESS_NAME_MAX 15
#define BPF_FILTER_EXEC_PATH_MAX 255 /* an LPM trie key's bytes, less one */
#define BPF_FILTER_DEDUP_MAX_MS 3600000

struct bpf_filters {
	uint32_t families; /* bit (1 << AF_*) per family to keep; 0: the key is absent */
	uint16_t *include_ports;
	size_t ninclude_ports;
	uint16_t *exclude_ports;
	size_t nexclude_ports;
	char **exclude_unix_prefixes; /* "@name" for abstract names */
	size_t nexclude_unix_prefixes;
	char **exclude_processes; /* comm names */
	size_t nexclude_processes;
	char **exclude_exec_paths; /* executable path prefixes (exec from BPF) */
	size_t nexclude_exec_paths;
	int64_t dedup_window_ms; /* 0: off */
};

/* "kafka_topics", as osquery: which topic a query's results go to; a
 * query no topic names goes to --logger_kafka_topic. */
struct kafka_topic {
	char *topic;
	char **queries;
	size_t nqueries;
};

struct kafka_topics {
	struct kafka_topic *v;
	size_t n;
};

struct config {
	char *path;
	/* SHA-1 of the config's text, as osquery_info.config_hash shows it;
	 * empty when no config was loaded. */
	char hash[SHA1_HEX_LEN + 1];
	struct scheduled_query *queries;
	size_t nqueries;
	struct pack *packs;
	size_t npacks;
	char **decorators_load;
	size_t ndecorators_load;
	char **decorators_always;
	size_t ndecorators_always;
	struct interval_decorators *decorators_interval;
	size_t ndecorators_interval;
	char **enable_subscribers; /* NULL when the key is absent */
	size_t nenable;
	char **disable_subscribers;
	size_t ndisable;
	struct bpf_filters bpf_filters;
	struct kafka_topics kafka_topics;
};

/* Loads and validates a config. `flags`, when not NULL, receives the
 * "options". Returns 0, or -ENOENT (missing file), -EINVAL (invalid),
 * -EIO; `err` then holds "file:line:col: message". Warnings (unknown
 * keys) are appended to `warnings`, one per line. */
int config_load(const char *path, struct sysq_flags *flags, struct config *out, struct strbuf *err,
		struct strbuf *warnings);

/* Loads from text already in memory (fuzzing, tests); `name` is used in
 * messages and to resolve relative pack paths. */
int config_load_text(const char *name, const char *text, size_t len, struct sysq_flags *flags,
		     struct config *out, struct strbuf *err, struct strbuf *warnings);

void config_free(struct config *c);

/* The topic "kafka_topics" names for a query, or NULL. */
const char *kafka_topics_find(const struct kafka_topics *t, const char *query);

/* A deep copy, for a shipper that outlives the config it came from. */
void kafka_topics_copy(struct kafka_topics *dst, const struct kafka_topics *src);

void kafka_topics_free(struct kafka_topics *t);

/* Whether a subscriber (table) is enabled by the events key. */
bool config_subscriber_enabled(const struct config *c, const char *name);
