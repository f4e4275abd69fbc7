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
 * every kernel sysq runs on. */
#include "sysq_core.h"
#include "sysq_socket_event.h"
#include "sysq_syscalls.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <stdbool.h>

/* bpf/CMakeLists.txt already stops on any other processor; this catches a
 * build that bypasses it. The registers are pt_regs___sysq's (sysq_core.h). */
#ifndef __TARGET_ARCH_x86
#error "x86-64 only: the socket programs match x86-64 syscall numbers and read x86-64 registers"
#endif

/* The x86-64 number of every syscall in the shared table, as NR_<name>. */
enum {
#define X(name, x86_64, i386, aarch64, arm, ppc64, s390x) NR_##name = x86_64,
	SYSQ_AUDIT_SYSCALLS(X) SYSQ_BPF_ONLY_SYSCALLS(X)
#undef X
};

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define EBADF 9
#define ENOTSOCK 88
#define EINPROGRESS 115
#define ECONNABORTED 103
#define ENOTCONN 107
#define O_NONBLOCK 04000
#define SOCK_DGRAM 2
#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
/* x86-64's kernel stack: 16 KiB, or 32 KiB with KASAN. The registers a
 * syscall saved sit at its top; syscall_regs() tells the two apart by the
 * 64-bit user segments saved there. */
#define THREAD_SIZE 16384
#define USER_CS 0x33 /* __USER_CS: a 64-bit task's code segment */
#define USER_SS 0x2b /* __USER_DS */
/* The result of a connect or send that has not returned yet: no connect
 * returns 1, and it reads as "not succeeded" to every test below (a send's
 * port and status never look at it). */
#define RET_PENDING 1
#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall */

#define PATH_SCRATCH 1024
#define PATH_END 512 /* the exe path is built backwards from here */
#define MAX_PATH_COMPONENTS 32
#define COPY_BLOCK 32

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

/* A socket call at its return: what it was and the arguments it had. */
struct call {
	__u64 a0, a1, a2;
	__u32 action;
	long ret;
};

/* The executable of a process image, as the path caches keep it. tgid,
 * exec_id, mm and exe_file tell whether it is still the same image: exec bumps
 * the exec id and gives the process a new mm, PR_SET_MM_EXE_FILE gives it
 * a new file. The exec id is there because a freed mm and file are soon
 * reused at the same addresses, so the two pointers alone could match an
 * image the process ran two execs ago. */
struct exe_entry {
	__u32 tgid;
	__u32 len;
	__u64 exec_id;
	__u64 mm;
	__u64 exe_file;
	__u32 truncated;
	char path[SYSQ_EXE_MAX];
};

/* The record is built here, then copied into the ring in one helper call
 * with exactly the bytes it uses. data follows rec directly, so the two
 * are one record in memory; the sockaddr is read straight into it. The
 * COPY_BLOCK of slack is for copy_blocks() writing whole blocks. */
struct scratch {
	struct sysq_sock_event rec;
	__u8 data[SYSQ_SOCK_EVENT_DATA_MAX + COPY_BLOCK];
	struct sysq_unix_prefix_key prefix;
	struct sysq_dedup_key dedup;
	struct exe_entry exe; /* the image this CPU recorded last */
	__u64 tick;	      /* jiffies when tick_boot_ns was read */
	__u64 tick_boot_ns;
	char path[PATH_SCRATCH];
};

/* Per process: building a path walks every dentry up to the root, far
 * more work than the rest of an event. LRU, so exited processes age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct exe_entry);
} exe_cache SEC(".maps");

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

/* Bit p set: drop calls on port p. The agent folds include_ports and
 * exclude_ports into it, so a port costs one load, not a map lookup. */
__u64 port_drop[SYSQ_PORT_WORDS];

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[SYSQ_COMM_LEN]);
	__type(value, __u8);
} exclude_processes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sysq_unix_prefix_key);
	__type(value, __u8);
} exclude_unix_prefixes SEC(".maps");

/* A dedup window: when it opened, and the repeats it dropped. */
struct dedup_window {
	__u64 opened;
	__u64 collapsed;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct sysq_dedup_key);
	__type(value, struct dedup_window);
} dedup SEC(".maps");

/* A call whose record is built but whose result is not known yet: a
 * blocking TCP connect until its socket is ESTABLISHED or CLOSE, a UDP
 * connect until the socket's next operation, a datagram send until the
 * send returns (sock_send_length, in the same call). The record is kept whole, so
 * its time and process are the call's. */
