/* The syscalls sysq audits, with their numbers on each ABI it supports.
 *
 * Audit rules are per architecture (arch=b64 and arch=b32) and are loaded
 * for the host's two ABIs (audit_abis). A SYSCALL record carries the arch
 * and the raw number, and is read by its own arch, whichever it is. Its numbers come from sysq_syscalls.h, the table shared with
 * the BPF programs; -1 marks a syscall the ABI does not have. */
#pragma once

#include "sysq_syscalls.h"

#include <stdint.h>

enum audit_syscall {
#define X(name, ...) AUDIT_SYSCALL_##name,
	SYSQ_AUDIT_SYSCALLS(X)
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

/* The syscall numbers of an audit arch value (AUDIT_ARCH_*) sysq knows:
 * x86_64, i386, aarch64, arm, ppc64le, ppc64 and s390x, on any host.
 * NULL for another arch. */
const struct audit_abi *audit_abi_of_arch(uint32_t arch);

/* Maps a SYSCALL record's arch and number to the enum, or -1: any arch
 * audit_abi_of_arch knows, not only the host's. */
int audit_syscall_lookup(uint32_t arch, long nr);
const char *audit_syscall_name(enum audit_syscall sc);
