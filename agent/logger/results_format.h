/* osquery's results log format, line by line.
 *
 * Event format (one row per line):
 *   {"name":"q","hostIdentifier":"h","calendarTime":"Tue Sep 30 17:37:30 2014 UTC",
 *    "unixTime":1412123850,"epoch":0,"counter":1,"numerics":false,
 *    "decorations":{...},"columns":{...},"action":"added"}
 * Snapshot format (one line per run): the same fields with
 *   "snapshot":[{...},...] and "action":"snapshot" instead of columns.
 * Column values are strings unless numerics is on, as in osquery; NULL is
 * "". Every string goes through the JSON escaper, so no value can break a
 * line or forge another. */
#pragma once

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum result_kind { RESULT_NULL, RESULT_INT, RESULT_REAL, RESULT_TEXT };

struct result_value {
	enum result_kind kind;
	int64_t i;
	double d;
	char *s; /* RESULT_TEXT: bytes, not NUL-terminated in the middle */
	size_t len;
};

/* A query's result: ncols names, then nrows x ncols values. */
struct result_set {
	size_t ncols;
	char **cols;
	size_t nrows;
	size_t cap;
	struct result_value *vals;
};

void result_set_free(struct result_set *rs);

/* Appends the "columns" object of one row. */
void results_columns_json(struct strbuf *out, const struct result_set *rs, size_t row,
			  bool numerics);

/* What every line of one query run shares. */
struct results_meta {
	const char *name;
	const char *host;
	time_t unix_time;
	int64_t epoch;
	uint64_t counter;
	bool numerics;
	const char *decorations; /* a JSON object */
};

/* One event-format line for a row whose columns are already JSON. */
void results_event_line(struct strbuf *out, const struct results_meta *m, const char *columns,
			size_t columns_len, const char *action);

/* One snapshot line for the whole result. */
void results_snapshot_line(struct strbuf *out, const struct results_meta *m,
			   const struct result_set *rs);
