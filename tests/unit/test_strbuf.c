/* Unit tests for common/strbuf.c: the buffer is always NUL-terminated after
 * `len` bytes, holds embedded NULs, grows across many appends, formats
 * with sb_printf, truncates only downwards, and hands its text over with
 * sb_detach (a fresh "" when empty, never NULL). */
#include "common/strbuf.h"

#include "check.h"

#include <stdlib.h>

static void test_empty(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;

	CHECK_EQ_STR(sb_str(&sb), "");
	sb_reserve(&sb, 0);
	CHECK(sb.buf != NULL && sb.buf[0] == '\0');
	CHECK_EQ_UINT(sb.len, 0);
	sb_free(&sb);
	CHECK(sb.buf == NULL);
	text = sb_detach(&sb);
	CHECK_EQ_STR(text, "");
	free(text);
}

static void test_append_and_nul(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_append(&sb, "a\0b", 3);
	sb_putc(&sb, '\0');
	sb_puts(&sb, "cd");
	CHECK_EQ_MEM(sb.buf, sb.len, "a\0b\0cd", 6);
	CHECK_EQ_INT(sb.buf[sb.len], '\0');
	sb_append(&sb, NULL, 0);
	CHECK_EQ_UINT(sb.len, 6);
	sb_free(&sb);
}

static void test_growth(void)
{
	struct strbuf sb = STRBUF_INIT;
	bool pattern_ok = true;

	for (int i = 0; i < 10000; i++)
		sb_putc(&sb, (char)('a' + i % 26));
	CHECK_EQ_UINT(sb.len, 10000);
	CHECK(sb.cap > sb.len);
	CHECK_EQ_INT(sb.buf[sb.len], '\0');
	for (int i = 0; i < 10000; i++)
		pattern_ok = pattern_ok && sb.buf[i] == (char)('a' + i % 26);
	CHECK(pattern_ok);
	sb_free(&sb);
}

static void test_printf(void)
{
	struct strbuf sb = STRBUF_INIT;
	char big[300];

	sb_puts(&sb, "x=");
	sb_printf(&sb, "%d,%s,%05.1f", -42, "str", 2.5);
	CHECK_EQ_STR(sb_str(&sb), "x=-42,str,002.5");
	/* An empty expansion appends nothing. */
	sb_printf(&sb, "%s", "");
	CHECK_EQ_UINT(sb.len, strlen("x=-42,str,002.5"));
	/* Output longer than the current capacity. */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_truncate(&sb, 0);
	sb_printf(&sb, "<%s>", big);
	CHECK_EQ_UINT(sb.len, sizeof(big) + 1);
	CHECK_EQ_INT(sb.buf[0], '<');
	CHECK_EQ_INT(sb.buf[sb.len - 1], '>');
	CHECK_EQ_INT(sb.buf[sb.len], '\0');
	sb_free(&sb);
}

static void test_truncate_and_detach(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;

	sb_puts(&sb, "hello world");
	sb_truncate(&sb, 5);
	CHECK_EQ_STR(sb_str(&sb), "hello");
	/* Truncating to a longer length changes nothing. */
	sb_truncate(&sb, 50);
	CHECK_EQ_UINT(sb.len, 5);
	CHECK_EQ_STR(sb_str(&sb), "hello");
	text = sb_detach(&sb);
	CHECK_EQ_STR(text, "hello");
	CHECK(sb.buf == NULL);
	CHECK_EQ_UINT(sb.len, 0);
	CHECK_EQ_UINT(sb.cap, 0);
	free(text);
	/* The emptied buffer is usable again. */
	sb_puts(&sb, "again");
	CHECK_EQ_STR(sb_str(&sb), "again");
	sb_free(&sb);
}

int main(void)
{
	test_empty();
	test_append_and_nul();
	test_growth();
	test_printf();
	test_truncate_and_detach();
	return check_finish();
}
