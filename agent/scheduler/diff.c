/* Multiset difference of result rows. */
#include "diff.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct ref {
	const char *row;
	size_t index;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int c = strcmp(x->row, y->row);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

static struct ref *sorted(char *const *rows, size_t n)
{
	struct ref *r = xcalloc(n ? n : 1, sizeof(*r));

	for (size_t i = 0; i < n; i++)
		r[i] = (struct ref){rows[i], i};
	qsort(r, n, sizeof(*r), ref_cmp);
	return r;
}

void diff_rows(char *const *prev, size_t nprev, char *const *cur, size_t ncur, bool *prev_gone,
	       bool *cur_new)
{
	struct ref *p = sorted(prev, nprev), *c = sorted(cur, ncur);
	size_t i = 0, j = 0;

	/* A merge of the two sorted lists: equal rows pair off one to one. */
	while (i < nprev || j < ncur) {
		int cmp = i == nprev ? 1 : j == ncur ? -1 : strcmp(p[i].row, c[j].row);

		if (cmp == 0) {
			prev_gone[p[i++].index] = false;
			cur_new[c[j++].index] = false;
		} else if (cmp < 0) {
			prev_gone[p[i++].index] = true;
		} else {
			cur_new[c[j++].index] = true;
		}
	}
	free(p);
	free(c);
}

char **split_rows(char *text, size_t *n)
{
	char **rows = NULL;
	size_t cap = 0;

	*n = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		rows = xgrow(rows, &cap, *n + 1, sizeof(*rows));
		rows[(*n)++] = line;
		line = nl ? nl + 1 : NULL;
	}
	return rows;
}
