/* kernel_info: the running kernel, with osquery's columns.
 *
 * Example:
 *   SELECT version, path, device, arguments FROM kernel_info;
 *
 * version is the release (uname -r). From the boot command line
 * (/proc/cmdline), as osquery splits it: path is BOOT_IMAGE, device is
 * root=, and arguments are the other words. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define CMDLINE_MAX 4096

enum { COL_version, COL_arguments, COL_path, COL_device, COL_COUNT };

static const struct column_def kernel_info_columns[] = {
	{"version", COLUMN_TEXT, false, "Kernel release (uname -r)"},
	{"arguments", COLUMN_TEXT, false, "Boot command line without BOOT_IMAGE and root"},
	{"path", COLUMN_TEXT, false, "Kernel image booted (BOOT_IMAGE), else empty"},
	{"device", COLUMN_TEXT, false, "Root device (root=), else empty"},
};

static const struct table_def kernel_info_def = {
	.name = "kernel_info",
	.description = "The running kernel's release and boot command line",
	.columns = kernel_info_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

/* Splits the command line's words into path, device and the rest. */
static void split_cmdline(char *line, struct row *row)
{
	struct strbuf rest = STRBUF_INIT;
	const char *path = "", *device = "";

	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (strncmp(w, "BOOT_IMAGE=", 11) == 0)
			path = w + 11;
		else if (strncmp(w, "root=", 5) == 0)
			device = w + 5;
		else
			sb_printf(&rest, "%s%s", rest.len ? " " : "", w);
	}
	row_set_str(row, COL_path, path);
	row_set_str(row, COL_device, device);
	row_set_str(row, COL_arguments, sb_str(&rest));
	sb_free(&rest);
}

/* The whole command line: longer than a line read_first_line takes (the
 * kernel allows up to 4 KiB on some architectures). */
static size_t read_cmdline(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cmdline", "re");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n;
}

static void fill_kernel_info(const void *ctx, struct snapshot_rows *out)
{
	struct row *row = snapshot_add_row(out, COL_COUNT);
	char cmdline[CMDLINE_MAX + 1];
	struct utsname u;

	(void)ctx;
	row_set_str(row, COL_version, uname(&u) == 0 ? u.release : "");
	read_cmdline(cmdline, sizeof(cmdline));
	split_cmdline(cmdline, row);
}

const struct snapshot_module kernel_info_module = {
	.def = &kernel_info_def,
	.fill = fill_kernel_info,
};
