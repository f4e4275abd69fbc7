/* sysq shell: argument handling, one-shot queries and the interactive loop
 * with its dot commands. */
#include "shell.h"

#include "client.h"
#include "format.h"

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

/* A full daemon ("too many clients") is asked again for this long. */
#define BUSY_RETRY_S	    10
#define BUSY_FIRST_DELAY_MS 20
#define BUSY_MAX_DELAY_MS   500

struct shell {
	struct client client;
	enum output_mode mode;
	bool headers;
	bool timer;
	bool interactive;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sysq shell [--json|--csv|--line] [--control_socket=PATH] "
		"[--flagfile=PATH] [\"SQL\"]\n"
		"\n"
		"Queries the running sysq daemon. With SQL as an argument, or on stdin, it\n"
		"prints the rows and exits; otherwise it starts an interactive shell (.help).\n");
}

static void print_error(const char *msg)
{
	fprintf(stderr, "Error: %s\n", msg);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Sleeps before the next try at a full daemon: doubling from 20 ms up to
 * 500 ms, with jitter so that many waiting shells do not return at once. */
static void busy_backoff(int *delay_ms)
{
	struct timespec ts;
	int ms = *delay_ms / 2 + rand() % (*delay_ms / 2 + 1);

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
	*delay_ms = *delay_ms * 2 > BUSY_MAX_DELAY_MS ? BUSY_MAX_DELAY_MS : *delay_ms * 2;
}

/* Runs `sql`, sending it again on a fresh connection when nothing of the
 * answer arrived: the daemon was full (retried with backoff for up to
 * BUSY_RETRY_S), or closed the connection (idle, or lost before the first
 * frame: tried once more). Returns as client_query; a daemon still full
 * at the end is CLIENT_BUSY with its message in *error. */
static int query_retrying(struct shell *sh, const char *sql, struct formatter *fmt,
			  char **error)
{
	struct timespec t0;
	int delay_ms = BUSY_FIRST_DELAY_MS, rc;
	bool resent = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		rc = client_query(&sh->client, sql, fmt, error);
		if (rc == CLIENT_BUSY && seconds_since(&t0) < BUSY_RETRY_S)
			busy_backoff(&delay_ms);
		else if ((rc == CLIENT_IDLE_CLOSED || rc == CLIENT_LOST_UNANSWERED) && !resent)
			resent = true;
		else
			break;
		free(*error);
		*error = NULL;
		rc = client_reconnect(&sh->client);
		if (rc < 0)
			break;
	}
	return rc;
}

static void print_failure(struct shell *sh, int rc, const char *error)
{
	if (rc == CLIENT_QUERY_ERROR)
		print_error(error);
	else if (rc == CLIENT_BUSY)
		fprintf(stderr,
			"Error: the sysq daemon at %s is busy: %s (still full after %d s of "
			"retrying)\n",
			sh->client.path, error, BUSY_RETRY_S);
	else if (rc == CLIENT_IDLE_CLOSED || rc == CLIENT_LOST_UNANSWERED)
		fprintf(stderr, "Error: the daemon at %s closed the connection before answering%s%s\n",
			sh->client.path, error ? ": " : "", error ? error : "");
	else if (rc < 0)
		fprintf(stderr, "Error: lost the connection to the daemon at %s: %s\n",
			sh->client.path, strerror(-rc));
}

/* Runs one SQL text and prints the result. Returns 0, 1 on a query
 * error, or -errno when the daemon connection failed. */
