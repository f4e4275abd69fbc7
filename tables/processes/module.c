/* processes: every process running now, read from /proc, with osquery's
 * Linux columns and units.
 *
 * Example:
 *   SELECT pid, name, cmdline, resident_size FROM processes WHERE pid = 1;
 *   SELECT name, COUNT(*) FROM processes GROUP BY name;
 *
 * One row per process (thread-group leader; threads are not listed, as
 * in osquery). Each process's files are read through one open directory
 * fd of /proc/<pid>: once that process is gone every read fails, so a row
 * never mixes two processes that shared a pid. A process that exits
 * while it is read is left out; that is not an error. A file the daemon
 * may not read leaves its columns as osquery leaves them: empty text for
 * the links (path, cwd, root), -1 for on_disk and NULL for the disk
 * counters. `WHERE pid = N` reads /proc/N alone.
 *
 * Values are the kernel's bytes: name is the raw comm of /proc/<pid>/stat
 * (not the escaped form of status), cmdline the arguments joined by
 * spaces as osquery joins them. They are untrusted; every output escapes
 * them its own way.
 *
 * This file reads the files; parse.c turns their text into columns. */
#include "processes.h"

#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "common/strbuf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A command line longer than this is cut: a process may not make the
 * daemon hold an unbounded copy of its arguments. */
#define CMDLINE_MAX (1024 * 1024)
/* status lists every supplementary group; far more than enough. */
#define STATUS_MAX (256 * 1024)
#define SMALL_MAX 4096

static const struct column_def processes_columns[] = {
#define X(name, type, desc) {#name, COLUMN_##type, false, desc},
	X_COLUMNS(X)
#undef X
};

static const struct table_def processes_def = {
	.name = "processes",
	.description = "Processes running now, read from /proc, with osquery's columns",
	.columns = processes_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};


/* What one scan needs from outside the processes. */
struct scan {
	int64_t boot_time; /* wall-clock second of boot */
	long hz;
	struct strbuf stat;   /* /proc/<pid>/stat: the row's name points into it */
	struct strbuf status; /* /proc/<pid>/status */
	struct strbuf buf;    /* the other files, one at a time */
};

/* Reads a /proc file through the process's directory fd into sb, at most
 * `max` bytes. Returns 0, or -errno (ESRCH once the process is gone). */
static int read_at(int dirfd, const char *name, struct strbuf *sb, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;
	int rc = 0;

	sb_truncate(sb, 0);
	if (fd < 0)
		return -errno;
	while (sb->len < max) {
		size_t room;

		sb_reserve(sb, 4096);
		room = sb->cap - sb->len - 1;
		if (room > max - sb->len)
			room = max - sb->len;
		n = read(fd, sb->buf + sb->len, room);
		if (n <= 0)
			break;
		sb->len += (size_t)n;
	}
	if (n < 0)
		rc = -errno;
	sb_reserve(sb, 0);
	sb->buf[sb->len] = '\0';
	close(fd);
	return rc;
}

static void set_link(struct row *row, int dirfd, const char *name, unsigned col)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);

	row_set_text(row, col, buf, n > 0 ? (size_t)n : 0);
}

/* The executable as the kernel holds it: a link count of 0 means it was
 * deleted (exe then reads "<path> (deleted)", and the suffix is taken off
 * path as osquery does). Unknown (-1) when there is no executable (a
 * kernel thread) or it may not be read. */
static void set_path(struct row *row, int dirfd)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char buf[PATH_MAX + 1];
	ssize_t n = readlinkat(dirfd, "exe", buf, sizeof(buf) - 1);
	struct stat st;
	int on_disk = -1;

	if (n <= 0)
		n = 0;
	else if (fstatat(dirfd, "exe", &st, 0) == 0)
		on_disk = st.st_nlink > 0;
	if (on_disk == 0 && (size_t)n > dlen && memcmp(buf + n - dlen, deleted, dlen) == 0)
		n -= (ssize_t)dlen;
	row_set_text(row, COL_path, buf, (size_t)n);
	row_set_int(row, COL_on_disk, on_disk);
}


/* Each file but stat and status may be unreadable (io: not the owner,
 * exe: a kernel thread); their columns then stay as osquery leaves them. */
