/* The one table of syscall numbers in sysq: for each syscall sysq watches,
 * its number on every ABI sysq knows. The audit side (the rules it loads
 * and the SYSCALL records it matches, agent/audit/syscalls.c) and the
 * socket BPF programs (bpf/socket_events.bpf.c) both expand these lists,
 * so the two cannot disagree on a number.
 *
 * It lives in bpf/include, the one include directory both builds share,
 * because the BPF programs are compiled for the BPF target, where the
 * host's headers and types do not apply. For the same reason it includes
 * nothing and declares nothing: it is only X-macros, which each side
 * expands into its own enum or table.
 *
 * Every row is X(name, x86_64, i386, aarch64, arm), as the kernel's
 * syscall tables number them (x86's syscall_64.tbl and syscall_32.tbl,
 * asm-generic's unistd.h, arm's syscall.tbl). -1 marks a syscall the ABI
 * does not have. */
#pragma once

/* The syscalls audit rules can ask for. agent/audit/syscalls.h makes its
 * enum audit_syscall of these, in this order. */
#define SYSQ_AUDIT_SYSCALLS(X)                                                                     \
	X(execve, 59, 11, 221, 11)                                                                 \
	X(execveat, 322, 358, 281, 387)                                                            \
	X(fork, 57, 2, -1, 2)                                                                      \
	X(vfork, 58, 190, -1, 190)                                                                 \
	X(clone, 56, 120, 220, 120)                                                                \
	X(clone3, 435, 435, 435, 435)                                                              \
	X(kill, 62, 37, 129, 37)                                                                   \
	X(tkill, 200, 238, 130, 238)                                                               \
	X(tgkill, 234, 270, 131, 268)                                                              \
	X(bind, 49, 361, 200, 282)                                                                 \
	X(connect, 42, 362, 203, 283)                                                              \
	X(accept, 43, -1, 202, 285)                                                                \
	X(accept4, 288, 364, 242, 366)

/* Syscalls only the BPF programs look for. Kept out of the audit list:
 * every entry there is a syscall SYSCALL records are matched against, so
 * listing one there would make audit_syscall_lookup() recognize a record
 * sysq never asked for. */
#define SYSQ_BPF_ONLY_SYSCALLS(X)                                                                  \
	X(listen, 50, 363, 201, 284)                                                               \
	X(sendto, 44, 369, 206, 290)                                                               \
	X(sendmsg, 46, 370, 211, 296)                                                              \
	X(sendmmsg, 307, 345, 269, 374)
