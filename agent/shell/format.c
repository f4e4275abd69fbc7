/* Result formatting for the shell. */
#include "format.h"

#include "common/escape.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct formatter {
	enum output_mode mode;
	bool headers;
	const char *separator; /* list mode */
	FILE *out;
	size_t ncols;
	char **names;	  /* escaped for the terminal, or raw for JSON keys */
	size_t *name_len;
	size_t nrows;
	/* Pretty mode keeps the first PRETTY_SAMPLE_ROWS rows' cells (escaped)
	 * to size the columns, prints them, then prints each later row as it
	 * arrives in the same layout: memory stays bounded however long the
	 * result is. */
	char **cells;
	size_t ncells;
	size_t cells_cap;
	size_t *widths; /* set once the layout is fixed */
	struct strbuf line;
};

#define PRETTY_SAMPLE_ROWS 1000

int output_mode_parse(const char *name)
{
	static const char *const names[] = {"pretty", "json", "csv", "line", "list"};

	for (int i = 0; i < 5; i++) {
		if (strcmp(name, names[i]) == 0)
			return i;
	}
	return -1;
}

struct formatter *formatter_new(enum output_mode mode, bool headers, FILE *out)
{
	struct formatter *f = xcalloc(1, sizeof(*f));

	f->mode = mode;
	f->headers = headers;
	f->separator = "|";
	f->out = out;
	return f;
}

void formatter_set_separator(struct formatter *f, const char *sep)
{
	f->separator = sep;
}

static void reset(struct formatter *f)
{
	for (size_t i = 0; i < f->ncols; i++)
		free(f->names[i]);
	for (size_t i = 0; i < f->ncells; i++)
		free(f->cells[i]);
	free(f->names);
	free(f->name_len);
	free(f->cells);
	free(f->widths);
	f->widths = NULL;
	f->names = NULL;
	f->name_len = NULL;
	f->cells = NULL;
	f->ncols = f->ncells = f->cells_cap = f->nrows = 0;
}

void formatter_free(struct formatter *f)
{
	if (!f)
		return;
	reset(f);
	sb_free(&f->line);
	free(f);
}

/* The value as text before escaping: numbers in decimal, NULL empty. */
static void value_text(const struct shell_value *v, struct strbuf *out)
{
	switch (v->type) {
	case WIRE_INTEGER:
		sb_printf(out, "%" PRId64, v->i);
		break;
	case WIRE_REAL:
		sb_printf(out, "%.15g", v->d);
		break;
	case WIRE_TEXT:
	case WIRE_BLOB:
		sb_append(out, v->s, v->len);
		break;
	case WIRE_NULL:
		break;
	}
}

/* Display width: one column per UTF-8 code point. */
static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static char *terminal_text(const struct shell_value *v)
{
	struct strbuf raw = STRBUF_INIT, out = STRBUF_INIT;

	value_text(v, &raw);
	terminal_escape_append(&out, sb_str(&raw), raw.len);
	sb_free(&raw);
	return sb_detach(&out);
}

void formatter_columns(struct formatter *f, size_t n, const struct shell_value *names)
{
	reset(f);
	f->ncols = n;
	f->names = xcalloc(n ? n : 1, sizeof(*f->names));
	f->name_len = xcalloc(n ? n : 1, sizeof(*f->name_len));
	for (size_t i = 0; i < n; i++) {
		f->names[i] = f->mode == OUTPUT_JSON ? xstrndup(names[i].s, names[i].len) :
						       terminal_text(&names[i]);
		f->name_len[i] = names[i].len;
	}
	if (f->mode == OUTPUT_JSON)
		fputs("[\n", f->out);
	if (f->mode == OUTPUT_LIST && f->headers) {
		for (size_t i = 0; i < n; i++)
			fprintf(f->out, "%s%s", i ? f->separator : "", f->names[i]);
		fputc('\n', f->out);
	}
	if (f->mode == OUTPUT_CSV && f->headers) {
		sb_truncate(&f->line, 0);
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_putc(&f->line, ',');
			csv_append_field(&f->line, names[i].s, names[i].len);
		}
		sb_puts(&f->line, "\r\n");
		fwrite(f->line.buf, 1, f->line.len, f->out);
	}
}

static void row_json(struct formatter *f, const struct shell_value *values)
{
	struct strbuf text = STRBUF_INIT;

	sb_truncate(&f->line, 0);
	sb_puts(&f->line, f->nrows ? ",\n  {" : "  {");
	for (size_t i = 0; i < f->ncols; i++) {
		if (i)
			sb_putc(&f->line, ',');
		json_append_string(&f->line, f->names[i], f->name_len[i]);
		sb_putc(&f->line, ':');
		if (values[i].type == WIRE_NULL) {
			sb_puts(&f->line, "null");
			continue;
		}
		sb_truncate(&text, 0);
		value_text(&values[i], &text);
		json_append_string(&f->line, sb_str(&text), text.len);
	}
	sb_putc(&f->line, '}');
	fwrite(f->line.buf, 1, f->line.len, f->out);
	sb_free(&text);
}

