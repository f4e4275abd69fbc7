/* What a socket call is, and whether the user's filters drop it: the
 * call's socket and named address, its family and service port, the UNIX
 * path a filter looks at, dedup windows, and the filters themselves,
 * each drop counted per reason. A part of socket_events.bpf.c. */
#pragma once

#include "state.h"

/* Atomic although the slot is this CPU's: a cgroup hook preempted, or
 * interrupted by a sockops callback in softirq, could otherwise lose an
 * update, and a gauge that loses one is wrong for good. */
static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/* Takes one off counter idx: the per-CPU values of a gauge such as
 * SYSQ_CNT_WAITING add up, in 64-bit wrapping arithmetic, to its value. */
static __always_inline void uncount(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		__sync_fetch_and_add(c, (__u64)-1);
}

static __always_inline __u32 action_of(long nr)
{
	switch (nr) {
	case NR_connect:
		return SYSQ_ACTION_CONNECT;
	case NR_bind:
		return SYSQ_ACTION_BIND;
	case NR_accept:
		return SYSQ_ACTION_ACCEPT;
	case NR_accept4:
		return SYSQ_ACTION_ACCEPT4;
	case NR_listen:
		return SYSQ_ACTION_LISTEN;
	}
	return 0;
}

static __always_inline bool is_accept(__u32 action)
{
	return action == SYSQ_ACTION_ACCEPT || action == SYSQ_ACTION_ACCEPT4;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* The file behind descriptor fd of the current task, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file;

	if (!fdt || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	file = fdt->fd[fd];
	return file ? bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file)) : NULL;
}

/* The socket behind descriptor fd of the current task, or NULL. The file
 * must point back at the socket, so a descriptor that is not a socket (or
 * was swapped by another thread) is not misread. This runs before the
 * filters on every socket call, so it loads through BTF pointers directly
 * (the kernel catches a fault) instead of calling a helper per field; the
 * table slot and private_data are untyped and get their types by
 * bpf_rdonly_cast. */
static __always_inline struct sock *fd_sock(struct task_struct *task, int fd)
{
	struct file *file = fd_file(task, fd);
	struct socket *sock;

	if (!file)
		return NULL;
	sock = bpf_rdonly_cast(file->private_data, bpf_core_type_id_kernel(struct socket));
	if (!sock || (__u64)sock->file != (__u64)file)
		return NULL;
	return sock->sk;
}

/* Everything known about one call while it is filtered and recorded. The
 * socket is looked up only when a filter or the record needs it. */
struct call_ctx {
	struct call call;
	struct task_struct *task;
	struct scratch *s;
	struct sock *sk;
	__u32 sk_known; /* sk was looked up, and may be NULL */
	__u32 sa_read;	/* s->data starts with the named address */
	__u32 salen;	/* its length */
	__u16 family;
	__u16 port;	 /* the port filters look at, once computed */
	__u32 collapsed; /* repeats dedup dropped before this call (its window's) */
	__u32 quiet_busy; /* a taken scratch is not counted: a later hook records the call */
};

static __always_inline struct sock *sock_of(struct call_ctx *c)
{
	int fd;

	if (c->sk_known)
		return c->sk;
	c->sk_known = 1;
	/* accept's new socket; the listening one when accept failed, so the
	 * filters still know its family and port. */
	fd = is_accept(c->call.action) && c->call.ret >= 0 ? (int)c->call.ret : (int)c->call.a0;
	if (fd >= 0 && c->call.ret != -EBADF && c->call.ret != -ENOTSOCK)
		c->sk = fd_sock(c->task, fd);
	return c->sk;
}

/* Copies the address the caller passed (connect, bind) or got back
 * (accept) into s->data, where a record starts its variable part, as
 * audit's SOCKADDR record logs it. Returns its length, 0 if there is none. */
static __always_inline __u32 read_sockaddr(const struct call *call, struct scratch *s)
{
	__u64 uaddr = call->a1;
	int len = (int)call->a2;

	if (!uaddr || call->action == SYSQ_ACTION_LISTEN)
		return 0;
	if (is_accept(call->action)) {
		if (call->ret < 0 || !call->a2 ||
		    bpf_probe_read_user(&len, sizeof(len), (void *)call->a2))
			return 0;
	}
	if (len <= 0)
		return 0;
	len = CLAMP(len, SYSQ_SOCKADDR_MAX);
	if (bpf_probe_read_user(s->data, len, (void *)uaddr))
		return 0;
	return len;
}

