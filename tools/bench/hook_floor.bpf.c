/* The floor under any BPF agent's host tax: programs that only count.
 *
 * One on tp_btf/sched_process_exec (runs once per exec, nothing else) and
 * one on cgroup/connect4 (runs inside connect() of an inet socket only);
 * both see every event and do nothing with it, so what the host pays with
 * them attached is what the hooks themselves cost. An empty program on
 * tp_btf/sys_exit is there to show the other end: a hook on every
 * syscall's return. hook_floor.c loads and attaches what it is asked to. */
#include <linux/types.h>
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 execs;
__u64 connects;
__u64 sys_exits;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec, void *task, int old_pid, void *bprm)
{
	__sync_fetch_and_add(&execs, 1);
	return 0;
}

SEC("cgroup/connect4")
int floor_connect4(struct bpf_sock_addr *ctx)
{
	__sync_fetch_and_add(&connects, 1);
	return 1; /* allow the connect */
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, void *regs, long ret)
{
	__sync_fetch_and_add(&sys_exits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
