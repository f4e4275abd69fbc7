/* --metrics_listen's value: a numeric address and a port.
 *
 *   127.0.0.1:9750    0.0.0.0:9750    [::1]:9750    [::]:9750
 *
 * The address is required and numeric: the endpoint serves the host's
 * counters, so where it listens is written out rather than defaulted or
 * left to a name lookup. The port is 1-65535. */
#pragma once

#include <stddef.h>
#include <sys/socket.h>

#define LISTEN_ADDR_ERROR_MAX 256

struct listen_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Parses `text` (NUL-terminated). Returns 0, or -EINVAL with `err` saying
 * what is wrong (without the flag's name, which the caller adds). */
int listen_addr_parse(const char *text, struct listen_addr *out, char err[LISTEN_ADDR_ERROR_MAX]);
