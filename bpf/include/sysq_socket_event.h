/* The contract between the socket BPF programs and the agent: the record
 * each program writes to the ring buffer, the filter settings the agent
 * writes into maps, and the index of every in-kernel drop counter.
 *
 * Included by both sides, so it uses only fixed-size uapi types. The agent
 * treats every record as untrusted input all the same (socket_decode.c):
 * version, size and every length are checked before use. */
#pragma once

#include <linux/types.h>

#define SYSQ_SOCK_EVENT_VERSION 4
#define SYSQ_SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */
#define SYSQ_UNIX_PATH_MAX 108
#define SYSQ_EXE_MAX 256
#define SYSQ_COMM_LEN 16

enum sysq_sock_action {
	SYSQ_ACTION_CONNECT = 1,
	SYSQ_ACTION_BIND,
	SYSQ_ACTION_ACCEPT,
	SYSQ_ACTION_ACCEPT4,
	SYSQ_ACTION_LISTEN,
	SYSQ_ACTION_SEND, /* a datagram sent to an explicit address (sendto, sendmsg, sendmmsg) */
};

/* sysq_sock_event.flags */
#define SYSQ_EV_HAVE_SOCKET 0x01 /* protocol, type and the socket's own side are set */
#define SYSQ_EV_HAVE_LOCAL 0x02	 /* local_addr/local_port (inet) */
#define SYSQ_EV_HAVE_PEER 0x04	 /* peer_addr/peer_port (inet) */
#define SYSQ_EV_EXE_TRUNCATED 0x08

/* A record is this header followed by its variable part, packed in this
 * order: sockaddr_len bytes of the address the caller passed or got back,
 * local_unix_len bytes of the socket's own sun_path, exe_len bytes of the
 * executable's path (no NUL). size is the whole record, header included,
 * so a record costs the ring only the bytes it uses. */
struct sysq_sock_event {
	__u16 version;
	__u16 size;
	__u8 action; /* enum sysq_sock_action */
	__u8 flags;
	__u16 family; /* the named address's; the socket's when the call named none */
	__u16 protocol;
	__u16 sock_type;
	__u16 local_port; /* host byte order */
	__u16 peer_port;
	__u64 boot_ns; /* CLOCK_BOOTTIME at the call's return, exact to a kernel tick */
	__u64 cgroup_id;
	__s64 ret; /* the syscall's return value, or -errno */
	__s32 fd;  /* the descriptor the call was made on */
	__u32 pid; /* thread group id */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 auid; /* loginuid; 4294967295 when unset */
	__u16 sockaddr_len;
	__u16 local_unix_len;
	__u16 exe_len;
	__u16 sock_family; /* the socket's own: local_addr and peer_addr are of it */
	__u8 local_addr[16];
	__u8 peer_addr[16];
	char comm[SYSQ_COMM_LEN];
	/* send: repeats of it (same process, family and endpoint) the kernel
	 * dropped within the send dedup window since the previous record of
	 * that endpoint. Also keeps the variable part 8-byte aligned. */
	__u32 collapsed;
};

/* The most the variable part can hold. */
#define SYSQ_SOCK_EVENT_DATA_MAX (SYSQ_SOCKADDR_MAX + SYSQ_UNIX_PATH_MAX + SYSQ_EXE_MAX)

/* Index of each in-kernel counter in the per-CPU counters map. */
enum sysq_bpf_counter {
	SYSQ_CNT_FILTER_FAMILY,
	SYSQ_CNT_FILTER_PORT,
	SYSQ_CNT_FILTER_UNIX_PATH,
	SYSQ_CNT_FILTER_PROCESS,
	SYSQ_CNT_DEDUP,
	SYSQ_CNT_RINGBUF_FULL,
	SYSQ_CNT_PENDING_LOST, /* a call's record found no socket storage to wait in */
	SYSQ_CNT_SCRATCH_BUSY, /* a hook found its CPU's scratch taken (take_scratch) */
	/* Not a loss: +1 per record put to wait in socket storage, -1 per one
	 * that leaves it (settled, or displaced and counted lost), so the sum
	 * over CPUs is how many wait now. */
	SYSQ_CNT_WAITING,
	SYSQ_CNT_COUNT,
};

/* sysq_sock_settings.filters: which filter maps have entries, so the
 * programs look only into those. */
#define SYSQ_FILTER_PORTS 0x01 /* port_drop has bits set */
#define SYSQ_FILTER_UNIX_PREFIXES 0x02
#define SYSQ_FILTER_PROCESSES 0x04

/* The port_drop bitmap: one bit per port. */
#define SYSQ_PORT_WORDS (65536 / 64)

/* The programs' read-only settings, written by the agent before loading. */
struct sysq_sock_settings {
	__u32 families; /* bit (1 << family) for each family to capture */
	__u32 filters;	/* SYSQ_FILTER_* */
	__u32 self_tgid;     /* the agent: its own sockets are not events */
	__u32 wakeup_bytes;  /* a power of two: wake the reader at each multiple waiting */
	__u64 dedup_ns;	     /* 0: no dedup */
	__u64 send_dedup_ns; /* the same for sends; 0: none */
};

/* Key of the UNIX path prefix LPM trie: prefixlen counts bits. */
struct sysq_unix_prefix_key {
	__u32 prefixlen;
	__u8 path[SYSQ_UNIX_PATH_MAX];
};

/* Key of the dedup LRU map: one entry per (process, action, endpoint).
 * Its value: when the window opened, and the repeats dropped since. */
struct sysq_dedup_key {
	__u32 pid;
	__u16 action;
	__u16 family;
	__u16 port;
	__u16 pad;
	__u8 endpoint[16]; /* IP address, or a hash of the UNIX path */
};
