/* fuzz_packed: packed_decode on arbitrary bytes, then a round trip.
 *
 * Why untrusted: the virtual tables decode every row they read from the
 * database file, and a file damaged on disk (or edited by hand) must never
 * make a query read past a BLOB. Whatever packed_decode accepts is packed
 * again with the packer and must decode to the same values, so the two
 * sides cannot drift apart. */
#include "store/packed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 64

static void check_same(const struct packed_value *a, const struct packed_value *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i].kind != b[i].kind)
			abort();
		if (a[i].kind == ROW_INT && a[i].i != b[i].i)
			abort();
		if (a[i].kind == ROW_TEXT &&
		    (a[i].len != b[i].len || memcmp(a[i].text, b[i].text, a[i].len) != 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct packed_value first[MAX_VALUES], again[MAX_VALUES];
	struct strbuf sb = STRBUF_INIT;
	struct packer p;
	/* The first byte picks how many values the reader expects. */
	unsigned max = size ? data[0] % (MAX_VALUES + 1) : 0;
	int n = packed_decode(size ? data + 1 : data, size ? size - 1 : 0, first, max);

	if (n < 0)
		return 0;
	if ((unsigned)n > max)
		abort();
	packer_begin(&p, &sb);
	for (unsigned i = 0; i < max; i++) {
		if (first[i].kind == ROW_INT)
			packer_int(&p, first[i].i);
		else if (first[i].kind == ROW_TEXT)
			packer_text(&p, first[i].text, first[i].len);
		else
			packer_null(&p);
	}
	packer_end(&p);
	if (packed_decode(sb.buf, sb.len, again, max) < 0)
		abort();
	check_same(first, again, (int)max);
	sb_free(&sb);
	return 0;
}
