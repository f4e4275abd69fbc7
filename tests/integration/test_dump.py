#!/usr/bin/env python3
"""sysq dump: the live trace, read through multicast beside a running daemon."""
import json
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_pid, audit_settings, check, check_eq,  # noqa: E402
                      exec_workload, main)


class Dump:
    def __init__(self, *args):
        self.proc = subprocess.Popen([SYSQ, "dump", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.lines = []
        time.sleep(0.5)  # joined the multicast group

    def wait_line(self, predicate, timeout=5):
        deadline = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < deadline:
            if select.select([self.proc.stdout], [], [], 0.1)[0]:
                buf += os.read(self.proc.stdout.fileno(), 65536)
                *done, buf = buf.split(b"\n")
                for line in done:
                    self.lines.append(line.decode())
                    if predicate(self.lines[-1]):
                        return self.lines[-1]
        raise AssertionError(f"no matching dump line within {timeout}s")

    def interrupt(self):
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=5)


def test_dump_shows_the_exec():
    with Daemon() as d:
        dump = Dump("--audit")
        pid = exec_workload([b"true", b"dump me"])
        line = dump.wait_line(lambda l: l.startswith("type=SYSCALL ") and f" pid={pid} " in l
                              and 'exe="/usr/bin/true"' in l)
        check(" syscall=59 " in line and 'key="sysq"' in line, f"SYSCALL line {line}")
        check_eq(dump.interrupt(), 0, "Ctrl-C exit status")
        check_eq(audit_pid(), d.proc.pid, "the daemon kept the audit pid")


def test_dump_json_and_type_filter():
    with Daemon():
        dump = Dump("--json", "--type=EXECVE")
        exec_workload([b"true", b"json dump", b"new\nline"])
        line = dump.wait_line(lambda l: '"a1":"json dump"' in l)
        record = json.loads(line)
        check_eq(record["type"], "EXECVE", "type name")
        check_eq(record["type_id"], 1309, "type number")
        check_eq(record["fields"]["a2"], "new\nline", "hex arguments are decoded")
        check(all(json.loads(l)["type"] == "EXECVE" for l in dump.lines),
              "--type keeps only EXECVE")
        check_eq(dump.interrupt(), 0, "exit status")


def test_dump_says_when_audit_is_off():
    if audit_settings()["enabled"] != 0:
        print("skipped: audit is enabled on this machine")
        return
    dump = Dump()
    check_eq(dump.interrupt(), 0, "exit status")
    err = dump.proc.stderr.read().decode()
    check("audit is disabled" in err, f"stderr: {err!r}")


TCP_CONNECT = ("import socket; l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(); "
               "c = socket.socket(); c.connect(l.getsockname()); "
               "print(c.getsockname()[1], l.getsockname()[1])")


def test_dump_bpf():
    """--bpf loads its own copy of the socket programs (the default socket
    hooks) and prints each call, with the local port the kernel chose; its
    counters on exit. Loading takes seconds, so connect until it shows."""
    dump = Dump("--bpf")
    deadline = time.monotonic() + 60
    while True:
        p = subprocess.run([sys.executable, "-c", TCP_CONNECT], capture_output=True, check=True)
        local, port = p.stdout.decode().split()
        try:
            line = dump.wait_line(lambda l: l.startswith("connect ")
                                  and f" addr=127.0.0.1:{port} " in l, timeout=1)
            break
        except AssertionError:
            if dump.proc.poll() is not None:  # stderr is read only once it has exited
                check(False, f"dump --bpf exited: {dump.proc.stderr.read()!r}")
            check(time.monotonic() < deadline, "dump --bpf printed no connect")
    check(f" local=127.0.0.1:{local} " in line and " ret=0 " in line and " protocol=6 " in line,
          line)
    check_eq(dump.interrupt(), 0, "Ctrl-C exit status")
    err = dump.proc.stderr.read().decode()
    check("lost_ringbuf=0" in err and "lost_pending=0" in err, f"counters: {err!r}")


def test_bad_option():
    r = subprocess.run([SYSQ, "dump", "--type=NOPE"], capture_output=True)
    check_eq(r.returncode, 2, "exit status for an unknown type")
    check(b"NOPE" in r.stderr, f"stderr: {r.stderr!r}")


if __name__ == "__main__":
    main([test_dump_shows_the_exec, test_dump_json_and_type_filter,
          test_dump_says_when_audit_is_off, test_dump_bpf, test_bad_option])
