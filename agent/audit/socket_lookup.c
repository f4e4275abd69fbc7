/* Reading another process's socket through pidfd_getfd(2). */
#include "socket_lookup.h"

#include "common/rate_limit.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* pidfds of recently seen processes, so a busy process costs one
 * pidfd_open, not one per event. Per thread (lookups run on the audit
 * reader), direct-mapped by pid. A pidfd names one process forever: once
 * that process is gone, pidfd_getfd fails with ESRCH and the entry is
 * reopened, so a reused pid cannot reach the wrong process. */
#define PIDFD_CACHE 64

struct pidfd_entry {
	pid_t pid;
	int pidfd;
};

static __thread struct pidfd_entry pidfd_cache[PIDFD_CACHE];

static int cached_pidfd(pid_t pid, bool reopen)
{
	struct pidfd_entry *e = &pidfd_cache[(unsigned)pid % PIDFD_CACHE];

	if (e->pid == pid && e->pidfd > 0 && !reopen)
		return e->pidfd;
	if (e->pidfd > 0)
		close(e->pidfd);
	e->pid = pid;
	e->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (e->pidfd < 0) {
		int err = -errno;

		e->pid = 0;
		e->pidfd = 0;
		return err;
	}
	return e->pidfd;
}

static int dup_from(pid_t pid, int fd)
{
	bool reopen = false;

	for (;;) {
		int pidfd = cached_pidfd(pid, reopen);
		int copy;

		if (pidfd < 0)
			return pidfd;
		copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (copy >= 0)
			return copy;
		/* ESRCH from a cached pidfd: its process exited; try a fresh
		 * one in case the pid now names another. */
		if (errno != ESRCH || reopen)
			return -errno;
		reopen = true;
	}
}

static bool read_name(int fd, bool peer, struct endpoint *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
			getsockname(fd, (struct sockaddr *)&ss, &len);

	return rc == 0 && endpoint_from_sockaddr(&ss, len, out) == 0;
}

int socket_lookup(pid_t pid, int fd, struct socket_facts *out)
{
	socklen_t len = sizeof(out->protocol);
	int copy;

	memset(out, 0, sizeof(*out));
	out->protocol = -1;
	if (pid <= 0 || fd < 0)
		return -EINVAL;
	copy = dup_from(pid, fd);
	if (copy < 0)
		return copy;
	if (getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &out->protocol, &len) < 0) {
		int err = -errno;

		close(copy);
		return err;
	}
	out->have_local = read_name(copy, false, &out->local);
	out->have_peer = read_name(copy, true, &out->peer);
	close(copy);
	return 0;
}

bool socket_lookup_budget(unsigned per_second)
{
	static __thread struct rate_limit bucket;

	return rate_limit_take(&bucket, per_second);
}
