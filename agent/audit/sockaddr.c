/* SOCKADDR record decoding. */
#include "sockaddr.h"

#include "record.h"

#include <errno.h>

#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

int audit_sockaddr_decode(const char *hex, size_t len, struct endpoint *out)
{
	unsigned char b[SOCKADDR_MAX];
	ssize_t n = audit_hex_to_bytes(hex, len, b, sizeof(b));

	if (n < 0) {
		endpoint_none(out);
		return -EINVAL;
	}
	return endpoint_from_sockaddr(b, (size_t)n, out);
}
