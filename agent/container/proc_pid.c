/* /proc/<pid> for an event's process: the pid-reuse check on the start
 * time (field 22 of /proc/<pid>/stat, clock ticks since boot) and reads
 * through the process's root with openat2's RESOLVE_IN_ROOT, so that an
 * absolute symlink in a container's filesystem stays inside it. */
#include "proc_pid.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Longer than any /proc/<pid>/stat line (comm is at most 64 bytes). */
#define STAT_MAX 1024

ssize_t proc_read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, total = 0;

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((size_t)total + 1 < size &&
	       (n = read(fd, buf + total, size - 1 - (size_t)total)) > 0)
		total += n;
	if (total == 0 && n < 0)
		total = -errno;
	close(fd);
	if (total >= 0)
		buf[total] = '\0';
	return total;
}

/* Field 22, starttime, of a stat line: counted after the ')' that ends
 * comm, which may itself hold spaces and parentheses. */
static int start_ticks(const char *stat, uint64_t *ticks)
{
	const char *p = strrchr(stat, ')');

	if (!p)
		return -EINVAL;
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	return sscanf(p + 1, "%" SCNu64, ticks) == 1 ? 0 : -EINVAL;
}

/* Wall-clock milliseconds of boot, from the two clocks now. */
static int64_t boot_wall_ms(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return ((int64_t)real.tv_sec - (int64_t)boot.tv_sec) * 1000 +
	       (real.tv_nsec - boot.tv_nsec) / 1000000;
}

bool proc_started_after(uint64_t start_boot_ns, int64_t event_ms)
{
	return boot_wall_ms() + (int64_t)(start_boot_ns / 1000000) >
	       event_ms + PROC_START_SLACK_MS;
}

static int started_by(int dirfd, int64_t event_ms)
{
	char stat[STAT_MAX];
	uint64_t ticks;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n = proc_read_at(dirfd, "stat", stat, sizeof(stat));

	if (n < 0)
		return (int)n;
	if (start_ticks(stat, &ticks) < 0 || hz <= 0)
		return -EINVAL;
	return proc_started_after(ticks * 1000000000 / (uint64_t)hz, event_ms) ? -ESRCH : 0;
}

int proc_pid_open(pid_t pid, int64_t event_ms)
{
	char dir[32];
	int fd, rc;

	if (pid <= 0)
		return -ESRCH;
	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	rc = started_by(fd, event_ms);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int proc_root_statx(pid_t pid, int64_t event_ms, const char *path, unsigned mask,
		    struct statx *stx)
{
	int dirfd = proc_pid_open(pid, event_ms);
	int rootfd = -1, fd = -1, rc;

	if (dirfd < 0)
		return dirfd;
	rootfd = openat(dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		rc = errno == ENOENT ? -ESRCH : -errno;
		goto out;
	}
	fd = open_in_root(rootfd, path);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	rc = statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, mask, stx) < 0 ? -errno : 0;
out:
	if (fd >= 0)
		close(fd);
	if (rootfd >= 0)
		close(rootfd);
	close(dirfd);
	return rc;
}
