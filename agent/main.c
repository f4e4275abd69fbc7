/* sysq: subcommand dispatch. */
#include "daemon.h"
#include "shell/shell.h"

#include <stdio.h>
#include <string.h>

#ifndef SYSQ_VERSION
#define SYSQ_VERSION "unknown"
#endif

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static int help_main(int argc, char **argv);

static const struct subcommand subcommands[] = {
	{"daemon", daemon_main, "run the agent in the foreground"},
	{"shell", shell_main, "query the running agent with SQL"},
	{"help", help_main, "show this help"},
};

#define NSUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: sysq <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < NSUBCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n`sysq <command> --help` describes a command; `sysq --version` prints "
		     "the version.\n");
}

static int help_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sysq %s\n", SYSQ_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help_main(0, NULL);
	for (size_t i = 0; i < NSUBCOMMANDS; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 2, argv + 2);
	}
	fprintf(stderr, "sysq: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
