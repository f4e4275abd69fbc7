/* fuzz_exec_record: a ring buffer record of the exec BPF program and its
 * lifecycle hooks -> exec_decode -> a process_events row.
 *
 * Why untrusted: the record is written by a BPF program into memory the
 * agent maps, and a program from another build, a layout change or a bug
 * must never make the agent read past a field. The decoder checks
 * version, kind, size and every length; this harness feeds it arbitrary
 * bytes (the size varies too, so short records are covered) and sends what
 * it accepts through the real row builders (exec, fork, exit, kill), whose
 * rows are checked to lie inside their own storage (row_check.h). */
#include "bpf/exec_decode.h"
#include "registry/table_module.h"
#include "store/row.h"
#include "sysq_exec_event.h"

#include "row_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	struct sysq_flags flags;
	struct event_table table;
	struct table_ctx ctx;
	struct pubsub *ps;
	struct publisher *pub;
} g;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct subscriber *sub;

	(void)argc;
	(void)argv;
	flags_init(&g.flags);
	g.flags.audit_allow_fork_process_events = true;
	g.flags.audit_allow_kill_process_events = true;
	g.flags.audit_allow_exit_process_events = true;
	g.ps = pubsub_new();
	g.pub = pubsub_add_publisher(g.ps, PUBLISHER_BPF_EXEC);
	g.table.def = process_events_module.def;
	g.ctx = (struct table_ctx){.table = &g.table, .flags = &g.flags,
				   .emit = check_and_free_row};
	sub = table_subscribe(g.ps, &process_events_module, &g.ctx);
	if (!sub)
		abort();
	g.table.counters = &sub->counters;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the decoder must not read past `size`. */
	void *rec = malloc(size ? size : 1);
	struct bpf_exec e;

	memcpy(rec, data, size);
	if (exec_decode(rec, size, &e) == 0) {
		if (strlen(e.comm) >= sizeof(e.comm))
			abort();
		pubsub_publish(g.pub, &e);
	}
	free(rec);
	return 0;
}
