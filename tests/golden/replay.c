/* sysq-replay: feeds captured audit log lines through the real parser,
 * assembler and every table's subscriber, and prints the rows.
 *
 *   sysq-replay FILE.log
 *
 * Each row is one JSON object per line: "table", then the columns in
 * order. Every table is enabled with every option (UNIX sockets, failed
 * calls), and facts read from live processes are off, since the processes
 * in a capture are long gone. Columns that
 * depend on the machine replaying rather than on the records (file times
 * read by stat, uptime, the store's eid) are left out, so the output is a
 * stable golden reference. A last line gives the parse statistics. */
#include "audit/assembler.h"
#include "audit/record.h"
#include "registry/table_module.h"

#include "common/escape.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns only some records fill: node (logs that name their host) and
 * cmd (sudo's USER_CMD). Left out when NULL rather than shown in every
 * row, so adding such a column changes no reference. */
static bool column_is_unset_optional(const char *name, const struct row_value *v)
{
	return v->kind == ROW_NULL && (strcmp(name, "node") == 0 || strcmp(name, "cmd") == 0);
}

static bool column_is_machine_local(const char *name)
{
	static const char *const skip[] = {"atime", "mtime", "ctime", "btime", "uptime", "eid"};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strcmp(name, skip[i]) == 0)
			return true;
	}
	return false;
}

static void print_row(void *sink, struct row *row)
{
	const struct table_def *def = row->table->def;
	struct strbuf out = STRBUF_INIT;

	(void)sink;
	sb_puts(&out, "{\"table\":");
	json_append_string(&out, def->name, strlen(def->name));
	for (unsigned i = 0; i < row->ncolumns; i++) {
		const struct row_value *v = &row->values[i];

		if (column_is_machine_local(def->columns[i].name) ||
		    column_is_unset_optional(def->columns[i].name, v))
			continue;
		sb_putc(&out, ',');
		json_append_string(&out, def->columns[i].name, strlen(def->columns[i].name));
		sb_putc(&out, ':');
		if (v->kind == ROW_INT)
			sb_printf(&out, "%lld", (long long)v->i);
		else if (v->kind == ROW_TEXT)
			json_append_string(&out, row->text.buf + v->off, v->len);
		else
			sb_puts(&out, "null");
	}
	sb_puts(&out, "}\n");
	fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	row_free(row);
}

static void publish(void *ctx, const struct audit_event *ev)
{
	pubsub_publish(ctx, ev);
}

/* Every option on, so every kind of row in a capture shows. */
static void enable_everything(struct sysq_flags *flags)
{
	flags->audit_allow_sockets = true;
	flags->audit_allow_unix = true;
	flags->audit_allow_failed_socket_events = true;
	flags->audit_allow_null_accept_socket_events = true;
}

int main(int argc, char **argv)
{
	struct event_table tables[8] = {{0}};
	struct table_ctx ctxs[8];
	struct sysq_flags flags;
	struct pubsub *ps = pubsub_new();
	struct publisher *pub = pubsub_add_publisher(ps, PUBLISHER_AUDIT);
	struct audit_assembler *a = audit_assembler_new(publish, pub, 1000, 4096);
	unsigned long records = 0, malformed = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "re"))) {
		fprintf(stderr, "usage: sysq-replay FILE.log\n");
		return 2;
	}
	audit_assembler_set_log_input(a, true);
	flags_init(&flags);
	enable_everything(&flags);
	for (size_t i = 0; table_modules[i] && i < 8; i++) {
		const struct table_module *m = table_modules[i];
		struct subscriber *sub;

		ctxs[i] = (struct table_ctx){.table = &tables[i], .flags = &flags, .emit = print_row};
		sub = table_subscribe(ps, m, &ctxs[i]);
		tables[i].def = m->def;
		if (sub)
			tables[i].counters = &sub->counters;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct audit_record *rec;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (audit_log_line_is_blank(line, (size_t)n))
			continue;
		records++;
		if (audit_record_parse_log_line(line, (size_t)n, &rec) < 0) {
			malformed++;
			continue;
		}
		audit_assembler_feed(a, rec, 0);
	}
	audit_assembler_flush(a);
	printf("# records=%lu malformed=%lu incomplete=%llu\n", records, malformed,
	       (unsigned long long)audit_assembler_incomplete(a));
	audit_assembler_free(a);
	pubsub_free(ps);
	flags_free(&flags);
	free(line);
	fclose(f);
	return 0;
}
