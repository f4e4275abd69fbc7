/* socket_events from BPF: connect, bind, accept, accept4 and listen.
 *
 * sys_enter remembers the arguments of a socket call per thread; sys_exit
 * reads the result, the address the caller passed or got back, and the
 * socket itself (protocol, type, both sides), applies the user's filters
 * and only then writes a record to the ring buffer. Everything a filter
 * drops is counted per reason. Records are submitted without a wakeup
 * until wakeup_bytes are waiting, so the agent wakes per batch and drains
 * the rest on its poll timeout. Raw tracepoints (tp_btf) are used because
 * fentry and BPF-LSM are not available on every kernel sysq runs on. */
#include "sysq_core.h"
#include "sysq_socket_event.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <stdbool.h>

#ifndef __TARGET_ARCH_x86
#error "the socket programs read x86-64 syscall numbers and registers"
#endif

#define NR_connect 42
#define NR_accept 43
#define NR_bind 49
#define NR_listen 50
#define NR_accept4 288

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define EBADF 9
#define ENOTSOCK 88

#define PATH_SCRATCH 1024
#define PATH_END 512 /* the exe path is built backwards from here */
#define MAX_PATH_COMPONENTS 32

/* A length clamped in a 64-bit register: clang 14 otherwise clamps a
 * 32-bit copy and passes the unclamped one, which the verifier rejects. */
#define CLAMP(n, max)                                                                              \
	({                                                                                         \
		__u64 __n = (n);                                                                   \
		if (__n > (max))                                                                   \
			__n = (max);                                                               \
		barrier_var(__n);                                                                  \
		__n;                                                                               \
	})

const volatile struct sysq_sock_settings cfg;

struct pending_call {
	__u64 a0, a1, a2;
	__u32 action;
};

struct scratch {
	__u8 sa[SYSQ_SOCKADDR_MAX];
	struct sysq_unix_prefix_key prefix;
	struct sysq_dedup_key dedup;
	char path[PATH_SCRATCH];
};

/* LRU: a thread killed inside a blocking accept never reaches sys_exit,
 * and its entry must not stay forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_call);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* the agent sets --bpf_ring_buffer_size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYSQ_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} include_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} exclude_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[SYSQ_COMM_LEN]);
	__type(value, __u8);
} exclude_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sysq_unix_prefix_key);
	__type(value, __u8);
} exclude_unix_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct sysq_dedup_key);
	__type(value, __u64);
} dedup SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
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

SEC("tp_btf/sys_enter")
int BPF_PROG(sysq_sock_enter, struct pt_regs___sysq *regs, long id)
{
	__u32 action = action_of(id);
	__u64 pid_tgid;
	char comm[SYSQ_COMM_LEN] = {};
	struct pending_call call = {};

	if (!action)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	if ((__u32)(pid_tgid >> 32) == cfg.self_tgid)
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	if (bpf_map_lookup_elem(&exclude_comms, comm)) {
		count(SYSQ_CNT_FILTER_COMM);
		return 0;
	}
	call.action = action;
	call.a0 = BPF_CORE_READ(regs, di);
	call.a1 = BPF_CORE_READ(regs, si);
	call.a2 = BPF_CORE_READ(regs, dx);
	if (bpf_map_update_elem(&pending, &pid_tgid, &call, BPF_ANY))
		count(SYSQ_CNT_PENDING_FULL);
	return 0;
}

/* The socket behind descriptor fd of the current task, or NULL. The file
 * must point back at the socket, so a descriptor that is not a socket (or
 * was swapped by another thread) is not misread. */
static __always_inline struct sock *fd_sock(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **table;
	struct file *file = NULL;
	struct socket *sock;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	table = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &table[fd]) || !file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/* Copies the address the caller passed (connect, bind) or got back
 * (accept) into s->sa, as audit's SOCKADDR record logs it. Returns its
 * length, 0 if there is none. */
static __always_inline __u32 read_sockaddr(const struct pending_call *call, long ret,
					   struct scratch *s)
{
	__u64 uaddr = call->a1;
	int len = (int)call->a2;

	if (!uaddr || call->action == SYSQ_ACTION_LISTEN)
		return 0;
	if (is_accept(call->action)) {
		if (ret < 0 || !call->a2 ||
		    bpf_probe_read_user(&len, sizeof(len), (void *)call->a2))
			return 0;
	}
	if (len <= 0)
		return 0;
	len = CLAMP(len, SYSQ_SOCKADDR_MAX);
	if (bpf_probe_read_user(s->sa, len, (void *)uaddr))
		return 0;
	return len;
}

static __always_inline __u16 sa_family(const struct scratch *s, __u32 salen)
{
	return salen >= 2 ? *(const __u16 *)s->sa : 0;
}

static __always_inline __u16 sa_port(const struct scratch *s, __u32 salen)
{
	return salen >= 4 ? ((__u16)s->sa[2] << 8) | s->sa[3] : 0;
}

/* The port filters look at: the server's port. That is the remote port of
 * a connect and the local port of a bind, listen or accept. */
