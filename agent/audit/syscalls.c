/* Syscall number tables: every ABI sysq reads SYSCALL records of, and the
 * host's two, whose rules it loads. */
#include "syscalls.h"

#include <linux/audit.h>
#include <stddef.h>

/* One column of sysq_syscalls.h: X(name, x86_64, i386, aarch64, arm,
 * ppc64, s390x) expanded into that ABI's numbers, in enum order. */
#define NR_x86_64(name, x86_64, i386, aarch64, arm, ppc64, s390x)  x86_64,
#define NR_i386(name, x86_64, i386, aarch64, arm, ppc64, s390x)	   i386,
#define NR_aarch64(name, x86_64, i386, aarch64, arm, ppc64, s390x) aarch64,
#define NR_arm(name, x86_64, i386, aarch64, arm, ppc64, s390x)	   arm,
#define NR_ppc64(name, x86_64, i386, aarch64, arm, ppc64, s390x)   ppc64,
#define NR_s390x(name, x86_64, i386, aarch64, arm, ppc64, s390x)   s390x,

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define NATIVE_NR   NR_x86_64
#define COMPAT_NR   NR_i386
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define NATIVE_NR   NR_aarch64
#define COMPAT_NR   NR_arm
#else
#error "sysq loads audit rules on x86_64 and aarch64 hosts only"
#endif

const struct audit_abi audit_abis[AUDIT_ABI_COUNT] = {
    {"b64", NATIVE_ARCH, {SYSQ_AUDIT_SYSCALLS(NATIVE_NR)}},
    {"b32", COMPAT_ARCH, {SYSQ_AUDIT_SYSCALLS(COMPAT_NR)}},
};

/* Every ABI a SYSCALL record may come from, host or not: a saved log from
 * another machine decodes as it would there. ppc64 (big-endian) and
 * ppc64le number their syscalls alike. */
static const struct audit_abi known_abis[] = {
    {"b64", AUDIT_ARCH_X86_64, {SYSQ_AUDIT_SYSCALLS(NR_x86_64)}},
    {"b32", AUDIT_ARCH_I386, {SYSQ_AUDIT_SYSCALLS(NR_i386)}},
    {"b64", AUDIT_ARCH_AARCH64, {SYSQ_AUDIT_SYSCALLS(NR_aarch64)}},
    {"b32", AUDIT_ARCH_ARM, {SYSQ_AUDIT_SYSCALLS(NR_arm)}},
    {"b64", AUDIT_ARCH_PPC64LE, {SYSQ_AUDIT_SYSCALLS(NR_ppc64)}},
    {"b64", AUDIT_ARCH_PPC64, {SYSQ_AUDIT_SYSCALLS(NR_ppc64)}},
    {"b64", AUDIT_ARCH_S390X, {SYSQ_AUDIT_SYSCALLS(NR_s390x)}},
};

#define KNOWN_ABI_COUNT (sizeof(known_abis) / sizeof(known_abis[0]))

static const char *const syscall_names[AUDIT_SYSCALL_COUNT] = {
#define X(name, ...) #name,
    SYSQ_AUDIT_SYSCALLS(X)
#undef X
};

const struct audit_abi *audit_abi_of_arch(uint32_t arch)
{
	for (size_t a = 0; a < KNOWN_ABI_COUNT; a++) {
		if (known_abis[a].arch == arch)
			return &known_abis[a];
	}
	return NULL;
}

int audit_syscall_lookup(uint32_t arch, long nr)
{
	const struct audit_abi *abi = audit_abi_of_arch(arch);

	if (!abi || nr < 0)
		return -1; /* -1 marks a syscall an ABI lacks, never a match */
	for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
		if (abi->nr[s] == nr)
			return s;
	}
	return -1;
}

const char *audit_syscall_name(enum audit_syscall sc)
{
	return syscall_names[sc];
}
