#!/usr/bin/env python3
"""--audit_persist: sysq becomes the audit daemon as soon as the kernel lets it.

Since Linux 5.x the kernel refuses to hand the audit pid from a live,
registered reader to another process (EEXIST), and a stalled reader is no
longer dropped (a send timeout is retried, not fatal). So the pid changes
hands only when its owner exits or releases it. These tests check both
sides of that on the real kernel:

- another process owns the pid when sysq starts: sysq keeps running,
  touches no audit configuration, and within 2 s of the owner exiting it
  is the audit daemon, installs its rules, and exec events arrive;
- sysq is stopped (SIGSTOP) while records flood in: it keeps the pid, and
  after SIGCONT every record the kernel dropped is counted in sysq_events
  (lost_kernel equals the kernel's own lost counter delta).
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, audit_netlink_socket, audit_pid, audit_request,  # noqa: E402
                      audit_rules, audit_status, check, check_eq, exec_workload, main,
                      wait_for)

AUDIT_USER = 1005

# A second process that registers as the audit daemon, says so, and exits
# (without unregistering, as a crashing daemon would) when stdin closes.
OWNER = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from sysqtest import audit_netlink_socket, audit_set_pid
s = audit_netlink_socket()
err = audit_set_pid(s, os.getpid())
print(err, flush=True)
sys.stdin.read()
"""


def test_takes_pid_when_released():
    owner = subprocess.Popen([sys.executable, "-c", OWNER, os.path.dirname(__file__)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        check_eq(owner.stdout.readline().strip(), b"0", "the other process registers")
        check_eq(audit_pid(), owner.pid, "the other process owns the audit pid")
        rules_before = audit_rules()
        with Daemon() as d:
            time.sleep(1.5)
            check_eq(audit_pid(), owner.pid, "a live owner keeps the pid")
            check_eq(audit_rules(), rules_before, "no rules while sysq is not the daemon")
            check_eq(d.counters("auditeventpublisher")["active"], "0", "publisher inactive")
            check("waiting" in d.log_text() or "owns the audit pid" in d.log_text(),
                  "the daemon says who owns the audit pid")
            owner.stdin.close()
            owner.wait()
            gone = time.monotonic()
            wait_for(lambda: audit_pid() == d.proc.pid, timeout=2.0,
                     what="sysq to become the audit daemon")
            print(f"took the audit pid {time.monotonic() - gone:.2f}s after its owner exited")
            wait_for(lambda: len([r for r in audit_rules() if "key=sysq" in r]) == 2,
                     what="sysq's rules after taking the pid")
            pid = exec_workload([b"true", b"after persist"])
            wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                     f"AND path = '/usr/bin/true'"),
                     what="exec events after taking the pid")
            check_eq(d.counters("auditeventpublisher")["active"], "1", "publisher active")
        check_eq(audit_rules(), rules_before, "rules after the daemon stopped")
        check_eq(audit_pid(), 0, "audit pid released at exit")
    finally:
        if owner.poll() is None:
            owner.kill()


def flood(messages, size=8000):
    text = b"sysq-flood " + b"x" * size + b"\0"
    with audit_netlink_socket() as s:
        for i in range(messages):
            audit_request(s, AUDIT_USER, text, seq=i + 1)


def test_stalled_reader_keeps_pid_and_counts_losses():
    with Daemon() as d:
        lost_before = audit_status()["lost"]
        os.kill(d.proc.pid, signal.SIGSTOP)
        try:
            # 32 MB of receive buffer, then the 4096-record backlog, then loss.
            flood(12000)
            lost_during = audit_status()["lost"] - lost_before
            check(lost_during > 0, "the flood overflowed the kernel backlog")
            check_eq(audit_pid(), d.proc.pid, "a stalled reader keeps the audit pid")
        finally:
            os.kill(d.proc.pid, signal.SIGCONT)
        wait_for(lambda: int(d.counters("auditeventpublisher")["lost_kernel"]) ==
                 audit_status()["lost"] - lost_before, timeout=5,
                 what="lost_kernel to match the kernel's lost counter")
        print(f"kernel lost {audit_status()['lost'] - lost_before} records; "
              f"sysq_events.lost_kernel agrees")
        pid = exec_workload([b"true", b"after the stall"])
        wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                 f"AND path = '/usr/bin/true'"),
                 timeout=15, what="exec events after the stall")


if __name__ == "__main__":
    main([test_takes_pid_when_released, test_stalled_reader_keeps_pid_and_counts_losses])
