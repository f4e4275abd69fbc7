/* socket_events.bpf.c's shared state: the syscall numbers and constants
 * it matches, the settings the agent writes, the per-call scratch and
 * every map. A part of that one program, split out by purpose; the
 * headers of bpf/socket/ build on each other in the order state, call,
 * record, waiting, and only socket_events.bpf.c includes them. */
#pragma once

#include "sysq_core.h"
#include "sysq_path.h"
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

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* The task's root, which the executable's path is relative to. The ___sock
 * flavors name the same kernel types (CO-RE ignores the suffix) without
 * redeclaring sysq_core.h's. */
struct fs_struct___sock {
	struct path root;
};

struct task_struct___sock {
	struct fs_struct___sock *fs;
};

/* Whether the socket has BPF storage at all (waiting.h's has_storage()). */
struct sock___sock {
	void *sk_bpf_storage;
};

#pragma clang attribute pop

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
#define IPPROTO_TCP 6
#define TCP_ESTABLISHED 1
#define TCP_CLOSE 7
/* x86-64's kernel stack: 16 KiB, or 32 KiB with KASAN. The registers a
 * syscall saved sit at its top; syscall_regs() tells the two apart by the
 * 64-bit user segments saved there. */
#define THREAD_SIZE 16384
/* TOP_OF_KERNEL_STACK_PADDING of a kernel built with FRED: the saved
 * registers end this far below the top of the stack. */
#define FRED_STACK_PADDING 16
#define USER_CS 0x33 /* __USER_CS: a 64-bit task's code segment */
#define USER_SS 0x2b /* __USER_DS */
/* The result of a connect or send that has not returned yet: no connect
 * returns 1, and it reads as "not succeeded" to every test below (a send's
 * port and status never look at it). */
#define RET_PENDING 1

#define COPY_BLOCK 32

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
/* What tells one process image from another: the exec count is there
 * because a freed mm and file are soon reused at the same addresses, the
 * root because the path is relative to it (a chroot changes it). */
struct image_id {
	__u64 exec_id;
	__u64 mm;
	__u64 exe_file;
	__u64 root_dentry;
	__u64 root_mnt;
	__u32 tgid;
	__u32 pad;
};

struct exe_entry {
	struct image_id id;
	__u32 len;
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
	char path[SYSQ_PATH_BUF]; /* where the executable's path is built */
	__u32 busy; /* a program is building a record here (take_scratch) */
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
	/* One CPU is writing, settling or displacing the record (claim()):
	 * the send and receive tracepoints run without the socket's lock, so
	 * two CPUs can reach one socket's slot at once. */
	PENDING_BUSY,
};

/* A settled UDP connect or send leaves its storage in place, empty
 * (kind 0), for the socket's next one: a datagram socket may connect or
 * send to a named address per call, and freeing and allocating storage
 * each time (an allocation, a memory-cgroup charge and an RCU free) cost
 * more than the rest of the record. A TCP socket connects once, so its
 * storage is deleted when settled. What stays is freed with the socket. */
#define PENDING_EMPTY 0

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
