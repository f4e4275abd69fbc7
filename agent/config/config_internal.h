/* Shared by the config parser's files: the parse context, positioned
 * messages and typed member access. Not for use outside agent/config. */
#pragma once

#include "config.h"
#include "json_pos.h"

#include <cjson/cJSON.h>

/* One file being parsed (the config, or a pack file it names). */
struct cfg_ctx {
	const char *file;
	const char *text;
	struct json_pos pos;
	struct strbuf *err;
	struct strbuf *warnings;
	bool failed;
	/* SHA-1 of the text as read, before comments are blanked out. */
	char hash[SHA1_HEX_LEN + 1];
};

/* A member path: components joined by JSON_PATH_SEP, built on the stack. */
struct cfg_path {
	char buf[512];
};

const char *cfg_path_join(struct cfg_path *out, const char *parent, const char *name);

/* Records the first error, positioned at the key (at_key) or the value of
 * `path`; later errors are dropped so the first cause is reported. */
void cfg_error(struct cfg_ctx *c, const char *path, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cfg_warn(struct cfg_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Typed reads of an object member; on a wrong type they record an error
 * and return false. An absent member returns true and leaves *ret. */
bool cfg_string(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key,
		char **ret);
bool cfg_bool(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key, bool *ret);
bool cfg_int(struct cfg_ctx *c, const cJSON *obj, const char *path, const char *key,
	     int64_t min, int64_t max, int64_t *ret);
/* An array of strings, copied. */
bool cfg_string_array(struct cfg_ctx *c, const cJSON *item, const char *path, char ***ret,
		      size_t *n);
/* Requires an object; records an error otherwise. */
bool cfg_require_object(struct cfg_ctx *c, const cJSON *item, const char *path);
/* Warns about members of `obj` whose keys are not in the NULL-ended list. */
void cfg_warn_unknown(struct cfg_ctx *c, const cJSON *obj, const char *path,
		      const char *const *known);

/* Parses "kafka_topics" (config_kafka.c). */
void cfg_parse_kafka_topics(struct cfg_ctx *c, const cJSON *item, struct kafka_topics *out);

/* Parses "schedule" and "packs" into `out`. */
void cfg_parse_schedule(struct cfg_ctx *c, const cJSON *schedule, struct config *out);
void cfg_parse_packs(struct cfg_ctx *c, const cJSON *packs, struct config *out);

/* Parses "bpf_filters" into `out`. */
void cfg_parse_bpf_filters(struct cfg_ctx *c, const cJSON *item, struct bpf_filters *out);
void cfg_free_bpf_filters(struct bpf_filters *f);
/* Frees n strings and the array holding them. */
void cfg_free_strings(char **v, size_t n);

/* Reads a file and parses it as JSON (comments allowed) into a context.
 * Returns the root, or NULL with an error recorded in `err`. */
cJSON *cfg_parse_file(struct cfg_ctx *c, const char *path, char **text_out, int *rc);
cJSON *cfg_parse_text(struct cfg_ctx *c, char *text, size_t len);
