/* Unit tests for common/sha1.c: FIPS 180's examples, the lengths around
 * the padding's block boundary (55, 56, 63, 64 bytes) and a million
 * bytes, against digests from coreutils' sha1sum. */
#include "common/sha1.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

static void check_digest(const char *text, size_t len, const char *want)
{
	char got[SHA1_HEX_LEN + 1];

	sha1_hex(text, len, got);
	CHECK_EQ_STR(got, want);
}

static void test_fips_examples(void)
{
	check_digest("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	check_digest("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		     "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

static void test_block_boundaries(void)
{
	static const struct {
		size_t len;
		const char *want;
	} cases[] = {
		{55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
		{56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
		{63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
		{64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
	};
	char buf[64];

	memset(buf, 'a', sizeof(buf));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_digest(buf, cases[i].len, cases[i].want);
}

static void test_million(void)
{
	char *buf = malloc(1000000);

	memset(buf, 'a', 1000000);
	check_digest(buf, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(buf);
}

int main(void)
{
	test_fips_examples();
	test_block_boundaries();
	test_million();
	return check_finish();
}
