/* Audit publisher: netlink registration, rule lifecycle, reader thread. */
#include "publisher.h"

#include "assembler.h"
#include "netlink.h"
#include "record.h"
#include "rules.h"

#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Receive buffer of the reader socket: room for bursts while the reader
 * thread is descheduled, so the kernel does not time out sending to us. */
#define READER_RCVBUF (16 * 1024 * 1024)
#define RECV_BATCH 64
#define RECV_SLOT 9216 /* > MAX_AUDIT_MESSAGE_LENGTH plus the header */
#define POLL_MS 250
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
	pid_t self;
	int stop_fd;
	pthread_t thread;
	bool thread_running;
	atomic_uint pending_pid_seq; /* AUDIT_SET pid sent by the persist check */
	atomic_bool registered;
	uint32_t waiting_for; /* live owner of the audit pid, already logged */
	bool lost_known;
	uint32_t lost_last;
	uint64_t incomplete_seen;
	struct strbuf debug_line;
	char *slots;
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iovs[RECV_BATCH];
	struct sockaddr_nl senders[RECV_BATCH];
};

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void publish_event(void *ctx, const struct audit_event *ev)
{
	struct audit_publisher *ap = ctx;
	struct pubsub_event pev = {.kind = PUBSUB_AUDIT_EVENT, .data = ev};

	pubsub_publish(ap->pub, &pev);
}

static void print_debug_line(struct audit_publisher *ap, uint16_t type, const char *payload,
			     size_t len)
{
	struct audit_record raw = {.type = type, .text = (char *)payload, .text_len = len};

	while (raw.text_len > 0 && (payload[raw.text_len - 1] == '\0' ||
				    payload[raw.text_len - 1] == '\n'))
		raw.text_len--;
	sb_truncate(&ap->debug_line, 0);
	audit_record_format_line(&raw, &ap->debug_line);
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
static void mark_registered(struct audit_publisher *ap)
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
		mark_registered(ap);
	} else {
		log_warn("audit: cannot become the audit daemon: %s", strerror(-e->error));
	}
}

/* Handles one datagram from the reader socket. */
static void handle_datagram(struct audit_publisher *ap, const char *buf, size_t n)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
	int len = (int)n;

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
	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_ERROR)
			handle_ack(ap, nh);
	}
}

static void handle_other(void *ctx, const struct nlmsghdr *nh, size_t payload_len)
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

