/* fuzz_proc_files: the processes table's parsers (tables/processes/).
 *
 * Why untrusted: a process chooses its comm (any byte but NUL, with ')'
 * and spaces to fool a parser of /proc/<pid>/stat), its arguments
 * (cmdline) and, where cgroups are delegated, its cgroup path.
 *
 * Input: the texts of stat, status, cmdline, io and cgroup, in that
 * order, separated by 0x1e bytes (fewer parts leave the rest empty).
 * Checks: every value of the row lies inside the row's text, comm lies
 * inside the stat text, and the row has its columns. */
#include "../../tables/processes/processes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PART_STAT, PART_STATUS, PART_CMDLINE, PART_IO, PART_CGROUP, PART_COUNT };

static volatile unsigned char sink;

static void check_row(const struct row *row)
{
	unsigned char acc = 0;

	if (row->ncolumns != COL_COUNT)
		abort();
	for (unsigned i = 0; i < row->ncolumns; i++) {
		const struct row_value *v = &row->values[i];

		if (v->kind != ROW_TEXT)
			continue;
		if (v->off > row->text.len || v->len > row->text.len - v->off)
			abort();
		for (size_t j = 0; j < v->len; j++)
			acc ^= (unsigned char)row->text.buf[v->off + j];
	}
	sink = acc;
}

/* Exact-size heap copies (plus the NUL the readers add), so ASan flags
 * any read past a part. */
static void split(const uint8_t *data, size_t size, char *parts[PART_COUNT],
		  size_t lens[PART_COUNT])
{
	size_t start = 0;

	for (int p = 0; p < PART_COUNT; p++) {
		const uint8_t *sep = start < size ? memchr(data + start, 0x1e, size - start) : NULL;
		size_t end = sep ? (size_t)(sep - data) : size;

		lens[p] = start < size ? end - start : 0;
		parts[p] = malloc(lens[p] + 1);
		if (lens[p])
			memcpy(parts[p], data + start, lens[p]);
		parts[p][lens[p]] = '\0';
		start = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *parts[PART_COUNT];
	size_t lens[PART_COUNT];
	struct row *row = row_new(NULL, COL_COUNT);
	struct proc_stat ps;

	split(data, size, parts, lens);
	if (proc_parse_stat(parts[PART_STAT], &ps) == 0) {
		if (ps.comm < parts[PART_STAT] ||
		    ps.comm + ps.comm_len > parts[PART_STAT] + lens[PART_STAT])
			abort();
		proc_row_stat(row, &ps, 1700000000, 100);
	}
	(void)proc_status_is_process(parts[PART_STATUS], 1);
	proc_row_status(row, parts[PART_STATUS]);
	proc_row_cmdline(row, parts[PART_CMDLINE], lens[PART_CMDLINE]);
	proc_row_io(row, parts[PART_IO]);
	proc_row_cgroup(row, parts[PART_CGROUP]);
	check_row(row);
	row_free(row);
	for (int p = 0; p < PART_COUNT; p++)
		free(parts[p]);
	return 0;
}
