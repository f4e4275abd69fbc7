/* connect_loop: times N connect() calls of a UDP socket on loopback.
 *
 *   connect_loop N
 *
 * Connects one UDP socket to 127.0.0.1, alternating between two ports so
 * each call really re-connects, and prints the elapsed wall-clock
 * nanoseconds for all N on stdout, for audit_overhead.sh (WORKLOAD=connect).
 * A UDP connect sends nothing, so the time is the syscall and whatever
 * auditing adds to it. Exits 1 if a connect fails. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t start;

	if (n <= 0 || fd < 0) {
		fprintf(stderr, "usage: connect_loop N\n");
		return 2;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	start = now_ns();
	for (long i = 0; i < n; i++) {
		a.sin_port = htons(i % 2 ? 9 : 7);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("connect");
			return 1;
		}
	}
	printf("%llu\n", (unsigned long long)(now_ns() - start));
	close(fd);
	return 0;
}
