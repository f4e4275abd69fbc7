/* fuzz_wire: the shell's decoding of daemon replies on the control socket.
 *
 * Covers frame_read (5-byte header, length limit, short reads at end of
 * stream), client_query's frame loop (COLUMNS, ROW, DONE, ERROR, unknown
 * kinds, ROW before COLUMNS, several result sets), the payload decoders
 * (wire_get_*, decode_columns, decode_value for every value type) and all
 * five output formatters, which escape the decoded bytes.
 *
 * Why untrusted: `sysq shell` trusts nothing it reads from the socket. The
 * values are audit data (argv, paths) chosen by observed processes, and
 * the socket path may be given on the command line, so the peer may not be
 * the daemon at all; a malformed or hostile reply must fail cleanly.
 *
 * Input: byte 0 chooses the output format (byte % 5: pretty, json, csv,
 * line, list) and whether headers are shown ((byte / 5) % 2 == 0); the rest
 * is the reply stream. It is written into one end of a socketpair, that end
 * is shut down for writing (so the reader sees end of stream, while the
 * QUERY frame that client_query sends first still has somewhere to go), and
 * client_query reads the other end. */
#include "shell/client.h"
#include "shell/format.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* Longest reply stream fed in one go; it must fit in the socket buffer,
 * since this thread writes it all before client_query reads. */
#define STREAM_MAX (64 * 1024)

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "we");
	if (!devnull) {
		perror("fuzz_wire: /dev/null");
		abort();
	}
	return 0;
}

static void set_buf(int fd, int opt)
{
	int size = 1024 * 1024; /* the kernel caps it at its maximum */

	(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

/* Writes as much of the stream as the socket takes without blocking. */
static void feed(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* buffer full: the rest is cut off */
		p += n;
		len -= (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client c = {.fd = -1, .path = NULL};
	struct formatter *fmt;
	char *error = NULL;
	int sv[2], rc;

	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("fuzz_wire: socketpair");
		abort();
	}
	set_buf(sv[1], SO_SNDBUF);
	set_buf(sv[0], SO_RCVBUF);
	feed(sv[1], data + 1, size - 1 > STREAM_MAX ? STREAM_MAX : size - 1);
	if (shutdown(sv[1], SHUT_WR) < 0) {
		perror("fuzz_wire: shutdown");
		abort();
	}

	fmt = formatter_new((enum output_mode)(data[0] % 5), (data[0] / 5) % 2 == 0, devnull);
	c.fd = sv[0];
	rc = client_query(&c, "SELECT * FROM process_events", fmt, &error);
	/* client.h: only a query error, a full daemon and an idle close come
	 * with a message. */
	if (rc > CLIENT_LOST_UNANSWERED ||
	    (rc == CLIENT_QUERY_ERROR || rc == CLIENT_BUSY || rc == CLIENT_IDLE_CLOSED) !=
		    (error != NULL)) {
		fprintf(stderr, "client_query: rc %d with error %p\n", rc, (void *)error);
		abort();
	}
	free(error);
	formatter_free(fmt);
	client_close(&c);
	close(sv[1]);
	return 0;
}
