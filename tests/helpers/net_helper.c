/* sysq-test-net: performs the socket calls the socket_events tests check,
 * then prints what it did as JSON lines, so a test can assert exact rows.
 *
 *   sysq-test-net DIR
 *
 * DIR holds the UNIX socket path. Each line is one expected event:
 *   {"step":..., "action":..., "fd":N, "family":N, "protocol":N,
 *    "local":[addr,port], "remote":[addr,port], "socket":path, "status":...}
 * with null where a side does not apply, in the order of the calls, and a
 * last line {"step":"done"}. Ports are whatever the kernel chose, read
 * back with getsockname. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		die("getsockname");
	return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
					  ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* One "name":[addr,port] member and its trailing comma. */
static void endpoint(const char *name, const char *addr, int port)
{
	if (addr)
		printf("\"%s\":[\"%s\",%d],", name, addr, port);
	else
		printf("\"%s\":null,", name);
}

static void report(const char *step, const char *action, int fd, int family, int protocol,
		   const char *laddr, int lport, const char *raddr, int rport, const char *sock,
		   const char *status)
{
	printf("{\"step\":\"%s\",\"action\":\"%s\",\"fd\":%d,", step, action, fd);
	/* 0 and -1 stand for "unknown": the row has NULL there. */
	printf(family ? "\"family\":%d," : "\"family\":null,", family);
	printf(protocol >= 0 ? "\"protocol\":%d," : "\"protocol\":null,", protocol);
	endpoint("local", laddr, lport);
	endpoint("remote", raddr, rport);
	if (sock)
		printf("\"socket\":\"%s\",", sock);
	else
		printf("\"socket\":null,");
	printf("\"status\":\"%s\"}\n", status);
}

static struct sockaddr_in v4(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void udp_connects(void)
{
	struct sockaddr_in a = v4(5301);
	struct sockaddr_in6 b = {.sin6_family = AF_INET6, .sin6_port = htons(5302),
				 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	int s4 = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);

	if (connect(s4, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    connect(s6, (struct sockaddr *)&b, sizeof(b)) < 0)
		die("udp connect");
	report("udp4", "connect", s4, AF_INET, IPPROTO_UDP, "127.0.0.1", port_of(s4), "127.0.0.1",
	       5301, NULL, "succeeded");
	report("udp6", "connect", s6, AF_INET6, IPPROTO_UDP,
	       "0000:0000:0000:0000:0000:0000:0000:0001", port_of(s6),
	       "0000:0000:0000:0000:0000:0000:0000:0001", 5302, NULL, "succeeded");
}

static void tcp_session(void)
{
	struct sockaddr_in a = v4(0);
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s, lport;

	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("tcp listen");
	lport = port_of(l);
	report("tcp_bind", "bind", l, AF_INET, IPPROTO_TCP, "127.0.0.1", lport, NULL, 0, NULL,
	       "succeeded");
	a = v4(lport);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("tcp connect");
	report("tcp_connect", "connect", c, AF_INET, IPPROTO_TCP, "127.0.0.1", port_of(c),
	       "127.0.0.1", lport, NULL, "succeeded");
	s = accept(l, (struct sockaddr *)&a, &len);
	if (s < 0)
		die("accept");
	report("tcp_accept", "accept", l, AF_INET, IPPROTO_TCP, "127.0.0.1", lport, "127.0.0.1",
	       port_of(c), NULL, "succeeded");
}

static void unix_connects(const char *dir)
{
	struct sockaddr_un path = {.sun_family = AF_UNIX}, abs = {.sun_family = AF_UNIX};
	const char *name = "sysq-test-abstract";
	socklen_t abs_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	int lp = socket(AF_UNIX, SOCK_STREAM, 0), cp = socket(AF_UNIX, SOCK_STREAM, 0);
	int la = socket(AF_UNIX, SOCK_STREAM, 0), ca = socket(AF_UNIX, SOCK_STREAM, 0);
	char at[64];

	snprintf(path.sun_path, sizeof(path.sun_path), "%s/sysq-test.sock", dir);
	memcpy(abs.sun_path + 1, name, strlen(name));
	if (bind(lp, (struct sockaddr *)&path, sizeof(path)) < 0 || listen(lp, 1) < 0 ||
	    bind(la, (struct sockaddr *)&abs, abs_len) < 0 || listen(la, 1) < 0)
		die("unix listen");
	if (connect(cp, (struct sockaddr *)&path, sizeof(path)) < 0 ||
	    connect(ca, (struct sockaddr *)&abs, abs_len) < 0)
		die("unix connect");
	snprintf(at, sizeof(at), "@%s", name);
	report("unix_path_bind", "bind", lp, AF_UNIX, 0, NULL, 0, NULL, 0, path.sun_path,
	       "succeeded");
	report("unix_abstract_bind", "bind", la, AF_UNIX, 0, NULL, 0, NULL, 0, at, "succeeded");
	report("unix_path", "connect", cp, AF_UNIX, 0, NULL, 0, NULL, 0, path.sun_path,
	       "succeeded");
	report("unix_abstract", "connect", ca, AF_UNIX, 0, NULL, 0, NULL, 0, at, "succeeded");
}

/* A port bound but not listening, so a connect to it is refused. The
 * socket stays open, like every socket here, until the test is done. */
static int refusing_port(void)
{
	struct sockaddr_in a = v4(0);
	int t = socket(AF_INET, SOCK_STREAM, 0), port;

	if (bind(t, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	port = port_of(t);
	report("refusing_bind", "bind", t, AF_INET, IPPROTO_TCP, "127.0.0.1", port, NULL, 0, NULL,
	       "succeeded");
	return port;
}

/* A refused connect (failed), a non-blocking connect (in_progress) and a
 * non-blocking accept with nobody waiting (no_client). */
static void unusual_statuses(void)
{
	struct sockaddr_in a = v4(0);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), r = socket(AF_INET, SOCK_STREAM, 0);
	int nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), lport, dead_port;

	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 4) < 0)
		die("listen");
	lport = port_of(l);
	report("nb_bind", "bind", l, AF_INET, IPPROTO_TCP, "127.0.0.1", lport, NULL, 0, NULL,
	       "succeeded");
	if (accept4(l, NULL, NULL, SOCK_CLOEXEC) >= 0 || errno != EAGAIN)
		die("accept4 should find no client");
	report("no_client", "accept", l, 0, -1, NULL, 0, NULL, 0, NULL, "no_client");
	dead_port = refusing_port();
	a = v4(dead_port);
	if (connect(r, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED)
		die("connect should be refused");
	report("refused", "connect", r, AF_INET, -1, NULL, 0, "127.0.0.1", dead_port, NULL,
	       "failed");
	a = v4(lport);
	if (connect(nb, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS)
		die("connect should be in progress");
	report("in_progress", "connect", nb, AF_INET, IPPROTO_TCP, "127.0.0.1", port_of(nb),
	       "127.0.0.1", lport, NULL, "in_progress");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sysq-test-net DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	udp_connects();
	tcp_session();
	unix_connects(argv[1]);
	unusual_statuses();
	printf("{\"step\":\"done\"}\n");
	/* Keep the sockets open until the test has read the rows, so the
	 * daemon's live lookups find them (the test closes our stdin). */
	getchar();
	return 0;
}
