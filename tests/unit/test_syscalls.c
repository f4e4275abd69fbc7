/* Unit tests for audit/syscalls.c: the host's two ABIs and the mapping of a
 * SYSCALL record's arch and number back to sysq's syscall enum, including
 * numbers and arches sysq does not know. */
#include "audit/syscalls.h"

#include "check.h"

#include <linux/audit.h>

static void test_abis(void)
{
	CHECK_EQ_STR(audit_abis[0].rule_name, "b64");
	CHECK_EQ_STR(audit_abis[1].rule_name, "b32");
#if defined(__x86_64__)
	CHECK_EQ_UINT(audit_abis[0].arch, AUDIT_ARCH_X86_64);
	CHECK_EQ_UINT(audit_abis[1].arch, AUDIT_ARCH_I386);
	CHECK_EQ_INT(audit_abis[0].nr[AUDIT_SYSCALL_execve], 59);
	CHECK_EQ_INT(audit_abis[1].nr[AUDIT_SYSCALL_execve], 11);
	CHECK_EQ_INT(audit_abis[1].nr[AUDIT_SYSCALL_accept], -1);
#elif defined(__aarch64__)
	CHECK_EQ_UINT(audit_abis[0].arch, AUDIT_ARCH_AARCH64);
	CHECK_EQ_UINT(audit_abis[1].arch, AUDIT_ARCH_ARM);
	CHECK_EQ_INT(audit_abis[0].nr[AUDIT_SYSCALL_execve], 221);
	CHECK_EQ_INT(audit_abis[0].nr[AUDIT_SYSCALL_fork], -1);
#endif
}

static void test_names(void)
{
	CHECK_EQ_STR(audit_syscall_name(AUDIT_SYSCALL_execve), "execve");
	CHECK_EQ_STR(audit_syscall_name(AUDIT_SYSCALL_execveat), "execveat");
	CHECK_EQ_STR(audit_syscall_name(AUDIT_SYSCALL_accept4), "accept4");
}

/* Every syscall an ABI has maps back to itself. */
static void test_lookup_round_trip(void)
{
	for (int a = 0; a < AUDIT_ABI_COUNT; a++) {
		for (int s = 0; s < AUDIT_SYSCALL_COUNT; s++) {
			int nr = audit_abis[a].nr[s];

			if (nr < 0)
				continue;
			if (!CHECK_EQ_INT(audit_syscall_lookup(audit_abis[a].arch, nr), s))
				fprintf(stderr, "\t%s %s\n", audit_abis[a].rule_name,
					audit_syscall_name((enum audit_syscall)s));
		}
	}
}

static void test_lookup_unknown(void)
{
	long execve_nr = audit_abis[0].nr[AUDIT_SYSCALL_execve];

	CHECK_EQ_INT(audit_syscall_lookup(0, execve_nr), -1);
	CHECK_EQ_INT(audit_syscall_lookup(0xdeadbeef, execve_nr), -1);
	CHECK_EQ_INT(audit_syscall_lookup(audit_abis[0].arch, 9999), -1);
	CHECK_EQ_INT(audit_syscall_lookup(audit_abis[0].arch, 1L << 40), -1);
}

/* Records of every arch sysq knows decode on any host: the numbers of
 * each kernel's syscall table (ppc64 big- and little-endian alike). */
static void test_foreign_arches(void)
{
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_X86_64, 59), AUDIT_SYSCALL_execve);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_I386, 102), -1); /* socketcall */
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_AARCH64, 221), AUDIT_SYSCALL_execve);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_AARCH64, 203), AUDIT_SYSCALL_connect);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_ARM, 283), AUDIT_SYSCALL_connect);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_PPC64LE, 11), AUDIT_SYSCALL_execve);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_PPC64LE, 328), AUDIT_SYSCALL_connect);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_PPC64, 362), AUDIT_SYSCALL_execveat);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_S390X, 354), AUDIT_SYSCALL_execveat);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_S390X, 364), AUDIT_SYSCALL_accept4);
	CHECK_EQ_INT(audit_syscall_lookup(AUDIT_ARCH_S390X, 102), -1);
	CHECK(audit_abi_of_arch(AUDIT_ARCH_MIPS) == NULL);
	if (CHECK(audit_abi_of_arch(AUDIT_ARCH_S390X) != NULL))
		CHECK_EQ_INT(audit_abi_of_arch(AUDIT_ARCH_S390X)->nr[AUDIT_SYSCALL_accept], -1);
}

int main(void)
{
	test_foreign_arches();
	test_abis();
	test_names();
	test_lookup_round_trip();
	test_lookup_unknown();
	return check_finish();
}
