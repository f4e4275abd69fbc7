/* sysq.results.log: the results log file, with size-based rotation.
 *
 * The file is created mode 0640 and opened O_APPEND|O_NOFOLLOW, so lines
 * from one writer never interleave and a planted symlink is refused. With
 * rotation on, a file past the size limit becomes sysq.results.log.1.gz
 * (zlib, gzip format), older ones shift to .2.gz and up, and at most
 * max_files rotated files are kept. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct results_file;

struct results_file_options {
	const char *dir;
	bool rotate;
	int64_t rotate_size;
	int64_t rotate_max_files;
};

/* Creates the directory (0750) and opens the file. Returns 0 or -errno
 * with *err set (free it). */
int results_file_open(const struct results_file_options *opt, struct results_file **ret,
		      char **err);

/* Appends `len` bytes (whole lines) with one write; rotates after it if
 * the file grew past the limit. Returns 0 or -errno. */
int results_file_write(struct results_file *rf, const char *data, size_t len);

void results_file_close(struct results_file *rf);
