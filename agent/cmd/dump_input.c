/* sysq dump --input: saved audit logs decoded by the daemon's own parser,
 * assembler and table subscribers (see dump_input.h). */
#include "dump_input.h"

#include "audit/assembler.h"
#include "audit/record.h"
#include "audit/record_types.h"
#include "registry/table_module.h"

#include "common/escape.h"
#include "common/strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* More than there are tables; the rest would be ignored. */
#define MAX_TABLES 8
/* Events pending at once: records of a log interleave only a little. */
#define LOG_MAX_PENDING 4096

/* Reads the lines of `in` and hands each record to `fn`; counts the rest. */
static void read_records(FILE *in, struct dump_input_stats *st,
			 void (*fn)(void *ctx, struct audit_record *rec, unsigned long lineno),
			 void *ctx)
{
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) > 0) {
		struct audit_record *rec;

		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (audit_log_line_is_blank(line, (size_t)n))
			continue;
		st->records++;
		if (audit_record_parse_log_line(line, (size_t)n, &rec) < 0) {
			if (st->malformed++ == 0)
				st->first_bad = lineno;
			fn(ctx, NULL, lineno);
			continue;
		}
		fn(ctx, rec, lineno);
	}
	free(line);
}

/* Columns that depend on the machine reading the log, not on the log:
 * the container columns come from live processes' /proc only. */
static bool column_is_machine_local(const char *name)
{
	static const char *const skip[] = {"atime",	    "mtime",	    "ctime",
					   "btime",	    "uptime",	    "eid",
					   "cgroup_path", "container_id", "container_runtime"};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strcmp(name, skip[i]) == 0)
			return true;
	}
	return false;
}

/* Columns only some records fill: node (logs that name their host) and
 * cmd (sudo's USER_CMD); shown only when set. */
static bool column_is_unset_optional(const char *name, const struct row_value *v)
{
	return v->kind == ROW_NULL && (strcmp(name, "node") == 0 || strcmp(name, "cmd") == 0);
}

static void print_row(void *sink, struct row *row)
{
	const struct table_def *def = row->table->def;
	struct strbuf out = STRBUF_INIT;

	sb_puts(&out, "{\"table\":");
	json_append_string(&out, def->name, strlen(def->name));
	for (unsigned i = 0; i < row->ncolumns; i++) {
		const struct row_value *v = &row->values[i];
		const char *name = def->columns[i].name;

		if (column_is_machine_local(name) || column_is_unset_optional(name, v))
			continue;
		sb_putc(&out, ',');
		json_append_string(&out, name, strlen(name));
		sb_putc(&out, ':');
		if (v->kind == ROW_INT)
			sb_printf(&out, "%lld", (long long)v->i);
		else if (v->kind == ROW_TEXT)
			json_append_string(&out, row->text.buf + v->off, v->len);
		else
			sb_puts(&out, "null");
	}
	sb_puts(&out, "}\n");
	fwrite(out.buf, 1, out.len, sink);
	sb_free(&out);
	row_free(row);
}

static void publish(void *ctx, const struct audit_event *ev)
{
	pubsub_publish(ctx, ev);
}

static void feed_record(void *ctx, struct audit_record *rec, unsigned long lineno)
{
	(void)lineno;
	if (rec)
		audit_assembler_feed(ctx, rec, 0);
}

/* Every table option on, so every kind of row the log holds shows. */
static void enable_everything(struct sysq_flags *flags)
{
	flags->audit_allow_sockets = true;
	flags->audit_allow_unix = true;
	flags->audit_allow_failed_socket_events = true;
	flags->audit_allow_null_accept_socket_events = true;
	flags->audit_allow_user_events = true;
}

void dump_input_rows(FILE *in, FILE *out, struct dump_input_stats *st)
{
	struct event_table tables[MAX_TABLES] = {{0}};
	struct table_ctx ctxs[MAX_TABLES];
	struct sysq_flags flags;
	struct pubsub *ps = pubsub_new();
	struct publisher *pub = pubsub_add_publisher(ps, PUBLISHER_AUDIT);
	struct audit_assembler *a = audit_assembler_new(publish, pub, 1000, LOG_MAX_PENDING);

	audit_assembler_set_log_input(a, true);
	flags_init(&flags);
	enable_everything(&flags);
	for (size_t i = 0; table_modules[i] && i < MAX_TABLES; i++) {
		const struct table_module *m = table_modules[i];
		struct subscriber *sub;

		ctxs[i] = (struct table_ctx){
		    .table = &tables[i], .flags = &flags, .emit = print_row, .sink = out};
		sub = table_subscribe(ps, m, &ctxs[i]);
		tables[i].def = m->def;
		if (sub)
			tables[i].counters = &sub->counters;
	}
	read_records(in, st, feed_record, a);
	audit_assembler_flush(a);
	st->incomplete = audit_assembler_incomplete(a);
	audit_assembler_free(a);
	pubsub_free(ps);
	flags_free(&flags);
}

/* A quoted value is the text itself; an encoded field (exe, comm, aN...)
 * is hex-decoded; anything else is shown as it was written. */
static void json_field(struct strbuf *out, uint16_t type, const struct audit_field *f,
		       struct strbuf *scratch)
{
	json_append_string(out, f->key, f->key_len);
	sb_putc(out, ':');
	sb_truncate(scratch, 0);
	if (!f->quote && audit_field_is_encoded(type, f) && audit_value_decode(f, scratch) == 0)
		json_append_string(out, scratch->buf, scratch->len);
	else
		json_append_string(out, f->val, f->val_len);
}

