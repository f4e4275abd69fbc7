/* socket_events: bind, connect and accept calls (and listen, from BPF).
 *
 * Example:
 *   SELECT pid, path, action, remote_address, remote_port, protocol
 *     FROM socket_events WHERE action = 'connect' AND family IN (2, 10);
 *   SELECT pid, socket FROM socket_events WHERE family = 1;
 *
 * The table's schema and module. Two sources feed it, each with its own
 * row builder in this folder: audit.c (the audit publisher's SYSCALL and
 * SOCKADDR records, with facts read from the live socket) and bpf.c (the
 * BPF socket programs' records). row.c holds what both share. The hidden
 * `source` column says which one built a row. */
#include "socket_events.h"

#include <string.h>

static const struct column_def socket_events_columns[] = {
#define X(name, type, hidden, desc) {#name, COLUMN_##type, hidden, desc},
	SOCKET_EVENTS_COLUMNS(X)
#undef X
};

static const struct table_def socket_events_def = {
	.name = "socket_events",
	.description = "Socket binds, connects and accepts recorded by the kernel audit subsystem",
	.columns = socket_events_columns,
	.ncolumns = SE_COUNT,
	.time_column = SE_time,
	.eid_column = SE_eid,
};

/* Audit's switch, as in osquery; or BPF required outright. */
static bool socket_events_enabled(const struct sysq_flags *flags)
{
	return flags->audit_allow_sockets || strcmp(flags->enable_bpf_events, "true") == 0;
}

const struct table_module socket_events_module = {
	.def = &socket_events_def,
	.on_event = {[PUBLISHER_AUDIT] = socket_events_on_audit,
		     [PUBLISHER_BPF_SOCKET] = socket_events_on_bpf},
	.enabled = socket_events_enabled,
	.audit_syscalls = socket_events_audit_syscalls,
};
