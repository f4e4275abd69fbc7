/* cgroup ids and pids to paths on this machine's cgroup v2, for this
 * test's own process: its pid gives the path /proc/self/cgroup shows and
 * that cgroup's id, the id gives the same path back (twice: the second
 * from the cache), an id no cgroup has gives -ENOENT, and an event from
 * before the process started gives -ESRCH. Without a cgroup v2 mount
 * there is nothing to test; without CAP_DAC_READ_SEARCH an id cannot be
 * opened. */
#include "check.h"

#include "container/cgroup_lookup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void own_v2_path(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, size, "%s", line + 3);
		}
	}
	if (f)
		fclose(f);
}

static void test_round_trip(const struct cgroup_info *by_pid)
{
	static struct cgroup_info by_id;

	for (int i = 0; i < 2; i++) {
		int rc = cgroup_info_by_id(by_pid->id, &by_id);

		if (rc == -EPERM) {
			printf("no CAP_DAC_READ_SEARCH: ids not checked\n");
			return;
		}
		if (CHECK_EQ_INT(rc, 0))
			CHECK_EQ_STR(by_id.path, by_pid->path);
	}
	CHECK_EQ_INT(cgroup_info_by_id(UINT64_MAX - 1, &by_id), -ENOENT);
}

int main(void)
{
	static struct cgroup_info info;
	char want[4096];
	int rc = cgroup_info_by_pid(getpid(), now_ms(), true, &info);

	if (rc == -ENODEV) {
		printf("no cgroup v2 mount: skipped\n");
		return check_finish();
	}
	own_v2_path(want, sizeof(want));
	if (CHECK_EQ_INT(rc, 0)) {
		CHECK_EQ_STR(info.path, want);
		CHECK(info.id > 0);
		CHECK_EQ_INT(info.container.runtime, CONTAINER_NONE);
		test_round_trip(&info);
	}
	CHECK_EQ_INT(cgroup_info_by_pid(getpid(), now_ms() - 3600 * 1000, true, &info), -ESRCH);
	return check_finish();
}
