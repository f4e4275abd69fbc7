/* The Prometheus text exposition format (version 0.0.4), written into a
 * strbuf: a family's HELP and TYPE lines, then its samples.
 *
 *   # HELP sysq_events_total Rows built from events, per table
 *   # TYPE sysq_events_total counter
 *   sysq_events_total{table="process_events"} 42
 *
 * Label values and HELP text are escaped as the format asks (backslash,
 * double quote in label values, newline), so a name taken from a config
 * or the kernel cannot end a line or a label early. */
#pragma once

#include "common/strbuf.h"

#include <stdint.h>

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

/* One label of a sample; a sample takes up to EXPO_MAX_LABELS of them. */
struct metric_label {
	const char *name;
	const char *value;
};

#define EXPO_MAX_LABELS 4

/* The HELP and TYPE lines that start family `name`. */
void expo_family(struct strbuf *out, const char *name, enum metric_type type, const char *help);

/* One sample of `name` with `nlabels` labels (0 for none). */
void expo_sample(struct strbuf *out, const char *name, const struct metric_label *labels,
		 unsigned nlabels, uint64_t value);

/* A family of one unlabelled sample. */
void expo_single(struct strbuf *out, const char *name, enum metric_type type, const char *help,
		 uint64_t value);

/* Appends `s` escaped for a label value (inside double quotes). */
void expo_escape_label(struct strbuf *out, const char *s);
