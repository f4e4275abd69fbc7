/* fuzz_event: audit log lines -> records -> events -> rows of every table.
 *
 * Covers audit_record_parse_log_line (type names, "UNKNOWN[n]", the C
 * unescaping of msg=, the GS byte of auditd's enriched format), the event
 * assembler (id matching, interleaved events, EOE, standalone USER_*
 * messages, eviction at max_pending and the timeout), and every real table
 * subscriber reached through pubsub, with every option on: process_events
 * (EXECVE merging of aN, aN_len, aN[i] chunks across records, argc
 * mismatches, cmdline shell quoting, the argv JSON array, cwd/exe decoding,
 * the PATH record; the fork, kill and exit rows from their SYSCALL
 * records' arguments), socket_events (SOCKADDR decoding of every family,
 * statuses) and user_events (the nested msg='...' fields and their
 * decoding). Live-process lookups are off. Rows are checked and freed.
 *
 * Why untrusted: these are the records of processes under observation
 * (argv, exe, cwd and paths are chosen by them) and, for replays, log
 * files that may come from another machine. A bug here is reachable by
 * any local user who can exec a program.
 *
 * Each input goes through the assembler twice: as live records, and as a
 * saved log (audit_assembler_set_log_input: a later serial and the end of
 * the input complete events), as `sysq dump --input` reads it.
 *
 * Input: text, one record per '\n'-terminated line, as in tests/golden. */
#include "audit/assembler.h"
#include "audit/record.h"
#include "registry/table_module.h"

#include "row_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small enough that fuzzed inputs reach eviction of pending events. */
#define MAX_PENDING 16
#define TIMEOUT_MS  1000
#define MS_PER_LINE 50

static void publish(void *ctx, const struct audit_event *ev)
{
	pubsub_publish(ctx, ev);
}

#define MAX_TABLES 8

static struct {
	struct sysq_flags flags;
	struct event_table tables[MAX_TABLES];
	struct table_ctx ctxs[MAX_TABLES];
	struct pubsub *ps;
	struct publisher *pub;
} g;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	flags_init(&g.flags);
	g.flags.audit_allow_sockets = true;
	g.flags.audit_allow_unix = true;
	g.flags.audit_allow_failed_socket_events = true;
	g.flags.audit_allow_null_accept_socket_events = true;
	g.flags.audit_allow_fork_process_events = true;
	g.flags.audit_allow_kill_process_events = true;
	g.flags.audit_allow_exit_process_events = true;
	g.ps = pubsub_new();
	g.pub = pubsub_add_publisher(g.ps, PUBLISHER_AUDIT);
	for (size_t i = 0; table_modules[i] && i < MAX_TABLES; i++) {
		const struct table_module *m = table_modules[i];
		struct subscriber *sub;

		g.tables[i].def = m->def;
		g.ctxs[i] = (struct table_ctx){.table = &g.tables[i], .flags = &g.flags,
					       .emit = check_and_free_row};
		sub = table_subscribe(g.ps, m, &g.ctxs[i]);
		if (!sub)
			abort();
		g.tables[i].counters = &sub->counters;
	}
	return 0;
}

static void replay(const uint8_t *data, size_t size, bool log_input)
{
	struct audit_assembler *a = audit_assembler_new(publish, g.pub, TIMEOUT_MS, MAX_PENDING);
	const char *p = (const char *)data, *end = p + size;
	uint64_t now_ms = 0;

	audit_assembler_set_log_input(a, log_input);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct audit_record *rec;
		char *line;

		/* An exact-size copy with no terminator: the parser gets a
		 * length and must not read past it. */
		line = malloc(len ? len : 1);
		memcpy(line, p, len);
		if (audit_record_parse_log_line(line, len, &rec) == 0)
			audit_assembler_feed(a, rec, now_ms);
		free(line);
		now_ms += MS_PER_LINE;
		audit_assembler_tick(a, now_ms);
		p += len + (nl != NULL);
	}
	audit_assembler_flush(a);
	audit_assembler_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay(data, size, false);
	replay(data, size, true);
	return 0;
}
