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

void json_append_string(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	sb_reserve(out, len + 2);
	sb_putc(out, '"');
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':
			sb_puts(out, "\\\"");
			i++;
			continue;
		case '\\':
			sb_puts(out, "\\\\");
			i++;
			continue;
		case '\n':
			sb_puts(out, "\\n");
			i++;
			continue;
		case '\r':
			sb_puts(out, "\\r");
			i++;
			continue;
		case '\t':
			sb_puts(out, "\\t");
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			append_hex_byte(out, "\\u00", c);
			i++;
			continue;
		}
		n = utf8_valid_len(p + i, len - i);
		if (n == 0) {
			append_hex_byte(out, "\\udc", c);
			i++;
			continue;
		}
		sb_append(out, p + i, n);
		i += n;
	}
	sb_putc(out, '"');
}

static bool is_shell_safe(unsigned char c)
{
	/* c != 0: strchr would find the terminating NUL. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("_@%+=:,./-", c) != NULL);
}

/* True when every byte is printable ASCII or part of valid UTF-8. */
static bool is_printable_text(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		n = utf8_valid_len(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* Appends text with printable characters and valid UTF-8 kept, newline
 * and tab as \n and \t, other control or invalid bytes as \xHH, and the
 * bytes in `backslashed` preceded by a backslash. */
static void escape_text(struct strbuf *out, const unsigned char *p, size_t len,
			const char *backslashed)
{
	size_t i = 0;

	sb_reserve(out, len);
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c && strchr(backslashed, c)) {
			sb_putc(out, '\\');
			sb_putc(out, (char)c);
			i++;
		} else if (c == '\n') {
			sb_puts(out, "\\n");
			i++;
		} else if (c == '\t') {
			sb_puts(out, "\\t");
			i++;
		} else if (c < 0x20 || c == 0x7f || (n = utf8_valid_len(p + i, len - i)) == 0) {
			append_hex_byte(out, "\\x", c);
			i++;
		} else {
			sb_append(out, p + i, n);
			i += n;
		}
	}
}

void shell_quote_append(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool safe = len > 0;

	for (size_t i = 0; i < len && safe; i++)
		safe = is_shell_safe(p[i]);
	if (safe) {
		sb_append(out, s, len);
		return;
	}
	if (!is_printable_text(p, len)) {
		sb_puts(out, "$'");
		escape_text(out, p, len, "\\'");
		sb_putc(out, '\'');
		return;
	}
	sb_putc(out, '\'');
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\'')
			sb_puts(out, "'\\''");
		else
			sb_putc(out, (char)p[i]);
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
	escape_text(out, (const unsigned char *)s, len, "");
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
