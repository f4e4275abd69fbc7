/* socket_events rows from the audit publisher (source = 'audit').
 *
 * How it works: a SYSCALL record for bind, connect, accept or accept4 and
 * its SOCKADDR record make a row. bind fills the local side; connect and
 * accept fill the remote side from SOCKADDR. Audit records carry neither
 * the protocol nor the local address of a connect, so sysq reads them from
 * the live socket (socket_lookup.c) and keeps them only when that socket
 * still matches the record; otherwise they stay NULL, never a made-up 0.
 * Events that arrive more than 100 ms after the call skip the live read,
 * and --audit_socket_lookup_rate caps reads per second, so a storm of
 * socket calls does not become a storm of reads into the calling process.
 * The live socket also gives the port a bind to port 0 was assigned.
 * Rows follow osquery's statuses: succeeded, in_progress (a non-blocking
 * connect), no_client (a non-blocking accept that found none, with
 * --audit_allow_null_accept_socket_events) and failed (with
 * --audit_allow_failed_socket_events). UNIX-domain rows need
 * --audit_allow_unix; netlink sockets are skipped. */
#include "socket_events.h"

#include "audit/audit_row.h"
#include "audit/socket_lookup.h"

#include "audit/record_types.h"
#include "audit/sockaddr.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static bool is_accept(int which)
{
	return which == AUDIT_SYSCALL_accept || which == AUDIT_SYSCALL_accept4;
}

/* The call a bind, connect, accept or accept4 syscall is. */
static enum socket_call call_of(int which)
{
	if (is_accept(which))
		return SOCKET_CALL_ACCEPT;
	return which == AUDIT_SYSCALL_connect ? SOCKET_CALL_CONNECT : SOCKET_CALL_BIND;
}

/* The address the record names: the local side of a bind, the remote side
 * of a connect or accept. An accept that found no client names none. */
static void set_recorded_address(struct row *row, int which, const struct endpoint *sa)
{
	if (sa->family == 0)
		return;
	row_set_int(row, SE_family, sa->family);
	socket_row_named(row, call_of(which), sa);
}

/* The descriptor the call left the socket on: the new one for accept. */
static int socket_fd(const struct syscall_info *si, int64_t a0)
{
	if (is_accept(si->which))
		return si->success ? (int)si->exit : -1;
	return (int)a0;
}

/* Whether the live socket is the one the record describes: it must have
 * the record's family, and where the record names the peer (connect,
 * accept) or the bound port, the socket must agree. */
static bool facts_match(const struct socket_facts *f, const struct syscall_info *si, int status,
			const struct endpoint *sa)
{
	const struct endpoint *own = f->have_local ? &f->local : NULL;

	if (!own || own->family != sa->family)
		return false;
	if (si->which == AUDIT_SYSCALL_bind)
		return sa->port <= 0 || own->port == sa->port;
	if (status == STATUS_IN_PROGRESS)
		return true; /* no peer until the handshake completes */
	return f->have_peer && endpoint_equal(&f->peer, sa);
}

/* A live read this long after the call is not worth its syscalls: the
 * socket has likely been closed or its descriptor reused, and an event
 * this late means the reader is behind, so it skips the read to catch up
 * rather than let the kernel drop records. */
#define LIVE_LOOKUP_MAX_AGE_MS 100

static bool fresh_enough(const struct audit_event *ev)
{
	struct timespec now;
	int64_t age_ms;

	clock_gettime(CLOCK_REALTIME, &now);
	age_ms = ((int64_t)now.tv_sec - (int64_t)ev->sec) * 1000 +
		 (now.tv_nsec / 1000000 - (int64_t)ev->msec);
	return age_ms <= LIVE_LOOKUP_MAX_AGE_MS;
}

/* Whether to read the live socket for this event: when reading live
 * processes at all, while the event is fresh, and within the per-second
 * budget (--audit_socket_lookup_rate). */
static bool may_look_up(const struct table_ctx *tc, const struct audit_event *ev)
{
	return tc->live_lookup && fresh_enough(ev) &&
	       socket_lookup_budget((unsigned)tc->flags->audit_socket_lookup_rate);
}

/* Adds what only the live socket knows: protocol, and the local side of a
 * connect or accept. `known` is what accept_peer already read from the
 * same socket, reused rather than read (and budgeted) twice; NULL when
 * nothing was read yet. */
static void add_live_facts(const struct table_ctx *tc, const struct audit_event *ev,
			   struct row *row, const struct syscall_info *si, int status, int64_t a0,
			   const struct endpoint *sa, const struct socket_facts *known)
{
	struct socket_facts f;

	if (status != STATUS_SUCCEEDED && status != STATUS_IN_PROGRESS)
		return;
	if (!known) {
		if (!may_look_up(tc, ev) ||
		    socket_lookup((pid_t)si->pid, socket_fd(si, a0), &f) < 0)
			return;
		known = &f;
	}
	if (!facts_match(known, si, status, sa))
		return;
	row_set_int(row, SE_protocol, known->protocol);
	/* After connect and accept the socket has a local side the record
	 * lacks; after a bind to port 0 it has the port the kernel chose.
	 * (A UNIX local side is left out by socket_row_endpoint.) */
	if (si->which != AUDIT_SYSCALL_bind || sa->port == 0)
		socket_row_endpoint(row, SE_local_address, SE_local_port, &known->local);
}

static void set_ids(struct row *row, const struct audit_record *sc)
{
	static const struct field_column ids[] = {
		{"pid", SE_pid}, {"auid", SE_auid}, {"ppid", SE_ppid}, {"uid", SE_uid}, {"gid", SE_gid}};

	audit_row_ints(row, sc, ids, sizeof(ids) / sizeof(ids[0]));
}

