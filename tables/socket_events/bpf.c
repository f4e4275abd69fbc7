/* socket_events rows from the BPF socket programs (source = 'bpf').
 *
 * Every column the audit path fills has the same meaning here, so a query
 * need not care where a row came from: `path` is the executable, `fd` the
 * descriptor the call was made on, the named address goes to the local
 * side for bind and to the remote side for connect and accept, and the
 * socket's own side and protocol are filled for calls that succeeded or
 * are in progress. The difference is where those facts come from: the
 * programs read them from the socket at the call's return, so they are
 * never stale. BPF also sees listen(), which audit rules do not cover, and
 * fills tid and cgroup_id, from which the container columns are
 * resolved. The same flags decide which statuses make rows.
 * Datagram sends (--enable_bpf_send_events) are rows too: the destination
 * is the remote side, and collapsed counts the repeats the kernel dropped. */
#include "socket_events.h"

#include "bpf/socket_decode.h"
#include "sysq_socket_event.h"

#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

static bool is_accept(int action)
{
	return action == SYSQ_ACTION_ACCEPT || action == SYSQ_ACTION_ACCEPT4;
}

/* The call a BPF action is. */
static enum socket_call call_of(int action)
{
	switch (action) {
	case SYSQ_ACTION_CONNECT:
		return SOCKET_CALL_CONNECT;
	case SYSQ_ACTION_BIND:
		return SOCKET_CALL_BIND;
	case SYSQ_ACTION_ACCEPT:
	case SYSQ_ACTION_ACCEPT4:
		return SOCKET_CALL_ACCEPT;
	case SYSQ_ACTION_SEND:
		return SOCKET_CALL_SEND;
	default:
		return SOCKET_CALL_LISTEN;
	}
}

/* The address the call names: what the caller passed or got back, else,
 * for an accept that asked for none, the new socket's peer. */
static const struct endpoint *named_address(const struct bpf_socket_call *c)
{
	if (c->recorded.family)
		return &c->recorded;
	if (is_accept(c->action) && c->ret >= 0 && c->have_peer)
		return &c->peer;
	return NULL;
}

/* What the socket itself said: protocol, and the local side the caller
 * did not name (after connect and accept, or the port a bind to 0 got). */
static void set_socket_facts(struct row *row, const struct bpf_socket_call *c, int status,
			     const struct endpoint *sa)
{
	if ((status != STATUS_SUCCEEDED && status != STATUS_IN_PROGRESS) || !c->have_socket)
		return;
	row_set_int(row, SE_protocol, c->protocol);
	if (c->family == AF_UNIX) {
		if (c->action == SYSQ_ACTION_LISTEN && c->have_local)
			row_set_str(row, SE_socket, c->local.address);
		return;
	}
	if (c->have_local && (c->action != SYSQ_ACTION_BIND || !sa || sa->port == 0))
		socket_row_endpoint(row, SE_local_address, SE_local_port, &c->local);
}

/* How far the wall clock is ahead of CLOCK_BOOTTIME, read again once the
 * events' own time has moved OFFSET_REFRESH_NS past the last reading (or
 * gone back): two clock reads per row were a fiftieth of the agent's time
 * in a connect() storm, and a wall-clock step shows within 100 ms. Per
 * thread, as each publisher thread builds its own rows. */
#define OFFSET_REFRESH_NS 100000000u

struct clock_offset {
	uint64_t read_at; /* an event's boot_ns when the offset was read */
	int64_t sec, nsec;
	bool valid;
};

static const struct clock_offset *wall_offset(uint64_t boot_ns)
{
	static __thread struct clock_offset off;
	struct timespec real, boot;

	if (off.valid && boot_ns >= off.read_at && boot_ns - off.read_at < OFFSET_REFRESH_NS)
		return &off;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	off = (struct clock_offset){.read_at = boot_ns, .valid = true,
				    .sec = (int64_t)real.tv_sec - (int64_t)boot.tv_sec,
				    .nsec = real.tv_nsec - boot.tv_nsec};
	return &off;
}

/* time is wall-clock seconds, like audit's timestamp; the event carries
 * CLOCK_BOOTTIME, which does not jump with the wall clock. */
static void set_times(struct row *row, const struct bpf_socket_call *c)
{
	const struct clock_offset *off = wall_offset(c->boot_ns);
	/* Seconds and nanoseconds apart: boot_ns is untrusted, and any value
	 * of it must not overflow. */
	int64_t sec = off->sec + (int64_t)(c->boot_ns / 1000000000);
	int64_t nsec = off->nsec + (int64_t)(c->boot_ns % 1000000000);

	sec += nsec >= 1000000000 ? 1 : nsec < 0 ? -1 : 0;
	row_set_int(row, SE_time, sec);
	row_set_int(row, SE_uptime, (int64_t)(c->boot_ns / 1000000000));
}

static void set_process(struct row *row, const struct bpf_socket_call *c)
{
	row_set_int(row, SE_pid, c->pid);
	if (c->exe[0])
		row_set_str(row, SE_path, c->exe);
	row_set_decimal(row, SE_fd, c->fd);
	row_set_int(row, SE_auid, c->auid);
	row_set_int(row, SE_ppid, c->ppid);
	row_set_int(row, SE_uid, c->uid);
	row_set_int(row, SE_gid, c->gid);
	row_set_str(row, SE_comm, c->comm);
	row_set_int(row, SE_tid, c->tid);
	row_set_int(row, SE_cgroup_id, (int64_t)c->cgroup_id);
}

void socket_events_on_bpf(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct bpf_socket_call *c = event;
	enum socket_call call = call_of(c->action);
	const struct endpoint *sa;
	struct row *row;
	int status;

	if (is_accept(c->action) && !tc->flags->audit_allow_accept_socket_events)
		return;
	status = socket_call_status(call, c->ret >= 0, c->ret, tc->flags);
	if (status < 0)
		return;
	sa = named_address(c);
	row = row_new(tc->table, SE_COUNT);
	row_set_str(row, SE_action, socket_action_name(c->action));
	set_process(row, c);
	/* The family of the address the call names, as audit logs it (an
	 * IPv4 address named on an IPv6 socket is AF_INET), else the
	 * socket's. A failed accept names no address, and audit leaves its
	 * family NULL; c->family is the listening socket's, known only to BPF. */
	if (!is_accept(c->action) || c->ret >= 0)
		row_set_int(row, SE_family, c->recorded.family ? c->recorded.family : c->family);
	if (sa)
		socket_row_named(row, call, sa);
	set_socket_facts(row, c, status, sa);
	if (call == SOCKET_CALL_SEND)
		row_set_int(row, SE_collapsed, c->collapsed);
	set_times(row, c);
	row_set_int(row, SE_success, status != STATUS_FAILED);
	row_set_str(row, SE_status, socket_status_names[status]);
	row_set_str(row, SE_source, "bpf");
	if (tc->live_lookup)
		container_row_bpf(row, &socket_events_container_columns, c->cgroup_id,
				  &sub->counters);
	counter_add(&sub->counters, COUNTER_events, 1);
	tc->emit(tc->sink, row);
}
