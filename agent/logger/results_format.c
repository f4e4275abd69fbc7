/* Results lines in osquery's formats. */
#include "results_format.h"

#include "common/escape.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void result_set_free(struct result_set *rs)
{
	for (size_t i = 0; i < rs->ncols; i++)
		free(rs->cols[i]);
	for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
		free(rs->vals[i].s);
	free(rs->cols);
	free(rs->vals);
	memset(rs, 0, sizeof(*rs));
}

static void value_json(struct strbuf *out, const struct result_value *v, bool numerics)
{
	char num[64];

	switch (v->kind) {
	case RESULT_INT:
		if (numerics) {
			sb_printf(out, "%" PRId64, v->i);
			return;
		}
		snprintf(num, sizeof(num), "%" PRId64, v->i);
		json_append_string(out, num, strlen(num));
		return;
	case RESULT_REAL:
		snprintf(num, sizeof(num), "%.15g", v->d);
		/* JSON has no inf or nan: those stay strings. */
		if (numerics && isfinite(v->d))
			sb_puts(out, num);
		else
			json_append_string(out, num, strlen(num));
		return;
	case RESULT_TEXT:
		json_append_string(out, v->s, v->len);
		return;
	case RESULT_NULL:
		break;
	}
	sb_puts(out, "\"\"");
}

void results_columns_json(struct strbuf *out, const struct result_set *rs, size_t row,
			  bool numerics)
{
	const struct result_value *vals = &rs->vals[row * rs->ncols];

	sb_putc(out, '{');
	for (size_t c = 0; c < rs->ncols; c++) {
		if (c)
			sb_putc(out, ',');
		json_append_string(out, rs->cols[c], strlen(rs->cols[c]));
		sb_putc(out, ':');
		value_json(out, &vals[c], numerics);
	}
	sb_putc(out, '}');
}

static void common_fields(struct strbuf *out, const struct results_meta *m)
{
	char cal[64];
	struct tm tm;

	gmtime_r(&m->unix_time, &tm);
	strftime(cal, sizeof(cal), "%a %b %e %H:%M:%S %Y UTC", &tm);
	sb_puts(out, "{\"name\":");
	json_append_string(out, m->name, strlen(m->name));
	sb_puts(out, ",\"hostIdentifier\":");
	json_append_string(out, m->host, strlen(m->host));
	sb_puts(out, ",\"calendarTime\":");
	json_append_string(out, cal, strlen(cal));
	sb_printf(out, ",\"unixTime\":%lld,\"epoch\":%" PRId64 ",\"counter\":%" PRIu64
		       ",\"numerics\":%s,\"decorations\":%s",
		  (long long)m->unix_time, m->epoch, m->counter, m->numerics ? "true" : "false",
		  m->decorations);
}

void results_event_line(struct strbuf *out, const struct results_meta *m, const char *columns,
			size_t columns_len, const char *action)
{
	common_fields(out, m);
	sb_puts(out, ",\"columns\":");
	sb_append(out, columns, columns_len);
	sb_printf(out, ",\"action\":\"%s\"}", action);
}

void results_snapshot_line(struct strbuf *out, const struct results_meta *m,
			   const struct result_set *rs)
{
	common_fields(out, m);
	sb_puts(out, ",\"snapshot\":[");
	for (size_t r = 0; r < rs->nrows; r++) {
		if (r)
			sb_putc(out, ',');
		results_columns_json(out, rs, r, m->numerics);
	}
	sb_puts(out, "],\"action\":\"snapshot\"}");
}