static void read_rest(struct scan *sc, struct row *row, int dirfd)
{
	set_path(row, dirfd);
	set_link(row, dirfd, "cwd", COL_cwd);
	set_link(row, dirfd, "root", COL_root);
	if (read_at(dirfd, "cmdline", &sc->buf, CMDLINE_MAX) < 0)
		sb_truncate(&sc->buf, 0);
	proc_row_cmdline(row, sc->buf.buf ? sc->buf.buf : "", sc->buf.len);
	if (read_at(dirfd, "io", &sc->buf, SMALL_MAX) == 0)
		proc_row_io(row, sc->buf.buf);
	if (read_at(dirfd, "cgroup", &sc->buf, SMALL_MAX) < 0)
		sb_truncate(&sc->buf, 0);
	proc_row_cgroup(row, sb_str(&sc->buf));
}

/* The stat and status a row needs; -ESRCH when the process is gone, or
 * `pid` names a thread rather than a process. */
static int read_process(struct scan *sc, int dirfd, pid_t pid, struct proc_stat *ps)
{
	int rc = read_at(dirfd, "stat", &sc->stat, SMALL_MAX);

	if (rc == 0)
		rc = proc_parse_stat(sc->stat.buf, ps);
	if (rc == 0)
		rc = read_at(dirfd, "status", &sc->status, STATUS_MAX);
	if (rc == 0 && !proc_status_is_process(sc->status.buf, pid))
		rc = -ESRCH;
	return rc;
}

static void add_process(struct scan *sc, int procfd, pid_t pid, struct snapshot_rows *out)
{
	char name[24];
	struct proc_stat ps;
	struct row *row;
	int dirfd;

	snprintf(name, sizeof(name), "%d", (int)pid);
	dirfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	if (read_process(sc, dirfd, pid, &ps) < 0) {
		close(dirfd);
		return;
	}
	row = snapshot_add_row(out, COL_COUNT);
	row_set_int(row, COL_pid, pid);
	proc_row_stat(row, &ps, sc->boot_time, sc->hz);
	proc_row_status(row, sc->status.buf);
	read_rest(sc, row, dirfd);
	/* Gone while it was read: what was read may be half there. */
	if (faccessat(dirfd, "stat", F_OK, 0) < 0)
		snapshot_drop_last(out);
	close(dirfd);
}

static void scan_init(struct scan *sc)
{
	struct timespec real, boot;

	memset(sc, 0, sizeof(*sc));
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	sc->boot_time = (int64_t)real.tv_sec - (int64_t)boot.tv_sec;
	sc->hz = sysconf(_SC_CLK_TCK);
	if (sc->hz <= 0)
		sc->hz = 100;
}

static void scan_free(struct scan *sc)
{
	sb_free(&sc->stat);
	sb_free(&sc->status);
	sb_free(&sc->buf);
}

/* A /proc entry that is a process: all digits. */
static pid_t entry_pid(const char *name)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)name[0]))
		return 0;
	v = strtol(name, &end, 10);
	return *end || v <= 0 || v > INT32_MAX ? 0 : (pid_t)v;
}

static void fill_processes(const void *ctx, struct snapshot_rows *out)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	struct scan sc;

	(void)ctx;
	if (!dir)
		return;
	scan_init(&sc);
	while ((de = readdir(dir))) {
		pid_t pid = entry_pid(de->d_name);

		if (pid > 0)
			add_process(&sc, dirfd(dir), pid, out);
	}
	scan_free(&sc);
	closedir(dir);
}

/* WHERE pid = N: /proc/N alone. A thread's id names a /proc entry too
 * (hidden from the listing); read_process leaves it out, as a scan does. */
static void fill_process(const void *ctx, int64_t pid, struct snapshot_rows *out)
{
	int procfd;
	struct scan sc;

	(void)ctx;
	if (pid <= 0 || pid > INT32_MAX)
		return;
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return;
	scan_init(&sc);
	add_process(&sc, procfd, (pid_t)pid, out);
	scan_free(&sc);
	close(procfd);
}

const struct snapshot_module processes_module = {
	.def = &processes_def,
	.fill = fill_processes,
	.fill_key = fill_process,
	.key_column = COL_pid,
};

