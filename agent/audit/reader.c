/* The audit reader thread: receives datagrams in batches, rejects what
 * the kernel did not send, parses records, assembles events and publishes
 * them. It never waits on anything but the socket. */
#include "publisher_internal.h"

#include "record.h"

#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void audit_reader_publish(void *ctx, const struct audit_event *ev)
{
	struct audit_publisher *ap = ctx;

	pubsub_publish(ap->pub, ev);
}

static void print_debug_line(struct audit_publisher *ap, uint16_t type, const char *payload,
			     size_t len)
{
	sb_truncate(&ap->debug_line, 0);
	audit_payload_format_line(type, payload, len, &ap->debug_line);
	sb_putc(&ap->debug_line, '\n');
	fwrite(ap->debug_line.buf, 1, ap->debug_line.len, ap->opt.debug_out);
}

static void handle_record(struct audit_publisher *ap, uint16_t type, const char *payload,
			  size_t len)
{
	struct audit_record *rec;

	if (ap->opt.debug)
		print_debug_line(ap, type, payload, len);
	if (audit_record_parse(type, payload, len, &rec) < 0) {
		counter_add(&ap->pub->counters, COUNTER_drop_malformed, 1);
		return;
	}
	audit_assembler_feed(ap->assembler, rec, monotonic_ms());
}

/* Called by whichever thread learns first that the pid is ours: the
 * reader from the ACK, or the tick from the kernel's status. */
void audit_mark_registered(struct audit_publisher *ap)
{
	if (!atomic_exchange(&ap->registered, true))
		log_info("audit: sysq is the audit daemon now");
	atomic_store(&ap->pub->active, true);
}

static void handle_ack(struct audit_publisher *ap, const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ||
	    nh->nlmsg_seq != atomic_load(&ap->pending_pid_seq))
		return;
	atomic_store(&ap->pending_pid_seq, 0);
	if (e->error == 0) {
		audit_mark_registered(ap);
	} else {
		log_warn("audit: cannot become the audit daemon: %s", strerror(-e->error));
	}
}

/* Handles one datagram from the reader socket. */
static void handle_datagram(struct audit_publisher *ap, const char *buf, size_t n)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;

	if (n < NLMSG_HDRLEN) {
		counter_add(&ap->pub->counters, COUNTER_drop_malformed, 1);
		return;
	}
	if (nh->nlmsg_type == AUDIT_REPLACE) {
		log_debug("audit: another process asked for the audit pid");
		return;
	}
	if (audit_nl_is_record(nh->nlmsg_type)) {
		handle_record(ap, nh->nlmsg_type, NLMSG_DATA(nh), audit_nl_record_len(n));
		return;
	}
	for (size_t off = 0; (nh = audit_nl_msg(buf, n, off)) != NULL;
	     off += NLMSG_ALIGN(nh->nlmsg_len)) {
		if (nh->nlmsg_type == NLMSG_ERROR)
			handle_ack(ap, nh);
	}
}

void audit_reader_handle_other(void *ctx, const struct nlmsghdr *nh, size_t payload_len)
{
	handle_datagram(ctx, (const char *)nh, payload_len + NLMSG_HDRLEN);
}

/* Reads what the socket holds now, up to a few batches. Returns false
 * when the socket is empty. */
static bool read_batch(struct audit_publisher *ap)
{
	int n;

	for (int i = 0; i < RECV_BATCH; i++) {
		ap->iovs[i].iov_base = ap->slots + (size_t)i * RECV_SLOT;
		ap->iovs[i].iov_len = RECV_SLOT;
		memset(&ap->msgs[i].msg_hdr, 0, sizeof(ap->msgs[i].msg_hdr));
		ap->msgs[i].msg_hdr.msg_iov = &ap->iovs[i];
		ap->msgs[i].msg_hdr.msg_iovlen = 1;
		ap->msgs[i].msg_hdr.msg_name = &ap->senders[i];
		ap->msgs[i].msg_hdr.msg_namelen = sizeof(ap->senders[i]);
	}
	n = recvmmsg(ap->reader.fd, ap->msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == ENOBUFS)
			counter_add(&ap->pub->counters, COUNTER_lost_enobufs, 1);
		return errno == ENOBUFS || errno == EINTR;
	}
	for (int i = 0; i < n; i++) {
		/* Only the kernel may send to the audit socket: a datagram
		 * from any other port is spoofed and dropped unread. */
		if (ap->msgs[i].msg_hdr.msg_namelen != sizeof(struct sockaddr_nl) ||
		    ap->senders[i].nl_pid != 0)
			continue;
		handle_datagram(ap, ap->slots + (size_t)i * RECV_SLOT, ap->msgs[i].msg_len);
	}
	return n == RECV_BATCH;
}

static void sync_incomplete(struct audit_publisher *ap)
{
	uint64_t now = audit_assembler_incomplete(ap->assembler);

	counter_add(&ap->pub->counters, COUNTER_drop_incomplete, now - ap->incomplete_seen);
	ap->incomplete_seen = now;
}

void *audit_reader_main(void *arg)
{
	struct audit_publisher *ap = arg;
	struct pollfd fds[2] = {{.fd = ap->reader.fd, .events = POLLIN},
				{.fd = ap->stop_fd, .events = POLLIN}};

	pthread_setname_np(pthread_self(), "sysq-audit");
	for (;;) {
		int rc = poll(fds, 2, POLL_MS);

		if (rc < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (rc > 0 && fds[0].revents) {
			bool more;

			counter_add(&ap->pub->counters, COUNTER_refreshes, 1);
			more = read_batch(ap);
			while (more)
				more = read_batch(ap);
			/* An exec arrives as several records sent one by one; a
			 * short pause lets them pile up so the next wakeup reads
			 * them together instead of one wakeup per record. */
			nanosleep(&(struct timespec){.tv_nsec = COALESCE_US * 1000L}, NULL);
		}
		audit_assembler_tick(ap->assembler, monotonic_ms());
		sync_incomplete(ap);
		if (ap->opt.debug)
			fflush(ap->opt.debug_out);
	}
	return NULL;
}

/* Reads what is left in the socket after the rules are gone. */
void audit_reader_drain(struct audit_publisher *ap)
{
	int budget = 1024;

	while (budget-- > 0 && read_batch(ap))
		;
	audit_assembler_flush(ap->assembler);
	sync_incomplete(ap);
	if (ap->opt.debug)
		fflush(ap->opt.debug_out);
}

