/* socket_events, inside its folder: the columns, and what the module
 * (module.c), the row builders of each source (audit.c, bpf.c) and their
 * shared helpers (row.c) give each other. Nothing outside tables/
 * socket_events includes this file: the agent sees the table through
 * socket_events_module (core/table_module.h). */
#pragma once

#include "registry/table_module.h"

#include "container/container_row.h"

#include "common/endpoint.h"

/* X(name, type, hidden, description) */
#define SOCKET_EVENTS_COLUMNS(X)                                                                   \
	X(action, TEXT, false,                                                                     \
	  "bind, connect or accept; listen and send (datagrams to an explicit address) from BPF")  \
	X(pid, INTEGER, false, "Process ID")                                                       \
	X(path, TEXT, false, "Path of the process's executable")                                   \
	X(fd, TEXT, false, "The socket's file descriptor (the call's first argument), in decimal") \
	X(auid, INTEGER, false, "Audit (login) user ID")                                           \
	X(family, INTEGER, false, "Address family: 2 (inet), 10 (inet6) or 1 (unix)")              \
	X(protocol, INTEGER, true,                                                                 \
	  "IP protocol (6 TCP, 17 UDP; 0 for UNIX sockets), read from the live socket; NULL "      \
	  "when it was already gone")                                                              \
	X(local_address, TEXT, false,                                                              \
	  "Local address: bind's address, or the socket's own after connect and accept")           \
	X(remote_address, TEXT, false, "Remote address of a connect or an accept")                 \
	X(local_port, INTEGER, false, "Local port")                                                \
	X(remote_port, INTEGER, false, "Remote port")                                              \
	X(socket, TEXT, true, "UNIX socket path; abstract names start with @")                     \
	X(time, INTEGER, false, "Audit timestamp of the call, in seconds since the epoch")         \
	X(uptime, INTEGER, false, "Seconds since boot at the time of the call")                    \
	X(eid, TEXT, true, "Event ID")                                                             \
	X(success, INTEGER, true, "1 unless status is failed")                                     \
	X(status, TEXT, false, "succeeded, failed, in_progress or no_client")                      \
	X(source, TEXT, true, "Where the row came from: audit or bpf")                             \
	X(ppid, INTEGER, true, "Parent process ID")                                                \
	X(uid, INTEGER, true, "User ID of the process")                                            \
	X(gid, INTEGER, true, "Group ID of the process")                                           \
	X(comm, TEXT, true, "The process's command name (the kernel's comm)")                      \
	X(tid, INTEGER, true, "Thread ID of the caller (BPF rows)")                                \
	X(cgroup_id, INTEGER, true, "ID of the caller's cgroup v2 (NULL when it could not be read: cgroup_unknown)")                     \
	X(node, TEXT, true, "Host that logged the event (auditd's node=), from saved logs; NULL live") \
	X(collapsed, INTEGER, true,                                                                \
	  "send rows: sends to the same endpoint by the same process that the kernel dropped as "  \
	  "repeats since the previous row for it (--bpf_send_dedup_ms)")                         \
	X(cgroup_path, TEXT, true, "The caller's cgroup v2 path, as /proc/<pid>/cgroup shows it")   \
	X(container_id, TEXT, true,                                                                \
	  "ID (or name) of the container the caller ran in; NULL on the host")                    \
	X(container_runtime, TEXT, true,                                                           \
	  "docker, containerd, cri, podman, crio, systemd-nspawn or lxc; NULL on the host")

enum socket_events_column {
#define X(name, ...) SE_##name,
	SOCKET_EVENTS_COLUMNS(X)
#undef X
	SE_COUNT
};

enum socket_status { STATUS_SUCCEEDED, STATUS_FAILED, STATUS_IN_PROGRESS, STATUS_NO_CLIENT };

extern const char *const socket_status_names[];

/* A call as far as its row goes: the audit syscall or BPF action maps to
 * one of these (accept4 is an accept). */
enum socket_call {
	SOCKET_CALL_BIND,
	SOCKET_CALL_CONNECT,
	SOCKET_CALL_ACCEPT,
	SOCKET_CALL_LISTEN,
	SOCKET_CALL_SEND, /* a datagram to an explicit address (BPF) */
};

/* The row's status for a call that returned `ret` (`ok` when it
 * succeeded), or -1 for a row the flags leave out. */
int socket_call_status(enum socket_call call, bool ok, int64_t ret, const struct sysq_flags *flags);

/* Fills the columns of the address a call names: the socket column for a
 * UNIX name, else the local side of a bind or the remote side of the
 * others. */
void socket_row_named(struct row *row, enum socket_call call, const struct endpoint *sa);

/* Fills the address columns of the endpoint a call names: bind's local
 * side, or the remote side of connect and accept. */
void socket_row_endpoint(struct row *row, unsigned addr_col, unsigned port_col,
			 const struct endpoint *sa);

/* The container columns' indexes (row.c). */
extern const struct container_columns socket_events_container_columns;

/* The audit publisher's events into rows, and the audit rules they need
 * (audit.c). */
void socket_events_on_audit(struct subscriber *sub, void *ctx, const void *event);
void socket_events_audit_syscalls(const struct sysq_flags *flags,
				  const bool running[PUBLISHER_COUNT],
				  bool want[AUDIT_SYSCALL_COUNT]);

/* The BPF socket publisher's events into rows (bpf.c). */
void socket_events_on_bpf(struct subscriber *sub, void *ctx, const void *event);
