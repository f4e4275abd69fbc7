/* Escaping of untrusted bytes for every output sysq produces.
 *
 * Audit values come from processes under observation, so they may hold any
 * byte: newlines that would forge log lines, quotes that would break JSON,
 * bytes that are not UTF-8. Each output format has one escaper here and
 * every writer goes through it. */
#pragma once

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at `s` (1-4), or 0 if the bytes there
 * are not valid UTF-8 (overlong forms, surrogates and truncation included). */
size_t utf8_valid_len(const unsigned char *s, size_t len);

/* Appends a JSON string literal, quotes included. Control characters are
 * escaped; a byte that is not part of valid UTF-8 becomes \udcXX (the
 * "surrogateescape" convention), so the original bytes can be recovered. */
void json_append_string(struct strbuf *out, const char *s, size_t len);

/* Appends one argument quoted for a POSIX shell, so that argv boundaries
 * survive in a flat command line. Safe words stay bare; words with spaces or
 * quotes become '...'; words with control or non-UTF-8 bytes become $'...'
 * with \n, \t, \\, \' and \xHH escapes. */
void shell_quote_append(struct strbuf *out, const char *s, size_t len);

/* Appends bytes with C-style escapes: printable ASCII stays, a backslash is
 * doubled, anything else becomes \n, \t or \xHH. Used for raw audit lines. */
void c_escape_append(struct strbuf *out, const char *s, size_t len);

/* Appends a CSV field (RFC 4180): quoted when it holds a comma, quote, CR
 * or LF; inner quotes doubled. Control bytes other than CR/LF/TAB and
 * invalid UTF-8 are written as \xHH so a terminal never receives them. */
void csv_append_field(struct strbuf *out, const char *s, size_t len);

/* Appends text for a terminal: valid UTF-8 and printable characters stay,
 * control characters and invalid bytes become \xHH, \n or \t. */
void terminal_escape_append(struct strbuf *out, const char *s, size_t len);
