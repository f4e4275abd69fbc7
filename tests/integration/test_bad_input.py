#!/usr/bin/env python3
"""Bad flags and files exit 2 naming the culprit; malformed audit records are
counted in sysq_events and skipped while the daemon keeps working."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_send_user_message, check, check_eq,  # noqa: E402
                      exec_workload, main, run, wait_for)


def daemon_result(*args):
    tmp = tempfile.mkdtemp(prefix="sysq-bad-")
    r = run([SYSQ, "daemon", f"--database_path={tmp}/db", f"--control_socket={tmp}/sock",
             f"--pidfile={tmp}/pid", *args], timeout=20)
    return r.returncode, r.stderr.decode()


def test_bad_flags():
    code, err = daemon_result("--flagfile=", "--no_such_flag=1")
    check_eq(code, 2, "exit status for an unknown flag")
    check("--no_such_flag" in err, f"the error names the flag: {err!r}")
    code, err = daemon_result("--flagfile=", "--events_max=many")
    check_eq(code, 2, "exit status for a bad integer")
    check("--events_max" in err and "many" in err, f"the error names flag and value: {err!r}")
    code, err = daemon_result("--flagfile=", "--audit_persist=maybe")
    check_eq(code, 2, "exit status for a bad boolean")
    check("--audit_persist" in err, f"the error names the flag: {err!r}")
    code, err = daemon_result("--flagfile=", "--audit_backlog_limit=-1")
    check_eq(code, 2, "exit status for an out-of-range value")
    check("out of range" in err, f"the error explains the range: {err!r}")
    code, err = daemon_result("--flagfile=", "stray")
    check_eq(code, 2, "exit status for a stray argument")


def test_bad_flagfile():
    with tempfile.NamedTemporaryFile("w", suffix=".flags", delete=False) as f:
        f.write("# comment\n\n--events_max=10\n   --audit_debgu=true\n")
    code, err = daemon_result(f"--flagfile={f.name}")
    check_eq(code, 2, "exit status for an unknown flag in a flagfile")
    check(f"{f.name}:4:6: unknown flag --audit_debgu" in err, f"file:line:column: {err!r}")
    with open(f.name, "w") as g:
        g.write("--events_expiry=soon\n")
    code, err = daemon_result(f"--flagfile={f.name}")
    check_eq(code, 2, "exit status for a bad value in a flagfile")
    check(f"{f.name}:1:1:" in err and "--events_expiry" in err, f"file:line:column: {err!r}")
    code, err = daemon_result("--flagfile=/nonexistent/sysq.flags")
    check_eq(code, 2, "exit status for a missing explicit flagfile")
    check("/nonexistent/sysq.flags" in err, f"the error names the file: {err!r}")


def test_flagfile_and_command_line():
    with tempfile.NamedTemporaryFile("w", suffix=".flags", delete=False) as f:
        f.write("--events_max=111\n--events_expiry=222\n")
    with Daemon(f"--flagfile={f.name}", "--events_max=333") as d:
        values = {r["name"]: (r["value"], r["source"]) for r in
                  d.query("SELECT name, value, source FROM sysq_flags")}
        check_eq(values["events_max"], ("333", "command line"), "command line wins")
        check_eq(values["events_expiry"], ("222", "flagfile"), "flagfile value")


def test_missing_default_flagfile_is_fine():
    d = Daemon()
    d.flags = []
    # A machine with sysq installed has /etc/sysq: hide it from this daemon.
    hide = (["unshare", "--mount", "--propagation", "private", "sh", "-c",
             'mount -t tmpfs sysq-test /etc/sysq && exec "$0" "$@"']
            if os.path.isdir("/etc/sysq") else [])
    d.args = lambda: hide + [SYSQ, "daemon", f"--database_path={d.db}",
                             f"--control_socket={d.sock}", f"--pidfile={d.pidfile}",
                             f"--logger_path={d.logger_path}", "--config_path=",
                             "--disable_audit"]
    with d:
        check("no flagfile at /etc/sysq/sysq.flags" in d.log_text(),
              "the daemon logs one line about the missing default flagfile")


def test_malformed_record_is_counted():
    with Daemon() as d:
        before = int(d.counters("auditeventpublisher")["drop_malformed"])
        # The kernel wraps user text in msg='...'; a quote inside it leaves
        # an unterminated value that sysq's parser must reject, not crash on.
        check_eq(audit_send_user_message("sysq-test' broken=\"unterminated"), 0,
                 "the kernel accepts the user message")
        wait_for(lambda: int(d.counters("auditeventpublisher")["drop_malformed"]) == before + 1,
                 what="drop_malformed to count the record")
        pid = exec_workload([b"true", b"still working"])
        wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                 f"AND path = '/usr/bin/true'"),
                 what="events after the malformed record")


def test_bad_sql_is_an_error():
    with Daemon() as d:
        r = d.shell("SELEC nonsense")
        check_eq(r.returncode, 1, "exit status for bad SQL")
        check(re.search(rb"^Error: .*syntax error", r.stderr, re.M), f"message: {r.stderr!r}")


if __name__ == "__main__":
    main([test_bad_flags, test_bad_flagfile, test_flagfile_and_command_line,
          test_missing_default_flagfile_is_fine, test_malformed_record_is_counted,
          test_bad_sql_is_an_error])
