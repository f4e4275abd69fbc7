/* Differential results: which rows left and which arrived since the
 * previous run of a query, compared as multisets of their JSON text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Marks prev_gone[i] for rows of `prev` not in `cur`, and cur_new[j] for
 * rows of `cur` not in `prev`; a row present twice before and once now
 * counts one removal. */
void diff_rows(char *const *prev, size_t nprev, char *const *cur, size_t ncur, bool *prev_gone,
	       bool *cur_new);

/* Splits text of one row per line into rows (pointers into `text`, which
 * is modified). Returns the count; free the array. */
char **split_rows(char *text, size_t *n);
