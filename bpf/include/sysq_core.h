/* The kernel types sysq's BPF programs read, declared for CO-RE.
 *
 * The build must not depend on the build machine's kernel BTF, so instead
 * of a generated vmlinux.h this header declares only the fields the
 * programs use. preserve_access_index makes clang record every access as a
 * relocation; libbpf resolves it against the running kernel's BTF at load
 * time, so field offsets need not match any particular kernel. uapi types
 * come from the system's linux headers. */
#pragma once

#include <linux/types.h>
#include <linux/bpf.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
};

#pragma clang attribute pop
