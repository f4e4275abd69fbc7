/* Live queries on the wire: the work a fleet server hands out at the
 * distributed read endpoint, and the results body for the write endpoint.
 *
 * The read reply is untrusted: {"queries": {id: sql}, "discovery": {id:
 * sql}, "accelerate": seconds}. Every id and SQL text is checked here
 * (length, type) before anything runs it; an entry that is wrong fails
 * only its own query. Fuzzed by tests/fuzz/fuzz_distributed_read.c. */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of one batch: Fleet's detail queries are a few dozen, each a
 * few KiB of SQL. */
#define DIST_MAX_QUERIES 1000
#define DIST_ID_MAX 1024
#define DIST_SQL_MAX (1024 * 1024)
/* The longest acceleration a server may ask for: a day. */
#define DIST_ACCELERATE_MAX 86400

struct dist_query {
	char *id;
	char *sql;	 /* NULL when `error` says why it cannot run */
	char *discovery; /* the gate, or NULL: the query always runs */
	char *error;	 /* set for an entry that is not a query */
};

struct dist_work {
	struct dist_query *q;
	size_t n;
	int64_t accelerate; /* seconds of 5 s check-ins asked for; 0: none */
};

/* Takes the work out of a parsed read reply (an object). Returns 0 with
 * `w` set (free it with dist_work_free), or -EBADMSG with *err set when
 * "queries" or "discovery" is not an object or the batch is too large. */
int dist_work_parse(const cJSON *root, struct dist_work *w, char **err);
void dist_work_free(struct dist_work *w);

/* What one query came to, for the write body. */
struct dist_result {
	const char *id;
	int status;	       /* 0 ok, 1 failed */
	const char *message;   /* "" when ok */
	const char *rows_json; /* a JSON array of objects; NULL: [] */
	bool has_stats;
	uint64_t wall_time_ms, user_time, system_time, memory;
};

/* The write body: {"queries": {id: rows}, "statuses": {id: 0|1},
 * "messages": {id: text}, "stats": {id: {...}}}, its objects as raw JSON
 * built with sysq's escaper (row values may hold any byte, which cJSON
 * would pass through unescaped). The caller adds node_key. */
cJSON *dist_results_body(const struct dist_result *r, size_t n);
