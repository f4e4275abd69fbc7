/* sysq: subcommand dispatch. */
#include "daemon.h"
#include "dump.h"
#include "help.h"
#include "restore.h"
#include "shell/shell.h"
#include "sql/query_memory.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#ifndef SYSQ_VERSION
#define SYSQ_VERSION "unknown"
#endif

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct subcommand subcommands[] = {
	{"daemon", daemon_main},
	{"shell", shell_main},
	{"dump", dump_main},
	{"restore", restore_main},
	{"help", help_main},
};

#define NSUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

int main(int argc, char **argv)
{
	/* sysq reads no SQLite memory statistics; keeping them takes a global
	 * mutex on every allocation, a tenth of the store writer's time. It
	 * must be set before SQLite initializes. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Per-query memory budgets (sql/query_memory.h); also before SQLite
	 * initializes. Without them queries run unbounded, as before. */
	query_memory_install();
	if (argc < 2) {
		help_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sysq %s\n", SYSQ_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help_main(0, argv + 2);
	for (size_t i = 0; i < NSUBCOMMANDS; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 2, argv + 2);
	}
	fprintf(stderr, "sysq: unknown command '%s'\n\n", argv[1]);
	help_usage(stderr);
	return 2;
}
