/* What the parts of `sysq shell` share: the session's state (connection,
 * output settings) and the functions that run SQL and dot commands on it
 * (session.c). shell.c owns arguments, one-shot queries and scripts on
 * stdin; interactive.c owns the terminal. */
#pragma once

#include "client.h"
#include "complete.h"
#include "format.h"

#include "common/strbuf.h"

#include <stdbool.h>

struct shell {
	struct client client;
	enum output_mode mode;
	bool headers;
	bool timer;
	bool interactive;
	char *separator; /* list mode's, "|" unless set */
	/* Interactive only: table and column names for Tab, asked of the
	 * daemon once per session. */
	bool names_loaded;
	struct name_list tables;
	struct name_list columns;
	bool continuing; /* an unfinished statement is pending */
};

/* Runs `sql` and feeds the result to `fmt`, retrying a full daemon and
 * resending once on a fresh connection when nothing of the answer
 * arrived. Ctrl-C in an interactive shell ends it early (see cancel.h).
 * Returns as client_query. */
int shell_query(struct shell *sh, const char *sql, struct formatter *fmt, char **error);

/* Feeds one input line: a dot command when no statement is pending, or
 * SQL that runs once SQLite considers it complete. Returns 0, 1 if a
 * statement failed, or -errno when the connection is lost; sets *quit
 * on .quit and .exit. */
int shell_take_line(struct shell *sh, struct strbuf *pending, const char *line, bool *quit);

/* Runs SQL text and prints the result; returns 0, 1, or -errno. */
int shell_run_sql(struct shell *sh, const char *sql);

/* Runs one dot command (.help lists them); returns 0, 1 when it failed,
 * or -errno when the connection is lost; sets *quit on .quit and .exit. */
int shell_dot_command(struct shell *sh, const char *text, bool *quit);

/* .separator's text, with \t, \n and \\ understood. */
void shell_set_separator(struct shell *sh, const char *text);

/* True when s holds only white space. */
bool shell_is_blank(const char *s);

/* The interactive shell on a terminal; returns the exit status. */
int interactive_main(struct shell *sh);
