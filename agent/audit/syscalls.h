/* The syscalls sysq audits, with their numbers on each ABI it supports.
 *
 * Audit rules are per architecture (arch=b64 and arch=b32), and a SYSCALL
 * record carries the arch and the raw number, so both directions go through
 * this table. -1 marks a syscall the ABI does not have. */
#pragma once

#include <stdint.h>

/* X(name, x86_64, i386, aarch64, arm) */
#define AUDIT_SYSCALLS(X)                                                                          \
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

enum audit_syscall {
#define X(name, ...) AUDIT_SYSCALL_##name,
	AUDIT_SYSCALLS(X)
#undef X
	AUDIT_SYSCALL_COUNT
};

/* One ABI of the host: its audit arch value and syscall numbers. */
struct audit_abi {
	const char *rule_name; /* "b64" or "b32", as auditctl spells it */
	uint32_t arch;	       /* AUDIT_ARCH_* */
	int nr[AUDIT_SYSCALL_COUNT];
};

#define AUDIT_ABI_COUNT 2

/* The host's native 64-bit ABI first, then its 32-bit compat ABI. */
extern const struct audit_abi audit_abis[AUDIT_ABI_COUNT];

/* Maps a SYSCALL record's arch and number to the enum, or -1. */
int audit_syscall_lookup(uint32_t arch, long nr);
const char *audit_syscall_name(enum audit_syscall sc);
