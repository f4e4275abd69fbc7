/* Allocation helpers that abort on exhaustion.
 *
 * The agent cannot do anything useful once malloc fails, and checking every
 * small allocation would bury the real error paths, so these print one line
 * and abort. Sizes that come from untrusted input must be bounded by the
 * caller before they get here. */
#pragma once

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling. */
void *xgrow(void *ptr, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
