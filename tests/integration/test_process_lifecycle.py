#!/usr/bin/env python3
"""process_events lifecycle rows (fork, kill, exit) on the real kernel.

A workload helper (sysq-test-life) makes one child with each of fork,
vfork, clone and clone3, each exiting with its own code; a thread, which
must make no fork row (nor an exit row) by default; and three children
that kill, tkill and tgkill end with known signals. From audit the rows
must be exactly those pids, codes and signals; with BPF on beside audit
(--audit_keep_exec_rules) the BPF rows must be the same, column by
column. The recursive CTE of docs/tables.md must rebuild the tree from
the test's rows. The fork storm forks and exits for 10 s on one core:
every fork is stored or counted as lost. Without the flags no lifecycle
rule is loaded, and the rules go when the daemon stops."""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_rules, check, check_eq, main, run,  # noqa: E402
                      wait_for)

LIFE_HELPER = os.environ.get("SYSQ_TEST_LIFE", "sysq-test-life")
DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "tables.md")
LIFE = ["--audit_allow_process_events=false", "--audit_allow_fork_process_events=true",
        "--audit_allow_kill_process_events=true", "--audit_allow_exit_process_events=true"]
BPF = ["--enable_bpf_process_events=true", "--audit_keep_exec_rules=true"]
FORKS = "('fork', 'vfork', 'clone', 'clone3')"
# Every column but the ones a source fills alone (eid, cgroup_id, source)
# and the times, which may straddle a second.
SHARED = ("syscall, pid, parent, target_pid, signal, exit_code, auid, uid, euid, gid, egid, "
          "fsuid, suid, fsgid, sgid, path, mode, cmdline, cwd, owner_uid, owner_gid, argv, "
          "overflows")


