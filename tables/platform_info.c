/* platform_info: the firmware (BIOS or UEFI), with osquery's columns.
 *
 * Example:
 *   SELECT vendor, version, date, firmware_type FROM platform_info;
 *
 * Read from /sys/class/dmi/id. A machine without DMI (many VMs, ARM
 * boards) has no row, as in osquery, rather than a row of guesses.
 * firmware_type is uefi when /sys/firmware/efi exists, else bios. */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "common/hostinfo.h"

#include <stdlib.h>
#include <unistd.h>

enum { COL_vendor, COL_version, COL_date, COL_revision, COL_firmware_type, COL_COUNT };

static const struct column_def platform_info_columns[] = {
	{"vendor", COLUMN_TEXT, false, "Firmware vendor (DMI bios_vendor)"},
	{"version", COLUMN_TEXT, false, "Firmware version (bios_version)"},
	{"date", COLUMN_TEXT, false, "Firmware release date (bios_date)"},
	{"revision", COLUMN_TEXT, false, "Firmware revision (bios_release), else empty"},
	{"firmware_type", COLUMN_TEXT, false, "uefi or bios"},
};

static const struct table_def platform_info_def = {
	.name = "platform_info",
	.description = "The machine's firmware: vendor, version, date, type",
	.columns = platform_info_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

static void set_attr(struct row *row, unsigned col, const char *path)
{
	char *v = read_first_line(path);

	row_set_str(row, col, v ? v : "");
	free(v);
}

static void fill_platform_info(const void *ctx, struct snapshot_rows *out)
{
	struct row *row;

	(void)ctx;
	if (access("/sys/class/dmi/id/bios_vendor", R_OK) != 0)
		return;
	row = snapshot_add_row(out, COL_COUNT);
	set_attr(row, COL_vendor, "/sys/class/dmi/id/bios_vendor");
	set_attr(row, COL_version, "/sys/class/dmi/id/bios_version");
	set_attr(row, COL_date, "/sys/class/dmi/id/bios_date");
	set_attr(row, COL_revision, "/sys/class/dmi/id/bios_release");
	row_set_str(row, COL_firmware_type, access("/sys/firmware/efi", F_OK) == 0 ? "uefi" : "bios");
}

const struct snapshot_module platform_info_module = {
	.def = &platform_info_def,
	.fill = fill_platform_info,
};
