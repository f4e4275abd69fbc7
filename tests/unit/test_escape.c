/* Unit tests for common/escape.c: UTF-8 validation and the five escapers
 * (JSON, shell words, C strings, CSV fields, terminal text), each fed the
 * bytes an observed process could put in an audit value: quotes,
 * backslashes, control characters, DEL, invalid and overlong UTF-8. */
#include "common/escape.h"

#include "check.h"

typedef void (*escape_fn)(struct strbuf *out, const char *s, size_t len);

/* Runs one escaper on `in` and compares its whole output with `want`. */
static bool check_escape(const char *file, int line, escape_fn fn, const char *in_expr,
			 const char *in, size_t in_len, const char *want, size_t want_len)
{
	struct strbuf out = STRBUF_INIT;
	bool ok;

	fn(&out, in, in_len);
	ok = check_eq_mem(file, line, in_expr, "expected", sb_str(&out), out.len, want, want_len);
	sb_free(&out);
	return ok;
}

/* Both arguments must be string literals; embedded NULs count. */
#define CHECK_ESCAPE(fn, in, want)                                                                 \
	check_escape(__FILE__, __LINE__, fn, #fn "(" #in ")", in, sizeof(in) - 1, want,            \
		     sizeof(want) - 1)

#define UTF8_LEN(lit) utf8_valid_len((const unsigned char *)(lit), sizeof(lit) - 1)

