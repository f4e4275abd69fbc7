/* The processes table's parsers on hand-made /proc texts: a comm built
 * to fool a stat parser, the units osquery uses, values that would
 * overflow, osquery's cmdline and cgroup_path. */
#include "check.h"

#include "../../tables/processes/processes.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Fields 3-22 of a stat line, after the comm. */
#define STAT_TAIL "S 42 43 43 0 -1 4194560 100 0 0 0 250 30 0 0 20 5 2 0 123456 0 0"

static void check_text(const struct row *row, unsigned col, const char *want, size_t len)
{
	if (!CHECK_EQ_INT(row->values[col].kind, ROW_TEXT))
		return;
	CHECK_EQ_MEM(row_text(row, col), row->values[col].len, want, len);
}

static void test_stat_hostile_comm(void)
{
	/* A process may name itself ") Z 1 (", with a newline and bytes
	 * that are not UTF-8: the fields are counted from the last ')'. */
	const char stat[] = "77 (a) Z 1 (\n\xff) " STAT_TAIL "\n";
	struct row *row = row_new(NULL, COL_COUNT);
	struct proc_stat ps;

	if (!CHECK_EQ_INT(proc_parse_stat(stat, &ps), 0))
		return;
	proc_row_stat(row, &ps, 1700000000, 100);
	check_text(row, COL_name, "a) Z 1 (\n\xff", 10);
	check_text(row, COL_state, "S", 1);
	CHECK_EQ_INT(row->values[COL_parent].i, 42);
	CHECK_EQ_INT(row->values[COL_pgroup].i, 43);
	CHECK_EQ_INT(row->values[COL_user_time].i, 2500); /* ms, at 100 ticks/s */
	CHECK_EQ_INT(row->values[COL_system_time].i, 300);
	CHECK_EQ_INT(row->values[COL_nice].i, 5);
	CHECK_EQ_INT(row->values[COL_threads].i, 2);
	CHECK_EQ_INT(row->values[COL_start_time].i, 1700000000 + 1234);
	CHECK_EQ_INT(row->values[COL_wired_size].i, 0);
	row_free(row);
	CHECK_EQ_INT(proc_parse_stat("77 (no close S 1", &ps), -EINVAL);
	CHECK_EQ_INT(proc_parse_stat("77 (short) S 1 2", &ps), -EINVAL);
	CHECK_EQ_INT(proc_parse_stat("", &ps), -EINVAL);
}

static void test_status(void)
{
	const char status[] = "Name:\tx\nTgid:\t77\nPid:\t78\nUid:\t1000\t1001\t1002\t1003\n"
			      "Gid:\t10\t11\t12\t13\nVmSize:\t    2048 kB\nVmRSS:\t     512 kB\n";
	struct row *row = row_new(NULL, COL_COUNT);

	CHECK(proc_status_is_process(status, 77));
	CHECK(!proc_status_is_process(status, 78)); /* a thread's id */
	proc_row_status(row, status);
	CHECK_EQ_INT(row->values[COL_uid].i, 1000);
	CHECK_EQ_INT(row->values[COL_euid].i, 1001);
	CHECK_EQ_INT(row->values[COL_suid].i, 1002);
	CHECK_EQ_INT(row->values[COL_gid].i, 10);
	CHECK_EQ_INT(row->values[COL_egid].i, 11);
	CHECK_EQ_INT(row->values[COL_sgid].i, 12);
	CHECK_EQ_INT(row->values[COL_total_size].i, 2048 * 1024);
	CHECK_EQ_INT(row->values[COL_resident_size].i, 512 * 1024);
	row_free(row);

	/* A kernel thread has no Vm lines; a size past int64 once in bytes
	 * is left NULL rather than wrapped. */
	row = row_new(NULL, COL_COUNT);
	proc_row_status(row, "Tgid:\t2\nVmRSS:\t9223372036854775807 kB\n");
	CHECK_EQ_INT(row->values[COL_total_size].kind, ROW_NULL);
	CHECK_EQ_INT(row->values[COL_resident_size].kind, ROW_NULL);
	CHECK_EQ_INT(row->values[COL_uid].kind, ROW_NULL);
	row_free(row);
}

static void test_cmdline(void)
{
	char args[] = "/bin/x\0a b\0line1\nline2\0\xff\0";
	char spaces[] = "  \0 x \0";
	struct row *row = row_new(NULL, COL_COUNT);

	proc_row_cmdline(row, args, sizeof(args) - 1);
	check_text(row, COL_cmdline, "/bin/x a b line1\nline2 \xff", 24);
	proc_row_cmdline(row, spaces, sizeof(spaces) - 1);
	check_text(row, COL_cmdline, "x", 1);
	proc_row_cmdline(row, spaces, 0);
	check_text(row, COL_cmdline, "", 0);
	row_free(row);
}

static void test_io_and_cgroup(void)
{
	struct row *row = row_new(NULL, COL_COUNT);

	proc_row_io(row, "rchar: 9\nwchar: 9\nread_bytes: 4096\nwrite_bytes: 8192\n"
			 "cancelled_write_bytes: 4096\n");
	CHECK_EQ_INT(row->values[COL_disk_bytes_read].i, 4096);
	CHECK_EQ_INT(row->values[COL_disk_bytes_written].i, 4096);
	proc_row_cgroup(row, "0::/user.slice/a:b.scope\n");
	check_text(row, COL_cgroup_path, "/user.slice/a:b.scope", 21);
	proc_row_cgroup(row, "12:cpu,cpuacct:/docker/abc\n11:memory:/other\n");
	check_text(row, COL_cgroup_path, "/docker/abc", 11);
	proc_row_cgroup(row, "no colon\n");
	check_text(row, COL_cgroup_path, "", 0);
	row_free(row);

	row = row_new(NULL, COL_COUNT);
	proc_row_io(row, "read_bytes: 1\n"); /* no write_bytes: not io's format */
	CHECK_EQ_INT(row->values[COL_disk_bytes_read].kind, ROW_NULL);
	proc_row_io(row, "read_bytes: 1\nwrite_bytes: -9223372036854775807\n"
			 "cancelled_write_bytes: 9223372036854775807\n");
	CHECK_EQ_INT(row->values[COL_disk_bytes_written].kind, ROW_NULL);
	row_free(row);
}

int main(void)
{
	test_stat_hostile_comm();
	test_status();
	test_cmdline();
	test_io_and_cgroup();
	return check_finish();
}
