/* Tab completion: word location and matching (see complete.h). */
#include "complete.h"

#include "common/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void name_list_add(struct name_list *l, const char *s, size_t len)
{
	l->names = xgrow(l->names, &l->cap, l->n + 1, sizeof(*l->names));
	l->names[l->n++] = xstrndup(s, len);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void name_list_finish(struct name_list *l)
{
	size_t kept = 0;

	if (l->n == 0)
		return;
	qsort(l->names, l->n, sizeof(*l->names), compare_names);
	for (size_t i = 0; i < l->n; i++) {
		if (kept && strcmp(l->names[kept - 1], l->names[i]) == 0)
			free(l->names[i]);
		else
			l->names[kept++] = l->names[i];
	}
	l->n = kept;
}

void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->n = l->cap = 0;
}

/* Where the word that ends at `cursor` begins: letters, digits and '_',
 * and '.' too for a dot command's words. */
static size_t word_start(const char *line, size_t cursor, bool with_dot)
{
	size_t i = cursor;

	while (i > 0 && (isalnum((unsigned char)line[i - 1]) || line[i - 1] == '_' ||
			 (with_dot && line[i - 1] == '.')))
		i--;
	return i;
}

/* The dot command of a line that begins with one (after blanks), or NULL. */
static const char *dot_word(const char *line, size_t cursor, size_t *len)
{
	size_t i = 0;

	while (i < cursor && isblank((unsigned char)line[i]))
		i++;
	if (i >= cursor || line[i] != '.')
		return NULL;
	*len = strcspn(line + i, " \t");
	return line + i;
}

static bool word_is(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && strncmp(word, name, len) == 0;
}

enum complete_kind complete_locate(const char *line, size_t cursor, bool in_sql, size_t *start)
{
	size_t dot_len = 0;
	const char *dot = in_sql ? NULL : dot_word(line, cursor, &dot_len);

	if (!dot) {
		*start = word_start(line, cursor, false);
		return COMPLETE_SQL;
	}
	*start = word_start(line, cursor, true);
	if (line + *start == dot)
		return COMPLETE_DOT;
	if (word_is(dot, dot_len, ".tables") || word_is(dot, dot_len, ".schema"))
		return COMPLETE_TABLE;
	if (word_is(dot, dot_len, ".mode"))
		return COMPLETE_MODE;
	return COMPLETE_NONE;
}

void complete_matches(const struct name_list *from, const char *word, size_t len,
		      struct name_list *out)
{
	for (size_t i = 0; i < from->n; i++) {
		if (strncasecmp(from->names[i], word, len) == 0 && strlen(from->names[i]) >= len)
			name_list_add(out, from->names[i], strlen(from->names[i]));
	}
}

size_t complete_common_prefix(const struct name_list *l)
{
	size_t len;

	if (l->n == 0)
		return 0;
	len = strlen(l->names[0]);
	for (size_t i = 1; i < l->n; i++) {
		size_t j = 0;

		while (j < len && l->names[i][j] &&
		       tolower((unsigned char)l->names[i][j]) ==
			   tolower((unsigned char)l->names[0][j]))
			j++;
		len = j;
	}
	return len;
}