static void *reader_main(void *arg)
{
	struct audit_publisher *ap = arg;
	struct pollfd fds[2] = {{.fd = ap->reader.fd, .events = POLLIN},
				{.fd = ap->stop_fd, .events = POLLIN}};

	for (;;) {
		int rc = poll(fds, 2, POLL_MS);

		if (rc < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (rc > 0 && fds[0].revents) {
			counter_add(&ap->pub->counters, COUNTER_refreshes, 1);
			while (read_batch(ap))
				;
		}
		audit_assembler_tick(ap->assembler, monotonic_ms());
		sync_incomplete(ap);
		if (ap->opt.debug)
			fflush(ap->opt.debug_out);
	}
	return NULL;
}

/* AUDIT_SET pid on the reader socket, waiting for the ACK; records that
 * arrive meanwhile go through the normal path. Retries while the kernel
 * says another live daemon holds the pid, in case it is on its way out. */
static int register_pid(struct audit_publisher *ap, pid_t pid, int tries)
{
	struct audit_status s;
	int err = 0;

	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = (uint32_t)pid;
	for (int i = 0; i < tries; i++) {
		err = audit_nl_request_ack(&ap->reader, AUDIT_SET, &s, sizeof(s), handle_other, ap);
		if (err != -EEXIST)
			break;
		usleep(200 * 1000);
	}
	return err;
}

static char *owner_error(struct audit_publisher *ap, int err)
{
	struct audit_status st;

	if (err == -EEXIST && audit_nl_get_status(&ap->ctl, &st) == 0)
		return xasprintf("process %u owns the audit socket (auditd?); sysq cannot become "
				 "the audit daemon while it runs",
				 st.pid);
	return xasprintf("cannot become the audit daemon: %s", strerror(-err));
}

static int apply_config(struct audit_publisher *ap, char **err)
{
	int rc = audit_rules_remove_stale(&ap->ctl);

	if (rc > 0)
		log_info("audit: deleted %d stale '%s' rule(s) left by an earlier run", rc,
			 SYSQ_RULE_KEY);
	else if (rc < 0)
		log_warn("audit: cannot list rules to clean up: %s", strerror(-rc));
	rc = audit_state_apply(&ap->ctl, ap->opt.backlog_limit, ap->opt.backlog_wait_time,
			       &ap->state);
	if (rc == -EPERM) {
		log_warn("audit: the configuration is locked (enabled=2); using the rules "
			 "already loaded");
		return 0;
	}
	ap->config_applied = true;
	if (ap->opt.crashed_state)
		audit_state_adopt(&ap->state, ap->opt.crashed_state);
	if (rc < 0) {
		*err = xasprintf("cannot configure audit: %s", strerror(-rc));
		return rc;
	}
	rc = audit_rules_add(&ap->ctl, ap->opt.want, &ap->rules);
	if (rc < 0)
		*err = xasprintf("cannot add audit rules: %s", strerror(-rc));
	return rc;
}

/* Deletes the rules this run added and restores the settings it changed.
 * Returns 0 when both succeeded. */
static int undo_config(struct audit_publisher *ap)
{
	int rules_rc, state_rc;

	if (!ap->config_applied)
		return 0;
	rules_rc = audit_rules_remove(&ap->ctl, &ap->rules);
	if (rules_rc < 0)
		log_warn("audit: cannot delete sysq's rules: %s", strerror(-rules_rc));
	state_rc = audit_state_restore(&ap->ctl, &ap->state);
	if (state_rc < 0)
		log_warn("audit: cannot restore the audit status: %s", strerror(-state_rc));
	ap->config_applied = false;
	return rules_rc < 0 ? rules_rc : state_rc;
}

static void release_pid(struct audit_publisher *ap)
{
	struct audit_status st;

	/* Only the registered daemon may unregister; skip if it is not us. */
	if (audit_nl_get_status(&ap->ctl, &st) == 0 && st.pid == (uint32_t)ap->self)
		register_pid(ap, 0, 1);
	atomic_store(&ap->registered, false);
	atomic_store(&ap->pub->active, false);
}

static void publisher_free(struct audit_publisher *ap)
{
	if (ap->stop_fd >= 0)
		close(ap->stop_fd);
	audit_nl_close(&ap->reader);
	audit_nl_close(&ap->ctl);
	audit_assembler_free(ap->assembler);
	sb_free(&ap->debug_line);
	free(ap->slots);
	free(ap);
}

static int open_sockets(struct audit_publisher *ap, char **err)
{
	int rc = audit_nl_open(&ap->ctl, 0);

	if (rc == 0)
		rc = audit_nl_open(&ap->reader, READER_RCVBUF);
	if (rc < 0) {
		*err = xasprintf("cannot open the audit netlink socket: %s", strerror(-rc));
		return rc;
	}
	ap->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ap->stop_fd < 0) {
		rc = -errno;
		*err = xasprintf("eventfd: %s", strerror(errno));
	}
	return rc;
}

/* Applies the configuration once the pid is ours. Returns 0 or -errno. */
static int configure_once(struct audit_publisher *ap, char **err)
{
	if (!ap->opt.allow_config || ap->config_tried)
		return 0;
	ap->config_tried = true;
	return apply_config(ap, err);
}

/* First registration attempt at start-up. A pid owned by another live
 * process is fatal without --audit_persist; with it, sysq waits and the
 * tick takes the pid once it is released. */
static int first_registration(struct audit_publisher *ap, char **err)
{
	int rc = register_pid(ap, ap->self, REGISTER_TRIES);

	if (rc == 0) {
		atomic_store(&ap->registered, true);
		atomic_store(&ap->pub->active, true);
		return 0;
	}
	*err = owner_error(ap, rc);
	if (rc == -EEXIST && ap->opt.persist) {
		log_warn("audit: %s; waiting for it to be released (--audit_persist)", *err);
		free(*err);
		*err = NULL;
		return 0;
	}
	return rc;
}

int audit_publisher_start(const struct audit_publisher_options *opt, struct publisher *pub,
			  struct audit_publisher **ret, char **err)
{
	struct audit_publisher *ap = xcalloc(1, sizeof(*ap));
	struct audit_status st;
	int rc;

