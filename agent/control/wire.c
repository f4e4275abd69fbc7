/* Control socket framing and value encoding. */
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void wire_put_u8(struct strbuf *out, uint8_t v)
{
	sb_putc(out, (char)v);
}

void wire_put_u32(struct strbuf *out, uint32_t v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};

	sb_append(out, b, 4);
}

void wire_put_u64(struct strbuf *out, uint64_t v)
{
	wire_put_u32(out, (uint32_t)(v >> 32));
	wire_put_u32(out, (uint32_t)v);
}

void wire_put_bytes(struct strbuf *out, const void *p, size_t len)
{
	wire_put_u32(out, (uint32_t)len);
	sb_append(out, p, len);
}

void frame_append(struct strbuf *out, char kind, const void *payload, size_t len)
{
	sb_putc(out, kind);
	wire_put_u32(out, (uint32_t)len);
	sb_append(out, payload, len);
}

int wire_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Milliseconds left until `deadline`, 0 once it has passed. */
static int ms_until(const struct timespec *deadline)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return 0;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Waits until fd can take more bytes. Returns 0, or -ETIMEDOUT. */
static int wait_writable(int fd, const struct timespec *deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int ms, n;

	do {
		ms = ms_until(deadline);
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

int wire_write_until(int fd, const void *buf, size_t len, const struct timespec *deadline)
{
	const char *p = buf;
	int rc = 0;

	while (len > 0 && rc == 0) {
		/* Non-blocking per call: the socket itself stays blocking for
		 * the reads between queries. */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n >= 0) {
			p += n;
			len -= (size_t)n;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			rc = wait_writable(fd, deadline);
		} else if (errno != EINTR) {
			rc = -errno;
		}
	}
	return rc;
}

static int read_exact(int fd, void *buf, size_t len, bool at_start)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return at_start && p == buf ? -EPIPE : -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int frame_read(int fd, char *kind, struct strbuf *payload)
{
	unsigned char hdr[5];
	uint32_t len;
	int rc = read_exact(fd, hdr, sizeof(hdr), true);

	if (rc < 0)
		return rc;
	len = (uint32_t)hdr[1] << 24 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 8 | hdr[4];
	if (len > FRAME_MAX)
		return -EPROTO;
	*kind = (char)hdr[0];
	sb_truncate(payload, 0);
	sb_reserve(payload, len);
	rc = read_exact(fd, payload->buf, len, false);
	if (rc < 0)
		return rc;
	payload->len = len;
	payload->buf[len] = '\0';
	return 0;
}

bool wire_get_u8(struct wire_reader *r, uint8_t *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->left--;
	return true;
}

bool wire_get_u32(struct wire_reader *r, uint32_t *v)
{
	if (r->left < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return true;
}

bool wire_get_u64(struct wire_reader *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (r->left < 8)
		return false; /* fail without consuming anything */
	wire_get_u32(r, &hi);
	wire_get_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool wire_get_bytes(struct wire_reader *r, const char **p, size_t *len)
{
	struct wire_reader peek = *r;
	uint32_t n;

	if (!wire_get_u32(&peek, &n) || n > peek.left)
		return false; /* fail without consuming anything */
	*r = peek;
	*p = (const char *)r->p;
	*len = n;
	r->p += n;
	r->left -= n;
	return true;
}
