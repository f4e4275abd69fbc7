#!/usr/bin/env python3
"""--audit_mode=multicast beside a real auditd: auditd keeps the audit pid and
keeps writing its log, while sysq reads the multicast copy of the records
and fills process_events. The audit state is as it was afterwards."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (AUDITCTL, Daemon, audit_pid, audit_rules, audit_settings, check,  # noqa: E402
                      check_eq, exec_workload, main, run, wait_for)

AUDITD = "/usr/sbin/auditd"
AUDITD_PIDFILE = "/var/run/auditd.pid"


class Auditd:
    """Debian's auditd in the foreground, logging to a temp directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sysq-auditd-")
        self.log = os.path.join(self.dir, "audit.log")
        os.makedirs(os.path.join(self.dir, "plugins.d"))
        with open("/etc/audit/auditd.conf") as f:
            conf = f.read().splitlines()
        conf = [f"log_file = {self.log}" if l.startswith("log_file") else
                f"plugin_dir = {self.dir}/plugins.d" if l.startswith("plugin_dir") else l
                for l in conf]
        with open(os.path.join(self.dir, "auditd.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        os.chmod(os.path.join(self.dir, "auditd.conf"), 0o640)
        self.had_pidfile = os.path.exists(AUDITD_PIDFILE)
        self.enabled_before = audit_settings()["enabled"]
        self.proc = subprocess.Popen([AUDITD, "-n", "-s", "enable", "-c", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: audit_pid() == self.proc.pid, timeout=10,
                 what="auditd to own the audit socket")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        if not self.had_pidfile and os.path.exists(AUDITD_PIDFILE):
            os.unlink(AUDITD_PIDFILE)
        # auditd 3.0.9 leaves audit enabled when it exits; put it back.
        run([AUDITCTL, "-e", str(self.enabled_before)], check=True)

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def test_beside_auditd():
    before = (audit_settings(), audit_rules())
    auditd = Auditd()
    try:
        with Daemon("--audit_mode=multicast") as d:
            check_eq(d.counters("auditeventpublisher")["active"], "1", "publisher active")
            check_eq(audit_pid(), auditd.proc.pid, "auditd keeps the audit pid")
            check_eq(len([r for r in audit_rules() if "key=sysq" in r]), 2, "sysq's rules")
            pid = exec_workload([b"true", b"multicast"])
            wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                     f"AND path = '/usr/bin/true'"),
                     what="exec rows through multicast")
            wait_for(lambda: f" pid={pid} " in auditd.log_text(),
                     what="auditd's log to record the same exec")
            check_eq(audit_pid(), auditd.proc.pid, "auditd still owns the audit pid")
        check_eq([r for r in audit_rules() if "key=sysq" in r], [], "sysq's rules removed")
        check_eq(audit_pid(), auditd.proc.pid, "auditd unaffected by sysq's exit")
        check(auditd.proc.poll() is None, "auditd still running")
    finally:
        auditd.stop()
    check_eq((audit_settings(), audit_rules()), before, "audit state afterwards")


def test_multicast_without_auditd():
    """Multicast does not need an audit daemon to exist; it never takes the
    pid itself."""
    with Daemon("--audit_mode=multicast") as d:
        check_eq(audit_pid(), 0, "nobody owns the audit pid")
        pid = exec_workload([b"true", b"no auditd"])
        wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid}"),
                 what="exec rows")


if __name__ == "__main__":
    main([test_beside_auditd, test_multicast_without_auditd])
