/* sysq shell: argument handling, one-shot queries and scripts on stdin.
 * Running SQL and dot commands is session.c's; the terminal's loop is
 * interactive.c's. */
#include "shell.h"

#include "cancel.h"
#include "client.h"
#include "format.h"
#include "session.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include "core/flags.h"

#include <ctype.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sysq shell [--json|--csv|--line|--list] [--header=false] "
		"[--separator=SEP]\n"
		"                  [--control_socket=PATH] [--flagfile=PATH] [\"SQL\" | \".COMMAND\"]\n"
		"\n"
		"Queries the running sysq daemon. With SQL or a dot command as an argument, or\n"
		"on stdin, it prints the rows and exits; otherwise it starts an interactive\n"
		"shell (.help).\n");
}


/* Reads statements and dot commands from stdin that is not a terminal.
 * Returns 0, or 1 if any query failed (for scripts). */
static int read_loop(struct shell *sh)
{
	struct strbuf pending = STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	int status = 0, rc = 0;
	bool quit = false;

	while (!quit && getline(&line, &cap, stdin) >= 0) {
		rc = shell_take_line(sh, &pending, line, &quit);
		status |= rc != 0;
		if (rc < 0)
			break;
	}
	/* A last statement without its ';' still runs at end of input. */
	if (rc >= 0 && !shell_is_blank(sb_str(&pending)))
		status |= shell_run_sql(sh, sb_str(&pending)) != 0;
	free(line);
	sb_free(&pending);
	return status;
}

struct shell_args {
	const char *sql;
	char *flag_argv[4];
	int flag_argc;
};

/* osqueryi's output options: --json, --csv, --line, --list,
 * --header[=BOOL] (--noheader) and --separator=SEP (or --separator SEP). Returns 1 if
 * `arg` was one, 0 if not, 2 for a bad value. */
static int output_option(struct shell *sh, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	bool on;

	if (strcmp(arg, "--json") == 0 || strcmp(arg, "--csv") == 0 ||
	    strcmp(arg, "--line") == 0 || strcmp(arg, "--list") == 0) {
		sh->mode = (enum output_mode)output_mode_parse(arg + 2);
	} else if (strcmp(arg, "--header") == 0 || strcmp(arg, "--noheader") == 0) {
		sh->headers = arg[2] == 'h';
	} else if (strncmp(arg, "--header=", 9) == 0) {
		if (flags_parse_bool(arg + 9, &on) < 0) {
			fprintf(stderr, "sysq shell: --header: '%s' is not a boolean (true or false)\n",
				arg + 9);
			return 2;
		}
		sh->headers = on;
	} else if (strncmp(arg, "--separator", 11) == 0 && (arg[11] == '=' || !arg[11])) {
		if (!arg[11] && *i + 1 >= argc) {
			fprintf(stderr, "sysq shell: --separator needs a value\n");
			return 2;
		}
		shell_set_separator(sh, arg[11] ? arg + 12 : argv[++*i]);
	} else {
		return 0;
	}
	return 1;
}

/* Splits the shell's own options from the flags that locate the socket.
 * Returns 0, 1 for --help, or 2 for bad usage. */
static int parse_args(struct shell *sh, struct shell_args *a, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		int rc;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return 1;
		if ((rc = output_option(sh, argc, argv, &i)) != 0) {
			if (rc == 2)
				return 2;
		} else if ((strncmp(arg, "--control_socket", 16) == 0 ||
			    strncmp(arg, "--flagfile", 10) == 0) &&
			   a->flag_argc < 3) {
			a->flag_argv[a->flag_argc++] = argv[i];
			if (!strchr(arg, '=') && i + 1 < argc)
				a->flag_argv[a->flag_argc++] = argv[++i];
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "sysq shell: unknown option %s\n", arg);
			return 2;
		} else if (!a->sql) {
			a->sql = arg;
		} else {
			fprintf(stderr, "sysq shell: give the SQL as one argument (quote it)\n");
			return 2;
		}
	}
	return 0;
}

/* The socket: --control_socket, else the flagfile's, else the default. */
static int resolve_socket(struct shell_args *a, char **ret)
{
	char err[FLAG_ERROR_MAX], note[FLAG_ERROR_MAX];
	struct sysq_flags flags;
	int rc;

	flags_init(&flags);
	rc = flags_parse(&flags, a->flag_argc, a->flag_argv, err, note);
	if (rc < 0 && rc != -EACCES) {
		fprintf(stderr, "sysq shell: %s\n", err);
		flags_free(&flags);
		return 2;
	}
	*ret = xstrdup(flags.control_socket);
	flags_free(&flags);
	return 0;
}

/* The SQL argument, or a dot command in its place as osqueryi takes one
 * (".tables", ".schema process_events"). Returns the exit status. */
static int run_argument(struct shell *sh, const char *text)
{
	const char *p = text;
	bool quit = false;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '.')
		return shell_dot_command(sh, p, &quit) == 0 ? 0 : 1;
	return shell_run_sql(sh, text) == 0 ? 0 : 1;
}

static int connect_daemon(struct shell *sh, struct shell_args *args)
{
	char *path = NULL;
	int rc = resolve_socket(args, &path);

	if (rc)
		return rc;
	rc = client_connect(&sh->client, path);
	if (rc < 0)
		fprintf(stderr,
			"sysq shell: cannot connect to the sysq daemon at %s: %s\n"
			"Is `sysq daemon` running? Use --control_socket=PATH for another socket.\n",
			path, strerror(-rc));
	free(path);
	return rc < 0 ? 1 : 0;
}

int shell_main(int argc, char **argv)
{
	struct shell sh = {.client = {.fd = -1}, .mode = OUTPUT_PRETTY, .headers = true};
	struct shell_args args = {0};
	int rc;

	sh.separator = xstrdup("|");
	rc = parse_args(&sh, &args, argc, argv);
	if (rc) {
		usage(rc == 1 ? stdout : stderr);
		rc = rc == 1 ? 0 : 2;
		goto out;
	}
	rc = connect_daemon(&sh, &args);
	if (rc)
		goto out;
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	sh.interactive = !args.sql && isatty(STDIN_FILENO);
	if (args.sql)
		rc = run_argument(&sh, args.sql);
	else if (sh.interactive)
		rc = interactive_main(&sh);
	else
		rc = read_loop(&sh);
out:
	client_close(&sh.client);
	free(sh.separator);
	name_list_free(&sh.tables);
	name_list_free(&sh.columns);
	return rc;
}
