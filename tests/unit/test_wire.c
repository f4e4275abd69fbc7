/* Unit tests for control/wire.c: frames written with frame_append and
 * wire_write_all and read back with frame_read over a socketpair (exact
 * bytes, NULs, empty payloads, buffer reuse), -EPIPE at a clean end of
 * stream, -ECONNRESET inside a frame, -EPROTO for an oversized length, and
 * the wire_get_* readers, which must fail rather than read past the end. */
#include "control/wire.h"

#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static bool make_pair(int fds[2])
{
	return CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
}

static void test_frame_bytes(void)
{
	static const unsigned char want[] = {'Q', 0, 0, 0, 8, /* kind, length 8 */
					     'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'};
	struct strbuf out = STRBUF_INIT;

	frame_append(&out, FRAME_QUERY, "SELECT 1", 8);
	CHECK_EQ_MEM(out.buf, out.len, want, sizeof(want));
	sb_free(&out);
}

static void test_frames_over_socket(void)
{
	static const char binary[] = "a\0b\xff\n";
	struct strbuf out = STRBUF_INIT, payload = STRBUF_INIT, done = STRBUF_INIT;
	int fds[2];
	char kind = 0;

	if (!make_pair(fds))
		return;
	wire_put_u64(&done, 1234567890123ull);
	frame_append(&out, FRAME_QUERY, "SELECT 1", 8);
	frame_append(&out, FRAME_ROW, binary, sizeof(binary) - 1);
	frame_append(&out, FRAME_ERROR, "", 0);
	frame_append(&out, FRAME_DONE, done.buf, done.len);
	CHECK_EQ_INT(wire_write_all(fds[0], out.buf, out.len), 0);
	close(fds[0]);

	CHECK_EQ_INT(frame_read(fds[1], &kind, &payload), 0);
	CHECK_EQ_INT(kind, FRAME_QUERY);
	CHECK_EQ_STR(sb_str(&payload), "SELECT 1");
	CHECK_EQ_INT(frame_read(fds[1], &kind, &payload), 0);
	CHECK_EQ_INT(kind, FRAME_ROW);
	CHECK_EQ_MEM(payload.buf, payload.len, binary, sizeof(binary) - 1);
	/* The buffer is reused: a shorter frame leaves nothing behind. */
	CHECK_EQ_INT(frame_read(fds[1], &kind, &payload), 0);
	CHECK_EQ_INT(kind, FRAME_ERROR);
	CHECK_EQ_UINT(payload.len, 0);
	CHECK_EQ_STR(sb_str(&payload), "");
	CHECK_EQ_INT(frame_read(fds[1], &kind, &payload), 0);
	CHECK_EQ_INT(kind, FRAME_DONE);
	CHECK_EQ_MEM(payload.buf, payload.len, done.buf, done.len);
	/* The writer closed between frames: a clean end. */
	CHECK_EQ_INT(frame_read(fds[1], &kind, &payload), -EPIPE);
	close(fds[1]);
	sb_free(&out);
	sb_free(&payload);
	sb_free(&done);
}

/* Writes raw bytes, closes the writer and returns frame_read's result. */
static int read_after(const void *bytes, size_t len)
{
	struct strbuf payload = STRBUF_INIT;
	char kind = 0;
	int fds[2], rc;

	if (!make_pair(fds))
		return 1;
	if (len)
		CHECK_EQ_INT(wire_write_all(fds[0], bytes, len), 0);
	close(fds[0]);
	rc = frame_read(fds[1], &kind, &payload);
	close(fds[1]);
	sb_free(&payload);
	return rc;
}

static void test_truncated_and_oversized(void)
{
	static const unsigned char half_header[] = {'R', 0, 0};
	static const unsigned char half_payload[] = {'R', 0, 0, 0, 4, 'a', 'b'};
	static const unsigned char max_plus_one[] = {'R', 0x04, 0x00, 0x00, 0x01};
	static const unsigned char all_ones[] = {'R', 0xff, 0xff, 0xff, 0xff};

	CHECK_EQ_INT(read_after(NULL, 0), -EPIPE);
	CHECK_EQ_INT(read_after(half_header, sizeof(half_header)), -ECONNRESET);
	CHECK_EQ_INT(read_after(half_payload, sizeof(half_payload)), -ECONNRESET);
	/* FRAME_MAX is 64 MiB (0x04000000); one byte more is refused before
	 * anything is allocated or read. */
	CHECK_EQ_UINT(FRAME_MAX, 0x04000000u);
	CHECK_EQ_INT(read_after(max_plus_one, sizeof(max_plus_one)), -EPROTO);
	CHECK_EQ_INT(read_after(all_ones, sizeof(all_ones)), -EPROTO);
}

