/* The shell session: running SQL and dot commands on the daemon's
 * connection and printing what comes back (session.h). Used by shell.c
 * (arguments, one-shot queries, scripts on stdin) and interactive.c (the
 * terminal), and calls neither. */
#include "cancel.h"
#include "client.h"
#include "format.h"
#include "session.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

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

/* One try of `sql` on the current connection, which Ctrl-C may shut. */
static int query_once(struct shell *sh, const char *sql, struct formatter *fmt, char **error)
{
	int rc;

	if (sh->client.fd < 0) {
		/* Ctrl-C closed the last one. */
		rc = client_reconnect(&sh->client);
		if (rc < 0)
			return rc;
	}
	if (sh->interactive) {
		/* Armed before the check: a Ctrl-C after it shuts the socket. */
		cancel_arm(sh->client.fd);
		if (cancel_pending()) {
			cancel_disarm();
			*error = NULL;
			return CLIENT_LOST_UNANSWERED;
		}
	}
	rc = client_query(&sh->client, sql, fmt, error);
	cancel_disarm();
	return rc;
}

/* Sends `sql` again on a fresh connection when nothing of the answer
 * arrived: the daemon was full (retried with backoff for up to
 * BUSY_RETRY_S), or closed the connection (idle, or lost before the first
 * frame: tried once more). A daemon still full at the end is CLIENT_BUSY
 * with its message in *error. Ctrl-C stops the retries too. */
int shell_query(struct shell *sh, const char *sql, struct formatter *fmt, char **error)
{
	struct timespec t0;
	int delay_ms = BUSY_FIRST_DELAY_MS, rc;
	bool resent = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		rc = query_once(sh, sql, fmt, error);
		if (cancel_pending())
			break;
		if (rc == CLIENT_BUSY && seconds_since(&t0) < BUSY_RETRY_S)
			busy_backoff(&delay_ms);
		else if ((rc == CLIENT_IDLE_CLOSED || rc == CLIENT_LOST_UNANSWERED) && !resent)
			resent = true;
		else
			break;
		if (cancel_pending())
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

/* After Ctrl-C: the connection was shut to stop the query, so the next
 * query opens a fresh one. Returns true if the query was cut short. */
static bool took_cancel(struct shell *sh, int rc)
{
	if (!sh->interactive || !cancel_take())
		return false;
	client_disconnect(&sh->client);
	/* A write to the terminal cut by the signal may have left the
	 * stream's error flag set. */
	clearerr(stdout);
	return rc != CLIENT_OK;
}

static struct formatter *new_formatter(struct shell *sh, FILE *out)
{
	struct formatter *fmt = formatter_new(sh->mode, sh->headers, out);

	formatter_set_separator(fmt, sh->separator);
	return fmt;
}

int shell_run_sql(struct shell *sh, const char *sql)
{
	struct formatter *fmt = new_formatter(sh, stdout);
	struct timespec t0;
	char *error = NULL;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = shell_query(sh, sql, fmt, &error);
	formatter_free(fmt);
	if (took_cancel(sh, rc)) {
		fputs("Error: query cancelled (Ctrl-C)\n", stderr);
		rc = 1;
	} else {
		print_failure(sh, rc, error);
	}
	free(error);
	/* A full daemon fails this query only; a connection that closed twice
	 * unanswered is as good as lost. */
	if (rc == CLIENT_BUSY)
		rc = 1;
	else if (rc > CLIENT_QUERY_ERROR)
		rc = -ECONNRESET;
	if (sh->timer)
		printf("Run Time: %.3fs\n", seconds_since(&t0));
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
	rc = shell_run_sql(sh, sql);
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
	     ".separator SEP     What separates values in list mode (default |)\n"
	     ".headers on|off    Column names in pretty, csv and list output\n"
	     ".timer on|off      Print how long each query took\n"
	     ".help              This list\n"
	     ".quit, .exit       Leave the shell");
}

/* Sets list mode's separator; "\t", "\n" and "\\" are a tab, a newline
 * and a backslash, as the sqlite3 shell reads them. */
void shell_set_separator(struct shell *sh, const char *text)
{
	struct strbuf sep = STRBUF_INIT;

	for (; *text; text++) {
		if (text[0] == '\\' && (text[1] == 't' || text[1] == 'n' || text[1] == '\\')) {
			text++;
			sb_putc(&sep, *text == 't' ? '\t' : *text == 'n' ? '\n' : '\\');
		} else {
			sb_putc(&sep, *text);
		}
	}
	free(sh->separator);
	sh->separator = sb_detach(&sep);
}

/* The settings a dot command changes; false for a bad argument. */
static bool dot_setting(struct shell *sh, const char *cmd, const char *arg)
{
	int mode;

	if (strcmp(cmd, ".mode") == 0 && arg && (mode = output_mode_parse(arg)) >= 0) {
		sh->mode = (enum output_mode)mode;
		return true;
	}
	if (strcmp(cmd, ".separator") == 0 && arg) {
		shell_set_separator(sh, arg);
		return true;
	}
	if (strcmp(cmd, ".headers") == 0)
		return parse_on_off(arg, &sh->headers);
	if (strcmp(cmd, ".timer") == 0)
		return parse_on_off(arg, &sh->timer);
	return false;
}

/* Runs a dot command. Returns 0, 1 for an unknown or incomplete command
 * or a failed listing, or -errno when the connection is lost; sets *quit
 * for .quit and .exit. */
int shell_dot_command(struct shell *sh, const char *text, bool *quit)
{
	char *line = xstrdup(text), *save = NULL;
	char *cmd = strtok_r(line, " \t\r\n", &save);
	char *arg = strtok_r(NULL, " \t\r\n", &save);
	int rc = 0;

	if (strcmp(cmd, ".quit") == 0 || strcmp(cmd, ".exit") == 0)
		*quit = true;
	else if (strcmp(cmd, ".tables") == 0)
		rc = dot_tables(sh, arg);
	else if (strcmp(cmd, ".schema") == 0)
		rc = dot_schema(sh, arg);
	else if (strcmp(cmd, ".help") == 0)
		dot_help();
	else if (!dot_setting(sh, cmd, arg)) {
		fprintf(stderr, "Error: unknown or incomplete command: %s (try .help)\n", cmd);
		rc = 1;
	}
	free(line);
	return rc;
}

bool shell_is_blank(const char *s)
{
	for (; *s; s++) {
		if (!isspace((unsigned char)*s))
			return false;
	}
	return true;
}

int shell_take_line(struct shell *sh, struct strbuf *pending, const char *line, bool *quit)
{
	int rc;

	if (pending->len == 0 && line[0] == '.') {
		/* A failed dot command does not fail a script, as before. */
		rc = shell_dot_command(sh, line, quit);
		return rc < 0 ? rc : 0;
	}
	sb_puts(pending, line);
	if (shell_is_blank(sb_str(pending))) {
		sb_truncate(pending, 0);
		return 0;
	}
	/* SQLite's own tokenizer decides when the statement is whole. */
	if (!sqlite3_complete(sb_str(pending)))
		return 0;
	rc = shell_run_sql(sh, sb_str(pending));
	sb_truncate(pending, 0);
	return rc;
}
