/* Which container a cgroup v2 path belongs to, by each runtime's naming,
 * and the cgroup v2 line of /proc/<pid>/cgroup. Pure functions of their
 * input, with no I/O, so the unit tests and the fuzz harness
 * (tests/fuzz/fuzz_cgroup_path.c) drive them directly.
 *
 * The path is untrusted: whoever may create cgroups (a rootless podman, a
 * user's systemd manager with delegation) chooses its names, and may put
 * any byte but '/' and NUL in one. The runtimes' patterns are the table in
 * docs/tables.md ("Containers"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum container_runtime {
	CONTAINER_NONE, /* on the host */
	CONTAINER_DOCKER,
	CONTAINER_CONTAINERD,
	CONTAINER_CRI, /* a Kubernetes pod's container, cgroupfs driver: runtime not named */
	CONTAINER_PODMAN,
	CONTAINER_CRIO,
	CONTAINER_NSPAWN,
	CONTAINER_LXC,
};

/* The longest container id or name kept; a longer name is not taken for
 * a container's. */
#define CONTAINER_ID_MAX 255

struct container_ref {
	enum container_runtime runtime;
	char id[CONTAINER_ID_MAX + 1]; /* NUL-terminated; "" on the host */
};

/* Reads a cgroup v2 path ("/system.slice/docker-<id>.scope", not
 * NUL-terminated) into *out. The innermost cgroup that a runtime names
 * wins, so a container nested in another is reported as itself, and a
 * cgroup a container made below its own (podman's ".../container", a
 * systemd inside) is still the container's. Returns true for a container,
 * false (runtime NONE, id "") for the host. */
bool container_from_cgroup_path(const char *path, size_t len, struct container_ref *out);

/* The column value of a runtime: "docker", "containerd", "cri", "podman",
 * "crio", "systemd-nspawn" or "lxc"; NULL for CONTAINER_NONE. */
const char *container_runtime_name(enum container_runtime runtime);

/* Finds the cgroup v2 line ("0::<path>") in the text of /proc/<pid>/cgroup
 * and points *path at its path, without the line's newline. The v2 line is
 * the last one the kernel writes, and a cgroup name may hold newlines, so
 * the path runs from the first "0::" at the start of a line to the end of
 * the text. Returns false when there is no such line or its path does not
 * start with '/'. */
bool cgroup_v2_path_of(const char *text, size_t len, const char **path, size_t *path_len);
