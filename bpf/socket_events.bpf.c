/* socket_events from BPF: connect, bind, accept, accept4, listen and
 * datagram sends.
 *
 * Two sets of programs share the filters and the record built here; the
 * agent loads one set (agent/bpf/socket_bpf.c, docs/bpf.md).
 *
 * By default, hooks that run only for socket operations, so a syscall
 * that is not a socket call costs nothing: cgroup socket programs on the
 * cgroup v2 root and two socket tracepoints. They run inside the call, in
 * the caller's context, and read the call's arguments from the registers
 * the syscall entry saved on the task's kernel stack:
 *   - bind: cgroup/post_bind4/6, after a successful inet bind;
 *   - listen: sockops TCP_LISTEN_CB, after a successful TCP listen;
 *   - TCP connect: cgroup/connect4/6 before the call builds the record,
 *     which waits in socket storage; sockops TCP_CONNECT_CB, once the
 *     local port is chosen just before the SYN, gives it the local side. A
 *     non-blocking connect returns EINPROGRESS from there; a blocking one
 *     ends when the socket becomes ESTABLISHED or CLOSE (sockops
 *     STATE_CB). One that never reaches TCP_CONNECT_CB failed, and is
 *     settled at the socket's next operation, as a UDP one is;
 *   - UDP connect: cgroup/connect4/6 before the call, its record waiting
 *     in socket storage until the socket's next operation (send, receive,
 *     another connect, release) shows whether it is connected there;
 *   - accept: cgroup/getpeername4/6, which an accept that asks for the
 *     peer's address runs on the new socket;
 *   - datagram sends, when asked for: cgroup/sendmsg4/6 and the UNIX
 *     send hook before the send, its record waiting for the send's own
 *     return (tp_btf/sock_send_length).
 *
 * Opt-in, one program on sys_exit, which runs after every syscall of every
 * process and sees every call with its result; what it does for a syscall
 * it does not report must cost almost nothing: it returns after one load
 * of the syscall number.
 *
 * For a socket call, the programs read the address the caller passed or
 * got back, apply the user's filters with what that address says, and
 * only for a call that passes read the socket itself (protocol, type,
 * both sides) and the process and write a record to the ring buffer.
 * Everything a filter drops is counted per reason. The executable's path
 * is built once per process image and cached. A record holds only the
 * bytes it uses, and is submitted without a wakeup until wakeup_bytes are
 * waiting, so the agent wakes per batch and drains the rest on its poll
 * timeout. Helper calls are kept few, as each costs a call and a return.
 * fentry, kprobes and BPF-LSM are not used: they are not available on
 * every kernel sysq runs on.
 *
 * Its parts are in bpf/socket/, by purpose: state.h
 * (constants, settings, maps), call.h (a call and the filters), record.h
 * (the record and the ring buffer), waiting.h (the hooks' registers and
 * records waiting for a result). This file holds the programs. */
#include "socket/waiting.h"

/* Opt-in (--bpf_socket_syscall_exit): every syscall's exit. */
SEC("tp_btf/sys_exit")
int BPF_PROG(sysq_sock_exit, struct pt_regs___sysq *regs, long ret)
{
	struct call_ctx c = {};

	/* Every syscall of every process passes here: reject the others
	 * with the loads a syscall number costs, before any helper. */
	c.call.action = action_of(regs->orig_ax);
	if (!c.call.action)
		return 0;
	c.task = bpf_get_current_task_btf();
	if (!reported_caller(c.task))
		return 0;
	c.s = take_scratch(true);
	if (!c.s)
		return 0;
	c.call.a0 = regs->di;
	c.call.a1 = regs->si;
	c.call.a2 = regs->dx;
	c.call.ret = ret;
	if (build(&c))
		submit(&c.s->rec, c.s->rec.size);
	scratch_release(&c);
	return 0;
}

/* ---- The default set: hooks that run only for socket operations. ---- */

/* TCP_CONNECT_CB for a connect whose pre-hook already built (or filtered
 * and counted) its record: the record takes the sides the kernel chose,
 * and goes now (non-blocking) or waits for the handshake. */
