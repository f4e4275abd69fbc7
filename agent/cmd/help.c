/* Help output: command usage and Markdown references for flags and tables,
 * generated from flag_defs.h and the table definitions so they cannot
 * drift from the code. */
#include "help.h"

#include "registry/table_module.h"

#include "core/counters.h"
#include "core/flags.h"
#include "core/osquery_flags.h"

#include <stdio.h>
#include <string.h>

void help_usage(FILE *out)
{
	fprintf(out, "usage: sysq <command> [options]\n\n"
		     "commands:\n"
		     "  daemon   run the agent in the foreground\n"
		     "  shell    query the running agent with SQL\n"
		     "  dump     print audit records live (debug trace)\n"
		     "  restore  undo the audit changes of a daemon that died (SIGKILL, OOM)\n"
		     "  help     this text; `sysq help flags` and `sysq help tables` print\n"
		     "           the flag and table references, `sysq help osquery-flags`\n"
		     "           the osquery flags sysq ignores or refuses\n\n"
		     "`sysq <command> --help` describes a command; `sysq --version` prints the "
		     "version.\n");
}

static void print_flags(void)
{
	puts("| flag | type | default | description |\n|---|---|---|---|");
	for (int i = 0; i < FLAG_COUNT; i++) {
		const struct flag_def *f = &flag_defs[i];

		printf("| `--%s` | %s | `%s` | %s |\n", f->name, flag_kind_name(f->kind),
		       f->default_text, f->description);
	}
}

/* The osquery flags sysq does not have: what it does with each and why. */
static void print_osquery_flags(void)
{
	puts("| osquery flag | sysq | why |\n|---|---|---|");
	for (size_t i = 0; i < osquery_flags_count; i++) {
		const struct osquery_flag *f = &osquery_flags[i];
		const char *what = f->action == OSQUERY_FLAG_IGNORED ? "ignored, with a warning" :
				   "refused (exit 2)";

		printf("| `--%s%s` | ", f->name, f->prefix ? "*" : "");
		if (f->action == OSQUERY_FLAG_REFUSED && f->same_as_sysq)
			printf("ignored when `%s`, with a warning; otherwise refused (exit 2)",
			       f->same_as_sysq);
		else
			fputs(what, stdout);
		printf(" | %s |\n", f->reason);
	}
}

static void print_table(const struct table_def *def)
{
	printf("### %s\n\n%s.\n\n| column | type | hidden | description |\n|---|---|---|---|\n",
	       def->name, def->description);
	for (unsigned i = 0; i < def->ncolumns; i++) {
		const struct column_def *c = &def->columns[i];

		printf("| `%s` | %s | %s | %s |\n", c->name, column_type_sql(c->type),
		       c->hidden ? "yes" : "", c->description);
	}
	putchar('\n');
}

static void print_tables(void)
{
	for (size_t i = 0; table_modules[i]; i++)
		print_table(table_modules[i]->def);
	for (size_t i = 0; snapshot_modules[i]; i++) {
		print_table(snapshot_modules[i]->def);
		if (snapshot_modules[i]->view_doc)
			puts(snapshot_modules[i]->view_doc);
	}
}

int help_main(int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "flags") == 0) {
		print_flags();
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "osquery-flags") == 0) {
		print_osquery_flags();
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "tables") == 0) {
		print_tables();
		return 0;
	}
	if (argc == 0) {
		help_usage(stdout);
		return 0;
	}
	help_usage(stderr);
	return 2;
}
