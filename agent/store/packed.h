/* Packed rows: the values of an event row, all but its eid and time, as
 * one BLOB.
 *
 * Why: with one SQLite column per value, a 25-column insert spent most of
 * its time in per-column VDBE work (binding, record building, type
 * checks). One BLOB per row writes about three times faster, and queries,
 * which read far fewer rows than are written, decode it in the virtual
 * table (tables/event_vtab.c).
 *
 * Format: the values in layout order, each a header varint h, then:
 *   h = 0    NULL
 *   h = 1    INTEGER: a zigzag-encoded varint follows
 *   h >= 2   TEXT: h - 2 bytes follow
 * Varints are little-endian base 128 (LEB128), at most 10 bytes. NULLs
 * after the last non-NULL value are left out, so a blob may hold fewer
 * values than its layout; the missing ones are NULL. A blob with more
 * values than asked for, or a varint or text running past its end, is
 * malformed.
 *
 * A layout lists which table column each value is, by name, so a table
 * can gain, lose or reorder columns: the store records each table's layout
 * and repacks its rows when it changes (store_schema.c). */
#pragma once

#include "row.h"
#include "table_def.h"

#include "common/strbuf.h"

#include <stddef.h>
#include <stdint.h>

struct packed_layout {
	unsigned n;
	unsigned *columns; /* table column of each packed value */
};

/* Every column of `def` but its eid and time, in table order. */
void packed_layout_init(struct packed_layout *l, const struct table_def *def);
void packed_layout_free(struct packed_layout *l);
/* The layout's column names, comma-separated: what the store records. */
char *packed_layout_names(const struct packed_layout *l, const struct table_def *def);

/* Bytes packing `row` may take at most. */
size_t packed_encoded_max(const struct row *row, const struct packed_layout *l);
/* Packs `row` at dst, which has room for packed_encoded_max bytes;
 * returns the bytes written. */
size_t packed_encode_to(const struct row *row, const struct packed_layout *l, void *dst);
/* Appends the packed values of `row` to `out`. */
void packed_encode_row(const struct row *row, const struct packed_layout *l, struct strbuf *out);

/* Building a blob value by value, for values that are not in a row. */
struct packer {
	struct strbuf *out;
	size_t start; /* where this blob starts in out */
	size_t end;   /* end of its last non-NULL value */
};

void packer_begin(struct packer *p, struct strbuf *out);
void packer_null(struct packer *p);
void packer_int(struct packer *p, int64_t v);
void packer_text(struct packer *p, const void *s, size_t len);
/* Drops the trailing NULLs; the blob is out's bytes from p->start on. */
void packer_end(struct packer *p);

struct packed_value {
	enum row_value_kind kind;
	int64_t i;
	const char *text; /* ROW_TEXT: inside the blob, not NUL-terminated */
	size_t len;
};

/* Decodes blob[0..size) into out[0..max), setting values the blob leaves
 * out to NULL. Returns how many values the blob holds, or -EINVAL if it is
 * malformed (out is then undefined). */
int packed_decode(const void *blob, size_t size, struct packed_value *out, unsigned max);
