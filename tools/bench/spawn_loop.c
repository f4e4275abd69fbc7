/* spawn_loop: times N fork() + execve() + waitpid() of a program.
 *
 *   spawn_loop N [PATH]        (PATH defaults to /bin/true)
 *
 * Prints the elapsed wall-clock nanoseconds for all N on stdout, so that
 * syscall_overhead.sh can compare configurations without shell overhead.
 * Exits 1 if any child fails to exec or exits non-zero. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs `path` once and waits for it. Returns 0, or -1 on any failure. */
static int spawn_once(const char *path)
{
	char *const args[] = {(char *)path, NULL};
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve(path, args, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *path = argc > 2 ? argv[2] : "/bin/true";
	long n = argc > 1 ? atol(argv[1]) : 0;
	uint64_t start;

	if (argc < 2 || argc > 3 || n <= 0) {
		fprintf(stderr, "usage: spawn_loop N [PATH]\n");
		return 2;
	}
	start = now_ns();
	for (long i = 0; i < n; i++) {
		if (spawn_once(path) < 0) {
			fprintf(stderr, "spawn_loop: %s failed at iteration %ld: %s\n", path, i,
				strerror(errno));
			return 1;
		}
	}
	printf("%llu\n", (unsigned long long)(now_ns() - start));
	return 0;
}