static __always_inline void tcp_connect_after_pre(struct bpf_sock_ops *skops,
						  struct bpf_sock *sk, struct pending *p)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct peer_view v = {};
	struct tcp_sock *tp;
	struct file *file;

	if (kind_of(p) == PENDING_TCP_SKIP) {
		bpf_sk_storage_delete(&pending, sk);
		return;
	}
	/* A send or receive on another thread may be settling it as failed. */
	if (!claim(p, PENDING_TCP_PRE))
		return;
	/* The kernel's socket, not the context's view of it: clang turns
	 * some of the view's loads into arithmetic on the pointer, which the
	 * verifier refuses for a sockops socket. */
	tp = bpf_skc_to_tcp_sock(sk);
	if (tp) {
		view_of_sock((struct sock *)tp, &v);
		take_sides(p, &v);
	}
	file = fd_file(task, p->rec.fd);
	if (file && (file->f_flags & O_NONBLOCK)) {
		p->rec.ret = -EINPROGRESS;
		submit_waiting(p);
		bpf_sk_storage_delete(&pending, sk);
		return;
	}
	put(p, PENDING_TCP);
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
}

/* TCP_CONNECT_CB, inside connect() once the local port is chosen: a
 * non-blocking connect returns EINPROGRESS from here; a blocking one waits
 * for the handshake, so its record waits for the state change. */
static __always_inline void tcp_connect_call(struct bpf_sock_ops *skops, struct bpf_sock *sk,
					     struct pending *p, struct call_ctx *c)
{
	struct file *file;

	if (!caller_call(c, SYSQ_ACTION_CONNECT, RET_PENDING))
		return;
	file = fd_file(c->task, (int)c->call.a0);
	if (!file)
		return;
	if (file->f_flags & O_NONBLOCK) {
		c->call.ret = -EINPROGRESS;
		if (build(c))
			submit(&c->s->rec, c->s->rec.size);
		return;
	}
	if (!build(c))
		return;
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
	keep_pending(sk, p, c->s, PENDING_TCP);
}

static __always_inline void tcp_connect(struct bpf_sock_ops *skops)
{
	struct call_ctx c = {};
	struct bpf_sock *sk = skops->sk;
	struct pending *p;

	if (!sk)
		return;
	p = waiting_on(sk);
	if (p && (kind_of(p) == PENDING_TCP_PRE || kind_of(p) == PENDING_TCP_SKIP)) {
		tcp_connect_after_pre(skops, sk, p);
		return;
	}
	tcp_connect_call(skops, sk, p, &c);
	scratch_release(&c);
}

/* A blocking TCP connect ends when its socket is ESTABLISHED (connect()
 * returns 0) or CLOSE (it returns the socket's error). */
static __always_inline void tcp_state(struct bpf_sock_ops *skops)
{
	__u32 state = skops->args[1];
	struct bpf_sock *sk = skops->sk;
	struct pending *p;
	struct tcp_sock *tp;

	if (!sk || (state != TCP_ESTABLISHED && state != TCP_CLOSE))
		return;
	p = waiting_on(sk);
	if (!p || !claim(p, PENDING_TCP))
		return;
	if (state == TCP_ESTABLISHED) {
		p->rec.ret = 0;
	} else {
		tp = bpf_skc_to_tcp_sock(sk);
		/* connect() returns the socket's error; a handshake cut
		 * short without one reads as aborted. */
		p->rec.ret = tp && ((struct sock *)tp)->sk_err ? -((struct sock *)tp)->sk_err
							    : -ECONNABORTED;
	}
	submit_waiting(p);
	bpf_sk_storage_delete(&pending, sk);
	/* Settled: the socket's later state changes need not run this. */
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags & ~BPF_SOCK_OPS_STATE_CB_FLAG);
}

SEC("sockops")
int sysq_sock_ops(struct bpf_sock_ops *skops)
{
	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_LISTEN_CB:
		record_done(SYSQ_ACTION_LISTEN);
		break;
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		tcp_connect(skops);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		tcp_state(skops);
		break;
	}
	return 1;
}

/* The address of a sock_addr hook (a connect's peer, accept's peer, a
 * send's destination) as a sockaddr in s->data, the form a record's
 * address takes. */
static __always_inline void named_from_ctx(struct call_ctx *c, struct bpf_sock_addr *ctx,
					   __u16 family)
{
	__u8 *sa = c->s->data;

	__builtin_memset(sa, 0, 28);
	*(__u16 *)sa = family;
	*(__u16 *)(sa + 2) = (__u16)ctx->user_port; /* network order, as stored */
	if (family == AF_INET) {
		*(__u32 *)(sa + 4) = ctx->user_ip4;
		c->salen = 16;
	} else {
		for (int i = 0; i < 4; i++)
			*(__u32 *)(sa + 8 + 4 * i) = ctx->user_ip6[i];
		c->salen = 28;
	}
	c->sa_read = 1;
}

