/* Container attribution from cgroup v2 paths: each runtime's naming as it
 * appears on real hosts (systemd and cgroupfs drivers, rootless, nested
 * below the container's own cgroup), names that look close but are not a
 * container's (conmon, LXC's monitor, libvirt's VMs, short or upper-case
 * ids), and the v2 line of /proc/<pid>/cgroup. */
#include "check.h"

#include "container/container_parse.h"

#include <string.h>

#define ID64 "3f2a9c8e7b6d5c4b3a29180716253443526170819a8b7c6d5e4f30211203a4b5"

static void expect(const char *path, const char *runtime, const char *id)
{
	struct container_ref ref;
	bool found = container_from_cgroup_path(path, strlen(path), &ref);

	if (!CHECK_EQ_INT(found, runtime != NULL)) {
		fprintf(stderr, "  path: %s\n", path);
		return;
	}
	if (runtime) {
		CHECK_EQ_STR(container_runtime_name(ref.runtime), runtime);
		CHECK_EQ_STR(ref.id, id);
	} else {
		CHECK_EQ_INT(ref.runtime, CONTAINER_NONE);
		CHECK_EQ_STR(ref.id, "");
	}
}

static void test_docker(void)
{
	expect("/system.slice/docker-" ID64 ".scope", "docker", ID64);
	expect("/docker/" ID64, "docker", ID64);
	expect("/system.slice/docker-" ID64 ".scope/init.scope", "docker", ID64);
	expect("/user.slice/user-1000.slice/user@1000.service/docker-" ID64 ".scope", "docker",
	       ID64);
	/* The daemon's own unit and ids that are not 64 lower-case hex. */
	expect("/system.slice/docker.service", NULL, NULL);
	expect("/system.slice/docker-3f2a.scope", NULL, NULL);
	expect("/docker/3F2A9C8E7B6D5C4B3A29180716253443526170819A8B7C6D5E4F30211203A4B5", NULL,
	       NULL);
	expect("/docker", NULL, NULL);
}

static void test_kubernetes(void)
{
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b.slice/"
	       "cri-containerd-" ID64 ".scope", "containerd", ID64);
	expect("/kubepods.slice/kubepods-pod1a2b.slice/crio-" ID64 ".scope", "crio", ID64);
	expect("/kubepods.slice/kubepods-pod1a2b.slice/crio-conmon-" ID64 ".scope", NULL, NULL);
	expect("/kubepods/burstable/pod0e1f-22/" ID64, "cri", ID64);
	expect("/kubepods/pod0e1f-22/" ID64, "cri", ID64);
	expect("/kubepods/burstable/pod0e1f-22", NULL, NULL);
	expect("/other/pod0e1f-22/" ID64, NULL, NULL);
}

static void test_podman(void)
{
	expect("/machine.slice/libpod-" ID64 ".scope", "podman", ID64);
	expect("/machine.slice/libpod-" ID64 ".scope/container", "podman", ID64);
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
	       "podman", ID64);
	expect("/libpod_parent/libpod-" ID64, "podman", ID64);
	expect("/machine.slice/libpod-conmon-" ID64 ".scope", NULL, NULL);
}

static void test_nspawn_and_lxc(void)
{
	expect("/machine.slice/systemd-nspawn@web.service/payload", "systemd-nspawn", "web");
	expect("/machine.slice/machine-my\\x2dbox.scope", "systemd-nspawn", "my-box");
	expect("/machine.slice/machine-my\\x2dbox.scope/payload/system.slice/cron.service",
	       "systemd-nspawn", "my-box");
	expect("/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", NULL, NULL);
	expect("/machine.slice/machine-lxc\\x2d42\\x2dct.scope", NULL, NULL);
	expect("/system.slice/machine-x.scope", NULL, NULL);
	expect("/machine.slice/systemd-nspawn@.service", NULL, NULL);
	/* A name whose escape gives a control byte is nobody's name. */
	expect("/machine.slice/machine-a\\x0ab.scope", NULL, NULL);
	expect("/lxc.payload.c1", "lxc", "c1");
	expect("/lxc.payload.c1/system.slice/sshd.service", "lxc", "c1");
	expect("/lxc.payload/c2", "lxc", "c2");
	expect("/lxc/c3", "lxc", "c3");
	expect("/lxc.monitor.c1", NULL, NULL);
	expect("/lxc.payload.", NULL, NULL);
}

static void test_nesting_and_host(void)
{
	/* Docker in an LXC container: the innermost is the process's. */
	expect("/lxc.payload.outer/system.slice/docker-" ID64 ".scope", "docker", ID64);
	expect("/", NULL, NULL);
	expect("", NULL, NULL);
	expect("/user.slice/user-1000.slice/session-3.scope", NULL, NULL);
	expect("/system.slice/cron.service", NULL, NULL);
	expect("/docker/" ID64 "/", "docker", ID64);
}

static void test_long_names(void)
{
	char path[600] = "/lxc.payload.";
	size_t head = strlen(path);

	memset(path + head, 'n', CONTAINER_ID_MAX);
	path[head + CONTAINER_ID_MAX] = '\0';
	{
		struct container_ref ref;

		CHECK(container_from_cgroup_path(path, strlen(path), &ref));
		CHECK_EQ_INT(strlen(ref.id), CONTAINER_ID_MAX);
	}
	path[head + CONTAINER_ID_MAX] = 'n';
	path[head + CONTAINER_ID_MAX + 1] = '\0';
	expect(path, NULL, NULL);
}

static void v2(const char *text, const char *want)
{
	const char *path = NULL;
	size_t len = 0;
	bool found = cgroup_v2_path_of(text, strlen(text), &path, &len);

	if (!CHECK_EQ_INT(found, want != NULL) || !want)
		return;
	CHECK_EQ_MEM(path, len, want, strlen(want));
}

static void test_proc_cgroup(void)
{
	v2("0::/\n", "/");
	v2("0::/system.slice/docker-" ID64 ".scope\n", "/system.slice/docker-" ID64 ".scope");
	v2("12:pids:/system.slice/x.service\n1:name=systemd:/user.slice\n0::/user.slice\n",
	   "/user.slice");
	/* A newline in the last cgroup's name stays in its path. */
	v2("0::/a\nb\n", "/a\nb");
	v2("0::/no-newline", "/no-newline");
	v2("1:name=systemd:/x\n", NULL);
	v2("", NULL);
	v2("0::\n", NULL);
	v2("0::relative\n", NULL);
	v2("10::/not-v2\n", NULL);
}

int main(void)
{
	test_docker();
	test_kubernetes();
	test_podman();
	test_nspawn_and_lxc();
	test_nesting_and_host();
	test_long_names();
	test_proc_cgroup();
	return check_finish();
}