def helper_env():
    """In a sanitizer build, LeakSanitizer clones a tracer process at exit,
    which would be a fork row the workload did not make."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    return dict(os.environ, ASAN_OPTIONS=(asan + ":" if asan else "") + "detect_leaks=0")


def run_workload():
    out = subprocess.run([LIFE_HELPER], capture_output=True, timeout=30, env=helper_env())
    check(out.returncode == 0, f"workload failed: {out.stderr.decode()}")
    return json.loads(out.stdout)


def expected(w):
    """(syscall, pid, parent, target_pid, signal, exit_code) of every row
    the workload must give, and nothing else."""
    me, parent = w["pid"], os.getpid()
    rows = set()
    for call, code in (("fork", 11), ("vfork", 12), ("clone", 13), ("clone3", 14)):
        rows.add((call, w[call], me, None, None, None))
        rows.add(("exit_group", w[call], me, None, None, code))
    for call in ("kill", "tkill", "tgkill"):
        target, sig = w[call]
        rows.add(("fork", target, me, None, None, None))
        rows.add((call, me, parent, target, sig, None))
    rows.add(("exit_group", me, parent, None, None, 0))
    # The test's own creation of the helper: Python uses vfork.
    rows.add(("vfork", me, parent, None, None, None))
    return rows


def workload_rows(d, w, source):
    """The rows that name the workload or one of its children."""
    pids = [w[k] for k in ("pid", "fork", "vfork", "clone", "clone3", "thread")] + \
        [w[k][0] for k in ("kill", "tkill", "tgkill")]
    ids = ",".join(str(p) for p in pids)
    return d.query(f"SELECT {SHARED} FROM process_events WHERE source = '{source}' AND "
                   f"syscall != 'execve' AND (pid IN ({ids}) OR (parent = {w['pid']} "
                   f"AND syscall IN {FORKS})) ORDER BY syscall, pid")


def as_tuples(rows):
    def num(v):
        return None if v is None else int(v)
    return {(r["syscall"], num(r["pid"]), num(r["parent"]), num(r["target_pid"]),
             num(r["signal"]), num(r["exit_code"])) for r in rows}


def wait_rows(d, w, source):
    want = expected(w)
    wait_for(lambda: as_tuples(workload_rows(d, w, source)) >= want, timeout=15,
             what=f"the workload's {source} rows")
    rows = workload_rows(d, w, source)
    check_eq(as_tuples(rows), want, f"{source}: exactly the workload's rows")
    check_eq(len(rows), len(want), f"{source}: one row each")
    return rows


def docs_cte():
    """The process-tree example of docs/tables.md, for pid 1234."""
    with open(DOCS) as f:
        text = f.read()
    m = re.search(r"```sql\n(-- The process tree under pid 1234.*?)```", text, re.S)
    check(m is not None, "docs/tables.md has the process tree example")
    return m.group(1)


def check_tree(d, w):
    """The docs' CTE rebuilds the workload's tree: the helper, then its
    seven children one level down."""
    sql = docs_cte().replace("1234", str(w["pid"]))
    # On stdin, as a user pastes it: an argument starting with -- reads
    # as an option.
    r = run([SYSQ, "shell", f"--control_socket={d.sock}", "--json"], input=sql.encode())
    check(r.returncode == 0, f"the docs' CTE failed: {r.stderr.decode(errors='replace')}")
    rows = json.loads(r.stdout.decode())
    got = sorted((int(r["pid"]), int(r["depth"])) for r in rows)
    kids = [w[k] for k in ("fork", "vfork", "clone", "clone3")] + \
        [w[k][0] for k in ("kill", "tkill", "tgkill")]
    check_eq(got, sorted([(w["pid"], 0)] + [(k, 1) for k in kids]), "the tree from the CTE")


def test_audit_rows():
    with Daemon(*LIFE) as d:
        rules = " ".join(audit_rules())
        for call in ("fork", "vfork", "clone", "clone3", "kill", "tkill", "tgkill", "exit",
                     "exit_group"):
            check(re.search(rf"\b{call}\b", rules), f"a {call} rule: {rules}")
        check("execve" not in rules, f"no exec rule without its flag: {rules}")
        w = run_workload()
        rows = wait_rows(d, w, "audit")
        check(all(r["path"] is None and r["cmdline"] is None for r in rows),
                  "no exec columns on lifecycle rows")
        check(int(d.counters("process_events")["filtered_thread"]) >= 2,
              "the thread's clone3 and exit were counted")
        check_tree(d, w)
    check(all("sysq" not in r for r in audit_rules()), "the rules are gone after the stop")


def test_differential_against_audit():
    """One daemon, both sources: the same rows, column by column."""
    with Daemon(*LIFE, *BPF) as d:
        w = run_workload()
        audit = wait_rows(d, w, "audit")
        bpf = wait_rows(d, w, "bpf")
        check_eq(bpf, audit, "BPF rows against audit's, column by column")
        times = d.query(f"SELECT source, syscall, pid, time, uptime, cgroup_id FROM "
                        f"process_events WHERE pid = {w['pid']} AND syscall = 'exit_group'")
        by = {r["source"]: r for r in times}
        check(abs(int(by["bpf"]["time"]) - int(by["audit"]["time"])) <= 1,
              f"time within a second: {times}")
        check(by["audit"]["cgroup_id"] is None and int(by["bpf"]["cgroup_id"]) > 0,
              f"cgroup_id on BPF rows only: {times}")
        pub = d.counters("bpfexecpublisher")
        check_eq(pub["drop_malformed"], "0", "no malformed record")
        check(int(pub["filtered_thread"]) >= 1, f"the thread's fork counted in the kernel: {pub}")


def test_threads_when_asked():
    """--audit_allow_thread_process_events: the thread's clone3 (pid = the
    thread's id) and its exit (pid = its process) from both sources."""
    with Daemon(*LIFE, *BPF, "--audit_allow_thread_process_events=true") as d:
        w = run_workload()
        me, tid = w["pid"], w["thread"]
        want = [{"syscall": "clone3", "pid": str(tid), "parent": str(me), "exit_code": None},
                {"syscall": "exit", "pid": str(me), "parent": str(os.getpid()),
                 "exit_code": "0"}]
        for source in ("audit", "bpf"):
            def rows():
                got = d.query(f"SELECT syscall, pid, parent, exit_code FROM process_events "
                              f"WHERE source = '{source}' AND ((syscall = 'clone3' AND "
                              f"pid = {tid}) OR (syscall = 'exit' AND pid = {me}))"
                              " ORDER BY syscall")
                return got if len(got) >= 2 else None
            check_eq(wait_for(rows, timeout=15, what=f"{source}: the thread's rows"), want,
                     f"{source}: the thread's rows")


