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
 * Every row is X(name, x86_64, i386, aarch64, arm, ppc64, s390x), as the
 * kernel's syscall tables number them (x86's syscall_64.tbl and
 * syscall_32.tbl, asm-generic's unistd.h, arm's, powerpc's and s390's
 * syscall.tbl; ppc64 and ppc64le share their numbers). -1 marks a syscall
 * the ABI does not have. The audit side reads a SYSCALL record of any of
 * these ABIs, whatever the host, so a saved log decodes the same anywhere. */
#pragma once

/* The syscalls audit rules can ask for. agent/audit/syscalls.h makes its
 * enum audit_syscall of these, in this order. */
#define SYSQ_AUDIT_SYSCALLS(X)                                                                     \
	X(execve, 59, 11, 221, 11, 11, 11)                                                         \
	X(execveat, 322, 358, 281, 387, 362, 354)                                                  \
	X(fork, 57, 2, -1, 2, 2, 2)                                                                \
	X(vfork, 58, 190, -1, 190, 189, 190)                                                       \
	X(clone, 56, 120, 220, 120, 120, 120)                                                      \
	X(clone3, 435, 435, 435, 435, 435, 435)                                                    \
	X(kill, 62, 37, 129, 37, 37, 37)                                                           \
	X(tkill, 200, 238, 130, 238, 208, 237)                                                     \
	X(tgkill, 234, 270, 131, 268, 250, 241)                                                    \
	X(exit, 60, 1, 93, 1, 1, 1)                                                                \
	X(exit_group, 231, 252, 94, 248, 234, 248)                                                 \
	X(bind, 49, 361, 200, 282, 327, 361)                                                       \
	X(connect, 42, 362, 203, 283, 328, 362)                                                    \
	X(accept, 43, -1, 202, 285, 330, -1)                                                       \
	X(accept4, 288, 364, 242, 366, 344, 364)

/* Syscalls only the BPF programs look for. Kept out of the audit list:
 * every entry there is a syscall SYSCALL records are matched against, so
 * listing one there would make audit_syscall_lookup() recognize a record
 * sysq never asked for. */
#define SYSQ_BPF_ONLY_SYSCALLS(X)                                                                  \
	X(listen, 50, 363, 201, 284, 329, 363)                                                     \
	X(sendto, 44, 369, 206, 290, 335, 369)                                                     \
	X(sendmsg, 46, 370, 211, 296, 341, 370)                                                    \
	X(sendmmsg, 307, 345, 269, 374, 349, 358)
