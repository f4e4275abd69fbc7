/* Unit tests for audit/rules.c without the kernel: audit_rule_build (one
 * exit rule per ABI, syscall mask bits, arch field first, key in buf, NULL
 * when the ABI has none of the syscalls) and audit_rule_has_key on built,
 * multi-key, look-alike, hand-made and truncated or garbage rules, as the
 * kernel's rule list could hand them over. */
#include "audit/rules.h"

#include "check.h"

#include <stdint.h>
#include <stdlib.h>

static unsigned count_mask_bits(const struct audit_rule_data *r)
{
	unsigned n = 0;

	for (int w = 0; w < AUDIT_BITMASK_SIZE; w++)
		n += (unsigned)__builtin_popcount(r->mask[w]);
	return n;
}

static bool mask_has(const struct audit_rule_data *r, int nr)
{
	return (r->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr)) != 0;
}

static void check_built_rule(const struct audit_abi *abi, const bool want[AUDIT_SYSCALL_COUNT])
{
	size_t len = 12345;
	struct audit_rule_data *r = audit_rule_build(abi, want, SYSQ_RULE_KEY, &len);
	unsigned expected_bits = 0;

	if (!CHECK(r != NULL))
		return;
	CHECK_EQ_UINT(len, sizeof(*r) + strlen(SYSQ_RULE_KEY));
	CHECK_EQ_UINT(r->flags, AUDIT_FILTER_EXIT);
	CHECK_EQ_UINT(r->action, AUDIT_ALWAYS);
	for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
		int nr = abi->nr[s];

		if (nr < 0)
			continue;
		if (want[s])
			expected_bits++;
		if (!CHECK_EQ_INT(mask_has(r, nr), want[s]))
			fprintf(stderr, "\t%s %s (nr %d)\n", abi->rule_name,
				audit_syscall_name((enum audit_syscall)s), nr);
	}
	CHECK_EQ_UINT(count_mask_bits(r), expected_bits);
	/* The arch comes first: the kernel reads the mask for that arch. */
	CHECK_EQ_UINT(r->field_count, 2);
	CHECK_EQ_UINT(r->fields[0], AUDIT_ARCH);
	CHECK_EQ_UINT(r->values[0], abi->arch);
	CHECK_EQ_UINT(r->fieldflags[0], AUDIT_EQUAL);
	CHECK_EQ_UINT(r->fields[1], AUDIT_FILTERKEY);
	CHECK_EQ_UINT(r->values[1], strlen(SYSQ_RULE_KEY));
	CHECK_EQ_UINT(r->fieldflags[1], AUDIT_EQUAL);
	CHECK_EQ_UINT(r->buflen, strlen(SYSQ_RULE_KEY));
	CHECK_EQ_MEM(r->buf, r->buflen, SYSQ_RULE_KEY, strlen(SYSQ_RULE_KEY));
	free(r);
}

static void test_build(void)
{
	bool want[AUDIT_SYSCALL_COUNT] = {false};

	want[AUDIT_SYSCALL_execve] = true;
	want[AUDIT_SYSCALL_execveat] = true;
	want[AUDIT_SYSCALL_connect] = true;
	want[AUDIT_SYSCALL_accept4] = true;
	for (int a = 0; a < AUDIT_ABI_COUNT; a++)
		check_built_rule(&audit_abis[a], want);
	for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++)
		want[s] = true;
	for (int a = 0; a < AUDIT_ABI_COUNT; a++)
		check_built_rule(&audit_abis[a], want);
}

static void test_build_none(void)
{
	bool want[AUDIT_SYSCALL_COUNT] = {false};
	bool found = false;

	for (int a = 0; a < AUDIT_ABI_COUNT; a++) {
		size_t len = 12345;

		CHECK(audit_rule_build(&audit_abis[a], want, SYSQ_RULE_KEY, &len) == NULL);
		CHECK_EQ_UINT(len, 0);
	}
	/* A syscall an ABI lacks (accept on i386, fork on aarch64) gives
	 * that ABI no rule at all. */
	for (int a = 0; a < AUDIT_ABI_COUNT; a++) {
		for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
			size_t len = 12345;

			if (audit_abis[a].nr[s] >= 0)
				continue;
			found = true;
			want[s] = true;
			CHECK(audit_rule_build(&audit_abis[a], want, SYSQ_RULE_KEY, &len) == NULL);
			CHECK_EQ_UINT(len, 0);
			want[s] = false;
		}
	}
	CHECK(found);
}

static bool built_has_key(const char *rule_key, const char *key)
{
	bool want[AUDIT_SYSCALL_COUNT] = {false};
	struct audit_rule_data *r;
	size_t len;
	bool has;

	want[AUDIT_SYSCALL_execve] = true;
	r = audit_rule_build(&audit_abis[0], want, rule_key, &len);
	if (!r)
		abort();
	has = audit_rule_has_key(r, len, key);
	free(r);
	return has;
}

