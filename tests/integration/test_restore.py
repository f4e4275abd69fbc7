#!/usr/bin/env python3
"""`sysq restore` puts the audit configuration back after a daemon dies.

A daemon that changes the backlog limit (and, on a host where audit is
off, enables it) and adds its rules is SIGKILLed under exec and connect
load, as the OOM killer would. Its changes stay; `sysq restore` on its
database must leave `auditctl -s` (enabled, failure, backlog_limit,
backlog_wait_time) and `auditctl -l` exactly as they were before the
daemon started, and clear the record. While a daemon runs, the restore
refuses and changes nothing.
"""
import os
import socket
import sqlite3
import sys
import threading
import time
from contextlib import closing

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_rules, audit_settings, audit_status,  # noqa: E402
                      check, check_eq, exec_workload, force_audit_settings, main, run,
                      wait_for)


def sysq_rules():
    return [r for r in audit_rules() if "key=sysq" in r]


def without_sysq_rules(rules):
    """Stale sysq rules a crashed run may have left on the machine go by
    design; they are not part of the state to restore."""
    return [r for r in rules if "key=sysq" not in r]


def restore(d, *extra):
    r = run([SYSQ, "restore", "--flagfile=", "--config_path=", f"--database_path={d.db}",
             f"--pidfile={d.pidfile}", *extra], timeout=30)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def record(d):
    with closing(sqlite3.connect(d.db)) as con:
        row = con.execute("SELECT value FROM sysq_meta WHERE key = 'audit_state'").fetchone()
    return row[0] if row else None


class Load:
    """Execs and TCP connects in a loop until stopped."""

    def __init__(self):
        self.stop = threading.Event()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(128)
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        port = self.server.getsockname()[1]
        while not self.stop.is_set():
            exec_workload([b"true", b"restore-load"])
            for _ in range(20):
                with socket.create_connection(("127.0.0.1", port)):
                    pass
                self.server.accept()[0].close()

    def finish(self):
        self.stop.set()
        self.thread.join()
        self.server.close()


def test_restore_after_sigkill():
    before_settings, before_rules = audit_settings(), without_sysq_rules(audit_rules())
    backlog = before_settings["backlog_limit"] + 4321
    d = Daemon(f"--audit_backlog_limit={backlog}")
    try:
        d.start()
        load = Load()
        try:
            wait_for(lambda: d.query("SELECT 1 FROM process_events LIMIT 1"),
                     what="exec rows under load")
            time.sleep(1)
            d.kill9()
        finally:
            load.finish()
        check_eq(audit_status()["backlog_limit"], backlog, "the killed run's backlog limit stays")
        check_eq(len(sysq_rules()), 2, "the killed run's rules stay")
        check(record(d), "the killed run left its restore record")
        code, out, err = restore(d)
        check_eq(code, 0, f"sysq restore exit status: {err}")
        check("deleted 2 audit rule(s)" in out, f"it says what it deleted: {out!r}")
        check_eq(audit_settings(), before_settings, "auditctl -s after sysq restore")
        check_eq(audit_rules(), before_rules, "auditctl -l after sysq restore")
        check_eq(record(d), None, "the record is cleared")
        code, out, err = restore(d)
        check_eq(code, 0, f"a second restore exit status: {err}")
        check("no restore record" in out, f"a second restore has nothing to do: {out!r}")
        check_eq((audit_settings(), audit_rules()), (before_settings, before_rules),
                 "state after a second restore")
    finally:
        if d.proc and d.proc.poll() is None:
            d.kill9()
        if (audit_settings(), audit_rules()) != (before_settings, before_rules):
            force_audit_settings(before_settings)


def test_refuses_while_daemon_runs():
    before = (audit_settings(), without_sysq_rules(audit_rules()))
    backlog = before[0]["backlog_limit"] + 4321
    with Daemon(f"--audit_backlog_limit={backlog}") as d:
        running = (audit_settings(), audit_rules())
        code, out, err = restore(d)
        check(code != 0, "a restore while the daemon runs fails")
        check("running" in err and str(d.proc.pid) in err, f"it says why and who: {err!r}")
        check_eq((audit_settings(), audit_rules()), running, "nothing changed")
        check(record(d), "the running daemon's record is kept")
        # Another database, but the running daemon's pid file.
        other = Daemon(tmp=None)
        r = run([SYSQ, "restore", "--flagfile=", "--config_path=",
                 f"--database_path={other.db}", f"--pidfile={d.pidfile}"], timeout=30)
        check(r.returncode != 0, "a restore with a held pid file fails")
        check_eq((audit_settings(), audit_rules()), running, "nothing changed")
        check_eq(d.query("SELECT 1 AS one"), [{"one": "1"}], "the daemon still answers")
    check_eq((audit_settings(), audit_rules()), before, "the daemon's own stop restores")


if __name__ == "__main__":
    main([test_refuses_while_daemon_runs, test_restore_after_sigkill])
