/* socket_events: what the audit and BPF row builders share, so a column
 * means the same whichever source filled it: the status a call's result
 * makes, which columns an address goes to, and the container columns. */
#include "socket_events.h"

#include <errno.h>
#include <sys/socket.h>

const struct container_columns socket_events_container_columns = {
	.cgroup_id = SE_cgroup_id,
	.cgroup_path = SE_cgroup_path,
	.container_id = SE_container_id,
	.container_runtime = SE_container_runtime,
};

const char *const socket_status_names[] = {"succeeded", "failed", "in_progress", "no_client"};

int socket_call_status(enum socket_call call, bool ok, int64_t ret, const struct sysq_flags *flags)
{
	if (ok)
		return STATUS_SUCCEEDED;
	if (call == SOCKET_CALL_CONNECT && ret == -EINPROGRESS)
		return STATUS_IN_PROGRESS;
	if (call == SOCKET_CALL_ACCEPT && (ret == -EAGAIN || ret == -EWOULDBLOCK))
		return flags->audit_allow_null_accept_socket_events ? STATUS_NO_CLIENT : -1;
	return flags->audit_allow_failed_socket_events ? STATUS_FAILED : -1;
}

void socket_row_endpoint(struct row *row, unsigned addr_col, unsigned port_col,
			 const struct endpoint *sa)
{
	if (sa->family == AF_UNIX)
		return; /* UNIX names go to the socket column */
	row_set_str(row, addr_col, sa->address);
	if (sa->port >= 0)
		row_set_int(row, port_col, sa->port);
}

void socket_row_named(struct row *row, enum socket_call call, const struct endpoint *sa)
{
	if (sa->family == AF_UNIX)
		row_set_str(row, SE_socket, sa->address);
	else if (call == SOCKET_CALL_BIND)
		socket_row_endpoint(row, SE_local_address, SE_local_port, sa);
	else
		socket_row_endpoint(row, SE_remote_address, SE_remote_port, sa);
}