static void test_utf8_valid(void)
{
	CHECK_EQ_INT(UTF8_LEN("A"), 1);
	CHECK_EQ_INT(UTF8_LEN("\x7f"), 1);
	CHECK_EQ_INT(UTF8_LEN("\xc2\x80"), 2);	       /* U+0080, smallest 2-byte */
	CHECK_EQ_INT(UTF8_LEN("\xc3\xa9"), 2);	       /* é */
	CHECK_EQ_INT(UTF8_LEN("\xdf\xbf"), 2);	       /* U+07FF */
	CHECK_EQ_INT(UTF8_LEN("\xe0\xa0\x80"), 3);     /* U+0800, smallest 3-byte */
	CHECK_EQ_INT(UTF8_LEN("\xe2\x82\xac"), 3);     /* € */
	CHECK_EQ_INT(UTF8_LEN("\xed\x9f\xbf"), 3);     /* U+D7FF, just below surrogates */
	CHECK_EQ_INT(UTF8_LEN("\xee\x80\x80"), 3);     /* U+E000, just above them */
	CHECK_EQ_INT(UTF8_LEN("\xf0\x90\x80\x80"), 4); /* U+10000, smallest 4-byte */
	CHECK_EQ_INT(UTF8_LEN("\xf0\x9f\x98\x80"), 4); /* emoji */
	CHECK_EQ_INT(UTF8_LEN("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF, the last code point */
	/* Only the first character counts. */
	CHECK_EQ_INT(UTF8_LEN("\xc3\xa9zz"), 2);
}

static void test_utf8_invalid(void)
{
	CHECK_EQ_INT(UTF8_LEN("\x80"), 0); /* lone continuation byte */
	CHECK_EQ_INT(UTF8_LEN("\xbf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xff"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xfe"), 0);
	/* Overlong forms of '/' and of U+07FF, U+FFFF. */
	CHECK_EQ_INT(UTF8_LEN("\xc0\xaf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xc1\xbf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xe0\x80\xaf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xe0\x9f\xbf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf0\x80\x80\xaf"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf0\x8f\xbf\xbf"), 0);
	/* UTF-16 surrogates U+D800 and U+DFFF. */
	CHECK_EQ_INT(UTF8_LEN("\xed\xa0\x80"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xed\xbf\xbf"), 0);
	/* Past U+10FFFF. */
	CHECK_EQ_INT(UTF8_LEN("\xf4\x90\x80\x80"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf5\x80\x80\x80"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf7\xbf\xbf\xbf"), 0);
	/* Truncated sequences, and a continuation that is not one. */
	CHECK_EQ_INT(UTF8_LEN("\xc3"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xe2\x82"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf0\x9f\x98"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xc3\x28"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xe2\x28\xac"), 0);
	CHECK_EQ_INT(UTF8_LEN("\xf0\x9f\x98\x28"), 0);
	/* `len` bounds the read even when more bytes follow in memory. */
	CHECK_EQ_INT(utf8_valid_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
}

static void test_json(void)
{
	CHECK_ESCAPE(json_append_string, "", "\"\"");
	CHECK_ESCAPE(json_append_string, "ls -l", "\"ls -l\"");
	CHECK_ESCAPE(json_append_string, "a\"b\\c", "\"a\\\"b\\\\c\"");
	CHECK_ESCAPE(json_append_string, "\n\r\t", "\"\\n\\r\\t\"");
	CHECK_ESCAPE(json_append_string, "\x01\x1f", "\"\\u0001\\u001f\"");
	CHECK_ESCAPE(json_append_string, "a\0b", "\"a\\u0000b\"");
	CHECK_ESCAPE(json_append_string, "\x7f", "\"\\u007f\"");
	CHECK_ESCAPE(json_append_string, "\x1b[31m", "\"\\u001b[31m\"");
	/* Invalid bytes become \udcXX, one per byte, so they can be recovered. */
	CHECK_ESCAPE(json_append_string, "\xff", "\"\\udcff\"");
	CHECK_ESCAPE(json_append_string, "a\xc3", "\"a\\udcc3\"");
	CHECK_ESCAPE(json_append_string, "\xc0\xaf", "\"\\udcc0\\udcaf\"");
	CHECK_ESCAPE(json_append_string, "\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"");
	/* Valid UTF-8 is kept as is, also right after an invalid byte. */
	CHECK_ESCAPE(json_append_string, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_ESCAPE(json_append_string, "\xff\xc3\xa9", "\"\\udcff\xc3\xa9\"");
}

static void test_json_appends(void)
{
	struct strbuf out = STRBUF_INIT;

	sb_puts(&out, "{\"k\":");
	json_append_string(&out, "v", 1);
	sb_putc(&out, '}');
	CHECK_EQ_STR(sb_str(&out), "{\"k\":\"v\"}");
	sb_free(&out);
}

static void test_shell_bare_and_single_quoted(void)
{
	CHECK_ESCAPE(shell_quote_append, "ls", "ls");
	CHECK_ESCAPE(shell_quote_append, "/usr/bin/x-y_z.1", "/usr/bin/x-y_z.1");
	CHECK_ESCAPE(shell_quote_append, "a=b,c:d@e%f+g", "a=b,c:d@e%f+g");
	CHECK_ESCAPE(shell_quote_append, "", "''");
	CHECK_ESCAPE(shell_quote_append, "a b", "'a b'");
	CHECK_ESCAPE(shell_quote_append, "it's", "'it'\\''s'");
	CHECK_ESCAPE(shell_quote_append, "'", "''\\'''");
	/* Shell metacharacters are quoted, never expanded. */
	CHECK_ESCAPE(shell_quote_append, "$HOME", "'$HOME'");
	CHECK_ESCAPE(shell_quote_append, "*", "'*'");
	CHECK_ESCAPE(shell_quote_append, "a;b|c&d", "'a;b|c&d'");
	CHECK_ESCAPE(shell_quote_append, "`id`", "'`id`'");
	CHECK_ESCAPE(shell_quote_append, "a\\b", "'a\\b'");
	CHECK_ESCAPE(shell_quote_append, "~", "'~'");
	/* Printable UTF-8 is not shell-safe but needs no $'...'. */
	CHECK_ESCAPE(shell_quote_append, "caf\xc3\xa9", "'caf\xc3\xa9'");
}

static void test_shell_ansi_c(void)
{
	CHECK_ESCAPE(shell_quote_append, "a\nb", "$'a\\nb'");
	CHECK_ESCAPE(shell_quote_append, "a\tb", "$'a\\tb'");
	CHECK_ESCAPE(shell_quote_append, "\xff", "$'\\xff'");
	CHECK_ESCAPE(shell_quote_append, "a\0b", "$'a\\x00b'");
	CHECK_ESCAPE(shell_quote_append, "\x7f", "$'\\x7f'");
	CHECK_ESCAPE(shell_quote_append, "\x1b[0m", "$'\\x1b[0m'");
	CHECK_ESCAPE(shell_quote_append, "\r", "$'\\x0d'");
	/* Inside $'...', backslash and quote are escaped, UTF-8 is kept. */
	CHECK_ESCAPE(shell_quote_append, "it's\n", "$'it\\'s\\n'");
	CHECK_ESCAPE(shell_quote_append, "a\\b\n", "$'a\\\\b\\n'");
	CHECK_ESCAPE(shell_quote_append, "\xc3\xa9\n", "$'\xc3\xa9\\n'");
	CHECK_ESCAPE(shell_quote_append, "\xc3\xa9\xc3", "$'\xc3\xa9\\xc3'");
}

static void test_c_escape(void)
{
	CHECK_ESCAPE(c_escape_append, "", "");
	CHECK_ESCAPE(c_escape_append, "abc xyz=1 \"q\" 'r'", "abc xyz=1 \"q\" 'r'");
	CHECK_ESCAPE(c_escape_append, "a\\b", "a\\\\b");
	CHECK_ESCAPE(c_escape_append, "\n\t", "\\n\\t");
	CHECK_ESCAPE(c_escape_append, "\r", "\\x0d");
	CHECK_ESCAPE(c_escape_append, "\0", "\\x00");
	CHECK_ESCAPE(c_escape_append, "\x1f", "\\x1f");
	CHECK_ESCAPE(c_escape_append, "~\x7f", "~\\x7f");
	CHECK_ESCAPE(c_escape_append, "\xff", "\\xff");
	/* Raw lines are pure ASCII: even valid UTF-8 is escaped. */
	CHECK_ESCAPE(c_escape_append, "\xc3\xa9", "\\xc3\\xa9");
}

static void test_csv(void)
{
	CHECK_ESCAPE(csv_append_field, "", "");
	CHECK_ESCAPE(csv_append_field, "plain text", "plain text");
	CHECK_ESCAPE(csv_append_field, "a,b", "\"a,b\"");
	CHECK_ESCAPE(csv_append_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
	CHECK_ESCAPE(csv_append_field, "\"", "\"\"\"\"");
	CHECK_ESCAPE(csv_append_field, "a\nb", "\"a\nb\"");
	CHECK_ESCAPE(csv_append_field, "a\rb", "\"a\rb\"");
	/* A tab is kept and does not need quotes. */
	CHECK_ESCAPE(csv_append_field, "a\tb", "a\tb");
	CHECK_ESCAPE(csv_append_field, "\x01", "\\x01");
	CHECK_ESCAPE(csv_append_field, "\x1b[2J", "\\x1b[2J");
	CHECK_ESCAPE(csv_append_field, "\x7f", "\\x7f");
	CHECK_ESCAPE(csv_append_field, "\xff", "\\xff");
	CHECK_ESCAPE(csv_append_field, "\xc3\xa9", "\xc3\xa9");
	CHECK_ESCAPE(csv_append_field, "\x1b,", "\"\\x1b,\"");
}

static void test_terminal(void)
{
	CHECK_ESCAPE(terminal_escape_append, "", "");
	CHECK_ESCAPE(terminal_escape_append, "h\xc3\xa9llo \xe2\x82\xac",
		     "h\xc3\xa9llo \xe2\x82\xac");
	CHECK_ESCAPE(terminal_escape_append, "\x1b[31mred", "\\x1b[31mred");
	CHECK_ESCAPE(terminal_escape_append, "a\nb\tc", "a\\nb\\tc");
	CHECK_ESCAPE(terminal_escape_append, "\r", "\\x0d");
	CHECK_ESCAPE(terminal_escape_append, "\0", "\\x00");
	CHECK_ESCAPE(terminal_escape_append, "\x7f", "\\x7f");
	CHECK_ESCAPE(terminal_escape_append, "\xff\xfe", "\\xff\\xfe");
	CHECK_ESCAPE(terminal_escape_append, "\xed\xa0\x80", "\\xed\\xa0\\x80");
	/* Quotes and backslashes are harmless on a terminal. */
	CHECK_ESCAPE(terminal_escape_append, "\"a\\b'", "\"a\\b'");
}

int main(void)
{
	test_utf8_valid();
	test_utf8_invalid();
	test_json();
	test_json_appends();
	test_shell_bare_and_single_quoted();
	test_shell_ansi_c();
	test_c_escape();
	test_csv();
	test_terminal();
	return check_finish();
}
