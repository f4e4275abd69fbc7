#!/usr/bin/env python3
"""The control socket under clients that misbehave or crowd it: one that
never reads its result is dropped within the query timeout (its read
transaction ends, so the WAL can be checkpointed), idle connections give
their slots back, 200 parallel shells all get answers, a result over the
size limit ends with a clear error, and the shell's table output streams
instead of buffering the whole result."""
import os
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, check, check_eq, main, wait_for  # noqa: E402

# An endless result: rows until the query is ended, each ~300 bytes, and a
# read of process_events so the statement holds a read transaction.
ENDLESS = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
           "SELECT x, printf('%0300d', x) AS pad, "
           "(SELECT count(*) FROM process_events) AS n FROM c")
DROPPED = "did not read its result"


# --- the wire format, as agent/control/wire.h defines it -------------------

def frame(kind, payload):
    return kind + struct.pack(">I", len(payload)) + payload


def raw_client(d, query=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(d.sock)
    if query is not None:
        s.sendall(frame(b"Q", query.encode()))
    return s


def read_all(s, timeout):
    """Everything the server sends until it closes; fails on a timeout."""
    s.settimeout(timeout)
    data = b""
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            return data
        data += chunk


def read_answer(s, timeout):
    """Frames of one answer, up to its DONE or ERROR frame (the connection
    stays open for the next query)."""
    s.settimeout(timeout)
    data = b""
    while True:
        got = frames(data)
        if got and got[-1][0] in (b"D", b"E"):
            return got
        chunk = s.recv(1 << 16)
        check(chunk, f"the answer ended early: {got!r}")
        data += chunk


def frames(data):
    out = []
    while len(data) >= 5:
        n = struct.unpack(">I", data[1:5])[0]
        if len(data) < 5 + n:
            break  # cut off: the server dropped the rest
        out.append((data[:1], data[5:5 + n]))
        data = data[5 + n:]
    return out


def checkpoint(db):
    """A TRUNCATE checkpoint from a separate read-write connection: it
    succeeds (busy 0) only when no reader still holds an old snapshot."""
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    try:
        return con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()


def test_stalled_reader_is_dropped():
    with Daemon("--control_query_timeout=3") as d:
        stalled = raw_client(d, ENDLESS)
        time.sleep(1)
        check_eq(d.query("SELECT 1 AS one"), [{"one": "1"}],
                 "another client is served while one is stalled")
        wait_for(lambda: DROPPED in d.log_text(), timeout=15,
                 what="the daemon to drop the client that does not read")
        check_eq(d.log_text().count(DROPPED), 1, "the drop is logged once")
        # The server closed the connection: what was sent, then the end,
        # and no DONE frame.
        got = frames(read_all(stalled, timeout=10))
        stalled.close()
        check(got and got[0][0] == b"C", "the answer had begun")
        check(all(k != b"D" for k, _ in got), "a dropped answer is not marked complete")
        # The serving thread let go of its snapshot: a full checkpoint runs.
        for _ in range(20):
            os.stat("/")  # some activity for the event tables
        busy, _log, _done = checkpoint(d.db)
        check_eq(busy, 0, "TRUNCATE checkpoint after the drop (no reader pins the WAL)")

        # The same through the shell: its output goes to a pipe nobody reads.
        shell = subprocess.Popen([SYSQ, "shell", f"--control_socket={d.sock}", "--csv",
                                  ENDLESS], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: d.log_text().count(DROPPED) == 2, timeout=15,
                     what="the daemon to drop a shell whose output is not read")
            check_eq(checkpoint(d.db)[0], 0, "checkpoint after the shell was dropped")
        finally:
            shell.kill()
            shell.communicate()
        check_eq(d.query("SELECT 2 AS two"), [{"two": "2"}], "the daemon still answers")


def test_idle_connections_time_out():
    with Daemon("--disable_audit", "--control_idle_timeout=3") as d:
        idle = [raw_client(d) for _ in range(16)]
        time.sleep(0.5)
        # Every slot is taken: a raw client is refused at once, with the limit.
        extra = raw_client(d, "SELECT 1")
        got = frames(read_all(extra, timeout=10))
        extra.close()
        check(got and got[0][0] == b"E" and got[0][1].startswith(b"too many clients")
              and b"16" in got[0][1], f"refusal names the limit: {got!r}")
        # The shell retries until the idle connections are closed.
        t0 = time.monotonic()
        r = d.shell("SELECT 1 AS one", "--json")
        elapsed = time.monotonic() - t0
        check_eq(r.returncode, 0, f"shell exit status ({r.stderr!r})")
        check_eq(r.stdout.strip(), b'[\n  {"one":"1"}\n]', "shell answer")
        check(elapsed < 13, f"answered within idle timeout + retry ({elapsed:.1f}s)")
        for s in idle:
            got = frames(read_all(s, timeout=10))
            s.close()
            check(len(got) == 1 and got[0][0] == b"E"
                  and got[0][1].startswith(b"idle connection closed"),
                  f"an idle connection is told why it was closed: {got!r}")


def test_shell_reconnects_after_idle_close():
    with Daemon("--disable_audit", "--control_idle_timeout=2") as d:
        p = subprocess.Popen([SYSQ, "shell", f"--control_socket={d.sock}", "--csv"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(b"SELECT 11 AS a;\n")
        p.stdin.flush()
        time.sleep(5)  # the daemon closes the shell's idle connection
        p.stdin.write(b"SELECT 22 AS b;\n")
        out, err = p.communicate(timeout=30)
        check_eq(p.returncode, 0, f"shell exit status ({err!r})")
        check_eq(out, b"a\r\n11\r\nb\r\n22\r\n", "both queries answered, once each")
        check_eq(err, b"", "reconnecting is silent")


def test_many_parallel_shells():
    with Daemon("--disable_audit") as d:
        procs = [subprocess.Popen([SYSQ, "shell", f"--control_socket={d.sock}", "--csv",
                                   f"SELECT {i} AS i"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for i in range(200)]
        failed = []
        for i, p in enumerate(procs):
            out, err = p.communicate(timeout=120)
            if p.returncode != 0 or out != f"i\r\n{i}\r\n".encode():
                failed.append((i, p.returncode, err))
        check(not failed, f"{len(failed)} of 200 parallel shells failed: {failed[:3]!r}")


def test_result_size_limit():
    with Daemon("--disable_audit", "--control_max_result_bytes=65536") as d:
        big = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
               "WHERE x < 100000) SELECT x, printf('%0100d', x) AS pad FROM c")
        r = d.shell(big, "--csv")
        check_eq(r.returncode, 1, "a result over the limit fails")
        check(b"result larger than 65536 bytes" in r.stderr and b"add a LIMIT" in r.stderr,
              f"clear error: {r.stderr!r}")
        check(len(r.stdout) < 65536, "no more than the limit was sent")
        s = raw_client(d, big)
        got = read_answer(s, timeout=10)
        s.close()
        check(got[-1][0] == b"E" and b"--control_max_result_bytes" in got[-1][1],
              "the raw answer ends with the error frame")
        r = d.shell(big + " LIMIT 100", "--csv")
        check_eq(r.returncode, 0, "a result under the limit is served")
        check_eq(r.stdout.count(b"\n"), 101, "every row of it")
        check_eq(d.query("SELECT 3 AS three"), [{"three": "3"}], "the daemon stays healthy")


def vm_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def test_pretty_output_streams():
    rows = 2000000
    sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
           f"WHERE x < {rows}) SELECT x, printf('%060d', x) AS pad FROM c")
    with Daemon("--disable_audit") as d:
        # Under AddressSanitizer freed memory is held in a quarantine, which
        # would count as RSS; keep it small. Other builds ignore this.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(
            o for o in (env.get("ASAN_OPTIONS"), "quarantine_size_mb=1") if o)
        p = subprocess.Popen([SYSQ, "shell", f"--control_socket={d.sock}", sql],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        counted = {"lines": 0, "last": b""}

        def reader():
            tail = b""
            while True:
                chunk = p.stdout.read(1 << 20)
                if not chunk:
                    break
                counted["lines"] += chunk.count(b"\n")
                tail = (tail + chunk)[-4096:]
            counted["last"] = tail

        t = threading.Thread(target=reader)
        t.start()
        peak = 0
        while p.poll() is None:
            peak = max(peak, vm_rss_kb(p.pid))
            time.sleep(0.05)
        t.join()
        err = p.stderr.read()
        check_eq(p.returncode, 0, f"shell exit status ({err!r})")
        # Top rule, header, rule, the rows, bottom rule.
        check_eq(counted["lines"], rows + 4, "every row printed")
        check(f"| {rows} | {rows:060d} |".encode() in counted["last"],
              "a later, wider row is printed whole")
        check(0 < peak < 40 * 1024, f"shell RSS stays small while streaming: {peak} kB")


if __name__ == "__main__":
    main([test_stalled_reader_is_dropped, test_idle_connections_time_out,
          test_shell_reconnects_after_idle_close, test_many_parallel_shells,
          test_result_size_limit, test_pretty_output_streams])
