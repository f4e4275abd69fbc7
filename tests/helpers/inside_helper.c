/* sysq-test-inside: the program a container test runs inside its
 * container's root, built static so that root needs nothing else.
 *
 *   sysq-test-inside [--connect PORT] [--user-message TEXT] [--wait]
 *
 * --connect makes a TCP connection to 127.0.0.1:PORT (a socket_events
 * row), --user-message sends TEXT as a USER_AUTH message, as PAM sends
 * its own (a user_events row), and --wait keeps the process alive until
 * its standard input closes, so a test decides when it is gone. Exits 0
 * when every step worked. */
#include <arpa/inet.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	close(fd);
	return 0;
}

/* One AUDIT_USER_AUTH request (PAM's type for an authentication); the
 * kernel's ack (or error) is read back. */
static int send_user_message(const char *text)
{
	struct {
		struct nlmsghdr h;
		char text[512];
	} req = {0};
	struct {
		struct nlmsghdr h;
		struct nlmsgerr err;
	} ack;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	size_t len = strlen(text) + 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0 || len > sizeof(req.text)) {
		perror("audit socket");
		return 1;
	}
	req.h = (struct nlmsghdr){.nlmsg_len = (unsigned)(NLMSG_HDRLEN + len),
				  .nlmsg_type = AUDIT_FIRST_USER_MSG, /* 1100, USER_AUTH */
				  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
				  .nlmsg_seq = 1};
	memcpy(req.text, text, len);
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack) || ack.err.error != 0) {
		fprintf(stderr, "audit user message refused\n");
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static void wait_for_stdin_eof(void)
{
	char buf[64];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

int main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc)
			failed |= connect_to(atoi(argv[++i]));
		else if (strcmp(argv[i], "--user-message") == 0 && i + 1 < argc)
			failed |= send_user_message(argv[++i]);
		else if (strcmp(argv[i], "--wait") == 0)
			wait_for_stdin_eof();
		else {
			fprintf(stderr, "usage: sysq-test-inside [--connect PORT] "
					"[--user-message TEXT] [--wait]\n");
			return 2;
		}
	}
	return failed;
}
