#!/usr/bin/env python3
"""sysq shell: output formats, SQL on stdin, dot commands, and the error when
no daemon is running."""
import json
import os
import pty
import select
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, check, check_eq, main, run  # noqa: E402

SQL = "SELECT 1 AS n, 'a,b' AS s, NULL AS z, 'x\ny' AS nl"


def test_formats():
    with Daemon("--disable_audit") as d:
        r = d.shell(SQL, "--json")
        check_eq(json.loads(r.stdout), [{"n": "1", "s": "a,b", "z": None, "nl": "x\ny"}],
                 "--json")
        r = d.shell(SQL, "--csv")
        check_eq(r.stdout, b'n,s,z,nl\r\n1,"a,b",,"x\ny"\r\n', "--csv")
        r = d.shell(SQL, "--line")
        check_eq(r.stdout, b" n = 1\n s = a,b\n z = \nnl = x\\ny\n", "--line")
        r = d.shell(SQL)
        lines = r.stdout.decode().splitlines()
        check_eq(lines[1], "| n | s   | z | nl   |", "pretty header")
        check_eq(lines[3], "| 1 | a,b |   | x\\ny |", "pretty row escapes the newline")
        r = d.shell("SELECT char(27) || '[31mred' AS esc")
        check(b"\x1b" not in r.stdout and b"\\x1b[31mred" in r.stdout,
              "terminal escapes are neutralised")


def test_stdin_and_dot_commands():
    with Daemon() as d:
        script = b".tables\n.schema process_events\nSELECT 2 AS two;\n.mode json\nSELECT 3 AS three\n"
        r = run([SYSQ, "shell", f"--control_socket={d.sock}"], input=script)
        check_eq(r.returncode, 0, "script exit status")
        out = r.stdout.decode()
        for table in ("osquery_events", "process_events", "sysq_events", "sysq_flags"):
            check(f"{table}\n" in out, f".tables lists {table}")
        check("`argv` TEXT HIDDEN" in out and "`cmdline` TEXT," in out,
              ".schema marks hidden columns")
        check("| two |" in out, "SQL between dot commands runs")
        check('{"three":"3"}' in out, ".mode json applies, last statement without ';' runs")
        r = run([SYSQ, "shell", f"--control_socket={d.sock}"], input=b"SELECT nope;\n")
        check_eq(r.returncode, 1, "a failing statement on stdin fails the run")


def test_interactive_terminal():
    """On a terminal the shell prompts, continues unfinished statements and
    honours .timer and .quit."""
    with Daemon("--disable_audit") as d:
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(SYSQ, [SYSQ, "shell", f"--control_socket={d.sock}"])
        out = b""

        def read_until(marker, timeout=5.0):
            nonlocal out
            deadline = time.monotonic() + timeout
            while marker not in out:
                check(time.monotonic() < deadline, f"no {marker!r} in {out!r}")
                if select.select([fd], [], [], 0.1)[0]:
                    out += os.read(fd, 4096)

        read_until(b"sysq> ")
        os.write(fd, b".timer on\nSELECT 40 +\n")
        read_until(b"   ...> ")
        os.write(fd, b"2 AS answer;\n")
        read_until(b"Run Time: ")
        check(b"| 42     |" in out, f"the continued statement ran: {out!r}")
        os.write(fd, b".quit\n")
        _, status = os.waitpid(pid, 0)
        check_eq(os.waitstatus_to_exitcode(status), 0, "interactive exit status")
        os.close(fd)


def test_no_daemon():
    sock = os.path.join(tempfile.mkdtemp(), "absent.sock")
    r = run([SYSQ, "shell", f"--control_socket={sock}", "SELECT 1"])
    check_eq(r.returncode, 1, "exit status without a daemon")
    check(sock.encode() in r.stderr and b"sysq daemon" in r.stderr,
          f"the error names the socket and the daemon: {r.stderr!r}")
    r = run([SYSQ, "shell", "--bogus"])
    check_eq(r.returncode, 2, "unknown shell option")


if __name__ == "__main__":
    main([test_formats, test_stdin_and_dot_commands, test_interactive_terminal, test_no_daemon])
