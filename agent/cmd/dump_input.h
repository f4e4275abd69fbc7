/* `sysq dump --input FILE|-`: decodes a saved audit log (auditd's raw or
 * ENRICHED format, or sysq's own --audit_debug lines) instead of reading
 * the kernel. Each record is printed as `sysq dump --json` prints it, or,
 * with --rows, the records are grouped into events and fed to every
 * table's subscriber, the code the daemon runs, and the rows they make are
 * printed. Lines that hold no record are counted and reported at the end;
 * they never stop the dump. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct audit_record;
struct strbuf;

/* What a pass over a log saw. */
struct dump_input_stats {
	unsigned long records;	 /* lines that were records */
	unsigned long malformed; /* lines that were neither records nor blank */
	unsigned long first_bad; /* line number of the first malformed line */
	uint64_t incomplete;	 /* syscall events given up (see assembler.h) */
};

/* Feeds every record of `in` to the tables' subscribers and prints each
 * row to `out` as one JSON object: "table", then the columns in order,
 * except those that depend on the machine reading the log rather than on
 * the log (the store's eid, uptime, times of files read by stat) and the
 * columns only some records fill (node, cmd) when they are unset. Every
 * table and table option is on. */
void dump_input_rows(FILE *in, FILE *out, struct dump_input_stats *st);

/* Appends one record as `sysq dump --json` prints it. */
void dump_json_record(struct strbuf *out, const struct audit_record *rec);

/* The --input mode of `sysq dump`; returns its exit status: 0, or 1 when
 * the input cannot be opened or read. `types` (ntypes of them, none for
 * all) filters the JSON records. */
int dump_input_main(const char *path, bool rows, const int *types, int ntypes);
