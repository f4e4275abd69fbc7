/* Finding the cgroup v2 root from mountinfo (proc_pid_mountinfo(5)):
 *   36 35 98:0 /root /mnt rw,noatime master:1 - cgroup2 cgroup2 rw
 * Field 4 is the mount's root inside its filesystem, field 5 its mount
 * point; after the "-" come the filesystem type and source. */
#include "cgroup_root.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Copies a mountinfo field into out, turning \ooo escapes back into
 * bytes. Returns 0, or -ENAMETOOLONG. */
static int unescape(const char *field, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = field; *p; n++) {
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			out[n] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
		} else {
			out[n] = *p++;
		}
	}
	out[n] = '\0';
	return 0;
}

/* The mount point of a line that mounts the root of a cgroup2
 * filesystem, or NULL. Splits line in place. */
static const char *root_mount_point(char *line)
{
	char *save = NULL, *fields[5];
	char *dash = strstr(line, " - ");
	char *fstype;

	if (!dash)
		return NULL;
	*dash = '\0';
	fstype = strtok_r(dash + 3, " \n", &save);
	if (!fstype || strcmp(fstype, "cgroup2") != 0)
		return NULL;
	save = NULL;
	for (int i = 0; i < 5; i++) {
		fields[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!fields[i])
			return NULL;
	}
	return strcmp(fields[3], "/") == 0 ? fields[4] : NULL;
}

int cgroup2_root_from_mountinfo(FILE *f, char *out, size_t size)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = -ENOENT;

	while (rc == -ENOENT && getline(&line, &cap, f) > 0) {
		const char *mnt = root_mount_point(line);

		if (mnt)
			rc = unescape(mnt, out, size);
	}
	free(line);
	return rc;
}

int cgroup2_root(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int rc;

	if (!f)
		return -errno;
	rc = cgroup2_root_from_mountinfo(f, out, size);
	fclose(f);
	return rc;
}
