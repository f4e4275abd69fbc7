/* The Prometheus text format writer (exposition.h). */
#include "exposition.h"

#include <inttypes.h>

/* HELP text escapes backslash and newline; a label value also the double
 * quote that would end it. */
static void escape(struct strbuf *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_puts(out, "\\\\");
		else if (*s == '\n')
			sb_puts(out, "\\n");
		else if (*s == '"' && quote)
			sb_puts(out, "\\\"");
		else
			sb_putc(out, *s);
	}
}

void expo_escape_label(struct strbuf *out, const char *s)
{
	escape(out, s, 1);
}

void expo_family(struct strbuf *out, const char *name, enum metric_type type, const char *help)
{
	sb_printf(out, "# HELP %s ", name);
	escape(out, help, 0);
	sb_printf(out, "\n# TYPE %s %s\n", name, type == METRIC_COUNTER ? "counter" : "gauge");
}

void expo_sample(struct strbuf *out, const char *name, const struct metric_label *labels,
		 unsigned nlabels, uint64_t value)
{
	sb_puts(out, name);
	for (unsigned i = 0; i < nlabels && i < EXPO_MAX_LABELS; i++) {
		sb_printf(out, "%c%s=\"", i ? ',' : '{', labels[i].name);
		expo_escape_label(out, labels[i].value);
		sb_putc(out, '"');
	}
	if (nlabels)
		sb_putc(out, '}');
	sb_printf(out, " %" PRIu64 "\n", value);
}

void expo_single(struct strbuf *out, const char *name, enum metric_type type, const char *help,
		 uint64_t value)
{
	expo_family(out, name, type, help);
	expo_sample(out, name, NULL, 0, value);
}
