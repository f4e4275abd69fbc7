/* Finding the cgroup v2 root in mountinfo: unified and hybrid layouts,
 * a cgroup2 mount of a subtree (not the root), escaped mount points, none
 * at all, and a mount point longer than the caller's buffer. */
#include "check.h"

#include "bpf/cgroup_root.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int find(const char *text, char *out, size_t size)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = cgroup2_root_from_mountinfo(f, out, size);

	fclose(f);
	return rc;
}

static void test_layouts(void)
{
	char out[64];

	CHECK_EQ_INT(find("30 1 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n", out,
			  sizeof(out)), 0);
	CHECK_EQ_STR(out, "/sys/fs/cgroup");
	CHECK_EQ_INT(find("29 1 0:24 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n"
			  "31 29 0:26 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n"
			  "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
			  out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "/sys/fs/cgroup/unified");
	/* A subtree first (a container's view), then the root. */
	CHECK_EQ_INT(find("50 1 0:25 /user.slice /mnt/u rw - cgroup2 cgroup2 rw\n"
			  "51 1 0:25 / /mnt/cg\\040root rw shared:5 - cgroup2 none rw\n",
			  out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "/mnt/cg root");
}

static void test_errors(void)
{
	char out[8];

	CHECK_EQ_INT(find("", out, sizeof(out)), -ENOENT);
	CHECK_EQ_INT(find("29 1 0:24 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n", out, sizeof(out)),
		     -ENOENT);
	CHECK_EQ_INT(find("30 1 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", out,
			  sizeof(out)), -ENAMETOOLONG);
	CHECK_EQ_INT(find("no dash here\n", out, sizeof(out)), -ENOENT);
}

int main(void)
{
	test_layouts();
	test_errors();
	return check_finish();
}
