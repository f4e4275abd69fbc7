/* libedit for the interactive shell: see editor.h. */
#include "editor.h"

#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#define HISTORY_SIZE 1000

struct editor {
	EditLine *el;
	History *hist;
	char *history_path;
	bool save_warned;
	const char *prompt;
	editor_complete_fn complete;
	void *ctx;
};

static struct editor *editor_of(EditLine *el)
{
	void *ed = NULL;

	el_get(el, EL_CLIENTDATA, &ed);
	return ed;
}

static char *prompt_text(EditLine *el)
{
	return (char *)editor_of(el)->prompt;
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Prints the candidates in columns under the line being edited. */
static void list_candidates(const struct name_list *c)
{
	size_t width = 0, per_line, i;

	for (i = 0; i < c->n; i++) {
		size_t len = strlen(c->names[i]);

		width = len > width ? len : width;
	}
	width += 2;
	per_line = terminal_width() / width;
	per_line = per_line ? per_line : 1;
	fputc('\n', stdout);
	for (i = 0; i < c->n; i++)
		printf("%-*s%s", (int)width, c->names[i],
		       (i + 1) % per_line == 0 || i + 1 == c->n ? "\n" : "");
	fflush(stdout);
}

/* Replaces the word with the one candidate (and a space after it) or with
 * the prefix all candidates share; lists them when that adds nothing. */
static unsigned char apply_completion(EditLine *el, size_t len, const struct name_list *c)
{
	size_t common;
	char *text;

	if (c->n == 0)
		return CC_ERROR;
	common = complete_common_prefix(c);
	if (c->n > 1 && common <= len) {
		list_candidates(c);
		return CC_REDISPLAY;
	}
	text = c->n == 1 ? xasprintf("%s ", c->names[0]) : xstrndup(c->names[0], common);
	el_deletestr(el, (int)len);
	el_insertstr(el, text);
	free(text);
	return CC_REFRESH;
}

static unsigned char on_tab(EditLine *el, int ch)
{
	struct editor *ed = editor_of(el);
	const LineInfo *li = el_line(el);
	size_t cursor = (size_t)(li->cursor - li->buffer), start = cursor;
	char *before = xstrndup(li->buffer, cursor);
	struct name_list found = {0};
	unsigned char rc;

	(void)ch;
	ed->complete(ed->ctx, before, cursor, &start, &found);
	rc = apply_completion(el, cursor - start, &found);
	name_list_free(&found);
	free(before);
	return rc;
}

/* Loads the history file, if there is one; a missing file is normal. */
static void history_load(struct editor *ed)
{
	HistEvent ev;

	if (ed->history_path && access(ed->history_path, F_OK) == 0 &&
	    history(ed->hist, &ev, H_LOAD, ed->history_path) < 0)
		fprintf(stderr, "sysq shell: cannot read the history in %s\n", ed->history_path);
}

/* Writes the history to a new 0600 file and renames it over the old one.
 * Returns 0 or -errno. */
static int history_save(struct editor *ed)
{
	char *tmp = xasprintf("%s.XXXXXX", ed->history_path);
	HistEvent ev;
	FILE *f = NULL;
	int fd, rc = 0;

	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		goto out;
	}
	fd = -1;
	if (history(ed->hist, &ev, H_SAVE_FP, f) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, ed->history_path) < 0)
		rc = -errno;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && (f || fd >= 0))
		unlink(tmp);
	free(tmp);
	return rc;
}

void editor_remember(struct editor *ed, const char *line)
{
	size_t len = strcspn(line, "\n");
	char *entry = xstrndup(line, len);
	HistEvent ev;
	int rc;

	if (len > 0)
		history(ed->hist, &ev, H_ENTER, entry);
	free(entry);
	if (len == 0 || !ed->history_path)
		return;
	rc = history_save(ed);
	if (rc < 0 && !ed->save_warned) {
		fprintf(stderr, "sysq shell: cannot save the history in %s: %s\n", ed->history_path,
			strerror(-rc));
		ed->save_warned = true;
	}
}

static void configure(struct editor *ed)
{
	HistEvent ev;

	history(ed->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(ed->hist, &ev, H_SETUNIQUE, 1);
	el_set(ed->el, EL_CLIENTDATA, ed);
	el_set(ed->el, EL_EDITOR, "emacs");
	el_set(ed->el, EL_PROMPT, prompt_text);
	el_set(ed->el, EL_HIST, history, ed->hist);
	/* The wide call: libedit keeps these (static) strings as they are,
	 * where the narrow one leaks a copy of each. */
	el_wset(ed->el, EL_ADDFN, L"sysq-complete", L"Complete a dot command, table or column name",
		on_tab);
	el_set(ed->el, EL_BIND, "^I", "sysq-complete", NULL);
	/* The user's ~/.editrc may rebind keys, as in other libedit tools. */
	el_source(ed->el, NULL);
}

struct editor *editor_open(const char *history_path, editor_complete_fn complete, void *ctx)
{
	struct editor *ed = xcalloc(1, sizeof(*ed));

	ed->complete = complete;
	ed->ctx = ctx;
	ed->prompt = "";
	ed->history_path = history_path ? xstrdup(history_path) : NULL;
	ed->el = el_init("sysq", stdin, stdout, stderr);
	ed->hist = history_init();
	if (!ed->el || !ed->hist) {
		editor_close(ed);
		return NULL;
	}
	configure(ed);
	history_load(ed);
	return ed;
}

void editor_close(struct editor *ed)
{
	if (!ed)
		return;
	if (ed->el)
		el_end(ed->el);
	if (ed->hist)
		history_end(ed->hist);
	free(ed->history_path);
	free(ed);
}

int editor_read(struct editor *ed, const char *prompt, const char **line)
{
	const char *text;
	int count = 0;

	ed->prompt = prompt;
	errno = 0;
	text = el_gets(ed->el, &count);
	if (text && count > 0) {
		*line = text;
		return 1;
	}
	if (count < 0)
		return errno ? -errno : -EIO;
	return 0;
}
