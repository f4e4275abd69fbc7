#!/usr/bin/env python3
"""Captures real audit records for the golden tests from the running kernel.

Run as root from a build tree:  tests/golden/capture.py BUILD_DIR
It starts `sysq daemon --audit_debug` with socket events on, runs each exec
workload below through sysq-test-exec, the socket workload sysq-test-net
and a PAM session (`su`, once allowed and once with a wrong password), and
writes tests/golden/<case>.log with every record of those events, exactly
as the kernel sent them. The .expected files are then produced with
sysq-replay and checked by hand before committing.
"""
import os
import pty
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRUE = "/usr/bin/true"

CASES = {
    "special_args": ([], [b"true", b"hello world", b"it's", b'say "hi"', b"new\nline",
                          b"\xff\xfe\x80 bytes", b"tab\there", b"", b"$HOME", b"back\\slash"]),
    "many_args": ([], [b"true"] + [b"a%d" % i for i in range(1, 14)]),
    "long_arg": ([], [b"true", b"start", b"0123456789" * 1000, b"mid", b"x y " * 2500,
                      b"end"]),
    "execveat": (["--fexecve"], [b"true", b"via fexecve"]),
    "cwd_spaces": (["--cwd", "/tmp/sysq golden/dir with spaces"], [b"true", b"cwd test"]),
    "many_records": ([], [b"true"] + [b"arg%03d-" % i + b"y" * 40 for i in range(300)]),
}


SOCKET_SYSCALLS = rb" syscall=(42|43|49|288) "
AUDIT_ID = rb"msg=(audit\([0-9.:]+\))"


def events_of(lines, is_key_line):
    """Every record of the events whose id appears on a line matching."""
    ids = {re.search(AUDIT_ID, l).group(1) for l in lines if is_key_line(l)}
    return [l for l in lines if re.search(AUDIT_ID, l) and re.search(AUDIT_ID, l).group(1) in ids]


def run_net_workload(build, tmp):
    net = subprocess.Popen([os.path.join(build, "tests", "sysq-test-net"), tmp],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    while b'"done"' not in net.stdout.readline():
        pass
    time.sleep(0.5)
    net.stdin.close()
    net.wait()
    return net.pid


def run_pam_sessions():
    subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c", "true"], check=True)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("setpriv", ["setpriv", "--reuid=nobody", "--regid=nogroup",
                              "--clear-groups", "su", "root", "-c", "true"])
    out = b""
    while b"assword" not in out:
        out += os.read(fd, 1024)
    os.write(fd, b"wrong-password\n")
    os.waitpid(pid, 0)


def main():
    build = os.path.abspath(sys.argv[1])
    sysq = os.path.join(build, "sysq")
    helper = os.path.join(build, "tests", "sysq-test-exec")
    os.makedirs("/tmp/sysq golden/dir with spaces", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        daemon = subprocess.Popen(
            [sysq, "daemon", "--flagfile=", "--audit_debug", "--enable_bpf_events=false",
             "--audit_allow_sockets",
             f"--database_path={tmp}/db", f"--control_socket={tmp}/sock",
             f"--pidfile={tmp}/pid"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        pids = {}
        for name, (opts, args) in CASES.items():
            p = subprocess.Popen([helper] + opts + [TRUE] + args)
            p.wait()
            pids[name] = p.pid
        net_pid = run_net_workload(build, tmp)
        run_pam_sessions()
        time.sleep(1)
        daemon.send_signal(2)
        out, _ = daemon.communicate(timeout=10)
    lines = out.split(b"\n")
    for name, pid in pids.items():
        ids = set()
        for line in lines:
            if line.startswith(b"type=SYSCALL") and re.search(rb" pid=%d " % pid, line) \
                    and b' exe="/usr/bin/true" ' in line \
                    and re.search(rb" syscall=(59|322) ", line):
                ids.add(re.search(rb"msg=(audit\([0-9.:]+\))", line).group(1))
        event = [line for line in lines if re.search(rb"msg=(audit\([0-9.:]+\))", line)
                 and re.search(rb"msg=(audit\([0-9.:]+\))", line).group(1) in ids]
        with open(os.path.join(HERE, name + ".log"), "wb") as f:
            f.write(b"\n".join(event) + b"\n")
        print(f"{name}: {len(event)} records")
    extra = {
        "sockets": events_of(lines, lambda l: l.startswith(b"type=SYSCALL")
                             and re.search(rb" pid=%d " % net_pid, l)
                             and re.search(SOCKET_SYSCALLS, l)),
        "pam_su": [l for l in lines if re.match(rb"type=(USER_|CRED_)", l)
                   and b'exe="/usr/bin/su"' in l],
    }
    for name, event in extra.items():
        with open(os.path.join(HERE, name + ".log"), "wb") as f:
            f.write(b"\n".join(event) + b"\n")
        print(f"{name}: {len(event)} records")


if __name__ == "__main__":
    main()