static void row_csv(struct formatter *f, const struct shell_value *values)
{
	struct strbuf text = STRBUF_INIT;

	sb_truncate(&f->line, 0);
	for (size_t i = 0; i < f->ncols; i++) {
		if (i)
			sb_putc(&f->line, ',');
		sb_truncate(&text, 0);
		value_text(&values[i], &text);
		csv_append_field(&f->line, sb_str(&text), text.len);
	}
	sb_puts(&f->line, "\r\n");
	fwrite(f->line.buf, 1, f->line.len, f->out);
	sb_free(&text);
}

static void row_list(struct formatter *f, const struct shell_value *values)
{
	for (size_t i = 0; i < f->ncols; i++) {
		char *text = terminal_text(&values[i]);

		fprintf(f->out, "%s%s", i ? f->separator : "", text);
		free(text);
	}
	fputc('\n', f->out);
}

static void row_line(struct formatter *f, const struct shell_value *values)
{
	size_t width = 0;

	for (size_t i = 0; i < f->ncols; i++) {
		size_t w = display_width(f->names[i]);

		width = w > width ? w : width;
	}
	if (f->nrows)
		fputc('\n', f->out);
	for (size_t i = 0; i < f->ncols; i++) {
		char *text = terminal_text(&values[i]);

		fprintf(f->out, "%*s%s = %s\n", (int)(width - display_width(f->names[i])), "",
			f->names[i], text);
		free(text);
	}
}

static void pretty_rule(struct formatter *f)
{
	fputc('+', f->out);
	for (size_t i = 0; i < f->ncols; i++) {
		for (size_t j = 0; j < f->widths[i] + 2; j++)
			fputc('-', f->out);
		fputc('+', f->out);
	}
	fputc('\n', f->out);
}

/* A value wider than its column (a later row than the sample) is printed
 * whole: it widens its cell for that row only. */
static void pretty_line(struct formatter *f, char *const *cells)
{
	fputc('|', f->out);
	for (size_t i = 0; i < f->ncols; i++) {
		size_t w = display_width(cells[i]);

		fprintf(f->out, " %s%*s |", cells[i],
			(int)(f->widths[i] > w ? f->widths[i] - w : 0), "");
	}
	fputc('\n', f->out);
}

/* Fixes the column widths from the header and the rows kept so far, and
 * prints the table's top, header and those rows. */
static void pretty_start(struct formatter *f)
{
	size_t nrows = f->ncells / f->ncols;

	f->widths = xcalloc(f->ncols, sizeof(*f->widths));
	for (size_t i = 0; i < f->ncols; i++)
		f->widths[i] = f->headers ? display_width(f->names[i]) : 0;
	for (size_t c = 0; c < f->ncells; c++) {
		size_t w = display_width(f->cells[c]);

		if (w > f->widths[c % f->ncols])
			f->widths[c % f->ncols] = w;
	}
	pretty_rule(f);
	if (f->headers) {
		pretty_line(f, f->names);
		pretty_rule(f);
	}
	for (size_t r = 0; r < nrows; r++)
		pretty_line(f, f->cells + r * f->ncols);
	for (size_t c = 0; c < f->ncells; c++)
		free(f->cells[c]);
	f->ncells = 0;
}

static void row_pretty(struct formatter *f, const struct shell_value *values)
{
	if (f->ncols == 0)
		return;
	if (f->widths) {
		char **cells = xcalloc(f->ncols, sizeof(*cells));

		for (size_t i = 0; i < f->ncols; i++)
			cells[i] = terminal_text(&values[i]);
		pretty_line(f, cells);
		for (size_t i = 0; i < f->ncols; i++)
			free(cells[i]);
		free(cells);
		return;
	}
	f->cells = xgrow(f->cells, &f->cells_cap, f->ncells + f->ncols, sizeof(*f->cells));
	for (size_t i = 0; i < f->ncols; i++)
		f->cells[f->ncells++] = terminal_text(&values[i]);
	if (f->ncells / f->ncols >= PRETTY_SAMPLE_ROWS)
		pretty_start(f);
}

void formatter_row(struct formatter *f, const struct shell_value *values)
{
	switch (f->mode) {
	case OUTPUT_JSON:
		row_json(f, values);
		break;
	case OUTPUT_CSV:
		row_csv(f, values);
		break;
	case OUTPUT_LINE:
		row_line(f, values);
		break;
	case OUTPUT_LIST:
		row_list(f, values);
		break;
	case OUTPUT_PRETTY:
		row_pretty(f, values);
		break;
	}
	f->nrows++;
}

/* As osqueryi: nothing at all for no rows. */
static void pretty_end(struct formatter *f)
{
	if (f->ncols == 0 || f->nrows == 0)
		return;
	if (!f->widths)
		pretty_start(f);
	pretty_rule(f);
}

void formatter_end(struct formatter *f)
{
	if (f->mode == OUTPUT_PRETTY)
		pretty_end(f);
	else if (f->mode == OUTPUT_JSON)
		fputs(f->nrows ? "\n]\n" : "]\n", f->out);
	fflush(f->out);
	reset(f);
}
