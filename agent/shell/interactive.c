/* The interactive shell on a terminal: line editing and history through
 * editor.c, Tab completion of dot commands, tables and columns (names
 * asked of the daemon once per session), and Ctrl-C that cancels the
 * line or the running query without ending the shell. */
#include "cancel.h"
#include "complete.h"
#include "editor.h"
#include "session.h"

#include "common/xalloc.h"

#include <errno.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_FILE ".sysq_history"

static const char *const dot_commands[] = {".tables", ".schema", ".mode", ".separator", ".headers",
					   ".timer",  ".help",	 ".quit", ".exit"};
static const char *const mode_names[] = {"pretty", "json", "csv", "line", "list"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Runs `sql` and adds the first column of each row to `out`. Returns 0
 * or -EIO. */
static int fetch_names(struct shell *sh, const char *sql, struct name_list *out)
{
	char *text = NULL, *error = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	struct formatter *fmt;
	int rc;

	if (!mem)
		return -errno;
	fmt = formatter_new(OUTPUT_LIST, false, mem);
	rc = shell_query(sh, sql, fmt, &error);
	formatter_free(fmt);
	fclose(mem);
	for (char *p = text, *nl; rc == CLIENT_OK && p && (nl = strchr(p, '\n')); p = nl + 1)
		name_list_add(out, p, (size_t)(nl - p));
	name_list_finish(out);
	free(text);
	free(error);
	return rc == CLIENT_OK ? 0 : -EIO;
}

/* The session's table and column names, asked once; a failure (the
 * daemon busy, Ctrl-C) is tried again at the next Tab. */
static void load_names(struct shell *sh)
{
	if (sh->names_loaded)
		return;
	name_list_free(&sh->tables);
	name_list_free(&sh->columns);
	sh->names_loaded =
	    fetch_names(sh, "SELECT name FROM sqlite_temp_master WHERE type IN ('table', 'view')",
			&sh->tables) == 0 &&
	    fetch_names(sh,
			"SELECT DISTINCT x.name FROM sqlite_temp_master AS m, "
			"pragma_table_xinfo(m.name) AS x WHERE m.type IN ('table', 'view')",
			&sh->columns) == 0;
	/* Ctrl-C during the fetch cancels the fetch only. */
	if (cancel_take())
		client_disconnect(&sh->client);
}

static void match_words(const char *const *words, size_t n, const char *word, size_t len,
			struct name_list *out)
{
	struct name_list all = {0};

	for (size_t i = 0; i < n; i++)
		name_list_add(&all, words[i], strlen(words[i]));
	complete_matches(&all, word, len, out);
	name_list_free(&all);
}

static void complete(void *ctx, const char *line, size_t cursor, size_t *start,
		     struct name_list *out)
{
	struct shell *sh = ctx;
	enum complete_kind kind = complete_locate(line, cursor, sh->continuing, start);
	const char *word = line + *start;
	size_t len = cursor - *start;

	if (kind == COMPLETE_DOT)
		match_words(dot_commands, COUNT(dot_commands), word, len, out);
	else if (kind == COMPLETE_MODE)
		match_words(mode_names, COUNT(mode_names), word, len, out);
	if (kind != COMPLETE_TABLE && kind != COMPLETE_SQL)
		return;
	load_names(sh);
	complete_matches(&sh->tables, word, len, out);
	if (kind == COMPLETE_SQL)
		complete_matches(&sh->columns, word, len, out);
	name_list_finish(out);
}

/* ~/.sysq_history: $HOME, else the password database's home. */
static char *history_path(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	return home && *home ? xasprintf("%s/%s", home, HISTORY_FILE) : NULL;
}

/* Reads and runs lines until end of input or .quit. Returns 0, or 1 if a
 * query failed. */
static int edit_loop(struct shell *sh, struct editor *ed)
{
	struct strbuf pending = STRBUF_INIT;
	const char *line;
	int status = 0, rc = 0;
	bool quit = false;

	while (!quit) {
		sh->continuing = pending.len > 0;
		cancel_take();
		rc = editor_read(ed, sh->continuing ? "   ...> " : "sysq> ", &line);
		if (rc == -EINTR) {
			/* Ctrl-C: the line and any unfinished statement go. */
			fputs("^C\n", stdout);
			sb_truncate(&pending, 0);
			continue;
		}
		if (rc <= 0)
			break;
		editor_remember(ed, line);
		rc = shell_take_line(sh, &pending, line, &quit);
		status |= rc != 0;
		if (rc < 0)
			break;
	}
	/* A last statement without its ';' still runs at end of input. */
	if (rc >= 0 && !quit && pending.len)
		status |= shell_run_sql(sh, sb_str(&pending)) != 0;
	sb_free(&pending);
	return status;
}

int interactive_main(struct shell *sh)
{
	char *path = history_path();
	struct editor *ed;
	int rc;

	/* libedit reads multibyte input in the locale's encoding. */
	setlocale(LC_CTYPE, "");
	ed = editor_open(path, complete, sh);
	free(path);
	if (!ed) {
		fprintf(stderr, "sysq shell: cannot start line editing on this terminal\n");
		return 1;
	}
	rc = cancel_install();
	if (rc < 0)
		fprintf(stderr, "sysq shell: cannot catch Ctrl-C: %s\n", strerror(-rc));
	printf("sysq shell: connected to %s. Type .help for commands; end SQL with ';'.\n",
	       sh->client.path);
	rc = edit_loop(sh, ed);
	putchar('\n');
	cancel_uninstall();
	editor_close(ed);
	return rc;
}
