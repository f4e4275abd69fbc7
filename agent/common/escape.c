/* Escapers for JSON, shell words, C strings, CSV and terminals. */
#include "escape.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t need;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

static void append_hex_byte(struct strbuf *out, const char *prefix, unsigned char c)
{
	sb_puts(out, prefix);
	sb_putc(out, hexdigits[c >> 4]);
	sb_putc(out, hexdigits[c & 0xf]);
}

/* Bytes each escaper must handle one at a time; every other ASCII byte is
 * copied in runs. Bytes >= 0x80 are copied when they form valid UTF-8. */
static const unsigned char json_special[128] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};
static const unsigned char text_special[128] = {
	[0 ... 0x1f] = 1, [0x7f] = 1,
};
static const unsigned char ansi_c_special[128] = {
	[0 ... 0x1f] = 1, ['\\'] = 1, ['\''] = 1, [0x7f] = 1,
};
static const unsigned char shell_safe[128] = {
	['a' ... 'z'] = 1, ['A' ... 'Z'] = 1, ['0' ... '9'] = 1, ['_'] = 1, ['@'] = 1,
	['%'] = 1, ['+'] = 1, ['='] = 1, [':'] = 1, [','] = 1, ['.'] = 1, ['/'] = 1, ['-'] = 1,
};

/* Length of the leading run that needs no escaping under `special`. */
static size_t plain_run(const unsigned char *p, size_t len, const unsigned char special[128])
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] < 0x80) {
			if (special[p[i]])
				break;
			i++;
			continue;
		}
		n = utf8_valid_len(p + i, len - i);
		if (n == 0)
			break;
		i += n;
	}
	return i;
}

static void json_escape_byte(struct strbuf *out, unsigned char c)
{
	switch (c) {
	case '"':
		sb_puts(out, "\\\"");
		break;
	case '\\':
		sb_puts(out, "\\\\");
		break;
	case '\n':
		sb_puts(out, "\\n");
		break;
	case '\r':
		sb_puts(out, "\\r");
		break;
	case '\t':
		sb_puts(out, "\\t");
		break;
	default:
		/* Control characters, DEL, and bytes that are not UTF-8. */
		append_hex_byte(out, c < 0x80 ? "\\u00" : "\\udc", c);
	}
}

void json_append_string(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	sb_reserve(out, len + 2);
	sb_putc(out, '"');
	while (i < len) {
		size_t run = plain_run(p + i, len - i, json_special);

		sb_append(out, p + i, run);
		i += run;
		if (i < len)
			json_escape_byte(out, p[i++]);
	}
	sb_putc(out, '"');
}

/* True when every byte is printable ASCII or part of valid UTF-8. */
static bool is_printable_text(const unsigned char *p, size_t len)
{
	return plain_run(p, len, text_special) == len;
}

/* Appends text with printable characters and valid UTF-8 kept, newline
 * and tab as \n and \t, other bytes marked in `special` as a backslash
 * and the byte when printable, else as \xHH. */
static void escape_text(struct strbuf *out, const unsigned char *p, size_t len,
			const unsigned char special[128])
{
	size_t i = 0;

	sb_reserve(out, len);
	while (i < len) {
		size_t run = plain_run(p + i, len - i, special);
		unsigned char c;

		sb_append(out, p + i, run);
		i += run;
		if (i >= len)
			break;
		c = p[i++];
		if (c == '\n') {
			sb_puts(out, "\\n");
		} else if (c == '\t') {
			sb_puts(out, "\\t");
		} else if (c > 0x20 && c < 0x7f) {
			sb_putc(out, '\\');
			sb_putc(out, (char)c);
		} else {
			append_hex_byte(out, "\\x", c);
		}
	}
}

void shell_quote_append(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool safe = len > 0;
	size_t i = 0;

	for (size_t j = 0; j < len && safe; j++)
		safe = p[j] < 0x80 && shell_safe[p[j]];
	if (safe) {
		sb_append(out, s, len);
		return;
	}
	if (!is_printable_text(p, len)) {
		sb_puts(out, "$'");
		escape_text(out, p, len, ansi_c_special);
		sb_putc(out, '\'');
		return;
	}
	sb_putc(out, '\'');
	while (i < len) {
		const char *quote = memchr(s + i, '\'', len - i);
		size_t run = quote ? (size_t)(quote - (s + i)) : len - i;

		sb_append(out, s + i, run);
		i += run;
		if (quote) {
			sb_puts(out, "'\\''");
			i++;
		}
	}
	sb_putc(out, '\'');
}

void c_escape_append(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_reserve(out, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\\')
			sb_puts(out, "\\\\");
		else if (c == '\n')
			sb_puts(out, "\\n");
		else if (c == '\t')
			sb_puts(out, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			append_hex_byte(out, "\\x", c);
		else
			sb_putc(out, (char)c);
	}
}

void terminal_escape_append(struct strbuf *out, const char *s, size_t len)
{
	escape_text(out, (const unsigned char *)s, len, text_special);
}

void csv_append_field(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool quote = false;
	size_t i = 0;

	for (size_t j = 0; j < len && !quote; j++)
		quote = p[j] == ',' || p[j] == '"' || p[j] == '\n' || p[j] == '\r';
	if (quote)
		sb_putc(out, '"');
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c == '"') {
			sb_puts(out, "\"\"");
			i++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			sb_putc(out, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f || (n = utf8_valid_len(p + i, len - i)) == 0) {
			append_hex_byte(out, "\\x", c);
			i++;
		} else {
			sb_append(out, p + i, n);
			i += n;
		}
	}
	if (quote)
		sb_putc(out, '"');
}
