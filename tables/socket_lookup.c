/* Reading another process's socket through pidfd_getfd(2). */
#include "socket_lookup.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int dup_from(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int copy;

	if (pidfd < 0)
		return -errno;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy < 0)
		copy = -errno;
	close(pidfd);
	return copy;
}

static bool read_name(int fd, bool peer, struct audit_sockaddr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
			getsockname(fd, (struct sockaddr *)&ss, &len);

	return rc == 0 && audit_sockaddr_parse(&ss, len, out) == 0;
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
