/* Flag table, command-line and flagfile parsing. */
#include "flags.h"
#include "osquery_flags.h"

#include "common/fsutil.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct flag_def flag_defs[FLAG_COUNT] = {
#define X(kind, fname, def, lo, hi, desc)                                                          \
	[FLAG_##fname] = {#fname, FLAG_KIND_##kind, def, lo, hi, desc,                             \
			  offsetof(struct sysq_flags, fname)},
	SYSQ_FLAGS(X)
#undef X
};

/* String flags that accept only some values. */
static const char *const *const flag_choices[FLAG_COUNT] = {
	[FLAG_audit_mode] = (const char *const[]){"unicast", "multicast", NULL},
	[FLAG_host_identifier] = (const char *const[]){"hostname", "uuid", "instance", "ephemeral",
							"specified", NULL},
	[FLAG_logger_plugin] = (const char *const[]){"filesystem", "syslog", "kafka_producer", "tls",
						      NULL},
	[FLAG_config_plugin] = (const char *const[]){"filesystem", "tls", NULL},
	[FLAG_logger_kafka_acks] = (const char *const[]){"0", "1", "all", NULL},
	[FLAG_logger_kafka_compression] =
		(const char *const[]){"none", "gzip", "snappy", "lz4", "zstd", NULL},
	[FLAG_enable_bpf_events] = (const char *const[]){"auto", "true", "false", NULL},
	[FLAG_enable_bpf_process_events] = (const char *const[]){"auto", "true", "false", NULL},
};

/* Flags whose value is a comma-separated list of choices. */
static bool is_list(enum flag_id id)
{
	return id == FLAG_logger_plugin;
}

bool flags_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static bool one_choice(enum flag_id id, const char *value, size_t len)
{
	for (const char *const *c = flag_choices[id]; *c; c++) {
		if (strlen(*c) == len && strncmp(*c, value, len) == 0)
			return true;
	}
	return false;
}

static bool is_choice(enum flag_id id, const char *value)
{
	if (!flag_choices[id])
		return true;
	if (!is_list(id))
		return one_choice(id, value, strlen(value));
	for (;;) {
		size_t len = strcspn(value, ",");

		if (!one_choice(id, value, len))
			return false;
		if (!value[len])
			return true;
		value += len + 1;
	}
}

/* String flags where "" means none or off. */
static bool may_be_empty(enum flag_id id)
{
	/* A flag whose default is empty ("not set") may be set empty. */
	return !flag_defs[id].default_text[0] || id == FLAG_flagfile || id == FLAG_config_path;
}

static void *flag_slot(struct sysq_flags *flags, enum flag_id id)
{
	return (char *)flags + flag_defs[id].offset;
}

static const void *flag_slot_const(const struct sysq_flags *flags, enum flag_id id)
{
	return (const char *)flags + flag_defs[id].offset;
}

const char *flag_kind_name(enum flag_kind kind)
{
	static const char *const names[] = {"bool", "int", "string"};
	return names[kind];
}

const char *flag_source_name(enum flag_source source)
{
	static const char *const names[] = {"default", "flagfile", "command line", "config"};
	return names[source];
}

/* "a, b" for a flag restricted to some values, else "". */
static const char *flag_choices_text(enum flag_id id)
{
	static __thread char text[128];
	size_t len = 0;

	text[0] = '\0';
	for (const char *const *c = flag_choices[id]; c && *c && len < sizeof(text); c++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? ", " : "", *c);
	return text;
}

/* osquery's other names of flags sysq has, so an osquery flagfile that
 * still uses them sets the flag they stand for. */
static const struct {
	const char *name;
	enum flag_id id;
} flag_aliases[] = {
	{"logger_tls_max", FLAG_logger_tls_max_linesize},
	{"config_tls_accelerated_refresh", FLAG_config_accelerated_refresh},
};

static bool name_is(const char *want, const char *name, size_t len)
{
	return strlen(want) == len && memcmp(want, name, len) == 0;
}

int flags_find(const char *name, size_t len)
{
	for (int i = 0; i < FLAG_COUNT; i++) {
		if (name_is(flag_defs[i].name, name, len))
			return i;
	}
	for (size_t i = 0; i < sizeof(flag_aliases) / sizeof(flag_aliases[0]); i++) {
		if (name_is(flag_aliases[i].name, name, len))
			return (int)flag_aliases[i].id;
	}
	return -1;
}

int64_t flags_get_int(const struct sysq_flags *flags, enum flag_id id)
{
	return *(const int64_t *)flag_slot_const(flags, id);
}

