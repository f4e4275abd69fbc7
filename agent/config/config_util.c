/* Config parsing helpers: positioned messages and typed member reads. */
#include "config_internal.h"

#include "common/fsutil.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest config or pack file read. */
#define CONFIG_MAX_BYTES (16u * 1024 * 1024)

void cfg_free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *cfg_path_join(struct cfg_path *out, const char *parent, const char *name)
{
	if (parent && *parent)
		snprintf(out->buf, sizeof(out->buf), "%s%c%s", parent, JSON_PATH_SEP, name);
	else
		snprintf(out->buf, sizeof(out->buf), "%s", name);
	return out->buf;
}

/* "a/b/c" from a path, for messages. */
static void path_display(const char *path, char *out, size_t size)
{
	size_t n = 0;

	for (; *path && n + 1 < size; path++)
		out[n++] = *path == JSON_PATH_SEP ? '.' : *path;
	out[n] = '\0';
}

static void position(struct cfg_ctx *c, const char *path, bool at_key, struct strbuf *out)
{
	const struct json_pos_entry *e = path ? json_pos_find(&c->pos, path) : NULL;
	unsigned line = 1, col = 1;

	if (e)
		json_line_col(c->text, at_key ? e->key : e->value, &line, &col);
	sb_printf(out, "%s:%u:%u: ", c->file, line, col);
}

void cfg_error(struct cfg_ctx *c, const char *path, bool at_key, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	sb_truncate(c->err, 0);
	position(c, path, at_key, c->err);
	va_start(ap, fmt);
	sb_vprintf(c->err, fmt, ap);
	va_end(ap);
}

void cfg_warn(struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (!c->warnings)
		return;
	position(c, path, true, c->warnings);
	va_start(ap, fmt);
	sb_vprintf(c->warnings, fmt, ap);
	va_end(ap);
	sb_putc(c->warnings, '\n');
}

bool cfg_require_object(struct cfg_ctx *c, const cJSON *item, const char *path)
{
	char shown[256];

	if (cJSON_IsObject(item))
		return true;
	path_display(path, shown, sizeof(shown));
	cfg_error(c, path, false, "%s must be an object", shown);
	return false;
}

static const char *type_error(struct cfg_ctx *c, const char *path, const char *want)
{
	char shown[256];

	path_display(path, shown, sizeof(shown));
	cfg_error(c, path, false, "%s must be %s", shown, want);
	return NULL;
}

bool cfg_string(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key,
		char **ret)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct cfg_path p;

	if (!item)
		return true;
	cfg_path_join(&p, path, key);
	if (!cJSON_IsString(item)) {
		type_error(c, p.buf, "a string");
		return false;
	}
	free(*ret);
	*ret = xstrdup(item->valuestring);
	return true;
}

bool cfg_bool(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key, bool *ret)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct cfg_path p;

	if (!item)
		return true;
	cfg_path_join(&p, path, key);
	if (!cJSON_IsBool(item)) {
		type_error(c, p.buf, "true or false");
		return false;
	}
	*ret = cJSON_IsTrue(item);
	return true;
}

bool cfg_int(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key,
	     int64_t min, int64_t max, int64_t *ret)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct cfg_path p;
	char want[96];
	double v;

	if (!item)
		return true;
	cfg_path_join(&p, path, key);
	v = cJSON_IsNumber(item) ? item->valuedouble : -1e300;
	/* Range first: converting an out-of-range double is undefined. */
	if (!cJSON_IsNumber(item) || v < (double)min || v > (double)max ||
	    v != (double)(int64_t)v) {
		snprintf(want, sizeof(want), "a whole number from %lld to %lld", (long long)min,
			 (long long)max);
		type_error(c, p.buf, want);
		return false;
	}
	*ret = (int64_t)v;
	return true;
}

bool cfg_string_array(struct cfg_ctx *c, const cJSON *item, const char *path, char ***ret,
		      size_t *n)
{
	const cJSON *e;
	size_t count = 0, i = 0;

	if (!cJSON_IsArray(item)) {
		type_error(c, path, "an array of strings");
		return false;
	}
	cJSON_ArrayForEach(e, item) {
		struct cfg_path p;
		char idx[24];

		snprintf(idx, sizeof(idx), "%zu", count++);
		if (!cJSON_IsString(e)) {
			type_error(c, cfg_path_join(&p, path, idx), "a string");
			return false;
		}
	}
	*ret = xcalloc(count ? count : 1, sizeof(**ret));
	cJSON_ArrayForEach(e, item) {
		(*ret)[i++] = xstrdup(e->valuestring);
	}
	*n = count;
	return true;
}

