/* Smoke program for sysq's BPF build path (clang -> CO-RE object -> bpftool
 * skeleton). It counts one syscall made by one process and records that
 * process's parent, reading both through CO-RE relocations, so a passing
 * test proves the vendored sysq_core.h types relocate against this
 * kernel's BTF and the verifier accepts what the build produces. */
#include "sysq_core.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile int target_tgid;
const volatile long target_syscall;

__u64 calls;
int parent_tgid;

SEC("tp_btf/sys_enter")
int BPF_PROG(count_syscall, struct pt_regs *regs, long id)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (BPF_CORE_READ(task, tgid) != target_tgid || id != target_syscall)
		return 0;
	__sync_fetch_and_add(&calls, 1);
	parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
