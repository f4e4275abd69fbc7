/* State shared by the audit publisher's lifecycle code (publisher.c) and
 * its reader thread (reader.c). Not for use outside agent/audit. */
#pragma once

#include "assembler.h"
#include "netlink.h"
#include "publisher.h"
#include "rules.h"
#include "state.h"
#include "task_rule.h"

#include "common/strbuf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Receive buffer of the reader socket: room for bursts while the reader
 * thread is descheduled. Past it the kernel keeps records in its backlog,
 * and past --audit_backlog_limit it drops them (lost_kernel). */
#define READER_RCVBUF (16 * 1024 * 1024)
#define RECV_BATCH 64
#define RECV_SLOT 9216 /* > MAX_AUDIT_MESSAGE_LENGTH plus the header */
#define POLL_MS 250
#define COALESCE_US 1000 /* pause after a wakeup, to batch records */
#define MAX_PENDING_EVENTS 4096
#define REGISTER_TRIES 15 /* x 200 ms */

struct audit_publisher {
	struct audit_publisher_options opt;
	struct publisher *pub;
	struct audit_nl reader; /* registered as the audit pid; reader thread reads it */
	struct audit_nl ctl;	/* configuration requests, main thread only */
	struct audit_assembler *assembler;
	struct audit_state state;
	bool config_tried;   /* configuration attempted (once the pid was ours) */
	bool config_applied; /* settings changed and rules added: undo at exit */
	struct audit_rule_set rules;
	struct audit_task_rule task_rule; /* "-a never,task", when no syscall rule is needed */
	pid_t self;
	int stop_fd;
	pthread_t thread;
	bool thread_running;
	atomic_uint pending_pid_seq; /* AUDIT_SET pid sent by the persist check */
	atomic_bool registered;
	uint32_t waiting_for; /* live owner of the audit pid, already logged */
	bool lost_known;
	uint32_t lost_last;
	/* The kernel's status at the last tick, for audit_publisher_health
	 * (read by other threads): its backlog, its limit, and the audit
	 * pid when it is another process's (0 when sysq's or free). */
	_Atomic uint32_t status_backlog;
	_Atomic uint32_t status_backlog_limit;
	_Atomic uint32_t other_owner;
	uint64_t incomplete_seen;
	struct strbuf debug_line;
	char *slots;
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iovs[RECV_BATCH];
	struct sockaddr_nl senders[RECV_BATCH];
};

/* The assembler's callback: publishes a complete event. */
void audit_reader_publish(void *ctx, const struct audit_event *ev);

/* Reader thread entry point; stops when stop_fd becomes readable. */
void *audit_reader_main(void *arg);

/* Handles a record that arrived while the caller waited for an ACK on the
 * reader socket (an audit_nl_other_fn). */
void audit_reader_handle_other(void *ctx, const struct nlmsghdr *nh, size_t payload_len);

/* Reads what is left in the socket and gives up pending events (at
 * shutdown, after the reader thread has stopped). */
void audit_reader_drain(struct audit_publisher *ap);

/* Records that the audit pid is sysq's (idempotent; logs the first time). */
void audit_mark_registered(struct audit_publisher *ap);
