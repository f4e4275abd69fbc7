/* Unit tests for flags.c: built-in defaults, command-line forms (--a=b,
 * --a b, bare and negated bools, bool spellings), range and type errors
 * that name the flag, and flagfiles: comments, blank lines, whitespace,
 * errors located as path:LINE:COL:, --flagfile refused inside a flagfile,
 * command line over flagfile, missing explicit and default flagfiles;
 * osquery flags sysq ignores (one note per name, their values skipped) or
 * refuses (a message saying why), on the command line and in flagfiles.
 * test_single_dash_flagfile fails on purpose: it shows a bug, see there. */
#include "core/flags.h"

#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The default flagfile of every test: a path that cannot exist, so a
 * flagfile installed on the machine never changes the results. */
#define ABSENT_FLAGFILE "/nonexistent-sysq-unit-test/sysq.flags"

struct parse_ctx {
	struct sysq_flags flags;
	char err[FLAG_ERROR_MAX];
	char note[FLAG_ERROR_MAX];
};

static void ctx_init(struct parse_ctx *c)
{
	char err[FLAG_ERROR_MAX];

	flags_init(&c->flags);
	if (flags_set(&c->flags, FLAG_flagfile, ABSENT_FLAGFILE, FLAG_SOURCE_DEFAULT, err) < 0)
		abort();
	c->err[0] = '\0';
	c->note[0] = '\0';
}

static int parse_words(struct parse_ctx *c, char **words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	return flags_parse(&c->flags, argc, words, c->err, c->note);
}

#define PARSE(c, ...) parse_words(c, (char *[]){__VA_ARGS__, NULL})

/* Writes `content` to a new temporary file; returns its path (free it). */
static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/sysq-unit-flags-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(content);

	if (fd < 0 || write(fd, content, len) != (ssize_t)len) {
		perror("write_temp");
		abort();
	}
	close(fd);
	return path;
}

static void remove_temp(char *path)
{
	unlink(path);
	free(path);
}

static void test_defaults(void)
{
	struct sysq_flags f;

	flags_init(&f);
	CHECK_EQ_STR(f.flagfile, "/etc/sysq/sysq.flags");
	CHECK_EQ_STR(f.database_path, "/var/lib/sysq/sysq.db");
	CHECK_EQ_STR(f.control_socket, "/run/sysq/sysq.sock");
	CHECK_EQ_INT(f.events_expiry, 3600);
	CHECK_EQ_INT(f.events_max, 50000);
	CHECK_EQ_INT(f.store_queue_size, 65536);
	CHECK_EQ_INT(f.audit_backlog_limit, 4096);
	CHECK_EQ_INT(f.audit_backlog_wait_time, 0);
	CHECK(!f.daemonize);
	CHECK(!f.disable_audit);
	CHECK(f.audit_allow_config);
	CHECK(f.audit_persist);
	for (int i = 0; i < FLAG_COUNT; i++)
		CHECK_EQ_INT(f.source[i], FLAG_SOURCE_DEFAULT);
	flags_free(&f);
	CHECK(f.database_path == NULL);
}

static void test_find_and_text(void)
{
	struct sysq_flags f;
	char *text;

	CHECK_EQ_INT(flags_find("events_max", 10), FLAG_events_max);
	CHECK_EQ_INT(flags_find("events", 6), -1);
	CHECK_EQ_INT(flags_find("events_max_", 11), -1);
	flags_init(&f);
	text = flags_value_text(&f, FLAG_events_max);
	CHECK_EQ_STR(text, "50000");
	free(text);
	text = flags_value_text(&f, FLAG_audit_persist);
	CHECK_EQ_STR(text, "true");
	free(text);
	text = flags_value_text(&f, FLAG_database_path);
	CHECK_EQ_STR(text, "/var/lib/sysq/sysq.db");
	free(text);
	CHECK_EQ_STR(flag_kind_name(flag_defs[FLAG_verbose].kind), "bool");
	CHECK_EQ_STR(flag_source_name(FLAG_SOURCE_CLI), "command line");
	flags_free(&f);
}