static int run_sql(struct shell *sh, const char *sql)
{
	struct formatter *fmt = formatter_new(sh->mode, sh->headers, stdout);
	struct timespec t0, t1;
	char *error = NULL;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = query_retrying(sh, sql, fmt, &error);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	formatter_free(fmt);
	print_failure(sh, rc, error);
	free(error);
	/* A full daemon fails this query only; a connection that closed twice
	 * unanswered is as good as lost. */
	if (rc == CLIENT_BUSY)
		rc = 1;
	else if (rc > CLIENT_QUERY_ERROR)
		rc = -ECONNRESET;
	if (sh->timer)
		printf("Run Time: %.3fs\n",
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return rc;
}

/* Quotes a word as an SQL string literal. */
static char *sql_string(const char *s)
{
	struct strbuf out = STRBUF_INIT;

	sb_putc(&out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_putc(&out, '\'');
		sb_putc(&out, *s);
	}
	sb_putc(&out, '\'');
	return sb_detach(&out);
}

/* Runs an internal query in list mode without headers: one bare line per
 * row, whatever the user's .mode is. */
static int run_listing(struct shell *sh, const char *sql)
{
	enum output_mode saved = sh->mode;
	bool headers = sh->headers;
	int rc;

	sh->mode = OUTPUT_LIST;
	sh->headers = false;
	rc = run_sql(sh, sql);
	sh->mode = saved;
	sh->headers = headers;
	return rc;
}

static int dot_tables(struct shell *sh, const char *pattern)
{
	char *like = sql_string(pattern && *pattern ? pattern : "%");
	char *sql = xasprintf("SELECT name FROM sqlite_temp_master "
			      "WHERE type IN ('table', 'view') AND name LIKE %s ORDER BY name",
			      like);
	int rc = run_listing(sh, sql);

	free(sql);
	free(like);
	return rc;
}

/* .schema prints CREATE TABLE statements built from pragma_table_xinfo,
 * marking hidden columns, as osqueryi does. */
static int dot_schema(struct shell *sh, const char *table)
{
	char *like = sql_string(table && *table ? table : "%");
	char *sql = xasprintf(
		"SELECT 'CREATE TABLE ' || m.name || '(' || "
		"(SELECT group_concat('`' || x.name || '` ' || x.type || "
		"CASE WHEN x.hidden = 1 THEN ' HIDDEN' ELSE '' END, ', ') "
		"FROM pragma_table_xinfo(m.name) AS x) || ');' "
		"FROM sqlite_temp_master AS m WHERE m.type IN ('table', 'view') "
		"AND m.name LIKE %s ORDER BY m.name",
		like);
	int rc = run_listing(sh, sql);

	free(sql);
	free(like);
	return rc;
}

static bool parse_on_off(const char *arg, bool *ret)
{
	if (arg && (strcmp(arg, "on") == 0 || strcmp(arg, "1") == 0)) {
		*ret = true;
		return true;
	}
	if (arg && (strcmp(arg, "off") == 0 || strcmp(arg, "0") == 0)) {
		*ret = false;
		return true;
	}
	return false;
}

static void dot_help(void)
{
	puts(".tables [PATTERN]  List tables (LIKE pattern)\n"
	     ".schema [TABLE]    Show CREATE TABLE statements, hidden columns marked\n"
	     ".mode MODE         pretty, json, csv, line or list\n"
	     ".headers on|off    Column names in pretty and csv output\n"
	     ".timer on|off      Print how long each query took\n"
	     ".help              This list\n"
	     ".quit, .exit       Leave the shell");
}

/* Handles a dot command. Returns 1 to quit, 0 otherwise. */
static int dot_command(struct shell *sh, char *line)
{
	char *cmd = strtok(line, " \t\r\n");
	char *arg = strtok(NULL, " \t\r\n");
	int mode;

	if (strcmp(cmd, ".quit") == 0 || strcmp(cmd, ".exit") == 0)
		return 1;
	if (strcmp(cmd, ".tables") == 0)
		dot_tables(sh, arg);
	else if (strcmp(cmd, ".schema") == 0)
		dot_schema(sh, arg);
	else if (strcmp(cmd, ".mode") == 0 && arg && (mode = output_mode_parse(arg)) >= 0)
		sh->mode = (enum output_mode)mode;
	else if (strcmp(cmd, ".headers") == 0 && parse_on_off(arg, &sh->headers))
		;
	else if (strcmp(cmd, ".timer") == 0 && parse_on_off(arg, &sh->timer))
		;
	else if (strcmp(cmd, ".help") == 0)
		dot_help();
	else
		fprintf(stderr, "Error: unknown or incomplete command: %s (try .help)\n", cmd);
	return 0;
}

static bool is_blank(const char *s)
{
	for (; *s; s++) {
		if (!isspace((unsigned char)*s))
			return false;
	}
	return true;
}

/* Reads statements and dot commands from stdin, with prompts when it is a
 * terminal. Returns 0, or 1 if any query failed (for scripts). */
static int read_loop(struct shell *sh)
{
	struct strbuf pending = STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	int status = 0, rc = 0;

	if (sh->interactive)
		printf("sysq shell: connected to %s. Type .help for commands; end SQL with ';'.\n",
		       sh->client.path);
	for (;;) {
		if (sh->interactive) {
			fputs(pending.len ? "   ...> " : "sysq> ", stdout);
			fflush(stdout);
		}
		if (getline(&line, &cap, stdin) < 0)
			break;
		if (pending.len == 0 && line[0] == '.') {
			if (dot_command(sh, line))
				break;
			continue;
		}
		sb_puts(&pending, line);
		if (is_blank(sb_str(&pending))) {
			sb_truncate(&pending, 0);
			continue;
		}
		/* SQLite's own tokenizer decides when the statement is whole. */
		if (!sqlite3_complete(sb_str(&pending)))
			continue;
		rc = run_sql(sh, sb_str(&pending));
		status |= rc != 0;
		sb_truncate(&pending, 0);
		if (rc < 0)
			break;
	}
	/* A last statement without its ';' still runs at end of input. */
	if (rc >= 0 && !is_blank(sb_str(&pending)))
		status |= run_sql(sh, sb_str(&pending)) != 0;
	if (sh->interactive)
		putchar('\n');
	free(line);
	sb_free(&pending);
	return status;
}

struct shell_args {
	const char *sql;
	char *flag_argv[4];
	int flag_argc;
};

/* Splits the shell's own options from the flags that locate the socket.
 * Returns 0, 1 for --help, or 2 for bad usage. */
static int parse_args(struct shell *sh, struct shell_args *a, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return 1;
		if (strcmp(arg, "--json") == 0)
			sh->mode = OUTPUT_JSON;
		else if (strcmp(arg, "--csv") == 0)
			sh->mode = OUTPUT_CSV;
		else if (strcmp(arg, "--line") == 0)
			sh->mode = OUTPUT_LINE;
		else if ((strncmp(arg, "--control_socket", 16) == 0 ||
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

int shell_main(int argc, char **argv)
{
	struct shell sh = {.mode = OUTPUT_PRETTY, .headers = true};
	struct shell_args args = {0};
	char *path = NULL;
	int rc;

	rc = parse_args(&sh, &args, argc, argv);
	if (rc) {
		usage(rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : 2;
	}
	rc = resolve_socket(&args, &path);
	if (rc)
		return rc;
	rc = client_connect(&sh.client, path);
	if (rc < 0) {
		fprintf(stderr,
			"sysq shell: cannot connect to the sysq daemon at %s: %s\n"
			"Is `sysq daemon` running? Use --control_socket=PATH for another socket.\n",
			path, strerror(-rc));
		client_close(&sh.client);
		free(path);
		return 1;
	}
	free(path);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	sh.interactive = !args.sql && isatty(STDIN_FILENO);
	if (args.sql)
		rc = run_sql(&sh, args.sql) == 0 ? 0 : 1;
	else
		rc = read_loop(&sh);
	client_close(&sh.client);
	return rc;
}
