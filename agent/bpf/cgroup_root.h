/* Where the cgroup v2 hierarchy's root is mounted, for attaching the
 * cgroup socket programs: /sys/fs/cgroup on a unified hierarchy,
 * /sys/fs/cgroup/unified on a hybrid one, or wherever mountinfo says.
 * Programs attached to the root run for every process on the host. */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Reads mountinfo lines from f and copies the mount point of the first
 * cgroup2 mount of the hierarchy's root ("/") into out, its octal escapes
 * (\040 for a space) undone. Returns 0, -ENOENT when there is none, or
 * -ENAMETOOLONG when out is too small. */
int cgroup2_root_from_mountinfo(FILE *f, char *out, size_t size);

/* The same from /proc/self/mountinfo. */
int cgroup2_root(char *out, size_t size);
