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

/* x86-64 syscall argument registers, as the sys_exit tracepoint sees
 * them: the syscall has read its arguments from here and left them. The
 * ___sysq suffix keeps it apart from uapi's pt_regs; CO-RE ignores it when
 * matching the kernel's struct pt_regs. */
struct pt_regs___sysq {
	unsigned long di;
	unsigned long si;
	unsigned long dx;
	unsigned long orig_ax; /* the syscall number */
	/* The user code and stack segments a syscall entered from; 16 bits
	 * of a union since FRED (6.9), a whole word before: libbpf sizes the
	 * load to the running kernel's field. */
	unsigned short cs;
	unsigned short ss;
};

/* status has TS_COMPAT while a task runs a 32-bit syscall, whose numbers
 * are not the 64-bit ones. */
struct thread_info {
	__u32 status;
};
#define TS_COMPAT 0x0002

typedef struct {
	unsigned int val;
} kuid_t;

struct qstr {
	unsigned int len; /* the kernel nests it in a union with the hash */
	const unsigned char *name;
};

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct file {
	struct path f_path;
	unsigned int f_flags; /* O_NONBLOCK: a connect returns EINPROGRESS */
	void *private_data;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
};

struct mm_struct {
	struct file *exe_file;
};

typedef struct {
	unsigned int val;
} kgid_t;

struct cred {
	kuid_t uid;
	kgid_t gid;
};

struct kernfs_node {
	__u64 id;
};

struct cgroup {
	struct kernfs_node *kn;
};

/* A task's cgroups; dfl_cgrp is its cgroup in the v2 hierarchy. */
struct css_set {
	struct cgroup *dfl_cgrp;
};

struct task_struct {
	struct thread_info thread_info;
	void *stack; /* the syscall's registers sit at its top */
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct mm_struct *mm;
	struct files_struct *files;
	const struct cred *cred;
	struct css_set *cgroups;
	__u64 self_exec_id; /* bumped by every exec */
	kuid_t loginuid;
	char comm[16];
};

struct sysq_in6 {
	__u8 b[16];
};

struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct sysq_in6 skc_v6_daddr;
	struct sysq_in6 skc_v6_rcv_saddr;
};

struct sock {
	struct sock_common __sk_common;
	int sk_err;
	__u16 sk_type;
	__u16 sk_protocol;
};

struct socket {
	short type;
	struct file *file;
	struct sock *sk;
};

struct sockaddr_un___sysq {
	unsigned short sun_family;
	char sun_path[108];
};

struct unix_address {
	int len;
	struct sockaddr_un___sysq name[];
};

struct unix_sock {
	struct unix_address *addr;
};

/* The context of a cgroup sock_addr program as the kernel holds it: for a
 * UNIX socket's hook, the context's own fields carry no path, but the
 * kernel's copy of the address is here (uaddrlen since 6.7, with the
 * UNIX hooks). */
struct bpf_sock_addr_kern___sysq {
	void *uaddr;
	__u32 uaddrlen;
};

#pragma clang attribute pop

/* A length clamped in a 64-bit register: clang 14 otherwise clamps a
 * 32-bit copy and passes the unclamped one, which the verifier rejects.
 * (barrier_var is bpf_helpers.h's, which every program includes.) */
#define CLAMP(n, max)                                                                              \
	({                                                                                         \
		__u64 __n = (n);                                                                   \
		if (__n > (max))                                                                   \
			__n = (max);                                                               \
		barrier_var(__n);                                                                  \
		__n;                                                                               \
	})