enum pending_kind {
	PENDING_TCP = 1, /* a blocking TCP connect past its SYN */
	PENDING_TCP_PRE, /* a TCP connect before the kernel chose its port */
	PENDING_TCP_SKIP, /* a TCP connect the filters dropped (and counted) */
	PENDING_UDP,
	PENDING_SEND,
};

struct pending {
	__u32 kind;
	__u32 size;
	struct sysq_sock_event rec;
	__u8 data[SYSQ_SOCK_EVENT_DATA_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

/* Not atomic: the slot is this CPU's, and the kernel never runs the
 * program twice at once on one CPU (it counts such a miss instead). */
static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		*c += 1;
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

/* The socket behind descriptor fd of the current task, or NULL. The file
 * must point back at the socket, so a descriptor that is not a socket (or
 * was swapped by another thread) is not misread. This runs before the
 * filters on every socket call, so it loads through BTF pointers directly
 * (the kernel catches a fault) instead of calling a helper per field; the
 * table slot and private_data are untyped and get their types by
 * bpf_rdonly_cast. */
static __always_inline struct sock *fd_sock(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;
	struct socket *sock;

	if (!fdt || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	file = fdt->fd[fd];
	if (!file)
		return NULL;
	file = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
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

	need_sockaddr(c);
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
	} else if (c->salen >= 8 && c->family == AF_INET) {
		__builtin_memcpy(k->endpoint, sa + 4, 4);
	} else if (c->salen >= 24 && c->family == AF_INET6) {
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

/* Builds the path of exe into s->exe, crossing mount points, as d_path()
 * would from the global root. The walk goes backwards in s->path. */
static __always_inline void build_exe_path(struct file *exe, struct scratch *s)
{
	struct exe_walk w = {.s = s, .off = PATH_END,
			     .mnt_offset = bpf_core_field_offset(struct mount, mnt)};
	struct vfsmount *vmnt;
	__u32 len;

	if (exe) {
		vmnt = BPF_CORE_READ(exe, f_path.mnt);
		w.d = BPF_CORE_READ(exe, f_path.dentry);
		w.mnt = (struct mount *)((char *)vmnt - w.mnt_offset);
		w.root = BPF_CORE_READ(vmnt, mnt_root);
		bpf_loop(MAX_PATH_COMPONENTS, exe_walk_step, &w, 0);
	}
	/* The walk keeps the path under SYSQ_EXE_MAX; the mask says so to
	 * the verifier, and the barrier stops clang from dropping it. */
	len = PATH_END - w.off;
	barrier_var(len);
	len &= SYSQ_EXE_MAX - 1;
	bpf_probe_read_kernel(s->exe.path, len, s->path + (w.off & (PATH_END - 1)));
	s->exe.len = len;
	s->exe.truncated = w.truncated;
}

static __always_inline bool same_image(const struct exe_entry *x, __u32 tgid, __u64 exec_id,
				       struct mm_struct *mm, struct file *exe)
{
	return x->tgid == tgid && x->exec_id == exec_id && x->mm == (__u64)mm &&
	       x->exe_file == (__u64)exe;
}

/* Copies the first n bytes of src (size bytes) in whole blocks of plain
 * loads and stores, so up to COPY_BLOCK - 1 bytes past n: for the few
 * dozen bytes of a path, a helper call costs more than the copy. */
static __always_inline void copy_blocks(void *dst, const void *src, __u32 n, __u32 size)
{
	for (__u32 off = 0; off < size; off += COPY_BLOCK) {
		if (off >= n)
			break;
		__builtin_memcpy(dst + off, src + off, COPY_BLOCK);
	}
}

/* The current process image's executable, left in s->exe: already there
 * when this CPU's last record was of the same image (a process making
 * calls in a loop costs no map lookup), else from the per-process cache,
 * else built and cached. Kernel threads have none (len 0). */
static __always_inline const struct exe_entry *exe_of(struct task_struct *task, struct scratch *s)
{
	struct mm_struct *mm = task->mm;
	struct file *exe = mm ? mm->exe_file : NULL;
	__u64 exec_id = task->self_exec_id;
	__u32 tgid = task->tgid;
	struct exe_entry *hit;

	if (same_image(&s->exe, tgid, exec_id, mm, exe))
		return &s->exe;
	s->exe.tgid = tgid;
	s->exe.exec_id = exec_id;
	s->exe.mm = (__u64)mm;
	s->exe.exe_file = (__u64)exe;
	hit = bpf_map_lookup_elem(&exe_cache, &tgid);
	if (hit && same_image(hit, tgid, exec_id, mm, exe)) {
		s->exe.len = CLAMP(hit->len, SYSQ_EXE_MAX - 1);
		s->exe.truncated = hit->truncated;
		copy_blocks(s->exe.path, hit->path, s->exe.len, SYSQ_EXE_MAX);
		/* Another CPU may have reused the LRU element meanwhile: the
		 * copy counts only if it is still this image's. */
		if (same_image(hit, tgid, exec_id, mm, exe))
			return &s->exe;
	}
	build_exe_path(exe, s);
	bpf_map_update_elem(&exe_cache, &tgid, &s->exe, BPF_ANY);
	return &s->exe;
}

/* The task's cgroup v2 id, as bpf_get_current_cgroup_id() gives it, by
 * direct loads; kernels whose kernfs_node has no plain id use the helper. */
static __always_inline __u64 cgroup_id_of(struct task_struct *task)
{
	struct kernfs_node *kn;

	if (!bpf_core_field_exists(struct kernfs_node, id))
		return bpf_get_current_cgroup_id();
	kn = task->cgroups->dfl_cgrp->kn;
	return kn ? kn->id : 0;
}

/* The process fields, then the executable's path appended at data[off].
 * Returns the new end of the variable part. Direct loads from the task,
 * not helpers: each helper call is a call and a return, and with the
 * kernel's return-thunk mitigations a return is not cheap. */
static __always_inline __u32 fill_process(struct scratch *s, struct task_struct *task, __u32 off)
{
	const struct exe_entry *x = exe_of(task, s);
	struct sysq_sock_event *e = &s->rec;
	const struct cred *cred = task->cred;
	__u64 len;

	e->pid = task->tgid;
	e->tid = task->pid;
	e->uid = cred->uid.val;
	e->gid = cred->gid.val;
	e->ppid = task->real_parent->tgid;
	e->auid = bpf_core_field_exists(task->loginuid) ? task->loginuid.val : 4294967295u;
	e->cgroup_id = cgroup_id_of(task);
	/* Two loads instead of a helper; the kernel keeps comm NUL-padded. */
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	len = CLAMP(x->len, SYSQ_EXE_MAX - 1);
	off = CLAMP(off, SYSQ_SOCKADDR_MAX + SYSQ_UNIX_PATH_MAX);
	copy_blocks(s->data + off, x->path, len, SYSQ_EXE_MAX);
	e->exe_len = len;
	if (x->truncated)
		e->flags |= SYSQ_EV_EXE_TRUNCATED;
	return off + len;
}

/* The socket's own fields; for a UNIX socket its bound path, appended at
 * data[off]. Returns the new end of the variable part. */
static __always_inline __u32 fill_socket(struct scratch *s, struct sock *sk, __u32 off)
{
	struct sysq_sock_event *e = &s->rec;
	/* Direct loads, like fd_sock's: no helper call per field. */
	__u16 family = sk->__sk_common.skc_family;

	e->flags |= SYSQ_EV_HAVE_SOCKET;
	e->sock_family = family;
	e->protocol = sk->sk_protocol;
	e->sock_type = sk->sk_type;
	if (family == AF_UNIX) {
		off = CLAMP(off, SYSQ_SOCKADDR_MAX);
		e->local_unix_len = own_unix_path(sk, s->data + off);
		return off + e->local_unix_len;
	}
	if (family == AF_INET) {
		__be32 local = sk->__sk_common.skc_rcv_saddr;
		__be32 peer = sk->__sk_common.skc_daddr;

		__builtin_memcpy(e->local_addr, &local, sizeof(local));
		__builtin_memcpy(e->peer_addr, &peer, sizeof(peer));
	} else if (family == AF_INET6) {
		struct sysq_in6 local = sk->__sk_common.skc_v6_rcv_saddr;
		struct sysq_in6 peer = sk->__sk_common.skc_v6_daddr;

		__builtin_memcpy(e->local_addr, &local, sizeof(local));
		__builtin_memcpy(e->peer_addr, &peer, sizeof(peer));
	} else {
		return off;
	}
	e->local_port = sk->__sk_common.skc_num;
	e->peer_port = bpf_ntohs(sk->__sk_common.skc_dport);
	e->flags |= SYSQ_EV_HAVE_LOCAL;
	if (e->peer_port)
		e->flags |= SYSQ_EV_HAVE_PEER;
	return off;
}

/* Copies the record into the ring. Only a record that takes the data
 * waiting past a multiple of wakeup_bytes (a power of two) wakes the
 * reader: waking on every record past the mark would raise an interrupt
 * per event until the reader catches up (a VM exit each, on a virtual
 * machine). The reader sleeps only once it has read the ring empty, so
 * the first mark is crossed before it waits long; if records of two CPUs
 * race past a mark unseen, the next mark or the reader's poll timeout
 * wakes it. */
static __always_inline void submit(struct sysq_sock_event *rec, __u32 size)
{
	__u64 before = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	/* The ring adds its 8-byte header and rounds up to 8 bytes. */
	__u64 after = before + ((size + 8 + 7) & ~7ull);
	__u64 flags = (before ^ after) >= cfg.wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;

	size = CLAMP(size, sizeof(*rec) + SYSQ_SOCK_EVENT_DATA_MAX);
	if (bpf_ringbuf_output(&events, rec, size, flags))
		count(SYSQ_CNT_RINGBUF_FULL);
}

/* CLOCK_BOOTTIME as of this CPU's first record in the current kernel tick
 * (jiffy): exact to a tick, as
 * audit stamps its records, and the time column counts seconds. Reading
 * the clock source serializes the CPU, which cost more than the rest of
 * a record; jiffies is one load, and tracing programs may not call
 * bpf_ktime_get_coarse_ns(). */
static __always_inline __u64 tick_boot_ns(struct scratch *s)
{
	__u64 now = bpf_jiffies64();

	if (now != s->tick || !s->tick_boot_ns) {
		s->tick = now;
		s->tick_boot_ns = bpf_ktime_get_boot_ns();
	}
	return s->tick_boot_ns;
}

/* Builds the record of a call that passed the filters in s->rec and
 * s->data (the named address is there already); e->size is its size. */
static __always_inline void record(struct call_ctx *c)
{
	struct sock *sk = sock_of(c);
	struct scratch *s = c->s;
	struct sysq_sock_event *e = &s->rec;
	__u32 end;

	need_sockaddr(c);
	__builtin_memset(e, 0, sizeof(*e));
	e->version = SYSQ_SOCK_EVENT_VERSION;
	e->action = c->call.action;
	e->family = c->family;
	e->ret = c->call.ret;
	e->fd = (int)c->call.a0;
	e->collapsed = c->collapsed;
	e->boot_ns = tick_boot_ns(s);
	end = CLAMP(c->salen, SYSQ_SOCKADDR_MAX);
	e->sockaddr_len = end;
	if (sk)
		end = fill_socket(s, sk, end);
	end = fill_process(s, c->task, end);
	end = CLAMP(end, SYSQ_SOCK_EVENT_DATA_MAX);
	e->size = sizeof(*e) + end;
}

/* The scratch of the current call, or NULL when the caller's calls are
 * not reported: 32-bit syscalls (other numbers, other registers) and the
 * agent's own. */
static __always_inline struct scratch *caller_scratch(struct task_struct *task)
{
	__u32 zero = 0;

	if (bpf_core_field_exists(task->thread_info) && (task->thread_info.status & TS_COMPAT))
		return NULL;
	if ((__u32)task->tgid == cfg.self_tgid)
		return NULL;
	return bpf_map_lookup_elem(&scratch_map, &zero);
}

/* Filters the call in c and builds its record in c->s; false when the
 * call is not reported (the filter that dropped it counted it). */
static __always_inline bool build(struct call_ctx *c)
{
	c->family = call_family(c);
	if (!reported_family(c->family) || filtered(c))
		return false;
	record(c);
	return true;
}

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
	c.s = caller_scratch(c.task);
	if (!c.s)
		return 0;
	c.call.a0 = regs->di;
	c.call.a1 = regs->si;
	c.call.a2 = regs->dx;
	c.call.ret = ret;
	if (build(&c))
		submit(&c.s->rec, c.s->rec.size);
	return 0;
}

/* ---- The default set: hooks that run only for socket operations. ---- */

/* The registers saved at byte `size` of the task's kernel stack, when
 * they are a 64-bit syscall's; else NULL. Read through an untrusted
 * pointer, so a wrong guess reads a stray word, never faults. */
static __always_inline struct pt_regs___sysq *regs_at(struct task_struct *task, __u64 size)
{
	__u64 top = (__u64)task->stack + size;
	struct pt_regs___sysq *regs =
		bpf_rdonly_cast((void *)(top - bpf_core_type_size(struct pt_regs___sysq)),
				bpf_core_type_id_kernel(struct pt_regs___sysq));

	return regs->cs == USER_CS && regs->ss == USER_SS ? regs : NULL;
}

/* The registers the current syscall's entry saved at the top of the
 * task's kernel stack (x86-64 task_pt_regs()), whichever size the stack
 * is; NULL for a kernel thread or a 32-bit syscall. */
static __always_inline struct pt_regs___sysq *syscall_regs(struct task_struct *task)
{
	struct pt_regs___sysq *regs = regs_at(task, THREAD_SIZE);

	return regs ? regs : regs_at(task, 2 * THREAD_SIZE);
}

static __always_inline bool is_send(long nr)
{
	return nr == NR_sendto || nr == NR_sendmsg || nr == NR_sendmmsg;
}

/* Fills c for the syscall the caller is in, when it is `want` (accept
 * stands for accept4 too), with `ret` as its result. False otherwise: a
 * hook reached from elsewhere (io_uring, a kernel socket, getpeername
 * itself) is not that call. */
static __always_inline bool caller_call(struct call_ctx *c, __u32 want, long ret)
{
	struct pt_regs___sysq *regs;

	c->task = bpf_get_current_task_btf();
	c->s = caller_scratch(c->task);
	if (!c->s)
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
	return true;
}

/* A call that has succeeded by the time its hook runs: recorded now. */
static __always_inline void record_done(__u32 action)
{
	struct call_ctx c = {};

	if (caller_call(&c, action, 0) && build(&c))
		submit(&c.s->rec, c.s->rec.size);
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

/* Keeps the record built in s until the call's result is known. A record
 * that finds no room for its socket storage is counted as lost. */
static __always_inline void keep_pending(struct bpf_sock *sk, struct scratch *s, __u32 kind)
{
	struct pending *p = bpf_sk_storage_get(&pending, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	__u32 size = CLAMP(s->rec.size, sizeof(s->rec) + SYSQ_SOCK_EVENT_DATA_MAX);

	if (!p) {
		count(SYSQ_CNT_PENDING_LOST);
		return;
	}
	p->kind = kind;
	p->size = size;
	bpf_probe_read_kernel(&p->rec, size, &s->rec);
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
	submit(&p->rec, p->size);
}

/* A waiting connect settled at the socket's next operation: a UDP one by
 * what the socket shows; a TCP one that never reached its SYN failed (the
 * kernel returned its error before; the error itself is not seen). */
static __always_inline void settle(struct pending *p, const struct peer_view *v)
{
	if (p->kind == PENDING_UDP) {
		resolve_udp(p, v);
	} else if (p->kind == PENDING_TCP_PRE) {
		p->rec.ret = -ENOTCONN;
		submit(&p->rec, p->size);
	}
}

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

	if (p->kind == PENDING_TCP_SKIP) {
		bpf_sk_storage_delete(&pending, sk);
		return;
	}
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
		submit(&p->rec, p->size);
		bpf_sk_storage_delete(&pending, sk);
		return;
	}
	p->kind = PENDING_TCP;
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
}

/* TCP_CONNECT_CB, inside connect() once the local port is chosen: a
 * non-blocking connect returns EINPROGRESS from here; a blocking one waits
 * for the handshake, so its record waits for the state change. */
static __always_inline void tcp_connect(struct bpf_sock_ops *skops)
{
	struct call_ctx c = {};
	struct file *file;
	struct bpf_sock *sk = skops->sk;
	struct pending *p;

	if (!sk)
		return;
	p = bpf_sk_storage_get(&pending, sk, 0, 0);
	if (p && (p->kind == PENDING_TCP_PRE || p->kind == PENDING_TCP_SKIP)) {
		tcp_connect_after_pre(skops, sk, p);
		return;
	}
	if (!caller_call(&c, SYSQ_ACTION_CONNECT, RET_PENDING))
		return;
	file = fd_file(c.task, (int)c.call.a0);
	if (!file)
		return;
	if (file->f_flags & O_NONBLOCK) {
		c.call.ret = -EINPROGRESS;
		if (build(&c))
			submit(&c.s->rec, c.s->rec.size);
		return;
	}
	if (!build(&c))
		return;
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
	keep_pending(sk, c.s, PENDING_TCP);
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
	p = bpf_sk_storage_get(&pending, sk, 0, 0);
	if (!p || p->kind != PENDING_TCP)
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
	submit(&p->rec, p->size);
	bpf_sk_storage_delete(&pending, sk);
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

/* Before a connect: the record is built now, with the call's time and
 * process, and waits in socket storage for the result: a UDP one until the
 * socket's next operation, a TCP one until TCP_CONNECT_CB (or, when the
 * connect fails before its SYN, the socket's next operation). A TCP
 * connect the filters drop leaves a mark, so TCP_CONNECT_CB neither
 * builds nor counts it again. */
static __always_inline void connect_pre(struct bpf_sock_addr *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	struct peer_view v = {};
	struct call_ctx c = {};
	struct pending *p;
	__u32 kind;

	if (!sk)
		return;
	p = bpf_sk_storage_get(&pending, sk, 0, 0);
	if (p && (p->kind == PENDING_UDP || p->kind == PENDING_TCP_PRE)) {
		/* The socket's previous connect: its state is still that one's. */
		view_of_bpf_sock(sk, &v);
		settle(p, &v);
		bpf_sk_storage_delete(&pending, sk);
	}
	if (!caller_call(&c, SYSQ_ACTION_CONNECT, RET_PENDING))
		return;
	kind = sk->type == SOCK_DGRAM ? PENDING_UDP : PENDING_TCP_PRE;
	if (build(&c)) {
		keep_pending(sk, c.s, kind);
	} else if (kind == PENDING_TCP_PRE) {
		p = bpf_sk_storage_get(&pending, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (p)
			p->kind = PENDING_TCP_SKIP;
	}
}

SEC("cgroup/connect4")
int sysq_sock_connect4(struct bpf_sock_addr *ctx)
{
	connect_pre(ctx);
	return 1;
}

SEC("cgroup/connect6")
int sysq_sock_connect6(struct bpf_sock_addr *ctx)
{
	connect_pre(ctx);
	return 1;
}

SEC("cgroup/sock_release")
int sysq_sock_release(struct bpf_sock *ctx)
{
	struct pending *p = bpf_sk_storage_get(&pending, ctx, 0, 0);
	struct peer_view v = {};

	/* This hook's context may not read the local side (only post_bind
	 * may): the context is the socket itself, read as one. */
	if (p && (p->kind == PENDING_UDP || p->kind == PENDING_TCP_PRE)) {
		view_of_sock(bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct sock)), &v);
		settle(p, &v);
	}
	return 1;
}

/* The socket's first send or receive after a UDP connect settles it; a
 * datagram send's own return settles the send (ret: bytes, or -errno). */
static __always_inline void resolve_on_io(struct sock *sk, int ret)
{
	struct pending *p = bpf_sk_storage_get(&pending, sk, 0, 0);
	struct peer_view v = {};

	if (!p)
		return;
	if (p->kind == PENDING_SEND) {
		p->rec.ret = ret < 0 ? ret : 0;
		submit(&p->rec, p->size);
	} else if (p->kind == PENDING_UDP || p->kind == PENDING_TCP_PRE) {
		view_of_sock(sk, &v);
		settle(p, &v);
	} else {
		return;
	}
	bpf_sk_storage_delete(&pending, sk);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(sysq_sock_send, struct sock *sk, int ret, int flags)
{
	resolve_on_io(sk, ret);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(sysq_sock_recv, struct sock *sk, int ret, int flags)
{
	resolve_on_io(sk, 0);
	return 0;
}

/* The address of a sock_addr hook (accept's peer, a send's destination)
 * as a sockaddr in s->data, the form a record's address takes. */
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

	if (!sk || !caller_call(&c, SYSQ_ACTION_ACCEPT, 0))
		return;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return;
	c.sk = (struct sock *)tp;
	c.sk_known = 1;
	named_from_ctx(&c, ctx, family);
	if (build(&c))
		submit(&c.s->rec, c.s->rec.size);
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
	p = bpf_sk_storage_get(&pending, sk, 0, 0);
	if (p && p->kind == PENDING_UDP) {
		/* A connect's record still waiting: the socket is past it. */
		view_of_bpf_sock(sk, &v);
		resolve_udp(p, &v);
		bpf_sk_storage_delete(&pending, sk);
	}
	if (!caller_call(&c, SYSQ_ACTION_SEND, RET_PENDING))
		return;
	if (family == AF_UNIX)
		unix_destination(&c, ctx);
	else
		named_from_ctx(&c, ctx, family);
	if (build(&c))
		keep_pending(sk, c.s, PENDING_SEND);
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