static void test_value_forms(void)
{
	struct parse_ctx c;

	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--events_max=10", "--database_path", "/x/y.db", "--verbose",
			   "--noaudit_persist", "-daemonize", "--events_expiry", "0"),
		     0);
	CHECK_EQ_INT(c.flags.events_max, 10);
	CHECK_EQ_STR(c.flags.database_path, "/x/y.db");
	CHECK(c.flags.verbose);
	CHECK(!c.flags.audit_persist);
	CHECK(c.flags.daemonize);
	CHECK_EQ_INT(c.flags.events_expiry, 0);
	CHECK_EQ_INT(c.flags.source[FLAG_events_max], FLAG_SOURCE_CLI);
	CHECK_EQ_INT(c.flags.source[FLAG_audit_persist], FLAG_SOURCE_CLI);
	CHECK_EQ_INT(c.flags.source[FLAG_store_queue_size], FLAG_SOURCE_DEFAULT);
	/* The last of repeated flags wins. */
	CHECK_EQ_INT(PARSE(&c, "--events_max=1", "--events_max=2"), 0);
	CHECK_EQ_INT(c.flags.events_max, 2);
	flags_free(&c.flags);
}

static void check_bool(const char *file, int line, const char *word, bool want)
{
	struct parse_ctx c;

	ctx_init(&c);
	c.flags.verbose = !want;
	if (check_eq_int(file, line, word, "0", PARSE(&c, (char *)word), 0))
		check_eq_int(file, line, word, "verbose", c.flags.verbose, want);
	flags_free(&c.flags);
}

#define CHECK_BOOL(word, want) check_bool(__FILE__, __LINE__, word, want)

static void test_bool_spellings(void)
{
	struct parse_ctx c;

	CHECK_BOOL("--verbose=true", true);
	CHECK_BOOL("--verbose=TRUE", true);
	CHECK_BOOL("--verbose=1", true);
	CHECK_BOOL("--verbose=yes", true);
	CHECK_BOOL("--verbose=on", true);
	CHECK_BOOL("--verbose=false", false);
	CHECK_BOOL("--verbose=False", false);
	CHECK_BOOL("--verbose=0", false);
	CHECK_BOOL("--verbose=no", false);
	CHECK_BOOL("--verbose=off", false);
	CHECK_BOOL("--verbose", true);
	CHECK_BOOL("--noverbose", false);

	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--verbose=maybe"), -EINVAL);
	CHECK_EQ_STR(c.err, "--verbose: 'maybe' is not a boolean (true or false)");
	CHECK_EQ_INT(PARSE(&c, "--verbose="), -EINVAL);
	/* A bool flag never takes the next word as its value. */
	CHECK_EQ_INT(PARSE(&c, "--verbose", "false"), -EINVAL);
	CHECK_EQ_STR(c.err, "'false' is not a flag (expected --name=value)");
	/* --noX with a value is not the negation of X. */
	CHECK_EQ_INT(PARSE(&c, "--noverbose=true"), -EINVAL);
	CHECK_CONTAINS(c.err, "unknown flag --noverbose");
	flags_free(&c.flags);
}

static void check_parse_error(const char *file, int line, const char *word, const char *want)
{
	struct parse_ctx c;

	ctx_init(&c);
	if (check_eq_int(file, line, word, "-EINVAL", PARSE(&c, (char *)word), -EINVAL))
		check_eq_str(file, line, "err", want, c.err, want);
	flags_free(&c.flags);
}

#define CHECK_PARSE_ERROR(word, want) check_parse_error(__FILE__, __LINE__, word, want)

