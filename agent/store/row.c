/* Row values for the store queue. */
#include "row.h"

#include "row_pool.h"
#include "store.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Most rows' text fits in this, so a row costs two allocations. */
#define ROW_TEXT_RESERVE 240

static struct row *row_alloc(unsigned capacity)
{
	/* The values live right after the row, in the same allocation. */
	struct row *row = xcalloc(1, sizeof(*row) + capacity * sizeof(struct row_value));

	row->capacity = capacity;
	row->values = (struct row_value *)(row + 1);
	sb_reserve(&row->text, ROW_TEXT_RESERVE);
	return row;
}

struct row *row_new(struct event_table *table, unsigned ncolumns)
{
	struct row_pool *pool = table ? table->pool : NULL;
	struct row *row = NULL;

	if (pool && ncolumns <= row_pool_columns(pool)) {
		row = row_pool_take(pool);
		if (!row)
			row = row_alloc(row_pool_columns(pool));
	} else {
		row = row_alloc(ncolumns);
	}
	row->table = table;
	row->ncolumns = ncolumns;
	return row;
}

void row_free(struct row *row)
{
	if (!row)
		return;
	if (!row->packed)
		sb_free(&row->text);
	free(row);
}

/* glibc's per-chunk overhead, and its rounding: what a malloc really
 * costs, so that the queue's bound is close to the memory it holds. */
static size_t heap_bytes(size_t n)
{
	return (n + sizeof(size_t) + 15) & ~(size_t)15;
}

struct row *row_new_packed(struct event_table *table, const struct row_value *time,
			   const void *blob, size_t len)
{
	/* One allocation: the row, then the BLOB and a NUL (strbuf's rule). */
	struct row *row = xmalloc(sizeof(*row) + len + 1);
	char *buf = (char *)(row + 1);

	*row = (struct row){.table = table, .packed = true};
	memcpy(buf, blob, len);
	buf[len] = '\0';
	row->text = (struct strbuf){.buf = buf, .len = len, .cap = len + 1};
	if (time && time->kind == ROW_INT) {
		row->has_time = true;
		row->time = time->i;
	}
	return row;
}

size_t row_footprint(const struct row *row)
{
	if (row->packed)
		return heap_bytes(sizeof(*row) + row->text.cap);
	return heap_bytes(sizeof(*row) + row->capacity * sizeof(struct row_value)) +
	       (row->text.cap ? heap_bytes(row->text.cap) : 0);
}

void row_clear(struct row *row)
{
	memset(row->values, 0, row->capacity * sizeof(*row->values));
	sb_truncate(&row->text, 0);
}

void row_set_int(struct row *row, unsigned col, int64_t v)
{
	row->values[col].kind = ROW_INT;
	row->values[col].i = v;
}

void row_set_text(struct row *row, unsigned col, const char *s, size_t len)
{
	/* Offsets are 32-bit; no event comes near 4 GiB of text (an execve's
	 * whole argv is a few MiB at most), so this only guards the type. */
	if (len > UINT32_MAX - row->text.len) {
		row->values[col].kind = ROW_NULL;
		return;
	}
	row->values[col].kind = ROW_TEXT;
	row->values[col].off = (uint32_t)row->text.len;
	row->values[col].len = (uint32_t)len;
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

void row_set_decimal(struct row *row, unsigned col, int64_t v)
{
	char text[24];
	char *end = text + sizeof(text);
	char *p = end;
	/* Negated as unsigned, so INT64_MIN has a magnitude too. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (v < 0)
		*--p = '-';
	row_set_text(row, col, p, (size_t)(end - p));
}
