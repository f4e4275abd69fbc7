/* What the socket-only hooks share: the caller's syscall registers, found
 * on its kernel stack, and records that wait in socket storage until the
 * call's result is known, then are settled from what the socket shows. A
 * part of socket_events.bpf.c. */
#pragma once

#include "record.h"

/* The registers saved just below byte `top` of the task's kernel stack,
 * when they are a 64-bit syscall's; else NULL. Read through an untrusted
 * pointer, so a wrong guess reads a stray word, never faults. */
static __always_inline struct pt_regs___sysq *regs_at(struct task_struct *task, __u64 top)
{
	__u64 end = (__u64)task->stack + top;
	struct pt_regs___sysq *regs =
		bpf_rdonly_cast((void *)(end - bpf_core_type_size(struct pt_regs___sysq)),
				bpf_core_type_id_kernel(struct pt_regs___sysq));

	return regs->cs == USER_CS && regs->ss == USER_SS ? regs : NULL;
}

/* The registers the current syscall's entry saved at the top of the
 * task's kernel stack (x86-64 task_pt_regs()), whichever size the stack
 * is and whether or not the kernel keeps FRED's 16 bytes of padding above
 * them (CONFIG_X86_FRED, 6.9 on); NULL for a kernel thread or a 32-bit
 * syscall. */
static __always_inline struct pt_regs___sysq *syscall_regs(struct task_struct *task)
{
	struct pt_regs___sysq *regs = regs_at(task, THREAD_SIZE);

	if (!regs)
		regs = regs_at(task, THREAD_SIZE - FRED_STACK_PADDING);
	if (!regs)
		regs = regs_at(task, 2 * THREAD_SIZE);
	if (!regs)
		regs = regs_at(task, 2 * THREAD_SIZE - FRED_STACK_PADDING);
	return regs;
}

static __always_inline bool is_send(long nr)
{
	return nr == NR_sendto || nr == NR_sendmsg || nr == NR_sendmmsg;
}

/* Fills c for the syscall the caller is in, when it is `want` (accept
 * stands for accept4 too), with `ret` as its result, and takes this CPU's
 * scratch for its record. False otherwise: a hook reached from elsewhere
 * (io_uring, a kernel socket, getpeername itself) is not that call. */
static __always_inline bool caller_call(struct call_ctx *c, __u32 want, long ret)
{
	struct pt_regs___sysq *regs;

	c->task = bpf_get_current_task_btf();
	if (!reported_caller(c->task))
		return false;
	regs = syscall_regs(c->task);
	if (!regs)
		return false;
	c->call.action = is_send(regs->orig_ax) ? SYSQ_ACTION_SEND : action_of(regs->orig_ax);
	if (c->call.action != want && !(want == SYSQ_ACTION_ACCEPT && is_accept(c->call.action)))
		return false;
	c->call.a0 = regs->di;
	c->call.a1 = regs->si;
	c->call.a2 = regs->dx;
	c->call.ret = ret;
	/* Taken last: the caller gives it back with scratch_release(). */
	c->s = take_scratch(!c->quiet_busy);
	return c->s != NULL;
}

/* A call that has succeeded by the time its hook runs: recorded now. */
static __always_inline void record_done(__u32 action)
{
	struct call_ctx c = {};

	if (caller_call(&c, action, 0) && build(&c))
		submit(&c.s->rec, c.s->rec.size);
	scratch_release(&c);
}

SEC("cgroup/post_bind4")
int sysq_sock_post_bind4(struct bpf_sock *ctx)
{
	record_done(SYSQ_ACTION_BIND);
	return 1;
}

SEC("cgroup/post_bind6")
int sysq_sock_post_bind6(struct bpf_sock *ctx)
{
	record_done(SYSQ_ACTION_BIND);
	return 1;
}

/* The slot's kind, read once. */
static __always_inline __u32 kind_of(struct pending *p)
{
	return *(volatile __u32 *)&p->kind;
}

