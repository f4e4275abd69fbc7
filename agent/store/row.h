/* A row on its way from a subscriber to the store's writer thread.
 *
 * Values are NULL, integers or byte strings (TEXT that may hold any byte).
 * Text is copied into the row, so the event it came from can be freed. */
#pragma once

#include "table_def.h"

#include "common/strbuf.h"

#include <stddef.h>
#include <stdint.h>

enum row_value_kind { ROW_NULL, ROW_INT, ROW_TEXT };

struct row_value {
	enum row_value_kind kind;
	int64_t i;
	size_t off; /* ROW_TEXT: bytes [off, off+len) of row->text */
	size_t len;
};

struct event_table;

struct row {
	struct event_table *table;
	unsigned ncolumns;
	struct row_value *values;
	struct strbuf text;
};

struct row *row_new(struct event_table *table, unsigned ncolumns);
void row_free(struct row *row);

void row_set_int(struct row *row, unsigned col, int64_t v);
void row_set_text(struct row *row, unsigned col, const char *s, size_t len);
void row_set_str(struct row *row, unsigned col, const char *s);
/* The integer as decimal TEXT (the form of a column such as fd). */
void row_set_decimal(struct row *row, unsigned col, int64_t v);
/* Copies the bytes of `sb` into the row and empties `sb` for reuse. */
void row_set_strbuf(struct row *row, unsigned col, struct strbuf *sb);

static inline const char *row_text(const struct row *row, unsigned col)
{
	return row->text.buf + row->values[col].off;
}
