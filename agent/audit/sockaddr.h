/* Decodes the hex `saddr` of a SOCKADDR record.
 *
 * The kernel logs the raw struct sockaddr the process passed (bind,
 * connect) or got back (accept), hex-encoded. The family is the first two
 * bytes, little-endian on the hosts sysq supports; ports are big-endian.
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
#define AUDIT_SOCKADDR_TEXT 112

struct audit_sockaddr {
	int family;
	int port; /* -1 where the family has none */
	/* Dotted IPv4; IPv6 as eight 4-digit lowercase groups (osquery's
	 * form); a UNIX path; an abstract name as "@name", with NUL bytes
	 * inside it shown as '@' (as ss does). */
	char address[AUDIT_SOCKADDR_TEXT];
};

/* Sets *sa to no address at all: family 0, no port, empty text. */
static inline void audit_sockaddr_none(struct audit_sockaddr *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->port = -1;
}

/* Returns 0, -EAFNOSUPPORT for a family sysq does not report (netlink...),
 * or -EINVAL for a value that is not a whole sockaddr. */
int audit_sockaddr_decode(const char *hex, size_t len, struct audit_sockaddr *out);

/* The same for a raw struct sockaddr of `len` bytes (as getsockname
 * returns it). */
int audit_sockaddr_parse(const void *raw, size_t len, struct audit_sockaddr *out);

/* True when both name the same endpoint (family, address and port). */
bool audit_sockaddr_equal(const struct audit_sockaddr *a, const struct audit_sockaddr *b);

/* Formats raw address bytes (4 or 16) the way audit_sockaddr_decode does. */
void audit_sockaddr_format_ip(int family, const unsigned char *addr, char *out, size_t size);