static void test_write_to_closed_peer(void)
{
	int fds[2];

	if (!make_pair(fds))
		return;
	close(fds[1]);
	/* MSG_NOSIGNAL: an error, not a SIGPIPE that kills the daemon. */
	CHECK_EQ_INT(wire_write_all(fds[0], "x", 1), -EPIPE);
	close(fds[0]);
	CHECK_EQ_INT(wire_write_all(-1, "x", 1), -EBADF);
}

static void test_put_get_round_trip(void)
{
	static const unsigned char want[] = {0x7f, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45,
					     0x67, 0x89, 0xab, 0xcd, 0xef, 0,	 0,    0,
					     3,	   'a',	 'b',  'c',  0,	   0,	 0,    0};
	struct strbuf out = STRBUF_INIT;
	struct wire_reader r;
	uint8_t u8 = 0;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	const char *p = NULL;
	size_t len = 99;

	wire_put_u8(&out, 0x7f);
	wire_put_u32(&out, 0xdeadbeef);
	wire_put_u64(&out, 0x0123456789abcdefull);
	wire_put_bytes(&out, "abc", 3);
	wire_put_bytes(&out, "", 0);
	if (!CHECK_EQ_MEM(out.buf, out.len, want, sizeof(want)))
		goto out;
	r = (struct wire_reader){(const unsigned char *)out.buf, out.len};
	CHECK(wire_get_u8(&r, &u8));
	CHECK_EQ_UINT(u8, 0x7f);
	CHECK(wire_get_u32(&r, &u32));
	CHECK_EQ_UINT(u32, 0xdeadbeef);
	CHECK(wire_get_u64(&r, &u64));
	CHECK_EQ_UINT(u64, 0x0123456789abcdefull);
	CHECK(wire_get_bytes(&r, &p, &len));
	CHECK_EQ_MEM(p, len, "abc", 3);
	CHECK(wire_get_bytes(&r, &p, &len));
	CHECK_EQ_UINT(len, 0);
	CHECK_EQ_UINT(r.left, 0);
	/* At the end every getter fails and changes nothing. */
	CHECK(!wire_get_u8(&r, &u8));
	CHECK(!wire_get_u32(&r, &u32));
	CHECK(!wire_get_u64(&r, &u64));
	CHECK(!wire_get_bytes(&r, &p, &len));
	CHECK_EQ_UINT(u8, 0x7f);
	CHECK_EQ_UINT(u32, 0xdeadbeef);
	CHECK_EQ_UINT(len, 0);
	CHECK_EQ_UINT(r.left, 0);
out:
	sb_free(&out);
}

/* A reader over the first `n` bytes of a heap copy, so ASan catches any
 * read past them. */
static struct wire_reader reader_over(const void *bytes, size_t n, unsigned char **copy)
{
	*copy = malloc(n ? n : 1);
	if (n)
		memcpy(*copy, bytes, n);
	return (struct wire_reader){*copy, n};
}

static void check_short_reads(size_t n)
{
	static const unsigned char data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	unsigned char *copy;
	struct wire_reader r = reader_over(data, n, &copy);
	const unsigned char *end = r.p + r.left;
	uint32_t u32 = 0;
	uint64_t u64 = 0;

	if (n < 4) {
		CHECK(!wire_get_u32(&r, &u32));
		CHECK_EQ_UINT(r.left, n);
	}
	if (n < 8)
		CHECK(!wire_get_u64(&r, &u64));
	CHECK_EQ_UINT(u64, 0);
	/* The cursor never passes the end. */
	CHECK(r.p + r.left == end);
	CHECK(r.left <= n);
	free(copy);
}

static void test_get_bounds(void)
{
	/* Lengths that claim more than is left. */
	static const unsigned char claims_4[] = {0, 0, 0, 4, 'a', 'b', 'c'};
	static const unsigned char claims_huge[] = {0xff, 0xff, 0xff, 0xff, 'a'};
	const unsigned char *samples[] = {claims_4, claims_huge};
	const size_t sizes[] = {sizeof(claims_4), sizeof(claims_huge)};

	for (size_t n = 0; n < 8; n++)
		check_short_reads(n);
	for (size_t i = 0; i < 2; i++) {
		unsigned char *copy;
		struct wire_reader r = reader_over(samples[i], sizes[i], &copy);
		const unsigned char *end = r.p + r.left;
		const char *p = NULL;
		size_t len = 99;

		CHECK(!wire_get_bytes(&r, &p, &len));
		CHECK(p == NULL);
		CHECK_EQ_UINT(len, 99);
		CHECK(r.p + r.left == end);
		free(copy);
	}
}

int main(void)
{
	test_frame_bytes();
	test_frames_over_socket();
	test_truncated_and_oversized();
	test_write_to_closed_peer();
	test_put_get_round_trip();
	test_get_bounds();
	return check_finish();
}
