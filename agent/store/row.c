/* Row values for the store queue. */
#include "row.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct row *row_new(struct event_table *table, unsigned ncolumns)
{
	struct row *row = xcalloc(1, sizeof(*row));

	row->table = table;
	row->ncolumns = ncolumns;
	row->values = xcalloc(ncolumns, sizeof(*row->values));
	return row;
}

void row_free(struct row *row)
{
	if (!row)
		return;
	sb_free(&row->text);
	free(row->values);
	free(row);
}

void row_set_int(struct row *row, unsigned col, int64_t v)
{
	row->values[col].kind = ROW_INT;
	row->values[col].i = v;
}

void row_set_text(struct row *row, unsigned col, const char *s, size_t len)
{
	row->values[col].kind = ROW_TEXT;
	row->values[col].off = row->text.len;
	row->values[col].len = len;
	sb_append(&row->text, s, len);
}

void row_set_str(struct row *row, unsigned col, const char *s)
{
	row_set_text(row, col, s, strlen(s));
}

void row_set_strbuf(struct row *row, unsigned col, struct strbuf *sb)
{
	row_set_text(row, col, sb_str(sb), sb->len);
	sb_truncate(sb, 0);
}
