/* The audit netlink socket: open, send requests, receive safely.
 *
 * sysq uses two sockets. The reader socket registers as the audit daemon
 * (AUDIT_SET pid) and receives records; only the reader thread reads it.
 * The control socket sends configuration requests (status, rules) and
 * waits for their replies; records never arrive on it, because the kernel
 * sends them only to the registered port.
 *
 * Every message is checked: the sender must be the kernel (nl_pid 0),
 * NLMSG_OK must hold, and EINTR is retried here. Functions return >= 0 on
 * success and a negative errno on failure. */
#pragma once

#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct audit_nl {
	int fd;
	uint32_t seq;
};

/* Opens a NETLINK_AUDIT socket (CLOEXEC). `rcvbuf` > 0 asks for that
 * receive buffer size (forced past rmem_max when privileged). */
int audit_nl_open(struct audit_nl *nl, int rcvbuf);
void audit_nl_close(struct audit_nl *nl);

/* Joins the read-only multicast group that gets a copy of every record
 * (needs CAP_AUDIT_READ, not the audit pid). Returns 0 or -errno. */
int audit_nl_join_readlog(struct audit_nl *nl);

/* Sends one request; returns its sequence number (> 0) or -errno. */
int audit_nl_send(struct audit_nl *nl, uint16_t type, uint16_t flags, const void *data,
		  size_t len);

/* Receives one datagram into buf, rejecting any that did not come from
 * the kernel. Returns its length, -EAGAIN on timeout, or -errno (ENOBUFS
 * means the socket overran and records were lost). */
ssize_t audit_nl_recv(struct audit_nl *nl, void *buf, size_t len, bool nonblocking);

/* Record messages fill their whole datagram: the kernel's unicast path
 * sets nlmsg_len to the payload length only, while its multicast path
 * counts the header, so the datagram length is the one reliable bound.
 * Records are types >= 1100 plus the two old log types below 1100 (USER,
 * LOGIN); the rest of 1000-1099 are control replies, ordinary netlink. */
static inline bool audit_nl_is_record(uint16_t type)
{
	return type >= AUDIT_FIRST_USER_MSG || type == AUDIT_USER || type == AUDIT_LOGIN;
}

/* Payload of a record message received in a datagram of `n` bytes. */
static inline size_t audit_nl_record_len(size_t n)
{
	return n > NLMSG_HDRLEN ? n - NLMSG_HDRLEN : 0;
}

/* The netlink message at byte `off` of a datagram of `n` bytes, or NULL
 * when no whole message starts there. Replaces NLMSG_OK/NLMSG_NEXT, whose
 * int length arithmetic invites signedness bugs. Iterate with
 * off += NLMSG_ALIGN(nh->nlmsg_len). */
static inline const struct nlmsghdr *audit_nl_msg(const void *buf, size_t n, size_t off)
{
	const struct nlmsghdr *nh;

	if (off > n || n - off < sizeof(*nh))
		return NULL;
	nh = (const struct nlmsghdr *)((const char *)buf + off);
	if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > n - off)
		return NULL;
	return nh;
}

/* Handler for records that arrive while waiting for a reply: the
 * datagram's header and its payload length. */
typedef void (*audit_nl_other_fn)(void *ctx, const struct nlmsghdr *nh, size_t payload_len);

/* Sends a request with NLM_F_ACK and waits (up to 2 s) for its ACK.
 * Other messages received meanwhile go to `other` (may be NULL). Returns 0
 * or the kernel's error as -errno. */
int audit_nl_request_ack(struct audit_nl *nl, uint16_t type, const void *data, size_t len,
			 audit_nl_other_fn other, void *ctx);

/* Reads the kernel's audit status. */
int audit_nl_get_status(struct audit_nl *nl, struct audit_status *ret);

/* Sets the status fields named in s->mask. */
int audit_nl_set_status(struct audit_nl *nl, const struct audit_status *s);

/* Calls fn for each loaded rule (data is valid during the call only).
 * Returns 0 or -errno. */
typedef void (*audit_rule_fn)(void *ctx, const struct audit_rule_data *rule, size_t len);
int audit_nl_list_rules(struct audit_nl *nl, audit_rule_fn fn, void *ctx);
