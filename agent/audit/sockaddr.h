/* Decodes the hex `saddr` of a SOCKADDR record.
 *
 * The kernel logs the raw struct sockaddr the process passed (bind,
 * connect) or got back (accept), hex-encoded; the bytes are read as
 * common/endpoint.h describes. */
#pragma once

#include "common/endpoint.h"

#include <stddef.h>

/* Returns 0, -EAFNOSUPPORT for a family sysq does not report (netlink...),
 * or -EINVAL for a value that is not a whole sockaddr. */
int audit_sockaddr_decode(const char *hex, size_t len, struct endpoint *out);
