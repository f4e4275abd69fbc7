/* sysq-replay: feeds captured audit log lines through the real parser,
 * assembler and every table's subscriber, and prints the rows.
 *
 *   sysq-replay FILE.log
 *
 * The rows are what `sysq dump --input FILE --rows` prints (the same code,
 * dump_input_rows): one JSON object per line, "table", then the columns in
 * order, every table enabled with every option, facts read from live
 * processes off, and the columns that depend on the machine replaying
 * rather than on the records (file times read by stat, uptime, the store's
 * eid) left out, so the output is a stable golden reference. A last line
 * gives the parse statistics. */
#include "cmd/dump_input.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	struct dump_input_stats st = {0};
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "re"))) {
		fprintf(stderr, "usage: sysq-replay FILE.log\n");
		return 2;
	}
	dump_input_rows(f, stdout, &st);
	printf("# records=%lu malformed=%lu incomplete=%llu\n", st.records, st.malformed,
	       (unsigned long long)st.incomplete);
	fclose(f);
	return 0;
}