static __always_inline __u16 sa_family(const struct scratch *s, __u32 salen)
{
	return salen >= 2 ? *(const __u16 *)s->data : 0;
}

static __always_inline __u16 sa_port(const struct scratch *s, __u32 salen)
{
	return salen >= 4 ? ((__u16)s->data[2] << 8) | s->data[3] : 0;
}

static __always_inline bool reported_family(__u16 family)
{
	return family == AF_UNIX || family == AF_INET || family == AF_INET6;
}

/* Reading user memory costs more than everything else a filter does, so
 * the named address is read only when the socket cannot answer, or for a
 * call that is recorded. */
static __always_inline void need_sockaddr(struct call_ctx *c)
{
	if (c->sa_read)
		return;
	c->sa_read = 1;
	c->salen = read_sockaddr(&c->call, c->s);
}

/* The call's family: the socket's, else (no socket found) the named
 * address's. */
static __always_inline __u16 call_family(struct call_ctx *c)
{
	struct sock *sk = sock_of(c);
	__u16 family;

	if (sk) {
		family = sk->__sk_common.skc_family;
		/* Keeps clang from merging this load with the one below into
		 * one instruction on two kinds of pointer, which the verifier
		 * refuses. */
		barrier_var(family);
		return family;
	}
	need_sockaddr(c);
	return sa_family(c->s, c->salen);
}

/* The port filters look at: the server's port. That is the remote port of
 * a connect or a send and the local port of a bind, listen or accept, from the
 * socket once the call has set it, else from the named address. */
static __always_inline __u16 service_port(struct call_ctx *c)
{
	__u32 action = c->call.action;
	long ret = c->call.ret;
	struct sock *sk;
	__u16 port = 0;

	if (action == SYSQ_ACTION_SEND) {
		need_sockaddr(c); /* the destination, always given */
		return sa_port(c->s, c->salen);
	}
	sk = sock_of(c);
	if (action == SYSQ_ACTION_CONNECT) {
		if (sk && (ret == 0 || ret == -EINPROGRESS))
			port = bpf_ntohs(sk->__sk_common.skc_dport);
	} else if (sk && (action != SYSQ_ACTION_BIND || ret == 0)) {
		port = sk->__sk_common.skc_num;
	}
	if (port || action == SYSQ_ACTION_LISTEN || is_accept(action))
		return port;
	need_sockaddr(c);
	return sa_port(c->s, c->salen);
}

static __always_inline bool port_filtered(__u16 port)
{
	return (cfg.filters & SYSQ_FILTER_PORTS) &&
	       (port_drop[(port >> 6) & (SYSQ_PORT_WORDS - 1)] & (1ull << (port & 63)));
}

/* The UNIX path of the socket's own bound address into dst; its length. */
static __always_inline __u32 own_unix_path(struct sock *sk, void *dst)
{
	struct unix_address *ua = BPF_CORE_READ((struct unix_sock *)sk, addr);
	int full;
	__u64 len;

	if (!ua)
		return 0;
	full = BPF_CORE_READ(ua, len);
	if (full <= 2) /* sun_family only: unnamed */
		return 0;
	len = CLAMP(full - 2, SYSQ_UNIX_PATH_MAX);
	if (bpf_probe_read_kernel(dst, len,
				  (char *)ua + bpf_core_field_offset(struct unix_address, name) + 2))
		return 0;
	return len;
}

/* The UNIX path a filter looks at: the one the caller named (connect,
 * bind), else the socket's own (listen, accept), into s->prefix. */
static __always_inline void unix_filter_key(struct call_ctx *c)
{
	struct scratch *s = c->s;
	struct sock *sk;
	__u32 len = 0;

	need_sockaddr(c);
	if (c->salen > 2) {
		len = CLAMP(c->salen - 2, SYSQ_UNIX_PATH_MAX);
		bpf_probe_read_kernel(s->prefix.path, len, s->data + 2);
	} else if ((sk = sock_of(c))) {
		len = own_unix_path(sk, s->prefix.path);
	}
	s->prefix.prefixlen = len * 8;
}

/* FNV-1a of the UNIX path in s->prefix. Global, so its loop is verified
 * once rather than for every state the caller can be in. */
