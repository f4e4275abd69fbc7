/* Tab completion for the interactive shell: which word the cursor is on,
 * what it may be (a dot command, a table, a table or column name in SQL),
 * and the names that complete it.
 *
 * Only pure text work lives here; the names of tables and columns come
 * from the daemon (shell.c asks it once per session). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A sorted list of distinct names, once name_list_finish has run. */
struct name_list {
	char **names;
	size_t n;
	size_t cap;
};

void name_list_add(struct name_list *l, const char *s, size_t len);
/* Sorts the list and drops duplicates. */
void name_list_finish(struct name_list *l);
void name_list_free(struct name_list *l);

enum complete_kind {
	COMPLETE_NONE,	/* nothing to offer here */
	COMPLETE_DOT,	/* the first word of a dot command */
	COMPLETE_TABLE, /* the argument of .tables or .schema */
	COMPLETE_MODE,	/* the argument of .mode */
	COMPLETE_SQL,	/* a name inside SQL: tables and columns */
};

/* Finds the word that ends at `cursor` in `line`, sets *start to its
 * offset and returns what it may be. `in_sql`: the line continues an
 * unfinished statement, so a leading '.' is not a dot command. In SQL a
 * word stops at '.', so "p.pa" completes the column after the dot. */
enum complete_kind complete_locate(const char *line, size_t cursor, bool in_sql, size_t *start);

/* Adds to `out` every name of `from` that begins with word[0..len),
 * ignoring ASCII case. */
void complete_matches(const struct name_list *from, const char *word, size_t len,
		      struct name_list *out);

/* The length of the prefix every name in `l` shares, ignoring ASCII
 * case; 0 for an empty list. */
size_t complete_common_prefix(const struct name_list *l);