static __always_inline __u16 service_port(__u32 action, struct sock *sk, const struct scratch *s,
					  __u32 salen)
{
	__u16 port = 0;

	if (action == SYSQ_ACTION_CONNECT || action == SYSQ_ACTION_BIND)
		port = sa_port(s, salen);
	if (!port && action != SYSQ_ACTION_CONNECT && sk)
		port = BPF_CORE_READ(sk, __sk_common.skc_num);
	return port;
}

static __always_inline bool port_filtered(__u16 port)
{
	if (cfg.include_ports && !bpf_map_lookup_elem(&include_ports, &port))
		return true;
	return bpf_map_lookup_elem(&exclude_ports, &port) != NULL;
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
static __always_inline void unix_filter_key(struct sock *sk, struct scratch *s, __u32 salen)
{
	__u32 len = 0;

	if (salen > 2) {
		len = CLAMP(salen - 2, SYSQ_UNIX_PATH_MAX);
		bpf_probe_read_kernel(s->prefix.path, len, s->sa + 2);
	} else if (sk) {
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
 * within the dedup window; the first call of a window passes and opens it. */
static __always_inline bool deduplicated(__u32 action, __u16 family, __u16 port, struct sock *sk,
					 struct scratch *s, __u32 salen)
{
	struct sysq_dedup_key *k = &s->dedup;
	__u64 now = bpf_ktime_get_boot_ns();
	__u64 *last;

	__builtin_memset(k, 0, sizeof(*k));
	k->pid = bpf_get_current_pid_tgid() >> 32;
	k->action = action;
	k->family = family;
	k->port = port;
	if (family == AF_UNIX) {
		__u32 h = (__u32)unix_path_hash(s);

		__builtin_memcpy(k->endpoint, &h, sizeof(h));
	} else if (salen >= 8 && family == AF_INET) {
		__builtin_memcpy(k->endpoint, s->sa + 4, 4);
	} else if (salen >= 24 && family == AF_INET6) {
		__builtin_memcpy(k->endpoint, s->sa + 8, 16);
	} else if (sk && family == AF_INET) {
		__be32 local = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		__builtin_memcpy(k->endpoint, &local, sizeof(local));
	} else if (sk && family == AF_INET6) {
		BPF_CORE_READ_INTO((struct sysq_in6 *)k->endpoint, sk,
				   __sk_common.skc_v6_rcv_saddr);
	}
	last = bpf_map_lookup_elem(&dedup, k);
	if (last && now - *last < cfg.dedup_ns)
		return true;
	bpf_map_update_elem(&dedup, k, &now, BPF_ANY);
	return false;
}

/* Applies the user's filters; true when the call must be dropped. */
static __always_inline bool filtered(__u32 action, __u16 family, struct sock *sk,
				     struct scratch *s, __u32 salen)
{
	__u16 port = 0;

	if (!(cfg.families & (1u << family))) {
		count(SYSQ_CNT_FILTER_FAMILY);
		return true;
	}
	if (family == AF_UNIX) {
		unix_filter_key(sk, s, salen);
		if (s->prefix.prefixlen &&
		    bpf_map_lookup_elem(&exclude_unix_prefixes, &s->prefix)) {
			count(SYSQ_CNT_FILTER_UNIX_PATH);
			return true;
		}
	} else {
		port = service_port(action, sk, s, salen);
		if (port_filtered(port)) {
			count(SYSQ_CNT_FILTER_PORT);
			return true;
		}
	}
	if (cfg.dedup_ns && deduplicated(action, family, port, sk, s, salen)) {
		count(SYSQ_CNT_DEDUP);
		return true;
	}
	return false;
}

/* State of the walk from the executable's dentry up to the root. */
struct exe_walk {
	struct dentry *d;
	struct dentry *root; /* of the current mount */
	struct mount *mnt;
	struct scratch *s;
	__u64 mnt_offset; /* of struct vfsmount inside struct mount */
	__u32 off;	  /* the path starts at s->path[off] */
	__u32 truncated;
};

/* One step up: a path component, or a hop from a mount's root to its
 * mount point. Returns 1 to stop. A bpf_loop() callback, so the verifier
 * checks one step instead of every combination of steps. */
static long exe_walk_step(__u64 index, void *arg)
{
	/* Locals, not w->...: BPF_CORE_READ would relocate struct exe_walk. */
	struct exe_walk *w = arg;
	struct dentry *d = w->d;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	const unsigned char *name;
	__u32 len, off = w->off;

	if (d == w->root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt)
			return 1; /* the root of the mount tree */
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	if (len + 1 > off - (PATH_END - (SYSQ_EXE_MAX - 1))) {
		w->truncated = 1;
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(w->s->path + (off & (PATH_END - 1)), len & (SYSQ_EXE_MAX - 1), name);
	off -= 1;
	w->s->path[off & (PATH_END - 1)] = '/';
	w->off = off;
	w->d = parent;
	return 0;
}

/* Builds the executable's path backwards in s->path, crossing mount
 * points, as d_path() would from the global root. */
static __always_inline void build_exe_path(struct task_struct *task, struct exe_walk *w)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct vfsmount *vmnt;

	if (!exe)
		return;
	vmnt = BPF_CORE_READ(exe, f_path.mnt);
	w->d = BPF_CORE_READ(exe, f_path.dentry);
	w->mnt = (struct mount *)((char *)vmnt - w->mnt_offset);
	w->root = BPF_CORE_READ(vmnt, mnt_root);
	bpf_loop(MAX_PATH_COMPONENTS, exe_walk_step, w, 0);
}

static __always_inline void fill_process(struct sysq_sock_event *e, struct task_struct *task,
					 struct scratch *s)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct exe_walk w = {.s = s, .off = PATH_END,
			     .mnt_offset = bpf_core_field_offset(struct mount, mnt)};
	__u32 off, len;

	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)uid_gid;
	e->gid = uid_gid >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->auid = bpf_core_field_exists(task->loginuid) ? BPF_CORE_READ(task, loginuid.val)
							: 4294967295u;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	build_exe_path(task, &w);
	if (w.truncated)
		e->flags |= SYSQ_EV_EXE_TRUNCATED;
	off = w.off;
	/* build_exe_path keeps the path under SYSQ_EXE_MAX; the mask says so
	 * to the verifier, and the barrier stops clang from dropping it. */
	len = PATH_END - off;
	barrier_var(len);
	len &= SYSQ_EXE_MAX - 1;
	bpf_probe_read_kernel(e->exe, len, s->path + (off & (PATH_END - 1)));
	e->exe_len = len;
}

static __always_inline void fill_socket(struct sysq_sock_event *e, struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	e->flags |= SYSQ_EV_HAVE_SOCKET;
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	if (family == AF_UNIX) {
		e->local_unix_len = own_unix_path(sk, e->local_unix);
		return;
	}
	/* BPF_CORE_READ_INTO reads sizeof(*dst) bytes: pass whole objects. */
	if (family == AF_INET) {
		__be32 local = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 peer = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		__builtin_memcpy(e->local_addr, &local, sizeof(local));
		__builtin_memcpy(e->peer_addr, &peer, sizeof(peer));
	} else if (family == AF_INET6) {
		BPF_CORE_READ_INTO((struct sysq_in6 *)e->local_addr, sk,
				   __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO((struct sysq_in6 *)e->peer_addr, sk, __sk_common.skc_v6_daddr);
	} else {
		return;
	}
	e->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->peer_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->flags |= SYSQ_EV_HAVE_LOCAL;
	if (e->peer_port)
		e->flags |= SYSQ_EV_HAVE_PEER;
}

static __always_inline void copy_sockaddr(struct sysq_sock_event *e, const struct scratch *s,
					  __u32 salen)
{
	__u64 n = CLAMP(salen, SYSQ_SOCKADDR_MAX);

	bpf_probe_read_kernel(e->sockaddr, n, s->sa);
	e->sockaddr_len = n;
}

static __always_inline bool reported_family(__u16 family)
{
	return family == AF_UNIX || family == AF_INET || family == AF_INET6;
}

static __always_inline int handle_call(const struct pending_call *call, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	/* accept's new socket; the listening one when accept failed, so the
	 * filters still know its family and port. */
	int sock_fd = is_accept(call->action) && ret >= 0 ? (int)ret : (int)call->a0;
	struct sock *sk = NULL;
	struct sysq_sock_event *e;
	struct scratch *s;
	__u32 zero = 0, salen;
	__u16 family;

	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return 0;
	if (sock_fd >= 0 && ret != -EBADF && ret != -ENOTSOCK)
		sk = fd_sock(task, sock_fd);
	salen = read_sockaddr(call, ret, s);
	family = sk ? BPF_CORE_READ(sk, __sk_common.skc_family) : sa_family(s, salen);
	if (!reported_family(family) || filtered(call->action, family, sk, s, salen))
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(SYSQ_CNT_RINGBUF_FULL);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->version = SYSQ_SOCK_EVENT_VERSION;
	e->size = sizeof(*e);
	e->action = call->action;
	e->family = family;
	e->ret = ret;
	e->fd = (int)call->a0;
	e->boot_ns = bpf_ktime_get_boot_ns();
	copy_sockaddr(e, s, salen);
	if (sk)
		fill_socket(e, sk);
	fill_process(e, task, s);
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg.wakeup_bytes
				      ? BPF_RB_FORCE_WAKEUP
				      : BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sysq_sock_exit, struct pt_regs___sysq *regs, long ret)
{
	struct pending_call *p, call;
	__u64 pid_tgid;

	/* Every syscall of every process passes here: reject the others
	 * before touching a map. */
	if (!action_of(BPF_CORE_READ(regs, orig_ax)))
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	p = bpf_map_lookup_elem(&pending, &pid_tgid);
	if (!p)
		return 0;
	call = *p;
	bpf_map_delete_elem(&pending, &pid_tgid);
	return handle_call(&call, ret);
}

char LICENSE[] SEC("license") = "GPL";
