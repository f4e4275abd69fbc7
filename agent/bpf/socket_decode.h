/* Decodes a ring buffer record of the socket BPF programs.
 *
 * The record comes from the kernel, but it is still checked as untrusted
 * input: a version or size the agent was not built for, an unknown action
 * or a length beyond its field makes it malformed, and the caller counts
 * and skips it. Addresses come out as common/endpoint.h describes, the form every source uses. */
#pragma once

#include "common/endpoint.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sysq_sock_event;

struct bpf_socket_call {
	int action; /* enum sysq_sock_action */
	int64_t ret;
	int fd;
	uint32_t collapsed; /* send: repeats the kernel dropped since the endpoint's previous record */
	uint32_t pid, tid, ppid, uid, gid, auid;
	uint64_t cgroup_id;
	uint64_t boot_ns; /* CLOCK_BOOTTIME, exact to a kernel tick */
	char comm[17];
	char exe[257]; /* empty when the task had no executable */
	bool exe_truncated;
	int family;
	/* The address the caller passed (connect, bind) or got back (accept),
	 * as audit's SOCKADDR record has it; family 0 when there was none. */
	struct endpoint recorded;
	/* What the socket itself said at the call's return. */
	bool have_socket;
	int protocol;
	int sock_type;
	bool have_local, have_peer;
	struct endpoint local; /* inet: address and port; unix: own path */
	struct endpoint peer;
};

/* Returns 0, or -EINVAL for a malformed record. */
int socket_decode(const void *data, size_t size, struct bpf_socket_call *out);

/* "connect", "bind", "accept" (accept4 too), "listen" or "send". */
const char *socket_action_name(int action);
