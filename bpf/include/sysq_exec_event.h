/* The contract between the exec BPF program (bpf/process_events.bpf.c)
 * and the agent (agent/bpf/exec_bpf.c, exec_decode.c): the records the
 * program writes to its ring buffer, one for every exec it keeps and,
 * when the agent loads those hooks, one for each fork, exit and kill; the
 * settings the agent writes before loading, and the index of each
 * in-kernel counter. Every record starts with version, kind and size.
 *
 * Included by both sides, so it uses only fixed-size uapi types. The agent
 * still treats every record as untrusted input (exec_decode.c): version,
 * size and every length are checked before use. */
#pragma once

#include <linux/types.h>

#define SYSQ_EXEC_EVENT_VERSION 2

/* The kind of a record, after its version. */
enum sysq_exec_kind {
	SYSQ_KIND_EXEC = 1, /* struct sysq_exec_event */
	SYSQ_KIND_FORK,	    /* struct sysq_life_event, from sched_process_fork */
	SYSQ_KIND_EXIT,	    /* struct sysq_life_event, from sched_process_exit */
	SYSQ_KIND_KILL,	    /* struct sysq_life_event, from signal_generate */
};
/* The most argument bytes a record carries: arguments past this are cut
 * and the record says so (overflows = 'argv'). */
#define SYSQ_EXEC_ARGS_MAX (128 * 1024)
/* Longest path the program builds, its terminating NUL left out (the
 * kernel's PATH_MAX counts it). */
#define SYSQ_EXEC_PATH_MAX 4095
/* Longest exclude_exec_paths prefix: an LPM trie key holds 256 bytes. */
#define SYSQ_EXEC_PREFIX_MAX 255
#define SYSQ_EXEC_COMM_LEN 16

/* sysq_exec_event.flags */
#define SYSQ_EXEC_ARGS_TRUNCATED 0x01 /* args_len stops before the last argument's end */
#define SYSQ_EXEC_PATH_TRUNCATED 0x02
#define SYSQ_EXEC_CWD_TRUNCATED 0x04
#define SYSQ_EXEC_HAVE_FILE 0x08   /* mode, owner_uid, owner_gid are the named file's */
#define SYSQ_EXEC_COMPAT 0x10	   /* syscall_nr is a 32-bit (i386) number */
#define SYSQ_EXEC_ARGS_UNREADABLE 0x20 /* the argument area could not be read */
#define SYSQ_EXEC_AT_FD 0x40 /* execveat on a descriptor (bprm->fdpath is set) */

/* A record is this header followed by its variable part, in this order:
 * args_len bytes of the arguments as the new program's stack holds them
 * (each ends with a NUL), path_len bytes of the executable's path and
 * cwd_len bytes of the working directory (no NULs). size is the whole
 * record, header included. */
struct sysq_exec_event {
	__u16 version;
	__u16 kind; /* SYSQ_KIND_EXEC */
	__u32 size;
	__u64 boot_ns; /* CLOCK_BOOTTIME when the new image was in place */
	__u64 cgroup_id;
	/* orig_ax of the task's user registers: the kernel leaves execve's
	 * number there for execveat too, so SYSQ_EXEC_AT_FD tells them apart;
	 * neither for an exec no syscall made. */
	__s64 syscall_nr;
	__u32 pid;	  /* thread group id, after the exec */
	__u32 old_pid;	  /* the thread that called exec (differs when a thread did) */
	__u32 ppid;
	__u32 auid; /* loginuid; 4294967295 when unset */
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 mode; /* the executed file's i_mode, with SYSQ_EXEC_HAVE_FILE */
	__u32 owner_uid;
	__u32 owner_gid;
	__u32 argc; /* as the kernel counted them */
	__u32 args_len;
	__u16 path_len;
	__u16 cwd_len;
	__u16 flags;
	__u16 reserved;
	char comm[SYSQ_EXEC_COMM_LEN];
};

/* sysq_life_event.flags */
#define SYSQ_LIFE_COMPAT 0x01 /* syscall_nr is a 32-bit (i386) number */

/* A fork, exit or kill, of a fixed size. The ids are the caller's: the
 * forking task, the exiting one, the sender. */
struct sysq_life_event {
	__u16 version;
	__u16 kind; /* SYSQ_KIND_FORK, _EXIT or _KILL */
	__u32 size; /* sizeof(struct sysq_life_event) */
	__u64 boot_ns;
	__u64 cgroup_id;
	__s64 syscall_nr; /* orig_ax of the caller's user registers */
	__u32 pid;	  /* fork: the child's id (a thread's with threads); else the caller's */
	__u32 ppid;	  /* fork: the caller's thread group id; else its parent's */
	__u32 auid;
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__s32 target_pid; /* kill: the process (kill) or thread (tkill, tgkill) */
	__s32 signal;	  /* kill */
	__s32 exit_code;  /* exit: the low byte of the status argument */
	__u32 flags;	  /* SYSQ_LIFE_* */
	__u32 reserved;
	char comm[SYSQ_EXEC_COMM_LEN];
};

/* The most the variable part can hold. */
#define SYSQ_EXEC_DATA_MAX (SYSQ_EXEC_ARGS_MAX + 2 * SYSQ_EXEC_PATH_MAX)

/* Index of each in-kernel counter in the per-CPU counters map. */
enum sysq_exec_counter {
	SYSQ_EXEC_CNT_FILTER_PROCESS,
	SYSQ_EXEC_CNT_FILTER_PATH,
	SYSQ_EXEC_CNT_RINGBUF_FULL,
	SYSQ_EXEC_CNT_FILTER_THREAD, /* a thread's fork or exit, left out */
	SYSQ_EXEC_CNT_COUNT,
};

/* sysq_exec_settings.filters: which filter maps have entries. */
#define SYSQ_EXEC_FILTER_PROCESSES 0x01
#define SYSQ_EXEC_FILTER_PATHS 0x02

/* sysq_exec_settings.lifecycle */
#define SYSQ_LIFE_THREADS 0x01 /* forks and exits of threads too */

/* The program's read-only settings, written by the agent before loading. */
struct sysq_exec_settings {
	__u32 filters;	 /* SYSQ_EXEC_FILTER_* */
	__u32 lifecycle; /* SYSQ_LIFE_* */
};

/* Key of the exclude_exec_paths LPM trie: prefixlen counts bits. */
struct sysq_exec_prefix_key {
	__u32 prefixlen;
	__u8 path[SYSQ_EXEC_PREFIX_MAX + 1];
};
