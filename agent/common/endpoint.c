/* Socket endpoints: raw struct sockaddr to sysq's text form. */
#include "endpoint.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Written by hand rather than with snprintf: the BPF path formats two
 * addresses per event, hundreds of thousands of times a second. */
static char *put_decimal_byte(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_hex_byte(char *p, unsigned v)
{
	static const char digits[] = "0123456789abcdef";

	*p++ = digits[v >> 4];
	*p++ = digits[v & 15];
	return p;
}

void endpoint_format_ip(int family, const unsigned char *a, char *out, size_t size)
{
	char text[40]; /* eight groups of four, seven colons, NUL */
	char *p = text;
	size_t len;

	if (size == 0)
		return;
	if (family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			p = put_decimal_byte(p, a[i]);
		}
	} else {
		for (int i = 0; i < 16; i += 2) {
			if (i)
				*p++ = ':';
			p = put_hex_byte(put_hex_byte(p, a[i]), a[i + 1]);
		}
	}
	len = (size_t)(p - text);
	if (len >= size)
		len = size - 1; /* cut short, as snprintf would */
	memcpy(out, text, len);
	out[len] = '\0';
}

/* A path ends at its first NUL; an abstract name (leading NUL) is every
 * remaining byte, since its length, not a terminator, delimits it. */
static void unix_address(const unsigned char *p, size_t len, char *out)
{
	size_t n = 0;

	if (len > 0 && p[0] == '\0') {
		out[n++] = '@';
		for (size_t i = 1; i < len && n < ENDPOINT_TEXT - 1; i++)
			out[n++] = p[i] ? (char)p[i] : '@';
	} else {
		for (size_t i = 0; i < len && p[i] && n < ENDPOINT_TEXT - 1; i++)
			out[n++] = (char)p[i];
	}
	out[n] = '\0';
}

int endpoint_from_sockaddr(const void *raw, size_t n, struct endpoint *out)
{
	const unsigned char *b = raw;

	endpoint_none(out);
	if (n < 2)
		return -EINVAL;
	out->family = b[0] | b[1] << 8;
	switch (out->family) {
	case AF_INET:
		if (n < 8)
			return -EINVAL;
		out->port = b[2] << 8 | b[3];
		endpoint_format_ip(AF_INET, b + 4, out->address, sizeof(out->address));
		return 0;
	case AF_INET6:
		if (n < 24)
			return -EINVAL;
		out->port = b[2] << 8 | b[3];
		endpoint_format_ip(AF_INET6, b + 8, out->address, sizeof(out->address));
		return 0;
	case AF_UNIX:
		unix_address(b + 2, n - 2, out->address);
		return 0;
	default:
		return -EAFNOSUPPORT;
	}
}

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && a->port == b->port && strcmp(a->address, b->address) == 0;
}