static void test_int_errors(void)
{
	struct parse_ctx c;

	CHECK_PARSE_ERROR("--store_queue_size=15",
			  "--store_queue_size: 15 is out of range [16, 16777216]");
	CHECK_PARSE_ERROR("--store_queue_size=16777217",
			  "--store_queue_size: 16777217 is out of range [16, 16777216]");
	CHECK_PARSE_ERROR("--events_expiry=-1",
			  "--events_expiry: -1 is out of range [0, 2147483647]");
	CHECK_PARSE_ERROR("--audit_backlog_limit=4294967296",
			  "--audit_backlog_limit: 4294967296 is out of range [0, 4294967295]");
	CHECK_PARSE_ERROR("--events_max=abc", "--events_max: 'abc' is not an integer");
	CHECK_PARSE_ERROR("--events_max=", "--events_max: '' is not an integer");
	CHECK_PARSE_ERROR("--events_max= 5", "--events_max: ' 5' is not an integer");
	CHECK_PARSE_ERROR("--events_max=5k", "--events_max: '5k' is not an integer");
	CHECK_PARSE_ERROR("--events_max=0x10", "--events_max: '0x10' is not an integer");
	CHECK_PARSE_ERROR("--events_max=99999999999999999999",
			  "--events_max: '99999999999999999999' is not an integer");
	CHECK_PARSE_ERROR("--database_path=", "--database_path: the value is empty");

	/* The bounds themselves are accepted. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--store_queue_size=16", "--audit_backlog_limit=4294967295"), 0);
	CHECK_EQ_INT(c.flags.store_queue_size, 16);
	CHECK_EQ_INT(c.flags.audit_backlog_limit, 4294967295LL);
	CHECK_EQ_INT(PARSE(&c, "--events_max=9223372036854775807"), 0);
	CHECK_EQ_INT(c.flags.events_max, INT64_MAX);
	flags_free(&c.flags);
}

/* The queue's byte bound: its default, its range, and the bounds
 * themselves, beside the count that is still accepted. */
static void test_queue_bytes(void)
{
	struct parse_ctx c;

	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--store_queue_size=100"), 0);
	CHECK_EQ_INT(c.flags.store_queue_bytes, 167772160);
	CHECK_EQ_INT(c.flags.store_queue_size, 100);
	CHECK_EQ_INT(PARSE(&c, "--store_queue_bytes=1048576"), 0);
	CHECK_EQ_INT(c.flags.store_queue_bytes, 1048576);
	CHECK_EQ_INT(PARSE(&c, "--store_queue_bytes=68719476736"), 0);
	CHECK_EQ_INT(c.flags.store_queue_bytes, 68719476736LL);
	flags_free(&c.flags);
	CHECK_PARSE_ERROR("--store_queue_bytes=1048575",
			  "--store_queue_bytes: 1048575 is out of range [1048576, 68719476736]");
	CHECK_PARSE_ERROR("--store_queue_bytes=68719476737",
			  "--store_queue_bytes: 68719476737 is out of range [1048576, 68719476736]");
	CHECK_PARSE_ERROR("--store_queue_bytes=1M",
			  "--store_queue_bytes: '1M' is not an integer");
}

static void test_word_errors(void)
{
	struct parse_ctx c;

	CHECK_PARSE_ERROR("--bogus=1", "unknown flag --bogus");
	CHECK_PARSE_ERROR("--bogus", "unknown flag --bogus");
	CHECK_PARSE_ERROR("-bogus", "unknown flag --bogus");
	CHECK_PARSE_ERROR("--noevents_max", "unknown flag --noevents_max");
	CHECK_PARSE_ERROR("--events_max", "--events_max needs a value");
	CHECK_PARSE_ERROR("--database_path", "--database_path needs a value");
	CHECK_PARSE_ERROR("events_max=1", "'events_max=1' is not a flag (expected --name=value)");
	CHECK_PARSE_ERROR("-", "'-' is not a flag (expected --name=value)");

	/* An error stops the parse at the bad word. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--events_max=5", "--bogus", "--events_expiry=7"), -EINVAL);
	CHECK_EQ_INT(c.flags.events_max, 5);
	CHECK_EQ_INT(c.flags.events_expiry, 3600);
	flags_free(&c.flags);
}

static void test_flagfile_lines(void)
{
	char *path = write_temp("# sysq flags\n"
				"\n"
				"   --events_max=123\n"
				"\t--verbose\n"
				"  # indented comment\n"
				"--noaudit_persist\r\n"
				"--database_path=/tmp/x.db   \n"
				"-events_expiry=60");
	struct sysq_flags f;
	char err[FLAG_ERROR_MAX] = "";

	flags_init(&f);
	if (CHECK_EQ_INT(flags_load_file(&f, path, err), 0)) {
		CHECK_EQ_INT(f.events_max, 123);
		CHECK(f.verbose);
		CHECK(!f.audit_persist);
		CHECK_EQ_STR(f.database_path, "/tmp/x.db");
		CHECK_EQ_INT(f.events_expiry, 60);
		CHECK_EQ_INT(f.source[FLAG_events_max], FLAG_SOURCE_FLAGFILE);
		CHECK_EQ_INT(f.source[FLAG_events_expiry], FLAG_SOURCE_FLAGFILE);
		CHECK_EQ_INT(f.source[FLAG_store_queue_size], FLAG_SOURCE_DEFAULT);
	} else {
		fprintf(stderr, "\terr: %s\n", err);
	}
	flags_free(&f);
	remove_temp(path);
}

/* Loads a flagfile holding `content`; expects -EINVAL and the error
 * "<path>:<where> <what>". */
static void check_file_error(const char *file, int line, const char *content, const char *where,
			     const char *what)
{
	char *path = write_temp(content);
	char *want = NULL;
	char err[FLAG_ERROR_MAX] = "";
	struct sysq_flags f;

	if (asprintf(&want, "%s:%s %s", path, where, what) < 0)
		abort();
	flags_init(&f);
	if (check_eq_int(file, line, content, "-EINVAL", flags_load_file(&f, path, err), -EINVAL))
		check_eq_str(file, line, "err", want, err, want);
	flags_free(&f);
	free(want);
	remove_temp(path);
}

#define CHECK_FILE_ERROR(content, where, what)                                                     \
	check_file_error(__FILE__, __LINE__, content, where, what)

static void test_flagfile_errors(void)
{
	/* The column is that of the flag name, 1-based. */
	CHECK_FILE_ERROR("# c\n\n   --bogus=1\n", "3:6:", "unknown flag --bogus");
	CHECK_FILE_ERROR("--verbose\n\t-nobogus\n", "2:3:", "unknown flag --nobogus");
	CHECK_FILE_ERROR("--verbose\n--events_max=abc\n", "2:1:",
			 "--events_max: 'abc' is not an integer");
	CHECK_FILE_ERROR("--store_queue_size=1\n", "1:1:",
			 "--store_queue_size: 1 is out of range [16, 16777216]");
	CHECK_FILE_ERROR("--events_max\n", "1:1:", "--events_max needs a value");
	CHECK_FILE_ERROR("  --flagfile=/etc/other.flags\n", "1:5:",
			 "--flagfile cannot be set inside a flagfile");
	CHECK_FILE_ERROR("ls -l\n", "1:1:", "'ls -l' is not a flag (expected --name=value)");
}

static void test_cli_over_flagfile(void)
{
	char *path = write_temp("--events_max=123\n--events_expiry=60\n");
	char *flagfile_arg = NULL;
	struct parse_ctx c;

	if (asprintf(&flagfile_arg, "--flagfile=%s", path) < 0)
		abort();
	/* The file is read first wherever --flagfile stands. */
	ctx_init(&c);
	if (CHECK_EQ_INT(PARSE(&c, "--events_max=7", flagfile_arg), 0)) {
		CHECK_EQ_INT(c.flags.events_max, 7);
		CHECK_EQ_INT(c.flags.source[FLAG_events_max], FLAG_SOURCE_CLI);
		CHECK_EQ_INT(c.flags.events_expiry, 60);
		CHECK_EQ_INT(c.flags.source[FLAG_events_expiry], FLAG_SOURCE_FLAGFILE);
		CHECK_EQ_STR(c.flags.flagfile, path);
		CHECK_EQ_STR(c.note, "");
	}
	flags_free(&c.flags);

	/* "--flagfile PATH" works too. */
	ctx_init(&c);
	if (CHECK_EQ_INT(PARSE(&c, "--flagfile", path, "--events_expiry=5"), 0)) {
		CHECK_EQ_INT(c.flags.events_max, 123);
		CHECK_EQ_INT(c.flags.events_expiry, 5);
	}
	flags_free(&c.flags);
	free(flagfile_arg);
	remove_temp(path);
}

static void test_flagfile_presence(void)
{
	char *bad = write_temp("--bogus\n");
	struct parse_ctx c;

	/* A flagfile named on the command line must exist. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--flagfile=/nonexistent-sysq-unit-test/x.flags"), -ENOENT);
	CHECK_CONTAINS(c.err, "/nonexistent-sysq-unit-test/x.flags");
	flags_free(&c.flags);

	/* The default one may be absent: a note says so. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--verbose"), 0);
	CHECK(c.flags.verbose);
	CHECK_EQ_STR(c.note, "no flagfile at " ABSENT_FLAGFILE "; running on flags alone");
	flags_free(&c.flags);

	/* A default flagfile that exists is read, and its errors count. */
	ctx_init(&c);
	flags_set(&c.flags, FLAG_flagfile, bad, FLAG_SOURCE_DEFAULT, c.err);
	CHECK_EQ_INT(PARSE(&c, "--verbose"), -EINVAL);
	CHECK_CONTAINS(c.err, "unknown flag --bogus");
	flags_free(&c.flags);

	/* "--flagfile=" turns the flagfile off, even the default one. */
	ctx_init(&c);
	flags_set(&c.flags, FLAG_flagfile, bad, FLAG_SOURCE_DEFAULT, c.err);
	CHECK_EQ_INT(PARSE(&c, "--flagfile=", "--verbose"), 0);
	CHECK_EQ_STR(c.note, "");
	CHECK_EQ_STR(c.flags.flagfile, "");
	flags_free(&c.flags);
	remove_temp(bad);
}

/* Every flag may be spelled with one dash ("-verbose"), --flagfile
 * included, so "-flagfile=PATH" and "-flagfile PATH" must read PATH.
 *
 * BUG (flags.c, find_cli_flagfile): only "--flagfile=" and "--flagfile"
 * are looked for, so the file is never read, yet the flag is set from the
 * command line and sysq_flags reports it as the flagfile in use. */
static void test_single_dash_flagfile(void)
{
	char *path = write_temp("--events_max=123\n");
	char *flagfile_arg = NULL;
	struct parse_ctx c;

	if (asprintf(&flagfile_arg, "-flagfile=%s", path) < 0)
		abort();
	ctx_init(&c);
	if (CHECK_EQ_INT(PARSE(&c, flagfile_arg), 0)) {
		CHECK_EQ_STR(c.flags.flagfile, path);
		CHECK_EQ_INT(c.flags.events_max, 123);
		CHECK_EQ_STR(c.note, "");
	}
	flags_free(&c.flags);

	ctx_init(&c);
	if (CHECK_EQ_INT(PARSE(&c, "-flagfile", path), 0))
		CHECK_EQ_INT(c.flags.events_max, 123);
	flags_free(&c.flags);
	free(flagfile_arg);
	remove_temp(path);
}

/* The lines of flags->ignored that name `flag`. */
static int ignored_count(const struct sysq_flags *f, const char *flag)
{
	char key[128];
	int n = 0;

	snprintf(key, sizeof(key), "osquery flag --%s ignored: ", flag);
	for (const char *p = f->ignored; p && (p = strstr(p, key)); p += strlen(key))
		n++;
	return n;
}

static void test_osquery_flags_ignored(void)
{
	struct parse_ctx c;

	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--watchdog_level", "2", "--events_max=7", "--disable_watchdog",
			   "--watchdog_memory_limit=300", "--nodisable_watchdog", "--utc",
			   "--disable_logging=false", "--extensions_socket", "/x.em", "--verbose"),
		     0);
	/* The value words were skipped, not taken for flags or errors. */
	CHECK_EQ_INT(c.flags.events_max, 7);
	CHECK(c.flags.verbose);
	CHECK_EQ_INT(ignored_count(&c.flags, "watchdog_level"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "watchdog_memory_limit"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "disable_watchdog"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "utc"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "disable_logging"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "extensions_socket"), 1);
	CHECK_CONTAINS(c.flags.ignored, "osquery flag --utc ignored: sysq writes every time in UTC");
	flags_free(&c.flags);
	CHECK(c.flags.ignored == NULL);

	/* sysq's own flags are never taken for osquery's. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--events_max=5"), 0);
	CHECK(c.flags.ignored == NULL);
	flags_free(&c.flags);
}

/* osquery's other names set the flag they stand for; the fleet flags of
 * parts sysq lacks are accepted with a warning. */
static void test_osquery_aliases_and_fleet_flags(void)
{
	struct parse_ctx c;

	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--logger_tls_max=100", "--config_tls_accelerated_refresh", "30",
			   "--carver_expiry=5", "--carver_compression", "--config_enable_backup",
			   "--tls_node_api=false"),
		     0);
	CHECK_EQ_INT(c.flags.logger_tls_max_linesize, 100);
	CHECK_EQ_INT(c.flags.config_accelerated_refresh, 30);
	CHECK_EQ_INT(ignored_count(&c.flags, "carver_expiry"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "config_enable_backup"), 1);
	CHECK_EQ_INT(ignored_count(&c.flags, "tls_node_api"), 1);
	flags_free(&c.flags);
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--tls_node_api"), -EINVAL);
	CHECK_CONTAINS(c.err, "--tls_node_api: sysq sends the node key");
	flags_free(&c.flags);
}

