/* system_info: the machine's name, identity, CPU, memory and hardware,
 * with osquery's columns.
 *
 * Example:
 *   SELECT hostname, uuid, cpu_brand, cpu_logical_cores, physical_memory
 *     FROM system_info;
 *
 * CPU facts come from /proc/cpuinfo (physical cores are the distinct
 * "physical id"/"core id" pairs), memory from sysinfo(2), hardware from
 * /sys/class/dmi/id (empty on machines without DMI, such as many VMs and
 * ARM boards). */
#include "sql/catalog.h"
#include "sql/snapshot_vtab.h"

#include "registry/table_module.h"

#include "common/hostinfo.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#define X_COLUMNS(X)                                                                               \
	X(hostname, TEXT, "Host name")                                                             \
	X(uuid, TEXT, "DMI product UUID, else /etc/machine-id as a UUID")                          \
	X(cpu_type, TEXT, "CPU architecture (uname -m)")                                            \
	X(cpu_subtype, TEXT, "CPU model number (/proc/cpuinfo model)")                              \
	X(cpu_brand, TEXT, "CPU model name")                                                        \
	X(cpu_physical_cores, INTEGER, "Physical cores")                                            \
	X(cpu_logical_cores, INTEGER, "Logical CPUs")                                               \
	X(cpu_sockets, INTEGER, "CPU packages (distinct physical ids)")                             \
	X(cpu_microcode, TEXT, "CPU microcode revision")                                            \
	X(physical_memory, INTEGER, "Bytes of RAM")                                                 \
	X(hardware_vendor, TEXT, "DMI sys_vendor")                                                  \
	X(hardware_model, TEXT, "DMI product_name")                                                 \
	X(hardware_version, TEXT, "DMI product_version")                                            \
	X(hardware_serial, TEXT, "DMI product_serial")                                              \
	X(board_vendor, TEXT, "DMI board_vendor")                                                   \
	X(board_model, TEXT, "DMI board_name")                                                      \
	X(board_version, TEXT, "DMI board_version")                                                 \
	X(board_serial, TEXT, "DMI board_serial")                                                   \
	X(computer_name, TEXT, "Host name")                                                         \
	X(local_hostname, TEXT, "Host name")

enum {
#define X(name, type, desc) COL_##name,
	X_COLUMNS(X)
#undef X
	COL_COUNT
};

static const struct column_def system_info_columns[] = {
#define X(name, type, desc) {#name, COLUMN_##type, false, desc},
	X_COLUMNS(X)
#undef X
};

static const struct table_def system_info_def = {
	.name = "system_info",
	.description = "The machine: host name, UUID, CPU, memory and hardware",
	.columns = system_info_columns,
	.ncolumns = COL_COUNT,
	.time_column = -1,
	.eid_column = -1,
};

struct cpu_facts {
	char *model, *brand, *microcode;
	long logical;
	/* distinct (physical id, core id) pairs and physical ids */
	long cores[1024][2];
	int ncores;
	long sockets[64];
	int nsockets;
};

static void add_unique_core(struct cpu_facts *c, long phys, long core)
{
	for (int i = 0; i < c->ncores; i++) {
		if (c->cores[i][0] == phys && c->cores[i][1] == core)
			return;
	}
	if (c->ncores < 1024) {
		c->cores[c->ncores][0] = phys;
		c->cores[c->ncores++][1] = core;
	}
}

static void add_unique_socket(struct cpu_facts *c, long phys)
{
	for (int i = 0; i < c->nsockets; i++) {
		if (c->sockets[i] == phys)
			return;
	}
	if (c->nsockets < 64)
		c->sockets[c->nsockets++] = phys;
}

/* "key<tabs>: value" -> value, when the line's key is `key`. */
static const char *field(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0)
		return NULL;
	line += n + strspn(line + n, " \t");
	if (*line != ':')
		return NULL; /* another key that starts the same ("model name") */
	return line + 1 + (line[1] == ' ');
}

static char *dup_value(const char *v)
{
	return xstrndup(v, strcspn(v, "\n"));
}

static void read_cpuinfo(struct cpu_facts *c)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[1024];
	long phys = 0;
	const char *v;

	while (f && fgets(line, sizeof(line), f)) {
		if (field(line, "processor"))
			c->logical++;
		else if ((v = field(line, "physical id"))) {
			phys = strtol(v, NULL, 10);
			add_unique_socket(c, phys);
		} else if ((v = field(line, "core id")))
			add_unique_core(c, phys, strtol(v, NULL, 10));
		else if (!c->model && (v = field(line, "model")))
			c->model = dup_value(v);
		else if (!c->brand && (v = field(line, "model name")))
			c->brand = dup_value(v);
		else if (!c->microcode && (v = field(line, "microcode")))
			c->microcode = dup_value(v);
	}
	if (f)
		fclose(f);
}

/* A DMI attribute, or "" when the machine has none. */
static void set_dmi(struct row *row, unsigned col, const char *attr)
{
	char path[128];
	char *v;

	snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", attr);
	v = read_first_line(path);
	row_set_str(row, col, v ? v : "");
	free(v);
}

static void set_cpu(struct row *row, struct cpu_facts *c)
{
	struct utsname u;
	long logical = c->logical ? c->logical : sysconf(_SC_NPROCESSORS_CONF);

	row_set_str(row, COL_cpu_type, uname(&u) == 0 ? u.machine : "");
	row_set_str(row, COL_cpu_subtype, c->model ? c->model : "");
	row_set_str(row, COL_cpu_brand, c->brand ? c->brand : "");
	row_set_int(row, COL_cpu_logical_cores, logical);
	/* Without topology lines (some VMs, ARM), each CPU counts as a core. */
	row_set_int(row, COL_cpu_physical_cores, c->ncores ? c->ncores : logical);
	row_set_int(row, COL_cpu_sockets, c->nsockets ? c->nsockets : 1);
	row_set_str(row, COL_cpu_microcode, c->microcode ? c->microcode : "");
}

static void fill_system_info(const void *ctx, struct snapshot_rows *out)
{
	/* In column order, from hardware_vendor to board_serial. */
	static const char *const dmi[] = {"sys_vendor",	    "product_name", "product_version",
					  "product_serial", "board_vendor", "board_name",
					  "board_version",  "board_serial"};
	struct row *row = snapshot_add_row(out, COL_COUNT);
	struct cpu_facts *c = xcalloc(1, sizeof(*c));
	char name[256] = "";
	char *uuid = host_uuid();
	struct sysinfo si;

	(void)ctx;
	if (gethostname(name, sizeof(name)) < 0)
		name[0] = '\0';
	name[sizeof(name) - 1] = '\0';
	row_set_str(row, COL_hostname, name);
	row_set_str(row, COL_computer_name, name);
	row_set_str(row, COL_local_hostname, name);
	row_set_str(row, COL_uuid, uuid ? uuid : "");
	read_cpuinfo(c);
	set_cpu(row, c);
	row_set_int(row, COL_physical_memory,
		    sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0);
	for (unsigned i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++)
		set_dmi(row, COL_hardware_vendor + i, dmi[i]);
	free(c->model);
	free(c->brand);
	free(c->microcode);
	free(c);
	free(uuid);
}

const struct snapshot_module system_info_module = {
	.def = &system_info_def,
	.fill = fill_system_info,
};
