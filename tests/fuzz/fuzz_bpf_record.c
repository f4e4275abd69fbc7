/* fuzz_bpf_record: a ring buffer record of the socket BPF programs ->
 * socket_decode -> a socket_events row.
 *
 * Why untrusted: the record is written by a BPF program into memory the
 * agent maps, and a program from another build, a layout change or a bug
 * must never make the agent read past a field. The decoder checks version,
 * size, action, family and every length; this harness feeds it arbitrary
 * bytes (the size varies too, so short records are covered) and sends what
 * it accepts through the real row builder, whose rows are checked to lie
 * inside their own storage (row_check.h). */
#include "bpf/socket_decode.h"
#include "store/row.h"
#include "sysq_socket_event.h"
#include "registry/table_module.h"

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
	g.flags.audit_allow_sockets = true;
	g.flags.audit_allow_failed_socket_events = true;
	g.flags.audit_allow_null_accept_socket_events = true;
	g.ps = pubsub_new();
	g.pub = pubsub_add_publisher(g.ps, PUBLISHER_BPF_SOCKET);
	g.table.def = socket_events_module.def;
	g.ctx = (struct table_ctx){.table = &g.table, .flags = &g.flags,
				   .emit = check_and_free_row};
	sub = table_subscribe(g.ps, &socket_events_module, &g.ctx);
	if (!sub)
		abort();
	g.table.counters = &sub->counters;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the decoder must not read past `size`. */
	void *rec = malloc(size ? size : 1);
	struct bpf_socket_call call;

	memcpy(rec, data, size);
	if (socket_decode(rec, size, &call) == 0) {
		if (strlen(call.exe) >= sizeof(call.exe) || strlen(call.comm) >= sizeof(call.comm))
			abort();
		pubsub_publish(g.pub, &call);
	}
	free(rec);
	return 0;
}
