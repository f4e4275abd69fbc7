/* sysq-test-life: a process lifecycle workload with known pids, codes
 * and signals, for the process_events lifecycle tests.
 *
 *   sysq-test-life            the workload, then one JSON line on stdout
 *   sysq-test-life --storm S  fork and exit for S seconds, then the count
 *
 * The workload makes one child with each of the raw fork, clone and
 * clone3 syscalls and glibc's vfork (glibc's fork uses clone), each
 * ending with exit_group and its own code (11 to 14); a thread, which
 * lives a second so its clone3 and exit are seen while it runs; and three
 * children (raw fork) that pause until kill, tkill and tgkill end them
 * with a known signal. It prints every pid, so the test knows exactly
 * which rows to expect. The storm counts the children it forked and
 * reaped, each exiting with exit_group(0). */
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t thread_tid;

/* Exits the child at once, without glibc's atexit work. */
static void child_exit(int code)
{
	syscall(SYS_exit_group, code);
}

static pid_t reap(pid_t pid, int *status)
{
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (waitpid(pid, status, 0) != pid) {
		perror("waitpid");
		exit(2);
	}
	return pid;
}

/* One child with the raw syscall `which`, exiting with `code`. */
static pid_t spawn(long which, int code)
{
	struct clone_args args = {.exit_signal = SIGCHLD};
	pid_t pid;
	int status;

	if (which == SYS_vfork) {
		/* glibc's vfork is the vfork syscall, written so the child may
		 * run on the parent's stack until it calls _exit
		 * (exit_group). */
		pid = vfork();
		if (pid == 0)
			_exit(code);
	} else if (which == SYS_clone3)
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	else if (which == SYS_clone)
		pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	else
		pid = (pid_t)syscall(which);
	if (pid == 0)
		child_exit(code);
	reap(pid, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != code) {
		fprintf(stderr, "child %d: status %#x\n", pid, status);
		exit(2);
	}
	return pid;
}

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	sleep(1);
	return NULL;
}

/* A child that waits to be killed; `how` sends it `sig`. */
static pid_t killed(int how, int sig)
{
	pid_t pid = (pid_t)syscall(SYS_fork);
	int status;

	if (pid == 0) {
		for (;;)
			pause();
	}
	usleep(100 * 1000);
	if (how == SYS_kill)
		syscall(SYS_kill, pid, sig);
	else if (how == SYS_tkill)
		syscall(SYS_tkill, pid, sig);
	else
		syscall(SYS_tgkill, pid, pid, sig);
	reap(pid, &status);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
		fprintf(stderr, "killed child %d: status %#x\n", pid, status);
		exit(2);
	}
	return pid;
}

static int workload(void)
{
	pthread_t t;
	pid_t fork_pid = spawn(SYS_fork, 11), vfork_pid = spawn(SYS_vfork, 12);
	pid_t clone_pid = spawn(SYS_clone, 13), clone3_pid = spawn(SYS_clone3, 14);
	pid_t kill_pid, tkill_pid, tgkill_pid;

	if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0) {
		fprintf(stderr, "pthread failed\n");
		return 2;
	}
	kill_pid = killed(SYS_kill, SIGTERM);
	tkill_pid = killed(SYS_tkill, SIGUSR2);
	tgkill_pid = killed(SYS_tgkill, SIGINT);
	printf("{\"pid\":%d,\"fork\":%d,\"vfork\":%d,\"clone\":%d,\"clone3\":%d,\"thread\":%d,"
	       "\"kill\":[%d,%d],\"tkill\":[%d,%d],\"tgkill\":[%d,%d]}\n",
	       getpid(), fork_pid, vfork_pid, clone_pid, clone3_pid, thread_tid, kill_pid, SIGTERM,
	       tkill_pid, SIGUSR2, tgkill_pid, SIGINT);
	return 0;
}

static int storm(double seconds)
{
	struct timespec start, now;
	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		int status;
		pid_t pid = (pid_t)syscall(SYS_fork);

		if (pid == 0)
			child_exit(0);
		reap(pid, &status);
		n++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 <
		 seconds);
	printf("{\"pid\":%d,\"forks\":%lu}\n", getpid(), n);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--storm") == 0)
		return storm(strtod(argv[2], NULL));
	if (argc != 1) {
		fprintf(stderr, "usage: sysq-test-life [--storm SECONDS]\n");
		return 2;
	}
	return workload();
}
