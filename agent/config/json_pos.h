/* Where things are in a JSON text, for error messages.
 *
 * cJSON parses the config but keeps no positions, and a config error must
 * name the file, line and column of the offending key or value. This index
 * walks the same text and records, for every object member and array
 * element, the byte offsets of its key and value under a path such as
 * "schedule" / "q1" / "interval" (components joined by JSON_PATH_SEP).
 *
 * osquery configs may carry comments; json_blank_comments() turns them into
 * spaces first, newlines kept, so offsets stay the same for both passes. */
#pragma once

#include <stddef.h>

#define JSON_PATH_SEP '\x1f'
#define JSON_POS_NONE ((size_t)-1)

struct json_pos_entry {
	char *path;
	size_t key;   /* offset of the member's key, or of an array element */
	size_t value; /* offset of the value */
};

struct json_pos {
	struct json_pos_entry *v;
	size_t n;
	size_t cap;
};

/* Replaces // and / * * / comments outside strings with spaces, keeping
 * newlines. */
void json_blank_comments(char *text, size_t len);

/* Indexes valid JSON (cJSON has accepted it). Returns 0 or -EINVAL if the
 * text turns out not to be JSON after all. */
int json_pos_index(struct json_pos *jp, const char *text, size_t len);
void json_pos_free(struct json_pos *jp);

/* The entry for a path, or NULL. */
const struct json_pos_entry *json_pos_find(const struct json_pos *jp, const char *path);

/* 1-based line and column of a byte offset (columns count bytes). */
void json_line_col(const char *text, size_t offset, unsigned *line, unsigned *col);