int flags_parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = {"true", "1", "yes", "y", "t", "on"};
	static const char *const no[] = {"false", "0", "no", "n", "f", "off"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_int(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int flags_set(struct sysq_flags *flags, enum flag_id id, const char *value,
	      enum flag_source source, char err[FLAG_ERROR_MAX])
{
	const struct flag_def *def = &flag_defs[id];
	void *slot = flag_slot(flags, id);

	switch (def->kind) {
	case FLAG_KIND_BOOL:
		if (flags_parse_bool(value, slot) < 0) {
			snprintf(err, FLAG_ERROR_MAX, "--%s: '%s' is not a boolean (true or false)",
				 def->name, value);
			return -EINVAL;
		}
		break;
	case FLAG_KIND_INT: {
		int64_t v;

		if (parse_int(value, &v) < 0) {
			snprintf(err, FLAG_ERROR_MAX, "--%s: '%s' is not an integer", def->name,
				 value);
			return -EINVAL;
		}
		if (v < def->min || v > def->max) {
			snprintf(err, FLAG_ERROR_MAX,
				 "--%s: %" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]",
				 def->name, v, def->min, def->max);
			return -EINVAL;
		}
		*(int64_t *)slot = v;
		break;
	}
	case FLAG_KIND_STRING:
		if (!*value && !may_be_empty(id)) {
			snprintf(err, FLAG_ERROR_MAX, "--%s: the value is empty", def->name);
			return -EINVAL;
		}
		if (!is_choice(id, value)) {
			snprintf(err, FLAG_ERROR_MAX, "--%s: '%s' is not one of: %s", def->name, value,
				 flag_choices_text(id));
			return -EINVAL;
		}
		free(*(char **)slot);
		*(char **)slot = xstrdup(value);
		break;
	}
	flags->source[id] = source;
	return 0;
}

void flags_init(struct sysq_flags *flags)
{
	char err[FLAG_ERROR_MAX];

	memset(flags, 0, sizeof(*flags));
	for (int i = 0; i < FLAG_COUNT; i++) {
		/* The defaults are compiled in; a bad one is a programming error. */
		if (flags_set(flags, (enum flag_id)i, flag_defs[i].default_text,
			      FLAG_SOURCE_DEFAULT, err) < 0) {
			fprintf(stderr, "sysq: bad built-in default: %s\n", err);
			abort();
		}
	}
}

void flags_free(struct sysq_flags *flags)
{
	free(flags->ignored);
	flags->ignored = NULL;
	for (int i = 0; i < FLAG_COUNT; i++) {
		if (flag_defs[i].kind == FLAG_KIND_STRING) {
			free(*(char **)flag_slot(flags, (enum flag_id)i));
			*(char **)flag_slot(flags, (enum flag_id)i) = NULL;
		}
	}
}

char *flags_value_text(const struct sysq_flags *flags, enum flag_id id)
{
	const void *slot = flag_slot_const(flags, id);

	switch (flag_defs[id].kind) {
	case FLAG_KIND_BOOL:
		return xstrdup(*(const bool *)slot ? "true" : "false");
	case FLAG_KIND_INT:
		return xasprintf("%" PRId64, *(const int64_t *)slot);
	case FLAG_KIND_STRING:
		break;
	}
	return xstrdup(*(char *const *)slot);
}

/* One parsed "--name[=value]" word. */
struct flag_word {
	int id;
	bool negated;	    /* --noname for a bool flag */
	const char *value;  /* NULL when there was no '=' */
	size_t name_column; /* 0-based offset of the name in the word */
	size_t name_len;
};

/* Splits "--name=value" / "--name" / "--noname". Returns 0, -ENOENT for a
 * name sysq does not have, or -EINVAL for a word that is not a flag, with
 * err naming the word. `value` points into `word`. */
static int split_flag_word(const char *word, struct flag_word *ret, char err[FLAG_ERROR_MAX])
{
	const char *name = word;
	const char *eq;
	size_t len;
	int id;

	ret->name_column = 0;
	if (strncmp(name, "--", 2) == 0)
		name += 2;
	else if (name[0] == '-' && name[1] != '\0')
		name += 1;
	else {
		snprintf(err, FLAG_ERROR_MAX, "'%s' is not a flag (expected --name=value)", word);
		return -EINVAL;
	}
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	ret->name_column = (size_t)(name - word);
	ret->name_len = len;
	ret->value = eq ? eq + 1 : NULL;
	ret->negated = false;
	id = flags_find(name, len);
	if (id < 0 && len > 2 && strncmp(name, "no", 2) == 0 && !eq) {
		id = flags_find(name + 2, len - 2);
		if (id >= 0 && flag_defs[id].kind == FLAG_KIND_BOOL)
			ret->negated = true;
		else
			id = -1;
	}
	if (id < 0) {
		snprintf(err, FLAG_ERROR_MAX, "unknown flag --%.*s", (int)len, name);
		return -ENOENT;
	}
	ret->id = id;
	return 0;
}

/* Adds "osquery flag --NAME ignored: REASON" to flags->ignored, once per
 * name however often the flag is given. */
static void note_ignored(struct sysq_flags *flags, const char *name, size_t len,
			 const char *reason)
{
	char *key = xasprintf("osquery flag --%.*s ignored:", (int)len, name);
	struct strbuf all = STRBUF_INIT;

	if (!flags->ignored || !strstr(flags->ignored, key)) {
		sb_puts(&all, flags->ignored ? flags->ignored : "");
		sb_printf(&all, "%s %s\n", key, reason);
		free(flags->ignored);
		flags->ignored = sb_detach(&all);
	}
	free(key);
}

/* Whether a refused osquery bool's value is the one that means what sysq
 * does anyway (--utc=true, --disable_logging=false). */
static bool same_as_sysq(const struct osquery_flag *f, const char *value, bool negated)
{
	bool given = false, wanted = false;

	if (!f->same_as_sysq || !f->is_bool)
		return false;
	if (negated)
		given = false;
	else if (!value)
		given = true;
	else if (flags_parse_bool(value, &given) < 0)
		return false;
	if (flags_parse_bool(f->same_as_sysq, &wanted) < 0)
		return false;
	return given == wanted;
}

/* An osquery flag sysq does not have (osquery_flags.h), given as
 * name[0..len) with `value` after its '=' (or NULL). Returns 0 when it is
 * ignored (the warning noted; *takes_next: on the command line its value
 * is the next word), -EINVAL with err saying why when it is refused, or
 * -ENOENT when osquery's list does not have it either (err untouched). */
static int osquery_word(struct sysq_flags *flags, const char *name, size_t len, const char *value,
			bool *takes_next, char err[FLAG_ERROR_MAX])
{
	const struct osquery_flag *f = osquery_flag_find(name, len);
	const char *given = name; /* as written, for the error */
	size_t given_len = len;
	bool negated = false;

	if (!f && len > 2 && strncmp(name, "no", 2) == 0 && !value) {
		f = osquery_flag_find(name + 2, len - 2);
		negated = f && f->is_bool;
		f = negated ? f : NULL;
		name += negated ? 2 : 0;
		len -= negated ? 2 : 0;
	}
	if (!f)
		return -ENOENT;
	*takes_next = !value && !negated && !f->is_bool;
	if (f->action == OSQUERY_FLAG_REFUSED && !same_as_sysq(f, value, negated)) {
		snprintf(err, FLAG_ERROR_MAX, "--%.*s%s%s: %s", (int)given_len, given,
			 value ? "=" : "", value ? value : "", f->reason);
		return -EINVAL;
	}
	note_ignored(flags, name, len, f->reason);
	return 0;
}

static int apply_word(struct sysq_flags *flags, const struct flag_word *w, const char *value,
		      enum flag_source source, char err[FLAG_ERROR_MAX])
{
	if (w->negated)
		value = "false";
	else if (!value && flag_defs[w->id].kind == FLAG_KIND_BOOL)
		value = "true";
	if (!value) {
		snprintf(err, FLAG_ERROR_MAX, "--%s needs a value", flag_defs[w->id].name);
		return -EINVAL;
	}
	return flags_set(flags, (enum flag_id)w->id, value, source, err);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Applies one non-comment flagfile line. On error, `column` is moved to the
 * offending part of the line. */
static int apply_file_line(struct sysq_flags *flags, const char *text, size_t *column,
			   char msg[FLAG_ERROR_MAX])
{
	struct flag_word w;
	bool takes_next;
	int rc = split_flag_word(text, &w, msg);

	if (rc == -ENOENT) {
		/* The name ends at a blank too: "--watchdog_level 1" names
		 * watchdog_level (in a flagfile a value follows an '='). */
		size_t len = strcspn(text + w.name_column, " \t=");

		rc = osquery_word(flags, text + w.name_column, len < w.name_len ? len : w.name_len,
				  w.value, &takes_next, msg);
		if (rc == -EINVAL)
			*column += w.name_column;
		if (rc != -ENOENT)
			return rc;
	}
	if (rc < 0) {
		const char *name = text + w.name_column;
		size_t len = strcspn(name, " \t=");

		/* "--name value" is a command-line habit; say what to write. */
		if (name[len] != '=' && name[len] != '\0' && flags_find(name, len) >= 0)
			snprintf(msg, FLAG_ERROR_MAX,
				 "write --%.*s=VALUE: in a flagfile the value follows an '='", (int)len,
				 name);
		if (strncmp(msg, "unknown", 7) == 0 || strncmp(msg, "write", 5) == 0)
			*column += w.name_column;
		return -EINVAL;
	}
	if (w.id == FLAG_flagfile) {
		*column += w.name_column;
		snprintf(msg, FLAG_ERROR_MAX, "--flagfile cannot be set inside a flagfile");
		return -EINVAL;
	}
	return apply_word(flags, &w, w.value, FLAG_SOURCE_FLAGFILE, msg);
}

int flags_load_file(struct sysq_flags *flags, const char *path, char err[FLAG_ERROR_MAX])
{
	char msg[FLAG_ERROR_MAX];
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, FLAG_ERROR_MAX, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fs_check_trusted(fileno(f), path, err, FLAG_ERROR_MAX) < 0) {
		fclose(f);
		return -EINVAL;
	}
	errno = 0;
	while (getline(&line, &cap, f) >= 0) {
		char *text = trim(line);
		size_t column = (size_t)(text - line) + 1;

		lineno++;
		if (!*text || *text == '#')
			continue;
		if (apply_file_line(flags, text, &column, msg) < 0) {
			/* A long path may truncate the message; it still starts
			 * with the file, line and column. */
			if (snprintf(err, FLAG_ERROR_MAX, "%s:%u:%zu: %s", path, lineno, column,
				     msg) >= FLAG_ERROR_MAX)
				err[FLAG_ERROR_MAX - 1] = '\0';
			ret = -EINVAL;
			break;
		}
	}
	if (ret == 0 && ferror(f)) {
		/* A directory opens fine and fails on the first read. */
		snprintf(err, FLAG_ERROR_MAX, "%s: %s", path, strerror(errno ? errno : EIO));
		ret = -EINVAL;
	}
	free(line);
	fclose(f);
	return ret;
}

/* Finds --flagfile (or -flagfile) on the command line so the file is read
 * before the other command-line flags are applied over it. */
static const char *find_cli_flagfile(int argc, char **argv)
{
	const char *found = NULL;

	for (int i = 0; i < argc; i++) {
		const char *name = argv[i];

		if (name[0] != '-')
			continue;
		name += name[1] == '-' ? 2 : 1;
		if (strncmp(name, "flagfile=", 9) == 0)
			found = name + 9;
		else if (strcmp(name, "flagfile") == 0 && i + 1 < argc)
			found = argv[++i];
	}
	return found;
}

static int load_flagfile(struct sysq_flags *flags, int argc, char **argv,
			 char err[FLAG_ERROR_MAX], char note[FLAG_ERROR_MAX])
{
	const char *explicit_path = find_cli_flagfile(argc, argv);
	char *path = xstrdup(explicit_path ? explicit_path : flags->flagfile);
	int ret = 0;

	if (explicit_path && !*explicit_path)
		goto out; /* --flagfile= disables the flagfile */
	ret = flags_load_file(flags, path, err);
	if (ret == -ENOENT && !explicit_path) {
		snprintf(note, FLAG_ERROR_MAX, "no flagfile at %s; running on flags alone", path);
		err[0] = '\0';
		ret = 0;
	} else if (ret < 0 && ret != -EINVAL) {
		/* err already names the path and the reason */
		ret = ret == -ENOENT ? -ENOENT : -EINVAL;
	}
out:
	free(path);
	return ret;
}

int flags_parse(struct sysq_flags *flags, int argc, char **argv, char err[FLAG_ERROR_MAX],
		char note[FLAG_ERROR_MAX])
{
	int ret;

	note[0] = '\0';
	ret = load_flagfile(flags, argc, argv, err, note);
	if (ret < 0)
		return ret;
	for (int i = 0; i < argc; i++) {
		struct flag_word w;
		const char *value;

		ret = split_flag_word(argv[i], &w, err);
		if (ret == -ENOENT) {
			bool takes_next = false;

			ret = osquery_word(flags, argv[i] + w.name_column, w.name_len, w.value,
					   &takes_next, err);
			if (ret == 0) {
				i += takes_next && i + 1 < argc;
				continue;
			}
		}
		if (ret < 0)
			return -EINVAL;
		value = w.value;
		/* "--name value" for flags that take one; bool flags never
		 * consume the next word, as with gflags. */
		if (!value && !w.negated && flag_defs[w.id].kind != FLAG_KIND_BOOL) {
			if (i + 1 >= argc) {
				snprintf(err, FLAG_ERROR_MAX, "--%s needs a value",
					 flag_defs[w.id].name);
				return -EINVAL;
			}
			value = argv[++i];
		}
		ret = apply_word(flags, &w, value, FLAG_SOURCE_CLI, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}
