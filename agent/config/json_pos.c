/* JSON position index and comment blanking. */
#include "json_pos.h"

#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_blank_comments(char *t, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (t[i] == '\\' && i + 1 < len)
				i++;
			else if (t[i] == '"')
				in_string = false;
			continue;
		}
		if (t[i] == '"') {
			in_string = true;
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
			for (; i < len && t[i] != '\n'; i++)
				t[i] = ' ';
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			size_t end = i + 2;

			while (end + 1 < len && !(t[end] == '*' && t[end + 1] == '/'))
				end++;
			end = end + 1 < len ? end + 2 : len; /* past the closing mark */
			for (size_t k = i; k < end; k++) {
				if (t[k] != '\n')
					t[k] = ' ';
			}
			i = end - 1;
		}
	}
}

/* A cursor over the text; `path` is the current member path. */
struct walker {
	const char *t;
	size_t len;
	size_t i;
	struct strbuf path;
	struct json_pos *jp;
};

static void skip_ws(struct walker *w)
{
	while (w->i < w->len && strchr(" \t\r\n", w->t[w->i]))
		w->i++;
}

static int skip_string(struct walker *w, struct strbuf *out)
{
	if (w->i >= w->len || w->t[w->i] != '"')
		return -EINVAL;
	for (w->i++; w->i < w->len; w->i++) {
		char c = w->t[w->i];

		if (c == '"') {
			w->i++;
			return 0;
		}
		if (c == '\\' && w->i + 1 < w->len)
			c = w->t[++w->i]; /* escapes are kept raw: paths compare raw keys */
		if (out)
			sb_putc(out, c);
	}
	return -EINVAL;
}

static void record(struct walker *w, size_t key, size_t value)
{
	struct json_pos *jp = w->jp;

	jp->v = xgrow(jp->v, &jp->cap, jp->n + 1, sizeof(*jp->v));
	jp->v[jp->n].path = xstrndup(sb_str(&w->path), w->path.len);
	jp->v[jp->n].key = key;
	jp->v[jp->n].value = value;
	jp->n++;
}

static int walk_value(struct walker *w);

/* Appends a path component and returns the length to truncate back to. */
static size_t push(struct walker *w, const char *name, size_t len)
{
	size_t saved = w->path.len;

	if (saved)
		sb_putc(&w->path, JSON_PATH_SEP);
	sb_append(&w->path, name, len);
	return saved;
}

/* After a member or element: 1 if a ',' follows, 0 at the closing
 * bracket, -EINVAL otherwise. */
static int after_member(struct walker *w, char close)
{
	skip_ws(w);
	if (w->i < w->len && (w->t[w->i] == ',' || w->t[w->i] == close))
		return w->t[w->i++] == ',' ? 1 : 0;
	return -EINVAL;
}

static int walk_object(struct walker *w)
{
	w->i++; /* { */
	skip_ws(w);
	if (w->i < w->len && w->t[w->i] == '}') {
		w->i++;
		return 0;
	}
	for (;;) {
		struct strbuf key = STRBUF_INIT;
		size_t key_at, saved;
		int rc;

		skip_ws(w);
		key_at = w->i;
		rc = skip_string(w, &key);
		skip_ws(w);
		if (rc < 0 || w->i >= w->len || w->t[w->i] != ':') {
			sb_free(&key);
			return -EINVAL;
		}
		w->i++;
		skip_ws(w);
		saved = push(w, sb_str(&key), key.len);
		sb_free(&key);
		record(w, key_at, w->i);
		rc = walk_value(w);
		sb_truncate(&w->path, saved);
		if (rc < 0)
			return rc;
		rc = after_member(w, '}');
		if (rc <= 0)
			return rc;
	}
}

static int walk_array(struct walker *w)
{
	size_t index = 0;

	w->i++; /* [ */
	skip_ws(w);
	if (w->i < w->len && w->t[w->i] == ']') {
		w->i++;
		return 0;
	}
	for (;; index++) {
		char name[24];
		size_t saved;
		int rc, n = snprintf(name, sizeof(name), "%zu", index);

		skip_ws(w);
		saved = push(w, name, (size_t)n);
		record(w, w->i, w->i);
		rc = walk_value(w);
		sb_truncate(&w->path, saved);
		if (rc < 0)
			return rc;
		rc = after_member(w, ']');
		if (rc <= 0)
			return rc;
	}
}

static int walk_value(struct walker *w)
{
	skip_ws(w);
	if (w->i >= w->len)
		return -EINVAL;
	switch (w->t[w->i]) {
	case '{':
		return walk_object(w);
	case '[':
		return walk_array(w);
	case '"':
		return skip_string(w, NULL);
	default:
		/* Numbers, true, false, null: up to the next delimiter. */
		while (w->i < w->len && !strchr(",]} \t\r\n", w->t[w->i]))
			w->i++;
		return 0;
	}
}

int json_pos_index(struct json_pos *jp, const char *text, size_t len)
{
	struct walker w = {.t = text, .len = len, .jp = jp};
	int rc;

	memset(jp, 0, sizeof(*jp));
	rc = walk_value(&w);
	sb_free(&w.path);
	return rc;
}

void json_pos_free(struct json_pos *jp)
{
	for (size_t i = 0; i < jp->n; i++)
		free(jp->v[i].path);
	free(jp->v);
	memset(jp, 0, sizeof(*jp));
}

const struct json_pos_entry *json_pos_find(const struct json_pos *jp, const char *path)
{
	for (size_t i = 0; i < jp->n; i++) {
		if (strcmp(jp->v[i].path, path) == 0)
			return &jp->v[i];
	}
	return NULL;
}

void json_line_col(const char *text, size_t offset, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}