def test_bpf_only():
    """Without the keep flag, BPF alone: no audit lifecycle rule, and the
    rows are BPF's."""
    with Daemon(*LIFE, "--enable_bpf_process_events=true") as d:
        rules = " ".join(audit_rules())
        for call in ("clone", "kill", "exit_group"):
            check(not re.search(rf"\b{call}\b", rules), f"no audit {call} rule: {rules}")
        w = run_workload()
        wait_rows(d, w, "bpf")
        check_eq(d.query(f"SELECT 1 FROM process_events WHERE source = 'audit' AND "
                         f"parent = {w['pid']}"), [], "no audit rows")


# What each source can lose, in sysq_events: the publisher's counters, and
# the table's (shared by both sources).
AUDIT_LOSSES = ("lost_kernel", "lost_enobufs", "drop_incomplete", "drop_malformed")
BPF_LOSSES = ("lost_ringbuf", "lost_bpf_missed", "drop_malformed")
TABLE_LOSSES = ("drop_queue_full", "drop_write_error", "evicted")


def losses(d, publisher, names):
    c = d.counters(publisher)
    table = d.counters("process_events")
    return sum(int(c[n]) for n in names) + sum(int(table[n]) for n in TABLE_LOSSES)


def test_fork_storm():
    """10 s of fork and exit on one core, audit and BPF both on: from each
    source every fork is a stored row or counted as lost."""
    start = time.monotonic()
    with Daemon("--audit_allow_process_events=false", "--audit_allow_fork_process_events=true",
                "--events_max=1000000", *BPF) as d:
        before = {"audit": losses(d, "auditeventpublisher", AUDIT_LOSSES),
                  "bpf": losses(d, "bpfexecpublisher", BPF_LOSSES)}
        out = subprocess.run(["taskset", "-c", "0", LIFE_HELPER, "--storm", "10"],
                             capture_output=True, timeout=40, env=helper_env())
        check(out.returncode == 0, f"storm failed: {out.stderr.decode()}")
        storm = json.loads(out.stdout)
        check(storm["forks"] > 100, f"the storm forked: {storm}")

        def accounted(source, publisher, names):
            stored = int(d.query(f"SELECT count(*) AS n FROM process_events WHERE source = "
                                 f"'{source}' AND syscall = 'fork' AND "
                                 f"parent = {storm['pid']}")[0]["n"])
            lost = losses(d, publisher, names) - before[source]
            return (stored, lost) if stored + lost >= storm["forks"] else None
        for source, publisher, names in (("audit", "auditeventpublisher", AUDIT_LOSSES),
                                         ("bpf", "bpfexecpublisher", BPF_LOSSES)):
            stored, lost = wait_for(lambda: accounted(source, publisher, names), timeout=30,
                                    interval=0.5, what=f"{source}: every fork stored or lost")
            check(stored <= storm["forks"], f"{source}: {stored} rows for {storm['forks']} forks")
            print(f"{source}: {storm['forks']} forks, {stored} rows, {lost} counted lost")
    check(time.monotonic() - start < 60, "the storm test stays within a minute")


def test_no_flags_no_rules():
    with Daemon("--audit_allow_process_events=true") as d:
        rules = " ".join(audit_rules())
        for call in ("fork", "clone", "kill", "exit_group"):
            check(not re.search(rf"\b{call}\b", rules), f"no {call} rule by default: {rules}")
        w = run_workload()
        # The helper's own exec shows its events were read by now.
        wait_for(lambda: d.query(f"SELECT 1 FROM process_events WHERE pid = {w['pid']} AND "
                                 "syscall = 'execve'"), what="the helper's exec row")
        check_eq(d.query(f"SELECT syscall FROM process_events WHERE (pid = {w['pid']} OR "
                         f"parent = {w['pid']}) AND syscall != 'execve'"), [],
                 "no lifecycle row by default")


if __name__ == "__main__":
    main([test_audit_rows, test_differential_against_audit, test_threads_when_asked,
          test_bpf_only, test_fork_storm, test_no_flags_no_rules])
