/* The processes table's columns and the parsers of a process's /proc
 * files (parse.c), apart from the reads (module.c), so that the parsers
 * can be tested and fuzzed on text alone.
 *
 * Every text here is the kernel's, but parts of it are the process's own:
 * its comm in stat (any byte but NUL, ')' and spaces included), its
 * arguments, its cgroup path. */
#pragma once

#include "store/row.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define X_COLUMNS(X)                                                                               \
	X(pid, INTEGER, "Process id")                                                              \
	X(name, TEXT, "Command name (comm): the executable's name, at most 15 bytes, or what "     \
		      "the process set")                                                           \
	X(path, TEXT, "Executable (/proc/<pid>/exe); empty when unreadable or a kernel thread")   \
	X(cmdline, TEXT, "Arguments joined by spaces, as in osquery (cut at 1 MiB)")                \
	X(state, TEXT, "State letter: R running, S sleeping, D disk wait, Z zombie, T stopped...") \
	X(cwd, TEXT, "Current working directory; empty when unreadable")                          \
	X(root, TEXT, "Root directory (differs inside a chroot or container)")                    \
	X(uid, INTEGER, "Real user id")                                                            \
	X(gid, INTEGER, "Real group id")                                                           \
	X(euid, INTEGER, "Effective user id")                                                      \
	X(egid, INTEGER, "Effective group id")                                                     \
	X(suid, INTEGER, "Saved user id")                                                          \
	X(sgid, INTEGER, "Saved group id")                                                         \
	X(on_disk, INTEGER, "1 if the executable is still on disk, 0 if it was deleted, -1 "      \
			    "unknown")                                                             \
	X(wired_size, INTEGER, "Always 0: Linux has no unpageable-memory counter (as osquery)")    \
	X(resident_size, INTEGER, "Resident memory in bytes (VmRSS); NULL for kernel threads")   \
	X(total_size, INTEGER, "Virtual memory in bytes (VmSize); NULL for kernel threads")      \
	X(user_time, INTEGER, "CPU time in user space, milliseconds")                              \
	X(system_time, INTEGER, "CPU time in the kernel, milliseconds")                            \
	X(disk_bytes_read, INTEGER, "Bytes read from storage (/proc/<pid>/io); NULL when "        \
				    "unreadable")                                                  \
	X(disk_bytes_written, INTEGER, "Bytes written to storage, less cancelled writes; NULL "   \
				       "when unreadable")                                          \
	X(start_time, INTEGER, "Unix time the process started")                                   \
	X(parent, INTEGER, "Parent process id")                                                    \
	X(pgroup, INTEGER, "Process group id")                                                     \
	X(threads, INTEGER, "Number of threads")                                                   \
	X(nice, INTEGER, "Nice value, -20 to 19")                                                  \
	X(cgroup_path, TEXT, "Control group: the path of the first line of /proc/<pid>/cgroup "   \
			     "(the cgroup v2 path on a v2 host)")

enum {
#define X(name, type, desc) COL_##name,
	X_COLUMNS(X)
#undef X
	COL_COUNT
};

/* Fields of /proc/<pid>/stat; comm points into the text parsed. */
struct proc_stat {
	const char *comm;
	size_t comm_len;
	char state;
	long long ppid, pgrp, utime, stime, nice, threads, start;
};

/* Parses a NUL-terminated stat line. Returns 0 or -EINVAL. */
int proc_parse_stat(const char *stat, struct proc_stat *ps);
/* Whether a status text's Tgid is `pid` (a process, not a thread). */
bool proc_status_is_process(const char *status, pid_t pid);

/* Each sets its columns of `row` (COL_COUNT columns) from one file's
 * NUL-terminated text. boot_time is the wall-clock second of boot, hz
 * the clock ticks per second. */
void proc_row_stat(struct row *row, const struct proc_stat *ps, int64_t boot_time, long hz);
void proc_row_status(struct row *row, const char *status);
/* cmdline's `len` bytes, changed in place (its NULs become spaces). */
void proc_row_cmdline(struct row *row, char *cmdline, size_t len);
void proc_row_io(struct row *row, const char *io);
void proc_row_cgroup(struct row *row, const char *cgroup);
