/* A growable byte buffer, always NUL-terminated after `len` bytes.
 *
 * Used wherever text is built: decoded audit values, SQL, JSON and output
 * lines. It may hold NUL bytes; `len` is authoritative. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

void sb_reserve(struct strbuf *sb, size_t extra);
void sb_append(struct strbuf *sb, const void *data, size_t len);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_truncate(struct strbuf *sb, size_t len);
/* Returns the text ("" when empty, never NULL). */
const char *sb_str(const struct strbuf *sb);
/* Hands the buffer to the caller and leaves `sb` empty. */
char *sb_detach(struct strbuf *sb);
void sb_free(struct strbuf *sb);
