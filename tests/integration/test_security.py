#!/usr/bin/env python3
"""The control socket serves root only and runs SQL read-only; the
database is root-only and used by one daemon at a time; settings are taken
only from files that only root can change."""
import os
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, TestFailure, check, check_eq, main, run,  # noqa: E402
                      write_config)

NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def as_nobody(d, sql):
    return run(NOBODY + [SYSQ, "shell", f"--control_socket={d.sock}", sql])


def test_socket_is_root_only():
    with Daemon("--disable_audit") as d:
        mode = stat.S_IMODE(os.stat(d.sock).st_mode)
        check_eq(oct(mode), oct(0o600), "control socket mode")
        os.chmod(d.tmp, 0o755)  # let nobody reach the socket file itself
        r = as_nobody(d, "SELECT 1")
        check_eq(r.returncode, 1, "nobody cannot connect to a 0600 socket")
        check(b"Permission denied" in r.stderr and d.sock.encode() in r.stderr,
              f"clear error naming the socket: {r.stderr!r}")
        # Even with the file opened up by mistake, SO_PEERCRED still refuses.
        os.chmod(d.sock, 0o666)
        r = as_nobody(d, "SELECT 1")
        check_eq(r.returncode, 1, "a non-root peer is refused")
        check(b"serves root only" in r.stderr, f"refusal message: {r.stderr!r}")
        check_eq(d.query("SELECT 1 AS one"), [{"one": "1"}], "root is still served")


def test_sql_is_read_only():
    with Daemon() as d:
        refused = {
            "DELETE FROM process_events": b"process_events may not be modified",
            "DELETE FROM process_events_rows": b"DELETE is not allowed",
            "INSERT INTO process_events_rows (time, data) VALUES (1, x'')":
                b"INSERT is not allowed",
            "UPDATE process_events_rows SET time = 1": b"UPDATE is not allowed",
            "DROP TABLE process_events_rows": b"DROP is not allowed",
            "CREATE TABLE t (x)": b"CREATE is not allowed",
            "CREATE TEMP TABLE t (x)": b"CREATE is not allowed",
            "ATTACH DATABASE '/tmp/sysq-attack.db' AS x": b"ATTACH is not allowed",
            "PRAGMA journal_mode = DELETE": b"PRAGMA journal_mode=DELETE is not allowed",
            "PRAGMA user_version = 7": b"is not allowed",
            "SELECT load_extension('/tmp/x.so')": b"load_extension() is not allowed",
            "BEGIN": b"is not allowed",
        }
        for sql, message in refused.items():
            r = d.shell(sql)
            check_eq(r.returncode, 1, f"exit status for {sql}")
            check(message in r.stderr, f"{sql}: {r.stderr!r}")
        check(not os.path.exists("/tmp/sysq-attack.db"), "ATTACH created no file")
        check_eq(d.query("PRAGMA user_version"), [{"user_version": "0"}], "reads still work")
        cols = d.query("SELECT name FROM pragma_table_xinfo('process_events') "
                       "WHERE name = 'argv'")
        check_eq(cols, [{"name": "argv"}], "schema introspection works")


def test_runaway_query_is_interrupted():
    with Daemon("--disable_audit", "--control_query_timeout=1") as d:
        start = time.monotonic()
        r = d.shell("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                    "SELECT count(*) FROM n", timeout=30)
        elapsed = time.monotonic() - start
        check_eq(r.returncode, 1, "exit status of an interrupted query")
        check(b"--control_query_timeout" in r.stderr, f"message: {r.stderr!r}")
        check(elapsed < 10, f"interrupted after {elapsed:.1f}s")
        check_eq(d.query("SELECT 1 AS one"), [{"one": "1"}], "the daemon still serves")


def test_database_is_private():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    db = os.path.join(tmp, "sysq.db")
    # A database some other tool created world-readable is made root-only.
    subprocess.run(["python3", "-c", f"import sqlite3; sqlite3.connect({db!r}).close()"],
                   check=True)
    os.chmod(db, 0o644)
    with Daemon("--disable_audit", tmp=tmp) as d:
        for path in (d.db, d.db + "-wal", d.db + "-shm"):
            check_eq(oct(stat.S_IMODE(os.stat(path).st_mode)), oct(0o600), f"mode of {path}")


def test_one_daemon_per_database():
    with Daemon("--disable_audit") as first:
        other = tempfile.mkdtemp(prefix="sysq-test-")
        second = Daemon("--disable_audit", f"--database_path={first.db}", tmp=other)
        second.start(wait=False)
        try:
            rc = second.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            second.stop()
            raise TestFailure("a second daemon started on the same database")
        check_eq(rc, 1, "the second daemon's exit status")
        check(f"another sysq daemon (pid {first.proc.pid}) uses the database {first.db}"
              in second.log_text(), second.log_text())
        check_eq(first.query("SELECT 1 AS one"), [{"one": "1"}], "the first one still serves")


def refused(path, *flags):
    r = run([SYSQ, "daemon", "--config_check", *flags])
    check_eq(r.returncode, 2, f"exit status for {path} ({r.stderr.decode()})")
    return r.stderr.decode()


def test_untrusted_settings_files_are_refused():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    conf = write_config(os.path.join(tmp, "sysq.conf"), "{}")
    flagfile = write_config(os.path.join(tmp, "sysq.flags"), f"--config_path={conf}\n")
    os.chmod(flagfile, 0o644)
    os.chmod(conf, 0o644)
    check_eq(run([SYSQ, "daemon", "--config_check", f"--flagfile={flagfile}"]).returncode, 0,
             "root-owned files that only root can write are fine")
    os.chmod(conf, 0o666)
    err = refused(conf, f"--flagfile={flagfile}")
    check(f"{conf}: mode 0666 lets anyone write it" in err and "chmod go-w" in err, err)
    os.chmod(conf, 0o664)
    check("lets its group write it" in refused(conf, f"--config_path={conf}", "--flagfile="),
          "group-writable")
    os.chmod(conf, 0o644)
    os.chown(conf, 65534, 65534)
    check(f"{conf}: owned by uid 65534, not root" in
          refused(conf, f"--config_path={conf}", "--flagfile="), "owned by nobody")
    os.chmod(flagfile, 0o646)
    check(f"{flagfile}: mode 0646" in refused(flagfile, f"--flagfile={flagfile}"),
          "a world-writable flagfile")


if __name__ == "__main__":
    main([test_socket_is_root_only, test_sql_is_read_only, test_runaway_query_is_interrupted,
          test_database_is_private, test_one_daemon_per_database,
          test_untrusted_settings_files_are_refused])