static void test_osquery_flags_refused(void)
{
	struct parse_ctx c;

	CHECK_PARSE_ERROR("--utc=false", "--utc=false: sysq writes every time in UTC; it cannot "
					 "write local times (--utc=false)");
	CHECK_PARSE_ERROR("--noutc", "--noutc: sysq writes every time in UTC; it cannot write "
				     "local times (--utc=false)");
	CHECK_PARSE_ERROR("--disable_logging", "--disable_logging: sysq always writes its "
					       "schedule's results; remove the queries you do "
					       "not want logged");
	CHECK_PARSE_ERROR("--logger_mode=420", "--logger_mode=420: sysq creates its results log "
					       "mode 0640 and cannot use another mode");
	CHECK_PARSE_ERROR("--extensions_require=a", "--extensions_require=a: sysq loads no osquery "
						    "extensions, so a required extension can "
						    "never be there");
	/* A family prefix alone, or a negated flag that takes a value, is no
	 * osquery flag. */
	CHECK_PARSE_ERROR("--watchdog_", "unknown flag --watchdog_");
	CHECK_PARSE_ERROR("--noread_max", "unknown flag --noread_max");

	/* An error after ignored flags still fails the parse. */
	ctx_init(&c);
	CHECK_EQ_INT(PARSE(&c, "--disable_watchdog", "--enable_syslog"), -EINVAL);
	CHECK_CONTAINS(c.err, "--enable_syslog: sysq has no syslog_events table");
	flags_free(&c.flags);
}

