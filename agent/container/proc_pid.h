/* A live process's /proc directory, opened only when the pid still names
 * the process an event was about, and files read through its root.
 *
 * A pid can be reused once its process is reaped. An event names a pid at
 * a moment; a process whose start time is later than that moment is some
 * other process, and nothing read from it may describe the event. The
 * directory fd stays bound to the process it was opened for (a read
 * through it fails once that process is reaped, even if the pid is
 * reused), so the check is made once, at the open. */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* How far an event's wall-clock time may run ahead of the start time
 * /proc reports (whole clock ticks, a coarse audit clock) before the
 * process counts as a later one. */
#define PROC_START_SLACK_MS 50

/* Whether a process that started at start_boot_ns (CLOCK_BOOTTIME) is
 * later than an event at event_ms (wall clock, ms), by more than the
 * slack. */
bool proc_started_after(uint64_t start_boot_ns, int64_t event_ms);

/* Opens /proc/<pid> (O_DIRECTORY) when that process started no later than
 * event_ms, wall-clock milliseconds. Returns the fd, or -ESRCH when the
 * process is gone or started after the event, or another -errno. */
int proc_pid_open(pid_t pid, int64_t event_ms);

/* Reads a small /proc file relative to `dirfd` into buf, NUL-terminated.
 * Returns its length, or -errno (-ESRCH once the process is gone). */
ssize_t proc_read_at(int dirfd, const char *name, char *buf, size_t size);

/* statx of `path` (absolute, as the process sees it) inside the root of
 * process pid, symlinks resolved within that root, for an event at
 * event_ms. Returns 0, -ESRCH when the process is gone or is not the
 * event's, or another -errno (the file is not there). */
int proc_root_statx(pid_t pid, int64_t event_ms, const char *path, unsigned mask,
		    struct statx *stx);