__noinline int unix_path_hash(struct scratch *s)
{
	__u32 h = 2166136261u, len;

	if (!s)
		return 0;
	len = s->prefix.prefixlen / 8;
	for (int i = 0; i < SYSQ_UNIX_PATH_MAX; i++) {
		if (i >= len)
			break;
		h = (h ^ s->prefix.path[i]) * 16777619u;
	}
	return (int)h;
}

/* True when the same process made the same call to the same endpoint
 * within the dedup window; the first call of a window passes and opens it,
 * taking with it the count of repeats the previous window dropped. */
static __always_inline bool deduplicated(struct call_ctx *c, __u64 window)
{
	struct sysq_dedup_key *k = &c->s->dedup;
	const __u8 *sa = c->s->data;
	__u64 now = bpf_ktime_get_boot_ns();
	struct dedup_window fresh = {}, *last;
	struct sock *sk = NULL;
	__u16 fam;

	need_sockaddr(c);
	/* The address's own family: an IPv4 address named on an IPv6 socket
	 * is keyed by that address, not by the socket's local one. */
	fam = c->salen >= 2 ? sa_family(c->s, c->salen) : c->family;
	__builtin_memset(k, 0, sizeof(*k));
	k->pid = c->task->tgid;
	k->action = c->call.action;
	k->family = c->family;
	k->port = c->port;
	if (c->family == AF_UNIX) {
		if (!c->s->prefix.prefixlen)
			unix_filter_key(c);
		__u32 h = (__u32)unix_path_hash(c->s);

		__builtin_memcpy(k->endpoint, &h, sizeof(h));
	} else if (c->salen >= 8 && fam == AF_INET) {
		__builtin_memcpy(k->endpoint, sa + 4, 4);
	} else if (c->salen >= 24 && fam == AF_INET6) {
		__builtin_memcpy(k->endpoint, sa + 8, 16);
	} else if ((sk = sock_of(c)) && c->family == AF_INET) {
		__be32 local = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		__builtin_memcpy(k->endpoint, &local, sizeof(local));
	} else if (sk && c->family == AF_INET6) {
		BPF_CORE_READ_INTO((struct sysq_in6 *)k->endpoint, sk,
				   __sk_common.skc_v6_rcv_saddr);
	}
	last = bpf_map_lookup_elem(&dedup, k);
	if (last && now - last->opened < window) {
		__sync_fetch_and_add(&last->collapsed, 1);
		return true;
	}
	c->collapsed = last ? (__u32)last->collapsed : 0;
	fresh.opened = now;
	bpf_map_update_elem(&dedup, k, &fresh, BPF_ANY);
	return false;
}

static __always_inline bool process_excluded(void)
{
	char comm[SYSQ_COMM_LEN] = {};

	bpf_get_current_comm(comm, sizeof(comm));
	return bpf_map_lookup_elem(&exclude_processes, comm) != NULL;
}

/* Applies the user's filters and counts what each drops; true when the
 * call must be dropped. An excluded process is excluded whole, so its
 * calls all count as filtered_process. Filters with no entries cost no
 * lookup. */
static __always_inline bool filtered(struct call_ctx *c)
{
	__u64 window = c->call.action == SYSQ_ACTION_SEND ? cfg.send_dedup_ns : cfg.dedup_ns;

	if ((cfg.filters & SYSQ_FILTER_PROCESSES) && process_excluded()) {
		count(SYSQ_CNT_FILTER_PROCESS);
		return true;
	}
	if (!(cfg.families & (1u << c->family))) {
		count(SYSQ_CNT_FILTER_FAMILY);
		return true;
	}
	c->s->prefix.prefixlen = 0;
	if (c->family == AF_UNIX) {
		if (cfg.filters & SYSQ_FILTER_UNIX_PREFIXES) {
			unix_filter_key(c);
			if (c->s->prefix.prefixlen &&
			    bpf_map_lookup_elem(&exclude_unix_prefixes, &c->s->prefix)) {
				count(SYSQ_CNT_FILTER_UNIX_PATH);
				return true;
			}
		}
	} else if ((cfg.filters & SYSQ_FILTER_PORTS) || window) {
		c->port = service_port(c);
		if (port_filtered(c->port)) {
			count(SYSQ_CNT_FILTER_PORT);
			return true;
		}
	}
	if (window && deduplicated(c, window)) {
		count(SYSQ_CNT_DEDUP);
		return true;
	}
	return false;
}
