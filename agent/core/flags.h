/* Flags: typed values for every entry in flag_defs.h, and their parsers.
 *
 * Precedence, lowest first: built-in default, flagfile, command line, the
 * config's "options" (as in osquery, where options override flags). A
 * flagfile missing at its default path is not an error; one named with
 * --flagfile must exist. Parse errors name the flag (and the file, line and
 * column for flagfiles) and the caller exits with status 2. */
#pragma once

#include "flag_defs.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum flag_kind { FLAG_KIND_BOOL, FLAG_KIND_INT, FLAG_KIND_STRING };

enum flag_id {
#define X(kind, name, ...) FLAG_##name,
	SYSQ_FLAGS(X)
#undef X
	FLAG_COUNT
};

enum flag_source { FLAG_SOURCE_DEFAULT, FLAG_SOURCE_FLAGFILE, FLAG_SOURCE_CLI, FLAG_SOURCE_CONFIG };

#define FLAG_CTYPE_BOOL	  bool
#define FLAG_CTYPE_INT	  int64_t
#define FLAG_CTYPE_STRING char *

struct sysq_flags {
#define X(kind, name, ...) FLAG_CTYPE_##kind name;
	SYSQ_FLAGS(X)
#undef X
	enum flag_source source[FLAG_COUNT];
	/* One line per osquery flag that was accepted but ignored
	 * (osquery_flags.h), for the caller to report; NULL if none. */
	char *ignored;
};

struct flag_def {
	const char *name;
	enum flag_kind kind;
	const char *default_text;
	int64_t min;
	int64_t max;
	const char *description;
	size_t offset;
};

extern const struct flag_def flag_defs[FLAG_COUNT];

/* Longest error message the parsers produce. */
#define FLAG_ERROR_MAX 512

void flags_init(struct sysq_flags *flags);
void flags_free(struct sysq_flags *flags);

/* Parses a boolean as the flags take one (true/false, 1/0, yes/no, on/off,
 * any case). Returns 0 or -EINVAL. */
int flags_parse_bool(const char *s, bool *ret);

/* Looks a flag up by name; returns its id or -1. */
int flags_find(const char *name, size_t len);

/* Sets one flag from text. Returns 0, or -EINVAL with `err` filled. */
int flags_set(struct sysq_flags *flags, enum flag_id id, const char *value,
	      enum flag_source source, char err[FLAG_ERROR_MAX]);

/* Parses argv[0..argc) as flags, reading the flagfile first, so command-line
 * flags win. Arguments that are not flags are errors. An osquery flag that
 * sysq ignores adds a line to flags->ignored (once per name); one that
 * sysq refuses is an error saying why (osquery_flags.h). Returns 0 or -EINVAL
 * (err names the flag or file), or -ENOENT for a missing explicit flagfile.
 * `flagfile_note` receives a one-line note when the default flagfile is
 * absent (the caller logs it), else "" . */
int flags_parse(struct sysq_flags *flags, int argc, char **argv, char err[FLAG_ERROR_MAX],
		char note[FLAG_ERROR_MAX]);

/* Applies the lines of a flagfile. Returns 0, -ENOENT or -EINVAL. */
int flags_load_file(struct sysq_flags *flags, const char *path, char err[FLAG_ERROR_MAX]);

/* Current value (or the default) as text, as sysq_flags shows it. */
char *flags_value_text(const struct sysq_flags *flags, enum flag_id id);
/* The value of INT flag `id`. */
int64_t flags_get_int(const struct sysq_flags *flags, enum flag_id id);
const char *flag_kind_name(enum flag_kind kind);

/* Whether a comma-separated list flag (--logger_plugin) holds `name`. */
bool flags_list_has(const char *list, const char *name);
const char *flag_source_name(enum flag_source source);
