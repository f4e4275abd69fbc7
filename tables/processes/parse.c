/* The processes table's parsers: a process's /proc files, as text, to
 * the columns of its row. A value that does not parse, or that would
 * overflow once converted to osquery's unit, is left NULL. */
#include "processes.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* comm sits between the first '(' and the last ')': it may hold spaces
 * and parentheses itself. The fields after it are counted from there
 * (proc(5): state is field 3, starttime field 22). */
int proc_parse_stat(const char *s, struct proc_stat *ps)
{
	const char *open = strchr(s, '('), *close = strrchr(s, ')');

	if (!open || !close || close < open)
		return -EINVAL;
	ps->comm = open + 1;
	ps->comm_len = (size_t)(close - open - 1);
	if (sscanf(close + 1,
		   " %c %lld %lld %*s %*s %*s %*s %*s %*s %*s %*s %lld %lld %*s %*s %*s %lld %lld "
		   "%*s %lld",
		   &ps->state, &ps->ppid, &ps->pgrp, &ps->utime, &ps->stime, &ps->nice,
		   &ps->threads, &ps->start) != 8)
		return -EINVAL;
	return 0;
}

/* The value of "Key:\t..." in a status or io text, or NULL. */
static const char *field(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			return line + klen + 1;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return NULL;
}

static bool field_int(const char *text, const char *key, long long *v)
{
	const char *p = field(text, key);

	return p && sscanf(p, "%lld", v) == 1;
}

bool proc_status_is_process(const char *status, pid_t pid)
{
	long long tgid;

	return field_int(status, "Tgid", &tgid) && tgid == pid;
}

/* v * factor, or NULL when it does not fit. */
static void set_scaled(struct row *row, unsigned col, long long v, long long factor)
{
	long long out;

	if (!__builtin_mul_overflow(v, factor, &out))
		row_set_int(row, col, out);
}

void proc_row_stat(struct row *row, const struct proc_stat *ps, int64_t boot_time, long hz)
{
	long long start;

	row_set_text(row, COL_name, ps->comm, ps->comm_len);
	row_set_text(row, COL_state, &ps->state, 1);
	row_set_int(row, COL_parent, ps->ppid);
	row_set_int(row, COL_pgroup, ps->pgrp);
	/* osquery's conversion: whole milliseconds per tick (10 at 100 Hz). */
	set_scaled(row, COL_user_time, ps->utime, 1000 / hz);
	set_scaled(row, COL_system_time, ps->stime, 1000 / hz);
	row_set_int(row, COL_nice, ps->nice);
	row_set_int(row, COL_threads, ps->threads);
	if (!__builtin_add_overflow(boot_time, ps->start / hz, &start))
		row_set_int(row, COL_start_time, start);
	row_set_int(row, COL_wired_size, 0);
}

/* Uid: and Gid: hold real, effective, saved and filesystem ids. */
static void set_ids(struct row *row, const char *status, const char *key, unsigned real_col,
		    unsigned eff_col, unsigned saved_col)
{
	const char *v = field(status, key);
	long long real, eff, saved;

	if (!v || sscanf(v, "%lld %lld %lld", &real, &eff, &saved) != 3)
		return;
	row_set_int(row, real_col, real);
	row_set_int(row, eff_col, eff);
	row_set_int(row, saved_col, saved);
}

void proc_row_status(struct row *row, const char *status)
{
	long long kb;

	set_ids(row, status, "Uid", COL_uid, COL_euid, COL_suid);
	set_ids(row, status, "Gid", COL_gid, COL_egid, COL_sgid);
	/* In kB; a kernel thread has neither line. */
	if (field_int(status, "VmRSS", &kb))
		set_scaled(row, COL_resident_size, kb, 1024);
	if (field_int(status, "VmSize", &kb))
		set_scaled(row, COL_total_size, kb, 1024);
}

/* osquery's cmdline: the NUL separators become spaces, and whitespace at
 * either end is trimmed. */
void proc_row_cmdline(struct row *row, char *cmdline, size_t len)
{
	size_t start = 0, end = len;

	for (size_t i = 0; i < len; i++) {
		if (cmdline[i] == '\0')
			cmdline[i] = ' ';
	}
	while (start < end && isspace((unsigned char)cmdline[start]))
		start++;
	while (end > start && isspace((unsigned char)cmdline[end - 1]))
		end--;
	row_set_text(row, COL_cmdline, len ? cmdline + start : "", end - start);
}

/* Bytes that reached storage; written less cancelled (truncated before
 * writeback), as osquery counts them. */
void proc_row_io(struct row *row, const char *io)
{
	long long read, written, cancelled = 0, net;

	if (!field_int(io, "read_bytes", &read) || !field_int(io, "write_bytes", &written))
		return;
	field_int(io, "cancelled_write_bytes", &cancelled);
	row_set_int(row, COL_disk_bytes_read, read);
	if (!__builtin_sub_overflow(written, cancelled, &net))
		row_set_int(row, COL_disk_bytes_written, net);
}

/* As osquery: the first line's path, after "<id>:<controllers>:"; empty
 * when the line has no such path. */
void proc_row_cgroup(struct row *row, const char *cgroup)
{
	size_t end = strcspn(cgroup, "\n");
	const char *first = memchr(cgroup, ':', end);
	const char *second = first ? memchr(first + 1, ':', end - (size_t)(first + 1 - cgroup))
				   : NULL;

	if (second)
		row_set_text(row, COL_cgroup_path, second + 1, end - (size_t)(second + 1 - cgroup));
	else
		row_set_str(row, COL_cgroup_path, "");
}
