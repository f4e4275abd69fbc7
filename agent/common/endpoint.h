/* A socket endpoint as sysq reports it: family, port and address text.
 *
 * The one form every source gives socket addresses in, so a row means the
 * same whichever source built it: the audit source decodes SOCKADDR
 * records and reads live sockets into it (audit/sockaddr.h,
 * audit/socket_lookup.h), the BPF decoder fills it from ring buffer
 * records (bpf/socket_decode.h), and socket_events turns it into columns.
 * A raw struct sockaddr is read as the kernel lays it out: the family in
 * its first two bytes (little-endian on the hosts sysq supports), ports
 * big-endian.
 *   AF_INET  (2):  port in bytes 2-3, IPv4 address in bytes 4-7
 *   AF_INET6 (10): port in bytes 2-3, address in bytes 8-23
 *   AF_UNIX  (1):  path from byte 2; a leading NUL makes it abstract
 * Netlink and other families are reported as unsupported. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Room for "@" + 107 bytes of abstract name, or a 108-byte path. */
#define ENDPOINT_TEXT 112

struct endpoint {
	int family;
	int port; /* -1 where the family has none */
	/* Dotted IPv4; IPv6 as eight 4-digit lowercase groups (osquery's
	 * form); a UNIX path; an abstract name as "@name", with NUL bytes
	 * inside it shown as '@' (as ss does). */
	char address[ENDPOINT_TEXT];
};

/* Sets *ep to no address at all: family 0, no port, empty text. */
static inline void endpoint_none(struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->port = -1;
}

/* Reads a raw struct sockaddr of `len` bytes (as getsockname returns it).
 * Returns 0, -EAFNOSUPPORT for a family sysq does not report, or -EINVAL
 * for one too short to hold its address. */
int endpoint_from_sockaddr(const void *raw, size_t len, struct endpoint *out);

/* True when both name the same endpoint (family, address and port). */
bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);

/* Formats raw address bytes (4 or 16) in the endpoint's text form. */
void endpoint_format_ip(int family, const unsigned char *addr, char *out, size_t size);
