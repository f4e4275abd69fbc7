/* Ring buffer record decoding for the socket BPF programs. */
#include "socket_decode.h"

#include "sysq_socket_event.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

const char *socket_action_name(int action)
{
	switch (action) {
	case SYSQ_ACTION_CONNECT:
		return "connect";
	case SYSQ_ACTION_BIND:
		return "bind";
	case SYSQ_ACTION_ACCEPT:
	case SYSQ_ACTION_ACCEPT4:
		return "accept";
	case SYSQ_ACTION_LISTEN:
		return "listen";
	case SYSQ_ACTION_SEND:
		return "send";
	}
	return NULL;
}

/* The variable part of a record: where each field starts. */
struct event_data {
	const uint8_t *sockaddr;
	const char *local_unix;
	const char *exe;
};

/* Each length within its field's maximum, and together exactly what the
 * record holds after its header. */
static bool lengths_valid(const struct sysq_sock_event *e, size_t size)
{
	return e->sockaddr_len <= SYSQ_SOCKADDR_MAX && e->local_unix_len <= SYSQ_UNIX_PATH_MAX &&
	       e->exe_len < SYSQ_EXE_MAX && e->size == size &&
	       size == sizeof(*e) + (size_t)e->sockaddr_len + e->local_unix_len + e->exe_len;
}

static struct event_data split_data(const struct sysq_sock_event *e)
{
	const uint8_t *data = (const uint8_t *)(e + 1);

	return (struct event_data){
		.sockaddr = data,
		.local_unix = (const char *)data + e->sockaddr_len,
		.exe = (const char *)data + e->sockaddr_len + e->local_unix_len,
	};
}

/* IP sides are only ever read from an inet or inet6 socket. */
static bool sides_valid(const struct sysq_sock_event *e)
{
	return !(e->flags & (SYSQ_EV_HAVE_LOCAL | SYSQ_EV_HAVE_PEER)) ||
	       e->sock_family == AF_INET || e->sock_family == AF_INET6;
}

/* A NUL inside the exe path cannot come from a file name. */
static int copy_exe(const struct sysq_sock_event *e, const char *exe, struct bpf_socket_call *out)
{
	if (memchr(exe, '\0', e->exe_len))
		return -EINVAL;
	memcpy(out->exe, exe, e->exe_len);
	out->exe[e->exe_len] = '\0';
	out->exe_truncated = e->flags & SYSQ_EV_EXE_TRUNCATED;
	return 0;
}

static void socket_sides(const struct sysq_sock_event *e, const char *local_unix,
			 struct bpf_socket_call *out)
{
	endpoint_none(&out->local);
	endpoint_none(&out->peer);
	out->have_socket = e->flags & SYSQ_EV_HAVE_SOCKET;
	if (!out->have_socket)
		return;
	out->protocol = e->protocol;
	out->sock_type = e->sock_type;
	if (e->sock_family == AF_UNIX) {
		unsigned char raw[2 + SYSQ_UNIX_PATH_MAX] = {AF_UNIX, 0};

		memcpy(raw + 2, local_unix, e->local_unix_len);
		out->have_local = e->local_unix_len > 0 &&
				  endpoint_from_sockaddr(raw, 2 + e->local_unix_len, &out->local) == 0;
		return;
	}
	if (e->flags & SYSQ_EV_HAVE_LOCAL) {
		out->have_local = true;
		out->local.family = e->sock_family;
		out->local.port = e->local_port;
		endpoint_format_ip(e->sock_family, e->local_addr, out->local.address,
					 sizeof(out->local.address));
	}
	if (e->flags & SYSQ_EV_HAVE_PEER) {
		out->have_peer = true;
		out->peer.family = e->sock_family;
		out->peer.port = e->peer_port;
		endpoint_format_ip(e->sock_family, e->peer_addr, out->peer.address,
					 sizeof(out->peer.address));
	}
}

int socket_decode(const void *data, size_t size, struct bpf_socket_call *out)
{
	const struct sysq_sock_event *e = data;
	struct event_data d;

	memset(out, 0, sizeof(*out));
	if (size < sizeof(*e) || e->version != SYSQ_SOCK_EVENT_VERSION ||
	    !socket_action_name(e->action) || !lengths_valid(e, size) || !sides_valid(e))
		return -EINVAL;
	if (e->family != AF_INET && e->family != AF_INET6 && e->family != AF_UNIX)
		return -EINVAL;
	d = split_data(e);
	if (copy_exe(e, d.exe, out) < 0)
		return -EINVAL;
	out->action = e->action;
	out->ret = e->ret;
	out->fd = e->fd;
	out->collapsed = e->collapsed;
	out->pid = e->pid;
	out->tid = e->tid;
	out->ppid = e->ppid;
	out->uid = e->uid;
	out->gid = e->gid;
	out->auid = e->auid;
	out->cgroup_id = e->cgroup_id;
	out->boot_ns = e->boot_ns;
	memcpy(out->comm, e->comm, SYSQ_COMM_LEN);
	out->comm[SYSQ_COMM_LEN] = '\0';
	out->family = e->family;
	/* An address too short for its family (the call failed on it) is
	 * treated as none, as audit logs none for it. */
	if (!e->sockaddr_len ||
	    endpoint_from_sockaddr(d.sockaddr, e->sockaddr_len, &out->recorded) < 0)
		endpoint_none(&out->recorded);
	socket_sides(e, d.local_unix, out);
	return 0;
}