/* Before a connect: the record is built now, with the call's time and
 * process, and waits in socket storage for the result: a UDP one until the
 * socket's next operation, a TCP one until TCP_CONNECT_CB (or, when the
 * connect fails before its SYN, the socket's next operation). A TCP
 * connect the filters drop leaves a mark, so TCP_CONNECT_CB neither
 * builds nor counts it again. */
static __always_inline void connect_pre(struct bpf_sock_addr *ctx, __u16 family)
{
	struct bpf_sock *sk = ctx->sk;
	struct peer_view v = {};
	struct call_ctx c = {};
	struct pending *p;
	__u32 kind;

	if (!sk)
		return;
	p = waiting_on(sk);
	kind = p ? kind_of(p) : PENDING_EMPTY;
	if (is_waiting_connect(kind)) {
		/* The socket's previous connect: its state is still that one's. */
		view_of_bpf_sock(sk, &v);
		if (settle(p, &v, kind) && kind == PENDING_TCP_PRE) {
			bpf_sk_storage_delete(&pending, sk);
			p = NULL;
		}
	}
	/* Only TCP reaches TCP_CONNECT_CB; any other protocol (UDP, and
	 * stream ones such as SCTP or MPTCP's own socket) is settled from what
	 * the socket shows at its next operation. */
	kind = sk->protocol == IPPROTO_TCP ? PENDING_TCP_PRE : PENDING_UDP;
	/* A TCP connect this hook cannot take is recorded by TCP_CONNECT_CB,
	 * so it is not counted lost here. */
	c.quiet_busy = kind == PENDING_TCP_PRE;
	if (!caller_call(&c, SYSQ_ACTION_CONNECT, RET_PENDING))
		return;
	/* The hook has the socket and the address the caller named: no
	 * descriptor lookup, no read of user memory, unless the address is
	 * of another family than the hook's (an AF_INET6 one given to an
	 * AF_INET socket, refused later): then it is read as given. */
	c.sk = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct sock));
	c.sk_known = 1;
	if (ctx->user_family == family)
		named_from_ctx(&c, ctx, family);
	if (build(&c)) {
		keep_pending(sk, p, c.s, kind);
	} else if (kind == PENDING_TCP_PRE) {
		p = bpf_sk_storage_get(&pending, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (p && claim(p, PENDING_EMPTY))
			put(p, PENDING_TCP_SKIP);
	}
	scratch_release(&c);
}

SEC("cgroup/connect4")
int sysq_sock_connect4(struct bpf_sock_addr *ctx)
{
	connect_pre(ctx, AF_INET);
	return 1;
}

SEC("cgroup/connect6")
int sysq_sock_connect6(struct bpf_sock_addr *ctx)
{
	connect_pre(ctx, AF_INET6);
	return 1;
}

SEC("cgroup/sock_release")
int sysq_sock_release(struct bpf_sock *ctx)
{
	struct pending *p = waiting_on(ctx);
	struct peer_view v = {};
	__u32 kind;

	if (!p)
		return 1;
	kind = kind_of(p);
	/* This hook's context may not read the local side (only post_bind
	 * may): the context is the socket itself, read as one. */
	if (is_waiting_connect(kind)) {
		view_of_sock(bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct sock)), &v);
		settle(p, &v, kind);
	} else if (kind == PENDING_SEND && claim(p, kind)) {
		/* Its send's return was never seen: lost, and no longer waiting. */
		count(SYSQ_CNT_PENDING_LOST);
		uncount(SYSQ_CNT_WAITING);
		put(p, PENDING_EMPTY);
	}
	return 1;
}

/* The socket's first send or receive after a UDP connect settles it; a
 * datagram send's own return (sent: the send tracepoint; ret: bytes, or
 * -errno) settles the send, which a receive on another thread must not. */
