/* Decodes the hex `saddr` of a SOCKADDR record.
 *
 * The kernel logs the raw struct sockaddr the process passed (bind,
 * connect) or got back (accept), hex-encoded; the bytes are read as
 * common/endpoint.h describes. */
#pragma once

#include "common/endpoint.h"

#include <stddef.h>
#include <stdint.h>

/* Returns 0, -EAFNOSUPPORT for a family sysq does not report (netlink...),
 * or -EINVAL for a value that is not a whole sockaddr. */
int audit_sockaddr_decode(const char *hex, size_t len, struct endpoint *out);

/* The same for a record of the SYSCALL record's `arch` (AUDIT_ARCH_*):
 * sa_family is in the byte order of the machine that logged it, so on a
 * big-endian arch (ppc64, s390x: no __AUDIT_ARCH_LE bit) its two bytes are
 * swapped first. Ports and addresses are in network order everywhere. */
int audit_sockaddr_decode_arch(const char *hex, size_t len, uint32_t arch, struct endpoint *out);
