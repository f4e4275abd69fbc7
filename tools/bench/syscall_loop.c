/* syscall_loop: times N calls of a syscall no agent reports.
 *
 *   syscall_loop getppid|read N
 *
 * getppid() is the cheapest syscall there is, so what an agent adds to
 * every syscall (audit's per-syscall work, a tracepoint on sys_enter or
 * sys_exit) shows as a large ratio; read() of one byte from /dev/zero adds
 * a file lookup and a copy to user memory, a typical small syscall.
 * Prints the median over 9 slices of the nanoseconds per call, so one
 * preempted slice does not move the figure. For host_tax.sh. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLICES 9

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nanoseconds per call of n calls; negative on a failed call. */
static double time_calls(int use_read, int fd, long n)
{
	char byte;
	uint64_t start = now_ns();

	for (long i = 0; i < n; i++) {
		if (use_read) {
			if (read(fd, &byte, 1) != 1)
				return -1;
		} else {
			(void)getppid();
		}
	}
	return (double)(now_ns() - start) / (double)n;
}

int main(int argc, char **argv)
{
	double per_call[SLICES];
	int use_read, fd = -1;
	long n;

	if (argc != 3 || (strcmp(argv[1], "getppid") && strcmp(argv[1], "read")) ||
	    (n = strtol(argv[2], NULL, 10)) < SLICES) {
		fprintf(stderr, "usage: syscall_loop getppid|read N (N >= %d)\n", SLICES);
		return 2;
	}
	use_read = !strcmp(argv[1], "read");
	if (use_read && (fd = open("/dev/zero", O_RDONLY)) < 0) {
		fprintf(stderr, "syscall_loop: /dev/zero: %s\n", strerror(errno));
		return 1;
	}
	for (int s = 0; s < SLICES; s++) {
		per_call[s] = time_calls(use_read, fd, n / SLICES);
		if (per_call[s] < 0) {
			fprintf(stderr, "syscall_loop: read: %s\n", strerror(errno));
			return 1;
		}
	}
	qsort(per_call, SLICES, sizeof(per_call[0]), cmp_double);
	printf("%.1f\n", per_call[SLICES / 2]);
	return 0;
}
