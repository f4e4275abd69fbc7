/* Filesystem helpers for the daemon's paths. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Creates the directory that will hold `path` (and its parents) with
 * `mode` for directories it creates. Returns 0 or -errno. */
int mkdir_parent(const char *path, mode_t mode);

/* Creates or opens the pid file, locks it (refusing when another process
 * holds the lock) and writes our pid. Returns the fd to keep open, or
 * -EEXIST with *owner set to the pid written by the holder, or -errno. */
int pidfile_acquire(const char *path, pid_t *owner);

/* Whether a file the daemon takes orders from (flagfile, config, pack)
 * is safe to trust, as auditd checks its rules: owned by root (or by the
 * user running sysq, when that is not root) and not writable by group or
 * others. Returns 0, or -EPERM with `err` saying why and how to fix it. */
int fs_check_trusted(int fd, const char *path, char *err, size_t errlen);
