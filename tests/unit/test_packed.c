/* Unit tests for store/packed.c: every value kind round-trips exactly
 * (integers at the varint and zigzag boundaries, text with NUL and
 * non-UTF-8 bytes, empty text, NULL), trailing NULLs are left out and read
 * back as NULL, rows encode by their layout (eid and time left out), and
 * every malformed blob is refused: too many values, a varint or text
 * running past the end, an 11-byte varint. */
#include "store/packed.h"

#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

static void test_ints_round_trip(void)
{
	static const int64_t values[] = {0,	 1,	    -1,	       63,	  64,	 -64,
					 -65,	 127,	    128,       16383,	  16384, 4294967295LL,
					 -4294967296LL, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	enum { N = sizeof(values) / sizeof(values[0]) };
	struct strbuf sb = STRBUF_INIT;
	struct packed_value out[N];
	struct packer p;

	packer_begin(&p, &sb);
	for (unsigned i = 0; i < N; i++)
		packer_int(&p, values[i]);
	packer_end(&p);
	if (CHECK_EQ_INT(packed_decode(sb.buf, sb.len, out, N), N)) {
		for (unsigned i = 0; i < N; i++) {
			CHECK_EQ_INT(out[i].kind, ROW_INT);
			CHECK_EQ_INT(out[i].i, values[i]);
		}
	}
	sb_free(&sb);
}

static void test_text_and_nulls(void)
{
	static const char bytes[] = {'a', 0, (char)0xff, '\n', 'z'};
	char long_text[300];
	struct strbuf sb = STRBUF_INIT;
	struct packed_value out[8];
	struct packer p;
	size_t before_nulls;

	memset(long_text, 'L', sizeof(long_text));
	packer_begin(&p, &sb);
	packer_null(&p);
	packer_text(&p, bytes, sizeof(bytes));
	packer_text(&p, "", 0);
	packer_text(&p, long_text, sizeof(long_text)); /* a 2-byte length */
	before_nulls = sb.len;
	packer_null(&p);
	packer_null(&p);
	packer_end(&p);
	CHECK_EQ_UINT(sb.len, before_nulls); /* trailing NULLs left out */
	if (CHECK_EQ_INT(packed_decode(sb.buf, sb.len, out, 8), 4)) {
		CHECK_EQ_INT(out[0].kind, ROW_NULL);
		CHECK_EQ_INT(out[1].kind, ROW_TEXT);
		CHECK_EQ_MEM(out[1].text, out[1].len, bytes, sizeof(bytes));
		CHECK_EQ_INT(out[2].kind, ROW_TEXT);
		CHECK_EQ_UINT(out[2].len, 0);
		CHECK_EQ_MEM(out[3].text, out[3].len, long_text, sizeof(long_text));
		for (unsigned i = 4; i < 8; i++)
			CHECK_EQ_INT(out[i].kind, ROW_NULL);
	}
	/* Nothing at all: every value NULL. */
	CHECK_EQ_INT(packed_decode("", 0, out, 8), 0);
	CHECK_EQ_INT(out[0].kind, ROW_NULL);
	sb_free(&sb);
}

enum { C_NAME, C_TIME, C_PID, C_EID, C_NOTE, NCOLS };

static const struct column_def columns[NCOLS] = {
	[C_NAME] = {"name", COLUMN_TEXT, false, ""},   [C_TIME] = {"time", COLUMN_INTEGER, false, ""},
	[C_PID] = {"pid", COLUMN_INTEGER, false, ""},  [C_EID] = {"eid", COLUMN_TEXT, true, ""},
	[C_NOTE] = {"note", COLUMN_TEXT, false, ""},
};

static const struct table_def def = {.name = "t", .columns = columns, .ncolumns = NCOLS,
				     .time_column = C_TIME, .eid_column = C_EID};

static void test_row_by_layout(void)
{
	struct packed_layout l;
	struct strbuf sb = STRBUF_INIT;
	struct packed_value out[3];
	struct row *row = row_new(NULL, NCOLS);
	char *names;

	packed_layout_init(&l, &def);
	names = packed_layout_names(&l, &def);
	CHECK_EQ_STR(names, "name,pid,note");
	row_set_str(row, C_NAME, "x");
	row_set_int(row, C_TIME, 99);
	row_set_int(row, C_PID, -7);
	packed_encode_row(row, &l, &sb);
	if (CHECK_EQ_INT(packed_decode(sb.buf, sb.len, out, 3), 2)) {
		CHECK_EQ_MEM(out[0].text, out[0].len, "x", 1);
		CHECK_EQ_INT(out[1].i, -7);
		CHECK_EQ_INT(out[2].kind, ROW_NULL);
	}
	free(names);
	row_free(row);
	packed_layout_free(&l);
	sb_free(&sb);
}

static void check_malformed(const char *file, int line, const void *blob, size_t size,
			    unsigned max)
{
	struct packed_value out[4];

	check_eq_int(file, line, "packed_decode", "-EINVAL", packed_decode(blob, size, out, max),
		     -EINVAL);
}

#define CHECK_MALFORMED(blob, max) check_malformed(__FILE__, __LINE__, blob, sizeof(blob) - 1, max)

static void test_malformed(void)
{
	CHECK_MALFORMED("\x00\x00\x00", 2);		 /* three values, two asked for */
	CHECK_MALFORMED("\x01", 4);			 /* an integer with no varint */
	CHECK_MALFORMED("\x01\x80", 4);			 /* a varint that never ends */
	CHECK_MALFORMED("\x05" "ab", 4);		 /* text of 3 bytes, 2 there */
	CHECK_MALFORMED("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 4); /* 11 bytes */
	CHECK_MALFORMED("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 4); /* past 64 bits */
	CHECK_MALFORMED("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 4);   /* huge text length */
}

int main(void)
{
	test_ints_round_trip();
	test_text_and_nulls();
	test_row_by_layout();
	test_malformed();
	return check_finish();
}
