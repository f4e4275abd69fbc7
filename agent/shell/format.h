/* Output formats of `sysq shell`: pretty tables, JSON, CSV and line mode.
 *
 * Values arrive with their SQLite types and exact bytes. Every format
 * escapes untrusted bytes its own way: JSON with \u escapes (bytes that are
 * not UTF-8 become \udcXX), CSV by RFC 4180 quoting, and terminal formats
 * by \xHH for control and non-UTF-8 bytes, so no value can move the cursor
 * or forge a line. As in osqueryi, JSON values are strings; NULL is null. */
#pragma once

#include "control/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum output_mode { OUTPUT_PRETTY, OUTPUT_JSON, OUTPUT_CSV, OUTPUT_LINE, OUTPUT_LIST };

struct shell_value {
	enum wire_value_type type;
	int64_t i;
	double d;
	const char *s; /* TEXT and BLOB bytes */
	size_t len;
};

struct formatter;

struct formatter *formatter_new(enum output_mode mode, bool headers, FILE *out);
void formatter_free(struct formatter *f);
/* What separates values in list mode ("|" unless set); the caller keeps
 * the string alive. */
void formatter_set_separator(struct formatter *f, const char *sep);

/* One statement's result: columns, then rows, then end. */
void formatter_columns(struct formatter *f, size_t n, const struct shell_value *names);
void formatter_row(struct formatter *f, const struct shell_value *values);
void formatter_end(struct formatter *f);

/* Parses "pretty", "json", "csv", "line" or "list" (values separated by
 * '|', as sqlite3 prints them); returns -1 if unknown. */
int output_mode_parse(const char *name);
