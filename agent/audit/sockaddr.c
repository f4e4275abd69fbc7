/* SOCKADDR record decoding. */
#include "sockaddr.h"

#include "record.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdbool.h>

#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

/* Decodes with sa_family read little-endian (swap: read big-endian). */
static int decode(const char *hex, size_t len, bool swap, struct endpoint *out)
{
	unsigned char b[SOCKADDR_MAX];
	ssize_t n = audit_hex_to_bytes(hex, len, b, sizeof(b));

	if (n < 0) {
		endpoint_none(out);
		return -EINVAL;
	}
	if (swap && n >= 2) {
		unsigned char first = b[0];

		b[0] = b[1];
		b[1] = first;
	}
	return endpoint_from_sockaddr(b, (size_t)n, out);
}

int audit_sockaddr_decode(const char *hex, size_t len, struct endpoint *out)
{
	return decode(hex, len, false, out);
}

int audit_sockaddr_decode_arch(const char *hex, size_t len, uint32_t arch, struct endpoint *out)
{
	return decode(hex, len, !(arch & __AUDIT_ARCH_LE), out);
}
