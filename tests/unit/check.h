/* Minimal assertions for the unit tests in this directory.
 *
 * Each CHECK* macro evaluates its arguments once, prints file:line and the
 * values that differ when it fails, counts the failure and carries on, so
 * one run reports every broken case. Each returns true when the check
 * passed, so a test can stop early when continuing would crash:
 *
 *	if (!CHECK(rec != NULL))
 *		return;
 *
 * main() ends with `return check_finish();`, which prints a summary line
 * and returns the number of failures (0 on success, capped at 100). Only
 * the C library is used. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct check_totals {
	unsigned checks;
	unsigned failures;
};

static struct check_totals check_totals __attribute__((unused));

static inline bool check_record(bool ok, const char *file, int line, const char *expr)
{
	check_totals.checks++;
	if (ok)
		return true;
	check_totals.failures++;
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
	return false;
}

/* Prints bytes with C escapes, so a mismatch in invisible bytes shows. */
static inline void check_print_bytes(const char *label, const void *p, size_t len)
{
	const unsigned char *s = p;

	fprintf(stderr, "\t%s (%zu bytes): \"", label, len);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' || s[i] == '"')
			fprintf(stderr, "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fprintf(stderr, "\"\n");
}

static inline bool check_eq_int(const char *file, int line, const char *ea, const char *eb,
				long long a, long long b)
{
	char expr[512];

	snprintf(expr, sizeof(expr), "%s == %s", ea, eb);
	if (!check_record(a == b, file, line, expr)) {
		fprintf(stderr, "\tleft:  %lld\n\tright: %lld\n", a, b);
		return false;
	}
	return true;
}

static inline bool check_eq_uint(const char *file, int line, const char *ea, const char *eb,
				 unsigned long long a, unsigned long long b)
{
	char expr[512];

	snprintf(expr, sizeof(expr), "%s == %s", ea, eb);
	if (!check_record(a == b, file, line, expr)) {
		fprintf(stderr, "\tleft:  %llu (0x%llx)\n\tright: %llu (0x%llx)\n", a, a, b, b);
		return false;
	}
	return true;
}

static inline bool check_eq_mem(const char *file, int line, const char *ea, const char *eb,
				const void *a, size_t alen, const void *b, size_t blen)
{
	char expr[512];
	bool ok = alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);

	snprintf(expr, sizeof(expr), "%s == %s", ea, eb);
	if (!check_record(ok, file, line, expr)) {
		check_print_bytes("left ", a, alen);
		check_print_bytes("right", b, blen);
		return false;
	}
	return true;
}

static inline bool check_eq_str(const char *file, int line, const char *ea, const char *eb,
				const char *a, const char *b)
{
	char expr[512];

	if (a && b)
		return check_eq_mem(file, line, ea, eb, a, strlen(a), b, strlen(b));
	snprintf(expr, sizeof(expr), "%s == %s", ea, eb);
	if (!check_record(a == b, file, line, expr)) {
		fprintf(stderr, "\tleft:  %s\n\tright: %s\n", a ? a : "(NULL)", b ? b : "(NULL)");
		return false;
	}
	return true;
}

static inline bool check_contains(const char *file, int line, const char *ea, const char *eb,
				  const char *haystack, const char *needle)
{
	char expr[512];
	bool ok = haystack && needle && strstr(haystack, needle) != NULL;

	snprintf(expr, sizeof(expr), "%s contains %s", ea, eb);
	if (!check_record(ok, file, line, expr)) {
		fprintf(stderr, "\ttext:   %s\n\tneedle: %s\n", haystack ? haystack : "(NULL)",
			needle ? needle : "(NULL)");
		return false;
	}
	return true;
}

/* Prints the summary and returns the failure count for main(), capped at
 * 100 so that an exit status (8 bits) never wraps a failure count to 0. */
static inline int check_finish(void)
{
	fprintf(stderr, "%u checks, %u failed\n", check_totals.checks, check_totals.failures);
	return check_totals.failures < 100 ? (int)check_totals.failures : 100;
}

#define CHECK(cond)	   check_record(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ_INT(a, b) check_eq_int(__FILE__, __LINE__, #a, #b, (long long)(a), (long long)(b))
#define CHECK_EQ_UINT(a, b)                                                                        \
	check_eq_uint(__FILE__, __LINE__, #a, #b, (unsigned long long)(a), (unsigned long long)(b))
#define CHECK_EQ_STR(a, b) check_eq_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_EQ_MEM(a, alen, b, blen)                                                             \
	check_eq_mem(__FILE__, __LINE__, #a, #b, (a), (alen), (b), (blen))
#define CHECK_CONTAINS(haystack, needle)                                                           \
	check_contains(__FILE__, __LINE__, #haystack, #needle, (haystack), (needle))
