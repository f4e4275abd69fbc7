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
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int connect_once(int fd, long i)
{
	struct sockaddr_in a = {.sin_family = AF_INET};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(i % 2 ? 9 : 7);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return -1;
	}
	return 0;
}

/* Calls until `seconds` have passed, reading the clock every 1024 calls. */
static int storm(int fd, double seconds)
{
	uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9), t = start;
	long i = 0;

	while (t < end) {
		if (connect_once(fd, i++) < 0)
			return 1;
		if (i % 1024 == 0)
			t = now_ns();
	}
	printf("%ld %llu\n", i, (unsigned long long)(now_ns() - start));
	return 0;
}

int main(int argc, char **argv)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long n;
	uint64_t start;

	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "-s") == 0 && atof(argv[2]) > 0)
		return storm(fd, atof(argv[2]));
	n = argc == 2 ? atol(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: connect_loop N | connect_loop -s SECONDS\n");
		return 2;
	}
	start = now_ns();
	for (long i = 0; i < n; i++) {
		if (connect_once(fd, i) < 0)
			return 1;
	}
	printf("%llu\n", (unsigned long long)(now_ns() - start));
	close(fd);
	return 0;
}
