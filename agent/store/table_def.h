/* Static description of a table: its columns, their types and visibility.
 *
 * Table modules in tables/ define one of these; the store derives the
 * buffer table's schema from it, the virtual table module derives the
 * declared schema (with HIDDEN columns) from it, and docs/tables.md is
 * generated from it, so the three cannot drift apart. */
#pragma once

#include <stdbool.h>

struct row;

enum column_type { COLUMN_INTEGER, COLUMN_TEXT };

struct column_def {
	const char *name;
	enum column_type type;
	bool hidden; /* left out of SELECT *, returned when named */
	const char *description;
};

struct table_def {
	const char *name;
	const char *description;
	const struct column_def *columns;
	unsigned ncolumns;
	/* Event tables buffer rows in the store; both are column indexes. */
	int time_column;
	int eid_column;
	/* Optional: completes a row on the store's writer thread, just before
	 * it is written. For work that may block (such as reading the
	 * filesystem), which must stay off the publishers' reader threads. */
	void (*before_store)(struct row *row);
};

static inline const char *column_type_sql(enum column_type t)
{
	/* osquery's declared types, so .schema reads the same. */
	return t == COLUMN_INTEGER ? "BIGINT" : "TEXT";
}