static void test_osquery_flagfile(void)
{
	char *path = write_temp("# from osquery\n--disable_watchdog=true\n--watchdog_level=0\n"
				"  --watchdog_level=1\n--events_max=9\n--read_max 100\n");
	char err[FLAG_ERROR_MAX] = "";
	struct sysq_flags f;

	flags_init(&f);
	if (CHECK_EQ_INT(flags_load_file(&f, path, err), 0)) {
		CHECK_EQ_INT(f.events_max, 9);
		CHECK_EQ_INT(ignored_count(&f, "disable_watchdog"), 1);
		CHECK_EQ_INT(ignored_count(&f, "watchdog_level"), 1);
		CHECK_EQ_INT(ignored_count(&f, "read_max"), 1);
	}
	flags_free(&f);
	remove_temp(path);
	/* A refused flag is located like any other error. */
	CHECK_FILE_ERROR("--verbose\n  --disable_tables=users\n", "2:5:",
			 "--disable_tables=users: sysq cannot leave tables out; the queries you "
			 "do not want must leave them out");
}

int main(void)
{
	test_defaults();
	test_find_and_text();
	test_value_forms();
	test_bool_spellings();
	test_int_errors();
	test_queue_bytes();
	test_word_errors();
	test_flagfile_lines();
	test_flagfile_errors();
	test_cli_over_flagfile();
	test_flagfile_presence();
	test_single_dash_flagfile();
	test_osquery_flags_ignored();
	test_osquery_flags_refused();
	test_osquery_aliases_and_fleet_flags();
	test_osquery_flagfile();
	return check_finish();
}
