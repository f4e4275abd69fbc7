/* process_events: which file the executable's times are read from, on the
 * store's writer thread (process_events_file_times in row.c).
 *
 * A path names a file in the process's own root, which for a container is
 * not the host's: its /usr/bin/true is another file. So the file is read
 * through /proc/<pid>/root while the process lives (and is still the
 * event's, proc_pid.h). Once it is gone, the host's file at the path is
 * used only when it is known to be the one that ran: it has the inode and
 * device of the audit PATH record (item 0, the file named: for a script,
 * the script, not the interpreter at `path`), or the process's cgroup was
 * read and is the host's (a BPF row's always is, from the kernel's id).
 * Otherwise the times stay NULL, counted in file_unread, and nothing is
 * logged: a busy host with short-lived container processes would log one
 * line per exec. */
#include "process_events.h"

#include "container/proc_pid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool is_int(const struct row *row, unsigned col)
{
	return row->values[col].kind == ROW_INT;
}

/* "fd:01", major and minor in hex, as the PATH record writes dev=. */
static bool device_matches(const struct row *row, const struct statx *stx)
{
	char dev[32];
	unsigned major, minor;
	size_t len = row->values[PE_file_device].len;

	if (row->values[PE_file_device].kind != ROW_TEXT)
		return true;
	if (len >= sizeof(dev))
		return false;
	memcpy(dev, row_text(row, PE_file_device), len);
	dev[len] = '\0';
	if (sscanf(dev, "%x:%x", &major, &minor) != 2)
		return false;
	return major == stx->stx_dev_major && minor == stx->stx_dev_minor;
}

/* Whether stx is the file the audit PATH record named (item 0). */
static bool named_file(const struct row *row, const struct statx *stx)
{
	return is_int(row, PE_file_inode) &&
	       (uint64_t)row->values[PE_file_inode].i == stx->stx_ino && device_matches(row, stx);
}

/* Whether the row's process was on the host: its cgroup known, and no
 * container's. */
static bool on_host(const struct row *row)
{
	return row->values[PE_cgroup_path].kind == ROW_TEXT &&
	       row->values[PE_container_id].kind == ROW_NULL;
}

/* The host's file at the path, when it is the one that ran. */
static int host_statx(const struct row *row, const char *path, unsigned mask,
		      struct statx *stx)
{
	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, mask | STATX_INO, stx) < 0)
		return -errno;
	return named_file(row, stx) || on_host(row) ? 0 : -ESTALE;
}

int process_events_exec_statx(struct row *row, const char *path, unsigned mask,
			      struct statx *stx)
{
	int rc = -ESRCH;

	if (is_int(row, PE_pid) && is_int(row, PE_time))
		rc = proc_root_statx((pid_t)row->values[PE_pid].i,
				     (row->values[PE_time].i + 1) * 1000 - 1, path, mask, stx);
	if (rc == -ESRCH)
		rc = host_statx(row, path, mask, stx);
	if (rc < 0 && row->table && row->table->counters)
		counter_add(row->table->counters, COUNTER_file_unread, 1);
	return rc;
}