/* Makes this CPU the only one to write, settle or displace the slot's
 * record, if its kind is still `kind`: false when another CPU got there
 * first. put() gives the slot back with its new kind. */
static __always_inline bool claim(struct pending *p, __u32 kind)
{
	return __sync_val_compare_and_swap(&p->kind, kind, PENDING_BUSY) == kind;
}

static __always_inline void put(struct pending *p, __u32 kind)
{
	/* An exchange, so that no store to the record moves past it. */
	__sync_lock_test_and_set(&p->kind, kind);
}

/* Keeps the record built in s until the call's result is known, in p,
 * the socket's storage when the caller already looked it up, else in
 * storage made now. A record that finds no room for its socket storage is
 * counted as lost, and so is one still waiting there that this one
 * displaces (two threads sending on one socket at once: the socket has
 * one slot), and one that finds another CPU at work on the slot. */
static __always_inline void keep_pending(struct bpf_sock *sk, struct pending *p,
					 struct scratch *s, __u32 kind)
{
	__u32 size = CLAMP(s->rec.size, sizeof(s->rec) + SYSQ_SOCK_EVENT_DATA_MAX), old;

	if (!p)
		p = bpf_sk_storage_get(&pending, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!p) {
		count(SYSQ_CNT_PENDING_LOST);
		return;
	}
	old = kind_of(p);
	if (old == PENDING_BUSY || !claim(p, old)) {
		count(SYSQ_CNT_PENDING_LOST);
		return;
	}
	if (old != PENDING_EMPTY && old != PENDING_TCP_SKIP) {
		count(SYSQ_CNT_PENDING_LOST);
		uncount(SYSQ_CNT_WAITING);
	}
	count(SYSQ_CNT_WAITING);
	p->size = size;
	bpf_probe_read_kernel(&p->rec, size, &s->rec);
	put(p, kind);
}

/* False when the socket has no BPF storage, so no record waits there:
 * most sockets never get any, and the send, receive and release hooks run
 * for every socket on the host, so one load spares them a helper call. */
static __always_inline bool has_storage(void *sk)
{
	struct sock___sock *s = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock___sock));

	return !bpf_core_field_exists(s->sk_bpf_storage) || s->sk_bpf_storage;
}

/* The record waiting in the socket's storage, or NULL. */
static __always_inline struct pending *waiting_on(void *sk)
{
	return has_storage(sk) ? bpf_sk_storage_get(&pending, sk, 0, 0) : NULL;
}

/* Hands a waiting record to the agent, its result now known. */
static __always_inline void submit_waiting(struct pending *p)
{
	uncount(SYSQ_CNT_WAITING);
	submit(&p->rec, p->size);
}

/* What a socket says about its sides when a waiting connect is settled. */
struct peer_view {
	__u32 state;
	__u16 dport; /* host byte order */
	__u16 sport;
	__u8 daddr[16]; /* inet: the first 4 bytes */
	__u8 saddr[16];
};

static __always_inline void view_of_bpf_sock(struct bpf_sock *sk, struct peer_view *v)
{
	v->state = sk->state;
	v->dport = bpf_ntohs(sk->dst_port);
	v->sport = (__u16)sk->src_port;
	if (sk->family == AF_INET) {
		__u32 d = sk->dst_ip4, l = sk->src_ip4;

		__builtin_memcpy(v->daddr, &d, 4);
		__builtin_memcpy(v->saddr, &l, 4);
		return;
	}
	/* Word by word with constant offsets: a loop becomes arithmetic on
	 * the socket pointer, which the verifier refuses. */
	__u32 d6[4] = {sk->dst_ip6[0], sk->dst_ip6[1], sk->dst_ip6[2], sk->dst_ip6[3]};
	__u32 l6[4] = {sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3]};

	__builtin_memcpy(v->daddr, d6, 16);
	__builtin_memcpy(v->saddr, l6, 16);
}