/* End of one interpreted value at p: "quoted", { braced } (auditd's
 * SADDR={ fam=inet laddr=... }) or up to the next space. */
static const char *enriched_value_end(const char *p, char *quote)
{
	const char *close = NULL;

	*quote = 0;
	if (*p == '"' || *p == '{') {
		*quote = *p;
		close = strchr(p + 1, *p == '"' ? '"' : '}');
	}
	if (close)
		return close + 1;
	*quote = 0;
	return p + strcspn(p, " ");
}

/* The ENRICHED format's interpreted fields, quotes and braces removed. */
static void json_enriched(struct strbuf *out, const char *p)
{
	bool first = true;

	sb_puts(out, ",\"enriched\":{");
	while (*p) {
		const char *key = p + strspn(p, " ");
		const char *eq = key + strcspn(key, "= ");
		const char *end;
		char quote;

		if (*key == '\0')
			break;
		if (*eq != '=') { /* a word without a value: skipped */
			p = eq;
			continue;
		}
		end = enriched_value_end(eq + 1, &quote);
		sb_puts(out, first ? "" : ",");
		first = false;
		json_append_string(out, key, (size_t)(eq - key));
		sb_putc(out, ':');
		if (quote)
			json_append_string(out, eq + 2, (size_t)(end - eq - 3));
		else
			json_append_string(out, eq + 1, (size_t)(end - eq - 1));
		p = end;
	}
	sb_putc(out, '}');
}

void dump_json_record(struct strbuf *out, const struct audit_record *rec)
{
	const char *name = audit_type_name(rec->type);
	struct strbuf scratch = STRBUF_INIT;

	sb_puts(out, "{\"type\":");
	if (name)
		json_append_string(out, name, strlen(name));
	else
		sb_printf(out, "\"UNKNOWN[%u]\"", rec->type);
	sb_printf(out, ",\"type_id\":%u", rec->type);
	if (rec->node) {
		sb_puts(out, ",\"node\":");
		json_append_string(out, rec->node, strlen(rec->node));
	}
	sb_printf(out, ",\"time\":\"%llu.%03u\",\"serial\":%llu,\"fields\":{",
		  (unsigned long long)rec->sec, rec->msec, (unsigned long long)rec->serial);
	for (uint32_t i = 0; i < rec->nfields; i++) {
		if (i)
			sb_putc(out, ',');
		json_field(out, rec->type, &rec->fields[i], &scratch);
	}
	/* The fields sysq names from prose (seresult, old_auid...) follow. */
	for (uint32_t i = 0; i < rec->nnamed; i++) {
		if (i || rec->nfields)
			sb_putc(out, ',');
		json_field(out, rec->type, &rec->named[i], &scratch);
	}
	sb_putc(out, '}');
	if (rec->enriched)
		json_enriched(out, rec->enriched);
	sb_putc(out, '}');
	sb_free(&scratch);
}

struct json_pass {
	const int *types;
	int ntypes;
	struct strbuf line;
};

static bool wanted(const struct json_pass *p, uint16_t type)
{
	for (int i = 0; i < p->ntypes; i++) {
		if (p->types[i] == type)
			return true;
	}
	return p->ntypes == 0;
}

/* One record as a JSON line; a bad line as {"malformed":true,"line":N}. */
static void print_json(void *ctx, struct audit_record *rec, unsigned long lineno)
{
	struct json_pass *p = ctx;

	sb_truncate(&p->line, 0);
	if (!rec)
		sb_printf(&p->line, "{\"malformed\":true,\"line\":%lu}", lineno);
	else if (wanted(p, rec->type))
		dump_json_record(&p->line, rec);
	audit_record_free(rec);
	if (p->line.len == 0)
		return;
	sb_putc(&p->line, '\n');
	fwrite(p->line.buf, 1, p->line.len, stdout);
}

static void report(const char *path, const struct dump_input_stats *st, bool rows)
{
	if (st->malformed)
		fprintf(stderr,
			"sysq dump: %s: %lu of %lu lines were not audit records (the first at "
			"line %lu)\n",
			path, st->malformed, st->records, st->first_bad);
	if (rows && st->incomplete)
		fprintf(stderr, "sysq dump: %s: %llu syscall events were incomplete\n", path,
			(unsigned long long)st->incomplete);
}

int dump_input_main(const char *path, bool rows, const int *types, int ntypes)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *in = is_stdin ? stdin : fopen(path, "re");
	struct dump_input_stats st = {0};
	int rc = 0;

	if (!in) {
		fprintf(stderr, "sysq dump: --input: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (rows) {
		dump_input_rows(in, stdout, &st);
	} else {
		struct json_pass p = {.types = types, .ntypes = ntypes, .line = STRBUF_INIT};

		read_records(in, &st, print_json, &p);
		sb_free(&p.line);
	}
	if (ferror(in)) {
		fprintf(stderr, "sysq dump: --input: cannot read %s\n", path);
		rc = 1;
	}
	if (!is_stdin)
		fclose(in);
	fflush(stdout);
	report(is_stdin ? "stdin" : path, &st, rows);
	return rc;
}