	ap->opt = *opt;
	ap->pub = pub;
	ap->self = getpid();
	ap->reader.fd = ap->ctl.fd = ap->stop_fd = -1;
	ap->slots = xmalloc((size_t)RECV_BATCH * RECV_SLOT);
	ap->assembler = audit_assembler_new(publish_event, ap, opt->event_timeout_ms,
					    MAX_PENDING_EVENTS);
	rc = open_sockets(ap, err);
	if (rc == 0 && audit_nl_get_status(&ap->ctl, &st) == 0) {
		ap->lost_known = true;
		ap->lost_last = st.lost;
	}
	if (rc == 0)
		rc = first_registration(ap, err);
	if (rc == 0 && atomic_load(&ap->registered))
		rc = configure_once(ap, err);
	if (rc == 0) {
		rc = -pthread_create(&ap->thread, NULL, reader_main, ap);
		if (rc < 0)
			*err = xasprintf("cannot start the audit reader: %s", strerror(-rc));
		ap->thread_running = rc == 0;
	}
	if (rc < 0) {
		undo_config(ap);
		if (atomic_load(&ap->registered))
			release_pid(ap);
		publisher_free(ap);
		return rc;
	}
	*ret = ap;
	return 0;
}

const struct audit_state *audit_publisher_state(const struct audit_publisher *ap)
{
	return ap->config_applied && ap->state.changed ? &ap->state : NULL;
}

static void account_lost(struct audit_publisher *ap, uint32_t lost)
{
	uint32_t delta;

	if (!ap->lost_known) {
		ap->lost_known = true;
		ap->lost_last = lost;
		return;
	}
	/* A smaller value means someone reset the counter (auditctl
	 * --reset-lost); everything since the reset is new. */
	delta = lost >= ap->lost_last ? lost - ap->lost_last : lost;
	ap->lost_last = lost;
	counter_add(&ap->pub->counters, COUNTER_lost_kernel, delta);
}

/* Asks for the audit pid when the kernel can grant it: when it is free or
 * its owner has exited. A live owner would only be refused (EEXIST), and
 * each refusal writes a CONFIG_CHANGE record into that owner's log, so
 * sysq waits quietly instead of knocking every second. */
static void persist_pid(struct audit_publisher *ap, uint32_t owner)
{
	struct audit_status s;
	int seq;

	if (atomic_load(&ap->registered))
		log_warn("audit: the audit pid is now %u, not sysq's; taking it back", owner);
	atomic_store(&ap->registered, false);
	atomic_store(&ap->pub->active, false);
	if (owner != 0 && (kill((pid_t)owner, 0) == 0 || errno == EPERM)) {
		if (ap->waiting_for != owner)
			log_warn("audit: process %u owns the audit pid; sysq takes it when that "
				 "process exits or releases it",
				 owner);
		ap->waiting_for = owner;
		return;
	}
	ap->waiting_for = 0;
	memset(&s, 0, sizeof(s));
	s.mask = AUDIT_STATUS_PID;
	s.pid = (uint32_t)ap->self;
	/* The ACK arrives on the reader socket; the reader thread handles it. */
	seq = audit_nl_send(&ap->reader, AUDIT_SET, NLM_F_ACK, &s, sizeof(s));
	if (seq > 0)
		atomic_store(&ap->pending_pid_seq, (unsigned)seq);
}

bool audit_publisher_tick(struct audit_publisher *ap)
{
	struct audit_status st;
	bool configured = false;
	char *err = NULL;

	if (audit_nl_get_status(&ap->ctl, &st) < 0)
		return false;
	account_lost(ap, st.lost);
	if (st.pid != (uint32_t)ap->self) {
		if (ap->opt.persist)
			persist_pid(ap, st.pid);
		return false;
	}
	/* The kernel's word settles it, even if the ACK raced past. */
	mark_registered(ap);
	if (!ap->config_tried) {
		/* The pid became ours after start-up: configure now. */
		if (configure_once(ap, &err) < 0) {
			log_error("audit: %s", err);
			free(err);
		}
		configured = ap->config_applied;
	}
	return configured;
}

/* Reads what is left in the socket after the rules are gone. */
static void drain(struct audit_publisher *ap)
{
	int budget = 1024;

	while (budget-- > 0 && read_batch(ap))
		;
	audit_assembler_flush(ap->assembler);
	sync_incomplete(ap);
	if (ap->opt.debug)
		fflush(ap->opt.debug_out);
}

int audit_publisher_stop(struct audit_publisher *ap)
{
	uint64_t one = 1;
	int rc;

	if (!ap)
		return 0;
	if (ap->thread_running) {
		if (write(ap->stop_fd, &one, sizeof(one)) < 0)
			log_warn("audit: cannot wake the reader: %s", strerror(errno));
		pthread_join(ap->thread, NULL);
	}
	rc = undo_config(ap);
	release_pid(ap);
	drain(ap);
	publisher_free(ap);
	return rc;
}
