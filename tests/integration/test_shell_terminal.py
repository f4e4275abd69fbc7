#!/usr/bin/env python3
"""The interactive sysq shell driven through a pseudo-terminal, as a person
types: Up recalls the previous query, Tab completes dot commands, table and
column names, Ctrl-C cancels the line being typed and a query that is
running (the daemon stops it) without ending the shell, Ctrl-D exits, and
the history persists across sessions in ~/.sysq_history, mode 0600.

The daemon runs with --disable_audit (no audit socket, no lock needed).
Every session gets a temporary HOME, so the machine's history is never
read or written."""
import fcntl
import os
import pty
import select
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, TestFailure, check, check_eq, main, wait_for  # noqa: E402

UP = b"\x1b[A"
CTRL_C = b"\x03"
CTRL_D = b"\x04"
CTRL_U = b"\x15"  # kill the line: clears what Tab left before the next keys
# Counts to the end of time; only a cancel (or the 600 s timeout) stops it.
ENDLESS = (b"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
           b"SELECT count(*) AS endless FROM n;\n")


class Terminal:
    """`sysq shell` on a pty, with HOME and TERM of the test's choosing."""

    def __init__(self, daemon, home, term="xterm"):
        # The test's environment (ASAN_OPTIONS under ASan) with our HOME.
        env = dict(os.environ, HOME=home, TERM=term)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(SYSQ, [SYSQ, "shell", f"--control_socket={daemon.sock}"], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        self.out = b""
        self.status = None

    def read_until(self, marker, timeout=10.0, start=0):
        """Reads until `marker` appears in the output after offset `start`;
        returns the offset just past it."""
        deadline = time.monotonic() + timeout
        while self.out.find(marker, start) < 0:
            if time.monotonic() > deadline:
                raise TestFailure(f"no {marker!r} after offset {start} in {self.out!r}")
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:  # the shell exited
                    time.sleep(0.1)
        return self.out.find(marker, start) + len(marker)

    def editing(self):
        """Whether the line editor reads: libedit prints the prompt, then
        takes the terminal out of canonical mode. A key sent before that is
        handled by the kernel's line discipline (Ctrl-D would be its
        end-of-file), not by the editor."""
        return not termios.tcgetattr(self.fd)[3] & termios.ICANON

    def prompt(self, start):
        """Waits for a fresh prompt after `start` and for the editor to
        read; returns where the prompt ends."""
        end = self.read_until(b"sysq> ", start=start)
        wait_for(self.editing, timeout=10, interval=0.02, what="the line editor")
        return end

    def send(self, keys):
        mark = len(self.out)
        os.write(self.fd, keys)
        return mark

    def wait_exit(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            if time.monotonic() > deadline:
                raise TestFailure(f"the shell did not exit: {self.out!r}")
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    pass

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except ProcessLookupError:
                pass
        os.close(self.fd)


def client_thread_times(daemon):
    """CPU ticks (user + system) of each of the daemon's control-socket
    client threads: one per connected shell, gone once its connection ended
    and its query stopped."""
    task_dir = f"/proc/{daemon.proc.pid}/task"
    times = {}
    for tid in os.listdir(task_dir):
        try:
            with open(f"{task_dir}/{tid}/comm") as f:
                if f.read().strip() != "sysq-client":
                    continue
            with open(f"{task_dir}/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            times[tid] = int(fields[11]) + int(fields[12])
        except OSError:  # the thread ended while we looked
            pass
    return times


def client_threads(daemon):
    return len(client_thread_times(daemon))


def test_edit_complete_cancel():
    with tempfile.TemporaryDirectory(prefix="sysq-home-") as home, \
            Daemon("--disable_audit", "--control_query_timeout=600") as d:
        t = Terminal(d, home)
        try:
            at = t.prompt(0)
            # Up recalls the previous query; Enter runs it again.
            t.send(b"SELECT 40 + 2 AS up_answer;\n")
            at = t.prompt(t.read_until(b"| 42        |", start=at))
            t.send(UP)
            t.send(b"\n")
            at = t.prompt(t.read_until(b"| 42        |", start=at))

            # Tab completes a table name, a column name and a dot command.
            t.send(b"SELECT name FROM sysq_fla\t WHERE name = 'verbose';\n")
            at = t.prompt(t.read_until(b"| verbose |", start=at))
            t.send(b"SELECT default_val\t FROM sysq_flags WHERE name = 'verbose';\n")
            at = t.prompt(t.read_until(b"| default_value |", start=at))
            t.send(b".tab\t\n")
            at = t.prompt(t.read_until(b"sysq_flags\r\n", start=at))
            # Several candidates: the shared prefix, then a list.
            t.send(b"SELECT drop_\t")
            t.read_until(b"drop_queue_full", start=at)
            at = t.send(CTRL_U + b"SELECT 1;\n")
            at = t.prompt(at)

            # Ctrl-C gives the typed line up: its statement never runs.
            t.send(b"SELECT 'cancelled' || '_line' AS c")
            time.sleep(0.5)
            at = t.read_until(b"^C", start=t.send(CTRL_C))
            at = t.prompt(at)
            t.send(b";\nSELECT 'still' || '_alive' AS alive;\n")
            at = t.prompt(t.read_until(b"still_alive", start=at))
            check(b"cancelled_line" not in t.out, f"the cancelled line ran: {t.out!r}")

            # Ctrl-C stops a running query in the daemon, and the shell lives.
            t.send(ENDLESS)
            time.sleep(1)
            before = client_thread_times(d)
            check_eq(len(before), 1, "one client thread serves the shell")
            wait_for(lambda: (now := client_thread_times(d)).keys() == before.keys()
                     and now != before, timeout=10, what="the endless query to use CPU")
            at = t.read_until(b"query cancelled", start=t.send(CTRL_C))
            at = t.prompt(at)
            wait_for(lambda: client_threads(d) == 0, timeout=10,
                     what="the daemon to stop the cancelled query")
            t.send(b"SELECT 6 * 7 AS after_cancel;\n")
            at = t.prompt(t.read_until(b"| 42           |", start=at))
            check(b"| endless |" not in t.out, "the cancelled query printed no result")

            # Ctrl-D on an empty line ends the shell (status 1: a query failed).
            t.send(CTRL_D)
            check_eq(t.wait_exit(), 1, "exit status after a cancelled query")
        finally:
            t.close()
        check("control_query_timeout" not in d.log_text(),
              "the daemon did not have to time the query out")


def history_mode(path):
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_history_persists():
    with tempfile.TemporaryDirectory(prefix="sysq-home-") as home, \
            Daemon("--disable_audit") as d:
        history = os.path.join(home, ".sysq_history")
        t = Terminal(d, home)
        try:
            at = t.prompt(0)
            t.send(b"SELECT 'first' || '_session' AS remembered;\n")
            t.prompt(t.read_until(b"| first_session |", start=at))
            check_eq(history_mode(history), oct(0o600), "mode of a new history file")
            t.send(CTRL_D)
            check_eq(t.wait_exit(), 0, "exit status after Ctrl-D")
        finally:
            t.close()
        # A looser mode set by someone else is tightened on the next save.
        os.chmod(history, 0o644)
        t = Terminal(d, home)
        try:
            at = t.prompt(0)
            t.send(UP)
            t.send(b"\n")
            at = t.prompt(t.read_until(b"| first_session |", start=at))
            t.send(b".quit\n")
            check_eq(t.wait_exit(), 0, "exit status after .quit")
        finally:
            t.close()
        check_eq(history_mode(history), oct(0o600), "mode of the history after a session")
        check_eq(os.stat(history).st_uid, os.getuid(), "owner of the history")


def test_not_a_terminal():
    """Without a terminal nothing is edited or remembered."""
    with tempfile.TemporaryDirectory(prefix="sysq-home-") as home, \
            Daemon("--disable_audit") as d:
        r = subprocess.run([SYSQ, "shell", f"--control_socket={d.sock}"],
                           input=b"SELECT 5 AS five;\n", capture_output=True,
                           env=dict(os.environ, HOME=home))
        check_eq(r.returncode, 0, "exit status")
        check(b"| 5    |" in r.stdout and b"sysq>" not in r.stdout, f"output: {r.stdout!r}")
        check(not os.path.exists(os.path.join(home, ".sysq_history")), "no history written")


if __name__ == "__main__":
    main([test_edit_complete_cancel, test_history_persists, test_not_a_terminal])
