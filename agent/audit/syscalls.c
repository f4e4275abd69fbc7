/* Syscall number tables for the host's ABIs. */
#include "syscalls.h"

#include <linux/audit.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define COMPAT_ARCH AUDIT_ARCH_I386
#define NATIVE_NR(x86_64, i386, aarch64, arm) x86_64
#define COMPAT_NR(x86_64, i386, aarch64, arm) i386
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define NATIVE_NR(x86_64, i386, aarch64, arm) aarch64
#define COMPAT_NR(x86_64, i386, aarch64, arm) arm
#else
#error "sysq knows the syscall numbers of x86_64 and aarch64 only"
#endif

const struct audit_abi audit_abis[AUDIT_ABI_COUNT] = {
	{"b64", NATIVE_ARCH,
	 {
#define X(name, ...) NATIVE_NR(__VA_ARGS__),
		 SYSQ_AUDIT_SYSCALLS(X)
#undef X
	 }},
	{"b32", COMPAT_ARCH,
	 {
#define X(name, ...) COMPAT_NR(__VA_ARGS__),
		 SYSQ_AUDIT_SYSCALLS(X)
#undef X
	 }},
};

static const char *const syscall_names[AUDIT_SYSCALL_COUNT] = {
#define X(name, ...) #name,
	SYSQ_AUDIT_SYSCALLS(X)
#undef X
};

int audit_syscall_lookup(uint32_t arch, long nr)
{
	if (nr < 0)
		return -1; /* -1 marks a syscall an ABI lacks, never a match */
	for (int a = 0; a < AUDIT_ABI_COUNT; a++) {
		if (audit_abis[a].arch != arch)
			continue;
		for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
			if (audit_abis[a].nr[s] == nr)
				return s;
		}
	}
	return -1;
}

const char *audit_syscall_name(enum audit_syscall sc)
{
	return syscall_names[sc];
}