static __always_inline void resolve_on_io(struct sock *sk, int ret, bool sent)
{
	struct pending *p = waiting_on(sk);
	struct peer_view v = {};

	__u32 kind;

	if (!p)
		return;
	kind = kind_of(p);
	if (kind == PENDING_SEND) {
		if (!sent || !claim(p, kind))
			return;
		p->rec.ret = ret < 0 ? ret : 0;
		submit_waiting(p);
		put(p, PENDING_EMPTY);
	} else if (is_waiting_connect(kind)) {
		view_of_sock(sk, &v);
		/* A TCP socket connects once: its storage goes. */
		if (settle(p, &v, kind) && kind == PENDING_TCP_PRE)
			bpf_sk_storage_delete(&pending, sk);
	}
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(sysq_sock_send, struct sock *sk, int ret, int flags)
{
	resolve_on_io(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(sysq_sock_recv, struct sock *sk, int ret, int flags)
{
	resolve_on_io(sk, 0, false);
	return 0;
}

/* accept() that asks for the peer's address reads it through getname on
 * the new socket, which runs these hooks in the accepting process before
 * accept() returns; the new descriptor is not installed yet, and nothing
 * can fail after but copying the address out. An accept that asks for no
 * address runs no hook here (docs/bpf.md). */
static __always_inline void accept_peer(struct bpf_sock_addr *ctx, __u16 family)
{
	struct call_ctx c = {};
	struct bpf_sock *sk = ctx->sk;
	struct tcp_sock *tp;

	if (!sk)
		return;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp || !caller_call(&c, SYSQ_ACTION_ACCEPT, 0))
		return;
	c.sk = (struct sock *)tp;
	c.sk_known = 1;
	named_from_ctx(&c, ctx, family);
	if (build(&c))
		submit(&c.s->rec, c.s->rec.size);
	scratch_release(&c);
}

SEC("cgroup/getpeername4")
int sysq_sock_accept4(struct bpf_sock_addr *ctx)
{
	accept_peer(ctx, AF_INET);
	return 1;
}

SEC("cgroup/getpeername6")
int sysq_sock_accept6(struct bpf_sock_addr *ctx)
{
	accept_peer(ctx, AF_INET6);
	return 1;
}

/* A UNIX datagram's destination: the kernel's copy of the address the
 * caller named, read through the hook's context as the kernel's struct
 * (the context's own fields have no path). */
static __always_inline void unix_destination(struct call_ctx *c, struct bpf_sock_addr *ctx)
{
	struct bpf_sock_addr_kern___sysq *k =
		bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct bpf_sock_addr_kern___sysq));
	__u32 len = CLAMP(k->uaddrlen, sizeof(struct sockaddr_un___sysq));

	c->sa_read = 1;
	c->salen = len && !bpf_probe_read_kernel(c->s->data, len, k->uaddr) ? len : 0;
}

/* A datagram sent to an explicit address (sendto, sendmsg, sendmmsg on
 * an unconnected UDP socket, or naming another address): runs before the
 * send, so its record waits for the send's return on the same socket.
 * Off unless --enable_bpf_send_events. */
static __always_inline void datagram_send(struct bpf_sock_addr *ctx, __u16 family)
{
	struct bpf_sock *sk = ctx->sk;
	struct peer_view v = {};
	struct call_ctx c = {};
	struct pending *p;

	if (!sk)
		return;
	p = waiting_on(sk);
	if (p && kind_of(p) == PENDING_UDP) {
		/* A connect's record still waiting: the socket is past it. */
		view_of_bpf_sock(sk, &v);
		settle(p, &v, PENDING_UDP);
	}
	if (!caller_call(&c, SYSQ_ACTION_SEND, RET_PENDING))
		return;
	if (family == AF_UNIX)
		unix_destination(&c, ctx);
	else
		named_from_ctx(&c, ctx, family);
	if (build(&c))
		keep_pending(sk, p, c.s, PENDING_SEND);
	scratch_release(&c);
}

/* cgroup sendmsg programs decide whether the datagram goes: always yes. */
SEC("cgroup/sendmsg4")
int sysq_sock_sendmsg4(struct bpf_sock_addr *ctx)
{
	datagram_send(ctx, AF_INET);
	return 1;
}

SEC("cgroup/sendmsg6")
int sysq_sock_sendmsg6(struct bpf_sock_addr *ctx)
{
	datagram_send(ctx, AF_INET6);
	return 1;
}

/* cgroup/sendmsg_unix (kernel 6.7), which libbpf 1.1 does not know: the
 * section gives the program its type (cgroup sock_addr), and the agent
 * sets the expected attach type BPF_CGROUP_UNIX_SENDMSG by number before
 * loading and attaches it with bpf_link_create() (agent/bpf/socket_bpf.c). */
SEC("cgroup/sendmsg4")
int sysq_sock_sendmsg_unix(struct bpf_sock_addr *ctx)
{
	datagram_send(ctx, AF_UNIX);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