static struct row *build_row(const struct table_ctx *tc, const struct audit_event *ev,
			     const struct audit_record *sc, const struct syscall_info *si,
			     int status, const struct endpoint *sa,
			     const struct socket_facts *known)
{
	struct row *row = row_new(tc->table, SE_COUNT);
	struct strbuf scratch = STRBUF_INIT;
	const struct audit_field *a0 = audit_record_field(sc, "a0");
	uint64_t fd = 0;

	row_set_str(row, SE_action, is_accept(si->which) ? "accept" : audit_syscall_name(si->which));
	set_ids(row, sc);
	audit_row_decoded(row, SE_path, audit_record_field(sc, "exe"), &scratch);
	audit_row_decoded(row, SE_comm, audit_record_field(sc, "comm"), &scratch);
	audit_row_node(row, SE_node, sc);
	if (a0 && audit_field_hex_u64(a0, &fd) == 0)
		row_set_decimal(row, SE_fd, (int32_t)fd);
	set_recorded_address(row, si->which, sa);
	add_live_facts(tc, ev, row, si, status, (int64_t)(int32_t)fd, sa, known);
	row_set_int(row, SE_time, (int64_t)ev->sec);
	row_set_int(row, SE_uptime, (int64_t)ev->sec - tc->boot_time);
	row_set_int(row, SE_success, status != STATUS_FAILED);
	row_set_str(row, SE_status, socket_status_names[status]);
	row_set_str(row, SE_source, "audit");
	sb_free(&scratch);
	return row;
}

/* The event's address, or false for an event this table skips. A call
 * without one (an accept that asked for no peer address, or that found no
 * client) keeps family 0 until the live socket says more. */
static bool event_sockaddr(struct subscriber *sub, const struct audit_event *ev,
			   const struct syscall_info *si, struct endpoint *sa)
{
	const struct audit_record *rec = audit_event_record(ev, AUDIT_TYPE_SOCKADDR);
	const struct audit_field *saddr = rec ? audit_record_field(rec, "saddr") : NULL;
	int rc;

	if (!saddr) {
		endpoint_none(sa);
		return true;
	}
	rc = audit_sockaddr_decode_arch(saddr->val, saddr->val_len, si->arch, sa);
	if (rc == -EINVAL)
		counter_add(&sub->counters, COUNTER_drop_malformed, 1);
	return rc == 0;
}

/* For an accept without a peer address, the new socket's peer. Returns
 * what the read of the socket found, *f, for add_live_facts to reuse;
 * NULL when it read nothing or the read failed. */
static const struct socket_facts *accept_peer(const struct table_ctx *tc,
					      const struct audit_event *ev,
					      const struct syscall_info *si,
					      struct endpoint *sa, struct socket_facts *f)
{
	if (sa->family || !si->success || !may_look_up(tc, ev))
		return NULL;
	if (socket_lookup((pid_t)si->pid, (int)si->exit, f) < 0)
		return NULL; /* add_live_facts tries again, as it always has */
	if (f->have_peer)
		*sa = f->peer;
	return f;
}

void socket_events_on_audit(struct subscriber *sub, void *ctx, const void *event)
{
	const struct table_ctx *tc = ctx;
	const struct audit_event *ev = event;
	const struct audit_record *sc;
	const struct socket_facts *known = NULL;
	struct socket_facts live;
	struct endpoint sa;
	struct syscall_info si;
	struct row *row;
	int status;

	if (!ev->has_syscall)
		return;
	sc = audit_event_record(ev, AUDIT_TYPE_SYSCALL);
	if (audit_syscall_info(sc, &si) < 0 ||
	    (si.which != AUDIT_SYSCALL_bind && si.which != AUDIT_SYSCALL_connect &&
	     !is_accept(si.which)))
		return;
	/* sysq's own sockets (its control socket) are not events. */
	if ((tc->self && si.pid == tc->self) ||
	    (is_accept(si.which) && !tc->flags->audit_allow_accept_socket_events))
		return;
	status = socket_call_status(call_of(si.which), si.success, si.exit, tc->flags);
	if (status < 0 || !event_sockaddr(sub, ev, &si, &sa))
		return;
	if (is_accept(si.which))
		known = accept_peer(tc, ev, &si, &sa, &live);
	if (sa.family == AF_UNIX && !tc->flags->audit_allow_unix)
		return;
	counter_add(&sub->counters, COUNTER_events, 1);
	row = build_row(tc, ev, sc, &si, status, &sa, known);
	if (tc->live_lookup && si.pid > 0)
		container_row_audit(row, &socket_events_container_columns, (pid_t)si.pid,
				    (int64_t)ev->sec * 1000 + ev->msec,
				    (unsigned)tc->flags->audit_cgroup_lookup_rate, &sub->counters);
	tc->emit(tc->sink, row);
}

void socket_events_audit_syscalls(const struct sysq_flags *flags,
				  const bool running[PUBLISHER_COUNT],
				  bool want[AUDIT_SYSCALL_COUNT])
{
	/* With BPF feeding the table, audit rules would only duplicate its
	 * rows at a far higher cost, unless asked to keep them. */
	if (running[PUBLISHER_BPF_SOCKET] && !flags->audit_keep_socket_rules)
		return;
	want[AUDIT_SYSCALL_bind] = true;
	want[AUDIT_SYSCALL_connect] = true;
	if (flags->audit_allow_accept_socket_events) {
		want[AUDIT_SYSCALL_accept] = true;
		want[AUDIT_SYSCALL_accept4] = true;
	}
}

