/* NETLINK_AUDIT socket handling. */
#include "netlink.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define REPLY_TIMEOUT_S 2
#define REPLY_BUF 16384

int audit_nl_open(struct audit_nl *nl, int rcvbuf)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK};
	struct timeval tv = {.tv_sec = REPLY_TIMEOUT_S};

	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		audit_nl_close(nl);
		return err;
	}
	/* A reply that never comes must not hang start-up or shutdown. */
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (rcvbuf > 0 &&
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

int audit_nl_join_readlog(struct audit_nl *nl)
{
	int group = AUDIT_NLGRP_READLOG;

	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

void audit_nl_close(struct audit_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

int audit_nl_send(struct audit_nl *nl, uint16_t type, uint16_t flags, const void *data,
		  size_t len)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char buf[NLMSG_SPACE(sizeof(struct audit_rule_data) + 256)];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	if (NLMSG_SPACE(len) > sizeof(buf))
		return -EMSGSIZE;
	memset(buf, 0, NLMSG_SPACE(len));
	nh->nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | flags;
	/* Sequence 0 is never used, so a reply can always be told apart. */
	if (++nl->seq == 0)
		nl->seq = 1;
	nh->nlmsg_seq = nl->seq;
	if (len)
		memcpy(NLMSG_DATA(nh), data, len);
	do {
		n = sendto(nl->fd, buf, nh->nlmsg_len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (int)nl->seq;
}

ssize_t audit_nl_recv(struct audit_nl *nl, void *buf, size_t len, bool nonblocking)
{
	struct sockaddr_nl from;
	socklen_t fromlen;
	ssize_t n;

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(nl->fd, buf, len, nonblocking ? MSG_DONTWAIT : 0,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		/* Only the kernel may speak on this socket; anything else is
		 * spoofed and dropped. */
		if (fromlen != sizeof(from) || from.nl_pid != 0)
			continue;
		return n;
	}
}

/* What a reply wait is looking for. */
struct reply_wait {
	uint32_t seq;
	uint16_t type;	 /* a data reply type, or 0 for an ACK only */
	void *out;	 /* copy of the data reply */
	size_t out_len;
	audit_rule_fn rule_fn; /* AUDIT_LIST_RULES: per rule */
	void *rule_ctx;
	audit_nl_other_fn other;
	void *other_ctx;
};

/* Handles one message for a waiter. Returns 1 when the wait is over (with
 * *status set), 0 to keep reading. */
static int handle_reply(struct reply_wait *w, const struct nlmsghdr *nh, int *status)
{
	if (nh->nlmsg_seq != w->seq)
		return 0;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			*status = -EPROTO;
			return 1;
		}
		/* An error ends the wait; a plain ACK ends it only when no
		 * data reply is expected. */
		if (e->error != 0 || w->type == 0) {
			*status = e->error;
			return 1;
		}
		return 0;
	}
	if (nh->nlmsg_type == NLMSG_DONE) {
		*status = 0;
		return 1;
	}
	if (nh->nlmsg_type == w->type && w->rule_fn) {
		w->rule_fn(w->rule_ctx, NLMSG_DATA(nh), nh->nlmsg_len - NLMSG_HDRLEN);
		return 0;
	}
	if (nh->nlmsg_type == w->type && w->out) {
		size_t n = nh->nlmsg_len - NLMSG_HDRLEN;

		memset(w->out, 0, w->out_len);
		memcpy(w->out, NLMSG_DATA(nh), n < w->out_len ? n : w->out_len);
		*status = 0;
		return 1;
	}
	return 0;
}

static int wait_reply(struct audit_nl *nl, struct reply_wait *w)
{
	char buf[REPLY_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = audit_nl_recv(nl, buf, sizeof(buf), false);
		const struct nlmsghdr *nh;
		int status;

		if (n < 0)
			return n == -EAGAIN ? -ETIMEDOUT : (int)n;
		if ((size_t)n < NLMSG_HDRLEN)
			continue;
		if (audit_nl_is_record(((struct nlmsghdr *)buf)->nlmsg_type)) {
			if (w->other)
				w->other(w->other_ctx, (struct nlmsghdr *)buf,
					 audit_nl_record_len((size_t)n));
			continue;
		}
		for (size_t off = 0; (nh = audit_nl_msg(buf, (size_t)n, off)) != NULL;
		     off += NLMSG_ALIGN(nh->nlmsg_len)) {
			if (handle_reply(w, nh, &status))
				return status;
		}
	}
}

int audit_nl_request_ack(struct audit_nl *nl, uint16_t type, const void *data, size_t len,
			 audit_nl_other_fn other, void *ctx)
{
	struct reply_wait w = {.other = other, .other_ctx = ctx};
	int seq = audit_nl_send(nl, type, NLM_F_ACK, data, len);

	if (seq < 0)
		return seq;
	w.seq = (uint32_t)seq;
	return wait_reply(nl, &w);
}

int audit_nl_get_status(struct audit_nl *nl, struct audit_status *ret)
{
	struct reply_wait w = {.type = AUDIT_GET, .out = ret, .out_len = sizeof(*ret)};
	int seq = audit_nl_send(nl, AUDIT_GET, 0, NULL, 0);

	if (seq < 0)
		return seq;
	w.seq = (uint32_t)seq;
	return wait_reply(nl, &w);
}

int audit_nl_set_status(struct audit_nl *nl, const struct audit_status *s)
{
	return audit_nl_request_ack(nl, AUDIT_SET, s, sizeof(*s), NULL, NULL);
}

int audit_nl_list_rules(struct audit_nl *nl, audit_rule_fn fn, void *ctx)
{
	struct reply_wait w = {.type = AUDIT_LIST_RULES, .rule_fn = fn, .rule_ctx = ctx};
	int seq = audit_nl_send(nl, AUDIT_LIST_RULES, 0, NULL, 0);

	if (seq < 0)
		return seq;
	w.seq = (uint32_t)seq;
	return wait_reply(nl, &w);
}
