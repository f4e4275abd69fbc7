/* SHA-1 as FIPS 180-4 section 6.1 describes it (sha1.h). */
#include "sha1.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct sha1 {
	uint32_t h[5];
	uint8_t block[64];
	size_t used;	/* bytes in block */
	uint64_t total; /* bytes hashed */
};

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

/* f_t and K_t of the four rounds of twenty steps. */
static uint32_t round_f(int t, uint32_t b, uint32_t c, uint32_t d, uint32_t *k)
{
	if (t < 20) {
		*k = 0x5a827999;
		return (b & c) | (~b & d);
	}
	if (t < 40) {
		*k = 0x6ed9eba1;
		return b ^ c ^ d;
	}
	if (t < 60) {
		*k = 0x8f1bbcdc;
		return (b & c) | (b & d) | (c & d);
	}
	*k = 0xca62c1d6;
	return b ^ c ^ d;
}

static void compress(struct sha1 *s)
{
	uint32_t w[80], v[5], k, f, tmp;

	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)s->block[4 * t] << 24 | (uint32_t)s->block[4 * t + 1] << 16 |
		       (uint32_t)s->block[4 * t + 2] << 8 | s->block[4 * t + 3];
	for (int t = 16; t < 80; t++)
		w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	memcpy(v, s->h, sizeof(v));
	for (int t = 0; t < 80; t++) {
		f = round_f(t, v[1], v[2], v[3], &k);
		tmp = rol(v[0], 5) + f + v[4] + k + w[t];
		v[4] = v[3];
		v[3] = v[2];
		v[2] = rol(v[1], 30);
		v[1] = v[0];
		v[0] = tmp;
	}
	for (int i = 0; i < 5; i++)
		s->h[i] += v[i];
	s->used = 0;
}

static void update(struct sha1 *s, const uint8_t *p, size_t len)
{
	s->total += len;
	while (len > 0) {
		size_t n = sizeof(s->block) - s->used;

		if (n > len)
			n = len;
		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == sizeof(s->block))
			compress(s);
	}
}

/* Padding: 0x80, zeros, then the message length in bits, big-endian, so
 * the whole is a multiple of 64 bytes. */
static void finish(struct sha1 *s)
{
	uint64_t bits = s->total * 8;
	uint8_t len[8];

	s->block[s->used++] = 0x80;
	if (s->used > 56) {
		memset(s->block + s->used, 0, sizeof(s->block) - s->used);
		compress(s);
	}
	memset(s->block + s->used, 0, 56 - s->used);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	memcpy(s->block + 56, len, sizeof(len));
	compress(s);
}

void sha1_hex(const void *data, size_t len, char out[SHA1_HEX_LEN + 1])
{
	struct sha1 s = {.h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}};

	update(&s, data, len);
	finish(&s);
	for (int i = 0; i < 5; i++)
		snprintf(out + 8 * i, 9, "%08x", s.h[i]);
}
