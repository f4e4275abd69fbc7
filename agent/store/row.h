/* A row on its way from a subscriber to the store's writer thread.
 *
 * Values are NULL, integers or byte strings (TEXT that may hold any byte).
 * Text is copied into the row, so the event it came from can be freed.
 * The store keeps each value as it was set, with no column affinity, so
 * an INTEGER column takes row_set_int and a TEXT column text. */
#pragma once

#include "table_def.h"

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum row_value_kind { ROW_NULL, ROW_INT, ROW_TEXT };

/* 16 bytes: a burst queues rows by the hundred thousand. */
struct row_value {
	union {
		int64_t i; /* ROW_INT */
		struct {
			uint32_t off; /* ROW_TEXT: bytes [off, off+len) of row->text */
			uint32_t len;
		};
	};
	uint8_t kind; /* enum row_value_kind */
};

struct event_table;

struct row {
	struct event_table *table;
	unsigned ncolumns;
	unsigned capacity; /* room in values[], at least ncolumns */
	struct row_value *values;
	struct strbuf text;
	/* A packed row (store_submit packs rows that wait behind a long
	 * queue): no values (capacity 0, values NULL); text holds the row's
	 * packed BLOB (packed.h) in the row's own allocation, and the time
	 * column is kept apart. */
	bool packed;
	bool has_time;
	/* What the row counts for in the store's queue while it waits there
	 * (queue.c), so that taking it out need not work it out again. */
	uint32_t queued_bytes;
	int64_t time;
};

/* A row of `ncolumns` NULL values. For a table of the store, it comes
 * from the store's spare rows when there is one (row_pool.h). */
struct row *row_new(struct event_table *table, unsigned ncolumns);
void row_free(struct row *row);
/* A packed copy of `row`: its time column (kind ROW_INT, else none) and
 * the `len` bytes of its packed values at `blob`. */
struct row *row_new_packed(struct event_table *table, const struct row_value *time,
			   const void *blob, size_t len);
/* The bytes the row takes on the heap, allocator overhead included: what
 * the store's queue counts against its bound. */
size_t row_footprint(const struct row *row);
/* Every value back to NULL and no text; the buffers stay. */
void row_clear(struct row *row);

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
