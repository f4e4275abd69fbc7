#!/usr/bin/env python3
"""socket_events from audit: a real workload of UDP and TCP over IPv4 and IPv6,
UNIX paths and abstract names, a refused connect, a non-blocking connect and
a non-blocking accept with no client. Every row for the workload's pid must
be exactly what the workload says it did, down to the kernel-chosen ports
and the protocol read from the live socket."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (NET_HELPER, Daemon, audit_rules, check, check_eq, main,  # noqa: E402
                      wait_for)

# The audit path: BPF, which would otherwise feed socket_events, is off.
AUDIT_ONLY = "--enable_bpf_events=false"
ALL_OPTIONS = [AUDIT_ONLY, "--audit_allow_sockets", "--audit_allow_unix",
               "--audit_allow_failed_socket_events", "--audit_allow_null_accept_socket_events"]
COLUMNS = ("action, fd, family, protocol, local_address, local_port, remote_address, "
           "remote_port, socket, status, success, source, path")


class Workload:
    """sysq-test-net, holding its sockets open until closed."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sysq-net-")
        self.proc = subprocess.Popen([NET_HELPER, self.dir], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.steps = []
        while True:
            line = self.proc.stdout.readline()
            check(line, "the workload stopped early")
            step = json.loads(line)
            if step["step"] == "done":
                break
            self.steps.append(step)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def expected_row(step, source="audit"):
    local = step["local"] or [None, None]
    remote = step["remote"] or [None, None]
    as_text = lambda v: None if v is None else str(v)  # noqa: E731
    return {
        "action": step["action"], "fd": str(step["fd"]), "family": as_text(step["family"]),
        "protocol": as_text(step["protocol"]),
        "local_address": local[0], "local_port": as_text(local[1]),
        "remote_address": remote[0], "remote_port": as_text(remote[1]),
        "socket": step["socket"], "status": step["status"],
        "success": "0" if step["status"] == "failed" else "1", "source": source,
        "path": os.path.realpath(NET_HELPER),
    }


def rows_for(d, pid):
    return d.query(f"SELECT {COLUMNS} FROM socket_events WHERE pid = {pid} ORDER BY eid")


def test_every_row_exact():
    with Daemon(*ALL_OPTIONS) as d:
        w = Workload()
        try:
            rows = wait_for(lambda: (lambda r: r if len(r) >= len(w.steps) else None)(
                rows_for(d, w.proc.pid)), what="the workload's socket rows")
            check_eq(len(rows), len(w.steps), "one row per socket call")
            for step, row in zip(w.steps, rows):
                check_eq(row, expected_row(step), f"row for step {step['step']}")
        finally:
            w.close()


def test_default_options_filter():
    """Without the options, UNIX sockets, failures and empty accepts are not
    rows; successful and in-progress inet calls are."""
    with Daemon(AUDIT_ONLY, "--audit_allow_sockets") as d:
        w = Workload()
        try:
            wanted = [s for s in w.steps
                      if s["family"] != 1 and s["status"] in ("succeeded", "in_progress")]
            rows = wait_for(lambda: (lambda r: r if len(r) >= len(wanted) else None)(
                rows_for(d, w.proc.pid)), what="the filtered rows")
            check_eq(rows, [expected_row(s) for s in wanted], "rows under default options")
        finally:
            w.close()


def test_rules_follow_the_flags():
    with Daemon(AUDIT_ONLY, "--audit_allow_sockets", "--audit_allow_accept_socket_events=false"):
        b64 = [r for r in audit_rules() if "arch=b64" in r and "key=sysq" in r][0]
        for sc in ("bind", "connect", "execve"):
            check(sc in b64, f"{sc} in {b64}")
        check("accept" not in b64, f"no accept rule: {b64}")
    with Daemon():
        check(all("connect" not in r for r in audit_rules()), "no socket rules by default")


if __name__ == "__main__":
    main([test_every_row_exact, test_default_options_filter, test_rules_follow_the_flags])