static __always_inline void view_of_sock(struct sock *sk, struct peer_view *v)
{
	v->state = sk->__sk_common.skc_state;
	v->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	v->sport = sk->__sk_common.skc_num;
	if (sk->__sk_common.skc_family == AF_INET) {
		__be32 d = sk->__sk_common.skc_daddr, l = sk->__sk_common.skc_rcv_saddr;

		__builtin_memcpy(v->daddr, &d, 4);
		__builtin_memcpy(v->saddr, &l, 4);
		return;
	}
	struct sysq_in6 d6 = sk->__sk_common.skc_v6_daddr, l6 = sk->__sk_common.skc_v6_rcv_saddr;

	__builtin_memcpy(v->daddr, &d6, 16);
	__builtin_memcpy(v->saddr, &l6, 16);
}

/* The address the pending connect named, as the socket would hold it:
 * an inet address, an inet6 one, or an inet one seen from an inet6
 * socket (::ffff:a.b.c.d). False when the record has none. */
static __always_inline bool named_peer(const struct pending *p, __u8 addr[16], __u16 *port)
{
	const __u8 *sa = p->data;
	__u32 len = p->rec.sockaddr_len;
	__u16 fam = len >= 2 ? *(const __u16 *)sa : 0;

	__builtin_memset(addr, 0, 16);
	if (len < 8 || (fam != AF_INET && fam != AF_INET6))
		return false;
	*port = ((__u16)sa[2] << 8) | sa[3];
	if (fam == AF_INET6) {
		if (len < 24)
			return false;
		__builtin_memcpy(addr, sa + 8, 16);
	} else if (p->rec.sock_family == AF_INET6) {
		addr[10] = addr[11] = 0xff;
		__builtin_memcpy(addr + 12, sa + 4, 4);
	} else {
		__builtin_memcpy(addr, sa + 4, 4);
	}
	return true;
}

/* The socket's sides as the connect left them, into the record. */
static __always_inline void take_sides(struct pending *p, const struct peer_view *v)
{
	__builtin_memcpy(p->rec.local_addr, v->saddr, 16);
	__builtin_memcpy(p->rec.peer_addr, v->daddr, 16);
	p->rec.local_port = v->sport;
	p->rec.peer_port = v->dport;
	p->rec.flags |= SYSQ_EV_HAVE_LOCAL | SYSQ_EV_HAVE_PEER;
}

/* A pending UDP connect succeeded when the socket is connected to the
 * address it named; then its local side is what the connect chose. */
static __always_inline void resolve_udp(struct pending *p, const struct peer_view *v)
{
	__u8 addr[16];
	__u16 port = 0;
	bool ok = named_peer(p, addr, &port) && v->state == TCP_ESTABLISHED && v->dport == port;

	for (int i = 0; i < 16 && ok; i++)
		ok = addr[i] == v->daddr[i];
	p->rec.ret = ok ? 0 : -ENOTCONN;
	if (ok)
		take_sides(p, v);
	submit_waiting(p);
}

static __always_inline bool is_waiting_connect(__u32 kind)
{
	return kind == PENDING_UDP || kind == PENDING_TCP_PRE;
}

/* A waiting connect of `kind` (is_waiting_connect()) settled at the
 * socket's next operation: a UDP one by what the socket shows; a TCP one
 * that never reached its SYN failed (the kernel returned its error before;
 * the error itself is not seen). The slot is left empty; false when
 * another CPU settled it first. */
static __always_inline bool settle(struct pending *p, const struct peer_view *v, __u32 kind)
{
	if (!claim(p, kind))
		return false;
	if (kind == PENDING_UDP) {
		resolve_udp(p, v);
	} else {
		p->rec.ret = -ENOTCONN;
		submit_waiting(p);
	}
	put(p, PENDING_EMPTY);
	return true;
}

