#!/usr/bin/env python3
"""The control socket serves root only and runs SQL read-only."""
import os
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, check, check_eq, main, run  # noqa: E402

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
            "DELETE FROM process_events_buffer": b"DELETE is not allowed",
            "INSERT INTO process_events_buffer (pid) VALUES (1)": b"INSERT is not allowed",
            "UPDATE process_events_buffer SET pid = 1": b"UPDATE is not allowed",
            "DROP TABLE process_events_buffer": b"DROP is not allowed",
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
    with Daemon("--disable_audit") as d:
        check_eq(oct(stat.S_IMODE(os.stat(d.db).st_mode)), oct(0o600), "database mode")


if __name__ == "__main__":
    main([test_socket_is_root_only, test_sql_is_read_only, test_runaway_query_is_interrupted,
          test_database_is_private])
