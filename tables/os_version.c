/* os_version: the operating system, from os-release(5) and uname(2), with
 * osquery's columns, so fleet managers recognise the platform.
 *
 * Example:
 *   SELECT name, version, major, minor, platform, codename FROM os_version;
 *
 * /etc/os-release is read, else /usr/lib/os-release. platform is ID
 * (debian, ubuntu, rhel...), platform_like ID_LIKE; major, minor and patch
 * are the numbers of VERSION_ID ("22.04" is 22, 4, 0). */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

enum {
	COL_name, COL_version, COL_major, COL_minor, COL_patch, COL_build, COL_platform,
	COL_platform_like, COL_codename, COL_arch, COL_extra, COL_COUNT
};

static const struct column_def os_version_columns[] = {
	{"name", COLUMN_TEXT, false, "Distribution name (os-release NAME)"},
	{"version", COLUMN_TEXT, false, "Version text (VERSION, else VERSION_ID)"},
	{"major", COLUMN_INTEGER, false, "First number of VERSION_ID"},
	{"minor", COLUMN_INTEGER, false, "Second number of VERSION_ID, else 0"},
	{"patch", COLUMN_INTEGER, false, "Third number of VERSION_ID, else 0"},
	{"build", COLUMN_TEXT, false, "BUILD_ID, else empty"},
	{"platform", COLUMN_TEXT, false, "Distribution id (ID: debian, ubuntu, rhel...)"},
	{"platform_like", COLUMN_TEXT, false, "Related distributions (ID_LIKE)"},
	{"codename", COLUMN_TEXT, false, "Release codename (VERSION_CODENAME)"},
	{"arch", COLUMN_TEXT, false, "Machine architecture (uname -m)"},
	{"extra", COLUMN_TEXT, false, "Extra release text; empty on Linux, as in osquery"},
};

static const struct table_def os_version_def = {
	.name = "os_version",
	.description = "The operating system's name, version and platform",
	.columns = os_version_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

/* The os-release keys read, in the order of `values` below. */
static const char *const keys[] = {"NAME",	  "VERSION",	      "VERSION_ID", "BUILD_ID",
				   "ID",	  "ID_LIKE",	      "VERSION_CODENAME", NULL};
enum { K_NAME, K_VERSION, K_VERSION_ID, K_BUILD_ID, K_ID, K_ID_LIKE, K_CODENAME, K_COUNT };

/* A shell-style value: "quoted", 'quoted' or bare, backslash escapes in
 * double quotes, as os-release(5) allows. */
static char *unquote(const char *v)
{
	struct strbuf sb = STRBUF_INIT;
	char quote = (*v == '"' || *v == '\'') ? *v++ : 0;

	for (; *v && *v != '\n'; v++) {
		if (quote && *v == quote)
			break;
		if (quote == '"' && *v == '\\' && v[1])
			v++;
		sb_putc(&sb, *v);
	}
	return sb_detach(&sb);
}

static FILE *open_os_release(void)
{
	FILE *f = fopen("/etc/os-release", "re");

	return f ? f : fopen("/usr/lib/os-release", "re");
}

static void read_os_release(char *values[K_COUNT])
{
	FILE *f = open_os_release();
	char line[1024];

	while (f && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		for (int k = 0; keys[k]; k++) {
			if (strcmp(line, keys[k]) == 0) {
				free(values[k]);
				values[k] = unquote(eq + 1);
			}
		}
	}
	if (f)
		fclose(f);
}

/* The n-th dot-separated number of a version ("22.04.3"), else 0. */
static int64_t version_part(const char *v, int n)
{
	for (; v && n > 0; n--) {
		v = strchr(v, '.');
		v = v ? v + 1 : NULL;
	}
	return v && isdigit((unsigned char)*v) ? strtoll(v, NULL, 10) : 0;
}

static void set_or_empty(struct row *row, unsigned col, const char *s)
{
	row_set_str(row, col, s ? s : "");
}

static void fill_os_version(const void *ctx, struct snapshot_rows *out)
{
	char *v[K_COUNT] = {0};
	struct row *row = snapshot_add_row(out, COL_COUNT);
	struct utsname u;

	(void)ctx;
	read_os_release(v);
	set_or_empty(row, COL_name, v[K_NAME] ? v[K_NAME] : "Linux");
	set_or_empty(row, COL_version, v[K_VERSION] ? v[K_VERSION] : v[K_VERSION_ID]);
	for (int i = 0; i < 3; i++)
		row_set_int(row, COL_major + (unsigned)i, version_part(v[K_VERSION_ID], i));
	set_or_empty(row, COL_build, v[K_BUILD_ID]);
	set_or_empty(row, COL_platform, v[K_ID] ? v[K_ID] : "linux");
	set_or_empty(row, COL_platform_like, v[K_ID_LIKE]);
	set_or_empty(row, COL_codename, v[K_CODENAME]);
	set_or_empty(row, COL_arch, uname(&u) == 0 ? u.machine : NULL);
	/* osquery fills it on macOS only; FleetDM's detail query selects it. */
	set_or_empty(row, COL_extra, NULL);
	for (int k = 0; k < K_COUNT; k++)
		free(v[k]);
}

const struct snapshot_module os_version_module = {
	.def = &os_version_def,
	.fill = fill_os_version,
};
