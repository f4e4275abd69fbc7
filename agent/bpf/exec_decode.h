/* Decodes a ring buffer record of the exec BPF program
 * (bpf/process_events.bpf.c) into struct bpf_exec.
 *
 * The record comes from the kernel, but it is checked as untrusted input
 * all the same: a version, kind or size the agent was not built for, a length
 * beyond its field or one that does not add up to the record's size, or a
 * NUL inside a path makes it malformed, and the caller counts and skips
 * it. The decoded event points into the record (the arguments may be
 * 128 KiB), so it is valid only while the record is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a record reports. */
enum bpf_exec_kind {
	BPF_EXEC_EXEC, /* an exec: every field below */
	BPF_EXEC_FORK, /* pid is the child, ppid the caller */
	BPF_EXEC_EXIT, /* exit_code */
	BPF_EXEC_KILL, /* target_pid, signal */
};

struct bpf_exec {
	enum bpf_exec_kind kind;
	/* Fork, exit and kill records fill only the ids (the caller's),
	 * cgroup_id, boot_ns, syscall, comm and their own fields below. */
	int32_t target_pid, signal, exit_code;
	uint32_t pid;	  /* thread group id */
	uint32_t old_pid; /* the thread that called exec */
	uint32_t ppid, auid;
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint64_t cgroup_id;
	uint64_t boot_ns; /* CLOCK_BOOTTIME */
	/* "execve" or "execveat"; NULL for an exec no syscall made (the
	 * kernel starting a user-mode helper). For the other kinds, the
	 * lifecycle call that made the event, or NULL for none of them. */
	const char *syscall;
	bool have_file; /* mode and owner are the named file's */
	uint32_t mode, owner_uid, owner_gid;
	/* The arguments, each ending with a NUL, and how many the kernel
	 * counted. args_complete is false when some were cut or unreadable;
	 * args then ends after the last whole argument. */
	const char *args;
	size_t args_len;
	uint32_t argc;
	bool args_complete;
	/* Not NUL-terminated. A path longer than the program builds is cut
	 * at the top, and its flag set. */
	const char *path;
	size_t path_len;
	bool path_truncated;
	const char *cwd;
	size_t cwd_len;
	bool cwd_truncated;
	char comm[17];
};

/* Returns 0, or -EINVAL for a malformed record. */
int exec_decode(const void *data, size_t size, struct bpf_exec *out);

/* Calls fn for each whole argument of `e`, in order. */
void exec_args_each(const struct bpf_exec *e, void (*fn)(void *ctx, const char *arg, size_t len),
		    void *ctx);