static void test_has_key(void)
{
	CHECK(built_has_key("sysq", "sysq"));
	CHECK(!built_has_key("sysq", "sys"));
	CHECK(!built_has_key("sysq", "sysqx"));
	CHECK(!built_has_key("sysq", ""));
	CHECK(!built_has_key("sysqx", "sysq"));
	CHECK(!built_has_key("xsysq", "sysq"));
	/* auditctl joins several -k keys with \x01. */
	CHECK(built_has_key("a\x01sysq\x01" "b", "sysq"));
	CHECK(built_has_key("a\x01sysq\x01" "b", "a"));
	CHECK(built_has_key("a\x01sysq\x01" "b", "b"));
	CHECK(built_has_key("sysq\x01other", "sysq"));
	CHECK(built_has_key("other\x01sysq", "sysq"));
	CHECK(!built_has_key("a\x01sysqx\x01" "b", "sysq"));
	CHECK(!built_has_key("a\x01sysq\x01" "b", "x"));
}

/* A rule as the kernel lists it: fields with their values, string values
 * packed in buf in field order. */
static struct audit_rule_data *make_rule(const uint32_t *fields, const uint32_t *values,
					 unsigned n, const char *buf, size_t *len)
{
	size_t buflen = strlen(buf);
	struct audit_rule_data *r;

	*len = sizeof(*r) + buflen;
	r = calloc(1, *len);
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	r->field_count = n;
	for (unsigned i = 0; i < n; i++) {
		r->fields[i] = fields[i];
		r->values[i] = values[i];
		r->fieldflags[i] = AUDIT_EQUAL;
	}
	r->buflen = (uint32_t)buflen;
	memcpy(r->buf, buf, buflen);
	return r;
}

/* The key is found after other string fields, and only in a key field. */
static void test_has_key_after_other_strings(void)
{
	const uint32_t fields[] = {AUDIT_ARCH, AUDIT_WATCH, AUDIT_FILTERKEY};
	const uint32_t values[] = {audit_abis[0].arch, 5, 4};
	struct audit_rule_data *r;
	size_t len;

	r = make_rule(fields, values, 3, "/sysqnope", &len);
	CHECK(!audit_rule_has_key(r, len, "sysq"));
	CHECK(audit_rule_has_key(r, len, "nope"));
	free(r);
	r = make_rule(fields, values, 3, "/nopesysq", &len);
	CHECK(audit_rule_has_key(r, len, "sysq"));
	free(r);
}

static void test_has_key_truncated(void)
{
	const uint32_t fields[] = {AUDIT_ARCH, AUDIT_FILTERKEY};
	uint32_t values[] = {audit_abis[0].arch, 4};
	struct audit_rule_data *r;
	size_t len;

	r = make_rule(fields, values, 2, "sysq", &len);
	CHECK(audit_rule_has_key(r, len, "sysq"));
	/* buf runs past the message. */
	CHECK(!audit_rule_has_key(r, len - 1, "sysq"));
	/* Shorter than the fixed part. */
	CHECK(!audit_rule_has_key(r, sizeof(*r) - 1, "sysq"));
	CHECK(!audit_rule_has_key(r, 0, "sysq"));
	/* A key length past buflen. */
	r->values[1] = 5;
	CHECK(!audit_rule_has_key(r, len, "sysq"));
	r->values[1] = UINT32_MAX;
	CHECK(!audit_rule_has_key(r, len, "sysq"));
	r->values[1] = 4;
	/* More fields than a rule can have. */
	r->field_count = AUDIT_MAX_FIELDS + 1;
	CHECK(!audit_rule_has_key(r, len, "sysq"));
	r->field_count = UINT32_MAX;
	CHECK(!audit_rule_has_key(r, len, "sysq"));
	free(r);
}

static uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Random rules, each in a buffer of exactly `len` bytes so ASan sees any
 * read past it. Their text is ASCII and the key is not, so no rule may
 * match. */
static void test_has_key_garbage(void)
{
	static const uint32_t kinds[] = {AUDIT_ARCH, AUDIT_FILTERKEY, AUDIT_WATCH,
					 AUDIT_DIR,  AUDIT_EXE,	      AUDIT_PID};
	uint64_t state = 0x9e3779b97f4a7c15ull;
	unsigned matched = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t extra = rng_next(&state) % 64;
		size_t len = sizeof(struct audit_rule_data) + extra;
		struct audit_rule_data *r = malloc(len);
		unsigned char *bytes = (unsigned char *)r;

		for (size_t i = 0; i < len; i++)
			bytes[i] = (unsigned char)(rng_next(&state) & 0x7f);
		r->field_count = (uint32_t)(rng_next(&state) % (AUDIT_MAX_FIELDS + 8));
		for (unsigned i = 0; i < AUDIT_MAX_FIELDS; i++) {
			r->fields[i] = kinds[rng_next(&state) % 6];
			r->values[i] = (uint32_t)(rng_next(&state) % 24);
		}
		r->buflen = (uint32_t)(rng_next(&state) % (extra + 8));
		if (audit_rule_has_key(r, len, "\xff\xfe"))
			matched++;
		free(r);
	}
	CHECK_EQ_UINT(matched, 0);
}

int main(void)
{
	test_build();
	test_build_none();
	test_has_key();
	test_has_key_after_other_strings();
	test_has_key_truncated();
	test_has_key_garbage();
	return check_finish();
}
