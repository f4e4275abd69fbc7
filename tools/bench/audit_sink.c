/* audit_sink: the cheapest possible audit daemon, for syscall_overhead.sh.
 *
 *   audit_sink [EXE]          (EXE defaults to /usr/bin/true)
 *
 * Registers as the audit daemon and reads every record the kernel sends,
 * doing nothing with them but count the SYSCALL records whose exe is EXE.
 * With the same rules and backlog settings as sysq, its overhead on the
 * measured syscall is what the kernel's audit path costs any audit-based
 * agent: the floor that sysq and auditd are compared with. Configuring audit
 * (enable, rules, backlog) is left to the caller, with auditctl.
 *
 * Prints "ready" once it owns the audit socket; on SIGTERM or SIGINT it
 * gives the pid back, prints the count and exits 0. */
#include "audit/netlink.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The reader's receive buffer, as sysq's publisher asks for. */
#define SINK_RCVBUF (16 * 1024 * 1024)
#define SINK_BUF    (64 * 1024)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int set_audit_pid(struct audit_nl *nl, pid_t pid)
{
	struct audit_status s;

	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = (uint32_t)pid;
	return audit_nl_set_status(nl, &s);
}

/* The exe="..." field whose SYSCALL records are counted. */
static char exe_field[4200];

/* True for a SYSCALL record of the counted program. */
static bool is_counted(const char *buf, ssize_t n)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	size_t len;

	if (n <= NLMSG_HDRLEN || nh->nlmsg_type != AUDIT_SYSCALL)
		return false;
	len = audit_nl_record_len((size_t)n);
	return memmem(buf + NLMSG_HDRLEN, len, exe_field, strlen(exe_field)) != NULL;
}

/* Reads until a signal; a short receive timeout wakes the loop up to look
 * at the flag (audit_nl_recv retries EINTR). Returns the count, or -errno. */
static long drain(struct audit_nl *nl)
{
	static char buf[SINK_BUF];
	struct timeval tv = {.tv_usec = 200 * 1000};
	long count = 0;

	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!stop_requested) {
		ssize_t n = audit_nl_recv(nl, buf, sizeof(buf), false);

		if (n == -EAGAIN || n == -ENOBUFS)
			continue;
		if (n < 0)
			return n;
		if (is_counted(buf, n))
			count++;
	}
	return count;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct audit_nl nl;
	long count;
	int err;

	snprintf(exe_field, sizeof(exe_field), "exe=\"%s\"", argc > 1 ? argv[1] : "/usr/bin/true");
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	err = audit_nl_open(&nl, SINK_RCVBUF);
	if (err == 0)
		err = set_audit_pid(&nl, getpid());
	if (err < 0) {
		fprintf(stderr, "audit_sink: cannot become the audit daemon: %s\n", strerror(-err));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	count = drain(&nl);
	set_audit_pid(&nl, 0);
	audit_nl_close(&nl);
	if (count < 0) {
		fprintf(stderr, "audit_sink: recv: %s\n", strerror((int)-count));
		return 1;
	}
	printf("%ld\n", count);
	return 0;
}