void cfg_warn_unknown(struct cfg_ctx *c, const cJSON *obj, const char *path,
		      const char *const *known)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, obj) {
		bool found = false;
		struct cfg_path p;

		for (const char *const *k = known; *k && !found; k++)
			found = strcmp(*k, e->string) == 0;
		if (!found)
			cfg_warn(c, cfg_path_join(&p, path, e->string), "unknown key \"%s\" ignored",
				 e->string);
	}
}

/* What the parser stopped at, for the message: a few printable bytes. */
static void describe_stop(const char *text, size_t len, size_t at, struct strbuf *out)
{
	size_t n = 0;

	if (at >= len) {
		sb_puts(out, "the file ends too early");
		return;
	}
	sb_puts(out, "unexpected '");
	for (; at < len && n < 16 && text[at] != '\n'; at++, n++)
		sb_putc(out, text[at] >= 0x20 && text[at] < 0x7f ? text[at] : '?');
	sb_putc(out, '\'');
}

static size_t skip_blank(const char *text, size_t len, size_t at)
{
	while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' ||
			    text[at] == '\n'))
		at++;
	return at;
}

/* Records "not valid JSON" at the first non-blank byte from `at`. */
static void syntax_error(struct cfg_ctx *c, const char *text, size_t len, size_t at,
			 const char *what)
{
	unsigned line, col;

	at = skip_blank(text, len, at);
	json_line_col(text, at, &line, &col);
	c->failed = true;
	sb_truncate(c->err, 0);
	sb_printf(c->err, "%s:%u:%u: not valid JSON: ", c->file, line, col);
	if (what)
		sb_puts(c->err, what);
	else
		describe_stop(text, len, at, c->err);
}

cJSON *cfg_parse_text(struct cfg_ctx *c, char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	const char *end = NULL;
	cJSON *root;
	size_t at;

	c->text = text;
	if (nul) {
		/* cJSON would skip it as whitespace; a config has no reason to
		 * hold one, so it is more likely a damaged file. */
		syntax_error(c, text, len, (size_t)(nul - text), "a NUL byte");
		return NULL;
	}
	sha1_hex(text, len, c->hash);
	json_blank_comments(text, len);
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	at = end ? (size_t)(end - text) : 0;
	if (!root) {
		syntax_error(c, text, len, at, NULL);
		return NULL;
	}
	if (skip_blank(text, len, at) < len) {
		/* A second object would otherwise be silently ignored. */
		cJSON_Delete(root);
		syntax_error(c, text, len, at, "text after the config's closing '}'");
		return NULL;
	}
	if (json_pos_index(&c->pos, text, len) < 0) {
		cJSON_Delete(root);
		cfg_error(c, NULL, false, "not valid JSON");
		return NULL;
	}
	return root;
}

cJSON *cfg_parse_file(struct cfg_ctx *c, const char *path, char **text_out, int *rc)
{
	struct strbuf text = STRBUF_INIT;
	struct stat st;
	char buf[65536];
	size_t n, len;
	FILE *f = fopen(path, "re");
	cJSON *root;

	*text_out = NULL;
	if (f && fstat(fileno(f), &st) < 0) {
		fclose(f);
		f = NULL;
	}
	if (f) {
		char why[512];

		if (fs_check_trusted(fileno(f), path, why, sizeof(why)) < 0) {
			fclose(f);
			*rc = -EPERM;
			sb_truncate(c->err, 0);
			sb_puts(c->err, why);
			c->failed = true;
			return NULL;
		}
	}
	/* An empty size also keeps out /proc files, which can block a read. */
	if (!f || !S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > CONFIG_MAX_BYTES) {
		*rc = !f && errno == ENOENT ? -ENOENT : -EIO;
		sb_truncate(c->err, 0);
		sb_printf(c->err, "%s: %s", path,
			  !f ? strerror(errno) :
			  !S_ISREG(st.st_mode) ? "not a regular file" :
			  st.st_size == 0 ? "the file is empty" :
					    "larger than 16 MiB");
		c->failed = true;
		if (f)
			fclose(f);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_append(&text, buf, n);
	fclose(f);
	len = text.len;
	*text_out = sb_detach(&text);
	root = cfg_parse_text(c, *text_out, len);
	*rc = root ? 0 : -EINVAL;
	return root;
}
