/* Facts about another process's socket that audit records do not carry.
 *
 * A SOCKADDR record has the address a process passed or got back, but not
 * the socket's protocol, nor the local address the kernel picked for a
 * connect. sysq reads them from the live socket: pidfd_getfd(2) duplicates
 * the process's descriptor, getsockopt/getsockname/getpeername read it, and
 * the duplicate is closed at once. The descriptor may have been closed or
 * even reused since the syscall, so callers compare what they read with
 * the audit record before trusting it, and leave a column NULL otherwise. */
#pragma once

#include "common/endpoint.h"

#include <stdbool.h>
#include <sys/types.h>

struct socket_facts {
	int protocol; /* IPPROTO_*, 0 for UNIX sockets */
	bool have_local;
	bool have_peer;
	struct endpoint local;
	struct endpoint peer;
};

/* Returns 0, or -errno when the process, the descriptor or the permission
 * (ptrace access mode) is missing, or the descriptor is not a socket. On
 * failure *out names no side (have_local and have_peer are false). */
int socket_lookup(pid_t pid, int fd, struct socket_facts *out);

/* Takes one read from a budget of `per_second` (a token bucket holding at
 * most one second's worth). A read touches the observed process's socket
 * and descriptor table, so a storm of socket calls must not turn into a
 * storm of reads that slows that process down. Per thread. */
bool socket_lookup_budget(unsigned per_second);
