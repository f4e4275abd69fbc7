/* The emit() of fuzz harnesses that build table rows: checks that every
 * value lies inside its row, reads it (so ASan sees any stale offset), then
 * frees the row. Header-only: each harness is its own executable. */
#pragma once

#include "store/row.h"
#include "store/table_def.h"

#include <stdio.h>
#include <stdlib.h>

static volatile unsigned char row_check_sink;

static void check_and_free_row(void *sink, struct row *row)
{
	const struct table_def *def = row->table->def;
	unsigned char acc = 0;

	(void)sink;
	if (row->ncolumns != def->ncolumns) {
		fprintf(stderr, "row has %u columns, table %u\n", row->ncolumns, def->ncolumns);
		abort();
	}
	for (unsigned i = 0; i < row->ncolumns; i++) {
		const struct row_value *v = &row->values[i];

		if (v->kind != ROW_TEXT)
			continue;
		if (v->off > row->text.len || v->len > row->text.len - v->off) {
			fprintf(stderr, "column %s: [%u, +%u) outside row text of %zu\n",
				def->columns[i].name, v->off, v->len, row->text.len);
			abort();
		}
		for (size_t j = 0; j < v->len; j++)
			acc ^= (unsigned char)row->text.buf[v->off + j];
	}
	row_check_sink = acc;
	row_free(row);
}
