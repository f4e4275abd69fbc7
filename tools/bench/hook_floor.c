/* hook_floor: attaches counting BPF programs and waits, for host_tax.sh.
 *
 *   hook_floor [--exec] [--connect4] [--sys-exit]
 *
 * --exec attaches the counter on tp_btf/sched_process_exec, --connect4 the
 * one on cgroup/connect4 at the root of the cgroup v2 hierarchy (every
 * process is under it), --sys-exit an empty program on tp_btf/sys_exit.
 * Prints "ready" once attached, then waits for SIGINT or SIGTERM and
 * prints what each program counted. The links die with the process. */
#include "bpf/cgroup_root.h"
#include "hook_floor.skel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int attach_connect4(struct hook_floor *skel)
{
	char root[4096];
	struct bpf_link *link;
	int fd, err = cgroup2_root(root, sizeof(root));

	if (err) {
		fprintf(stderr, "hook_floor: no cgroup2 root in /proc/self/mountinfo: %s\n",
			strerror(-err));
		return err;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "hook_floor: %s: %s\n", root, strerror(errno));
		return err;
	}
	link = bpf_program__attach_cgroup(skel->progs.floor_connect4, fd);
	err = link ? 0 : -errno;
	close(fd);
	if (err)
		fprintf(stderr, "hook_floor: attach cgroup/connect4 to %s: %s\n", root, strerror(-err));
	return err;
}

static int attach_tracing(struct bpf_program *prog, const char *what)
{
	if (bpf_program__attach(prog))
		return 0;
	fprintf(stderr, "hook_floor: attach %s: %s\n", what, strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	int want_exec = 0, want_connect = 0, want_exit = 0, err = 0;
	struct hook_floor *skel;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exec"))
			want_exec = 1;
		else if (!strcmp(argv[i], "--connect4"))
			want_connect = 1;
		else if (!strcmp(argv[i], "--sys-exit"))
			want_exit = 1;
		else {
			fprintf(stderr, "usage: hook_floor [--exec] [--connect4] [--sys-exit]\n");
			return 2;
		}
	}
	skel = hook_floor__open_and_load();
	if (!skel) {
		fprintf(stderr, "hook_floor: load: %s\n", strerror(errno));
		return 1;
	}
	if (want_exec)
		err = attach_tracing(skel->progs.floor_exec, "tp_btf/sched_process_exec");
	if (!err && want_connect)
		err = attach_connect4(skel);
	if (!err && want_exit)
		err = attach_tracing(skel->progs.floor_sys_exit, "tp_btf/sys_exit");
	if (!err) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		printf("ready\n");
		fflush(stdout);
		while (!stop)
			pause();
		printf("execs %llu connects %llu sys_exits %llu\n",
		       (unsigned long long)skel->bss->execs, (unsigned long long)skel->bss->connects,
		       (unsigned long long)skel->bss->sys_exits);
	}
	hook_floor__destroy(skel);
	return err ? 1 : 0;
}
