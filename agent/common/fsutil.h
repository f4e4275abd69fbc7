/* Filesystem helpers for the daemon's paths. */
#pragma once

#include <sys/types.h>

/* Creates the directory that will hold `path` (and its parents) with
 * `mode` for directories it creates. Returns 0 or -errno. */
int mkdir_parent(const char *path, mode_t mode);

/* Creates or opens the pid file, locks it (refusing when another process
 * holds the lock) and writes our pid. Returns the fd to keep open, or
 * -EEXIST with *owner set to the pid written by the holder, or -errno. */
int pidfile_acquire(const char *path, pid_t *owner);
