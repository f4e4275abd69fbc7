/* Directory creation, the locked pid file and the trust check for settings files. */
#include "fsutil.h"

#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(char *dir, mode_t mode)
{
	char *slash;

	if (!*dir || mkdir(dir, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return -ENOENT;
	*slash = '\0';
	{
		int rc = mkdir_p(dir, mode);

		*slash = '/';
		if (rc < 0)
			return rc;
	}
	return mkdir(dir, mode) == 0 || errno == EEXIST ? 0 : -errno;
}

int mkdir_parent(const char *path, mode_t mode)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir, mode);
	}
	free(dir);
	return rc;
}

int pidfile_acquire(const char *path, pid_t *owner)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno == EWOULDBLOCK ? -EEXIST : -errno;

		n = (int)pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		*owner = (pid_t)atoi(buf);
		close(fd);
		return err;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int fs_check_trusted(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: owned by uid %u, not root; refusing to take settings from it "
			 "(chown root %s)",
			 path, (unsigned)st.st_uid, path);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
			 "%s: mode %04o lets %s write it; refusing to take settings from it "
			 "(chmod go-w %s)",
			 path, (unsigned)(st.st_mode & 07777),
			 st.st_mode & S_IWOTH ? "anyone" : "its group", path);
		return -EPERM;
	}
	return 0;
}
