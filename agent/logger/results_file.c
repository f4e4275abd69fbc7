/* Results log file: append-only writes and gzip rotation. */
#include "results_file.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RESULTS_NAME "sysq.results.log"

struct results_file {
	struct results_file_options opt;
	char *dir;
	char *path;
	int fd;
	int64_t size;
	int64_t rotate_at; /* size at which to rotate next */
	dev_t dev; /* of the open file, to notice an external rotation */
	ino_t ino;
};

static void finish_interrupted_rotation(struct results_file *rf);

static int open_log(struct results_file *rf)
{
	struct stat st;

	rf->fd = open(rf->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (rf->fd < 0)
		return -errno;
	/* The daemon's umask is 077; results are meant for a log shipper in
	 * the file's group, as with osquery. */
	if (fchmod(rf->fd, 0640) < 0 || fstat(rf->fd, &st) < 0) {
		int err = -errno;

		close(rf->fd);
		rf->fd = -1;
		return err;
	}
	rf->size = st.st_size;
	rf->rotate_at = rf->opt.rotate_size;
	rf->dev = st.st_dev;
	rf->ino = st.st_ino;
	return 0;
}

/* logrotate (or an operator) moved or deleted the file: start a new one
 * rather than keep writing into the moved one. */
static void reopen_if_moved(struct results_file *rf)
{
	struct stat st;

	if (rf->fd < 0)
		return;
	if (lstat(rf->path, &st) == 0 && st.st_dev == rf->dev && st.st_ino == rf->ino)
		return;
	close(rf->fd);
	rf->fd = -1;
}

int results_file_open(const struct results_file_options *opt, struct results_file **ret,
		      char **err)
{
	struct results_file *rf = xcalloc(1, sizeof(*rf));
	int rc;

	rf->opt = *opt;
	rf->dir = xstrdup(opt->dir);
	rf->opt.dir = rf->dir;
	rf->path = xasprintf("%s/%s", opt->dir, RESULTS_NAME);
	rf->fd = -1;
	if (mkdir(rf->dir, 0750) == 0)
		chmod(rf->dir, 0750); /* mkdir honours the umask */
	if (rf->opt.rotate)
		finish_interrupted_rotation(rf);
	rc = open_log(rf);
	if (rc < 0) {
		*err = xasprintf("cannot open %s: %s", rf->path, strerror(-rc));
		results_file_close(rf);
		return rc;
	}
	*ret = rf;
	return 0;
}

/* Compresses `src` into `dst` (gzip). Returns 0 or -1. */
static int gzip_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	gzFile out;
	ssize_t n;
	int rc = 0;

	int fd;

	if (in < 0)
		return -1;
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd >= 0)
		fchmod(fd, 0640); /* past the daemon's umask, as the log itself */
	out = fd >= 0 ? gzdopen(fd, "wb") : NULL;
	if (!out) {
		if (fd >= 0)
			close(fd);
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (gzwrite(out, buf, (unsigned)n) != (int)n) {
			rc = -1;
			break;
		}
	}
	if (n < 0)
		rc = -1;
	if (gzclose(out) != Z_OK)
		rc = -1;
	close(in);
	return rc;
}

static char *rotated_name(const struct results_file *rf, int64_t n)
{
	return xasprintf("%s.%lld.gz", rf->path, (long long)n);
}

/* .N.gz -> .N+1.gz from the oldest down; the one past the limit goes. */
static void shift_rotated(struct results_file *rf)
{
	char *oldest = rotated_name(rf, rf->opt.rotate_max_files);

	unlink(oldest);
	free(oldest);
	for (int64_t i = rf->opt.rotate_max_files - 1; i >= 1; i--) {
		char *from = rotated_name(rf, i), *to = rotated_name(rf, i + 1);

		rename(from, to);
		free(from);
		free(to);
	}
}

/* Compresses `src` into .1.gz, shifting older archives, then removes
 * it. The archive is written under a temporary name first, so a failure
 * shifts nothing and leaves `src` whole. */
static int archive(struct results_file *rf, const char *src)
{
	char *first = rotated_name(rf, 1);
	char *partial = xasprintf("%s.gz.partial", rf->path);
	int rc = gzip_file(src, partial);

	if (rc == 0) {
		shift_rotated(rf);
		rc = rename(partial, first);
	}
	if (rc == 0)
		unlink(src);
	else
		unlink(partial);
	free(first);
	free(partial);
	return rc;
}

static void rotate(struct results_file *rf)
{
	char *moved = xasprintf("%s.rotating", rf->path);

	bool failed;

	close(rf->fd);
	rf->fd = -1;
	failed = rename(rf->path, moved) < 0 || archive(rf, moved) < 0;
	if (failed) {
		log_warn("results log: cannot rotate %s (%s); it keeps growing until the next "
			 "try, %lld bytes from now",
			 rf->path, strerror(errno), (long long)rf->opt.rotate_size);
		rename(moved, rf->path); /* back, if it had moved */
	}
	free(moved);
	if (open_log(rf) < 0)
		log_error("results log: cannot reopen %s: %s", rf->path, strerror(errno));
	else if (failed)
		rf->rotate_at = rf->size + rf->opt.rotate_size;
}

/* A crash in the middle of a rotation leaves the moved log behind:
 * archive it now rather than lose it. */
static void finish_interrupted_rotation(struct results_file *rf)
{
	char *moved = xasprintf("%s.rotating", rf->path);
	struct stat st;

	if (lstat(moved, &st) == 0 && S_ISREG(st.st_mode) && archive(rf, moved) < 0)
		log_warn("results log: cannot archive %s, left by an interrupted rotation",
			 moved);
	free(moved);
}

int results_file_write(struct results_file *rf, const char *data, size_t len)
{
	ssize_t n;
	int rc;

	reopen_if_moved(rf);
	if (rf->fd < 0 && (rc = open_log(rf)) < 0)
		return rc;
	do {
		n = write(rf->fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len)
		return n < 0 ? -errno : -EIO;
	rf->size += n;
	if (rf->opt.rotate && rf->size >= rf->rotate_at)
		rotate(rf);
	return 0;
}

void results_file_close(struct results_file *rf)
{
	if (!rf)
		return;
	if (rf->fd >= 0)
		close(rf->fd);
	free(rf->dir);
	free(rf->path);
	free(rf);
}
