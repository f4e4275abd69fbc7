#!/usr/bin/env python3
"""Captures real audit records for the golden tests from the running kernel.

Run as root from a build tree:  tests/golden/capture.py BUILD_DIR [CASE...]
It starts `sysq daemon --audit_debug` with socket events on, runs each exec
workload below through sysq-test-exec, the socket workload sysq-test-net,
a PAM session (`su`, once allowed and once with a wrong password) and the
userspace messages of USER_MESSAGES (sent through the kernel's audit socket
as libaudit sends them), and writes tests/golden/<case>.log with every
record of those events, exactly as the kernel sent them. With CASE names,
only those logs are written (the others keep their capture).

One case is written as auditd would have logged the kernel's records:
auditd_log holds two execs with no EOE record (auditd never writes one),
the second also without its PROCTITLE (as kernels before 3.16 send it), a
node=HOST prefix on every line, a comment and a blank line.
The .expected files are then produced with sysq-replay and checked by hand
before committing.
"""
import socket
import struct
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


# name: (record type, text), sent as libaudit sends userspace messages: sudo's
# USER_CMD (cmd hex-encoded, as audit_log_user_command writes it), and a PAM
# message in the shape PAM wrote before 2008.
USER_MESSAGES = {
    "user_cmd": (1123, 'cwd="/tmp" cmd=%s exe="%s" terminal=pts/0 res=success'),
    "pam_old_shape": (1105, 'PAM: session open acct=root : exe="%s" '
                            '(hostname=?, addr=?, terminal=cron res=success)'),
}
AUDIT_USER_ACK = 0x0004 | 0x0001  # NLM_F_ACK | NLM_F_REQUEST
AUDITD_LOG_NODE = b"node=capture-host "

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


def send_user_messages():
    """Sends each USER_MESSAGES text through the kernel's audit socket."""
    exe = os.path.realpath(sys.executable)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
    for name, (mtype, text) in USER_MESSAGES.items():
        if name == "user_cmd":
            text = text % ("ls -la /root".encode().hex().upper(), exe)
        else:
            text = text % exe
        body = text.encode() + b"\0"
        s.send(struct.pack("=IHHII", 16 + len(body), mtype, AUDIT_USER_ACK, 1, 0) + body)
        s.recv(4096)
    s.close()


def auditd_log(lines, pids):
    """Two exec events as auditd would log them (see the docstring)."""
    out = [b"# two execs as auditd writes them: no EOE, node= prefixes", b""]
    for n, name in enumerate(("execveat", "cwd_spaces")):
        for line in event_lines(lines, pids[name]):
            if line.startswith(b"type=EOE") or (n == 1 and line.startswith(b"type=PROCTITLE")):
                continue
            out.append(AUDITD_LOG_NODE + line)
    return out


def event_lines(lines, pid):
    """Every record of the exec events of `pid`."""
    ids = set()
    for line in lines:
        if line.startswith(b"type=SYSCALL") and re.search(rb" pid=%d " % pid, line) \
                and b' exe="/usr/bin/true" ' in line \
                and re.search(rb" syscall=(59|322) ", line):
            ids.add(re.search(AUDIT_ID, line).group(1))
    return [line for line in lines if re.search(AUDIT_ID, line)
            and re.search(AUDIT_ID, line).group(1) in ids]


def main():
    build = os.path.abspath(sys.argv[1])
    only = set(sys.argv[2:])
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
        send_user_messages()
        time.sleep(1)
        daemon.send_signal(2)
        out, _ = daemon.communicate(timeout=10)
    lines = out.split(b"\n")
    logs = {name: event_lines(lines, pid) for name, pid in pids.items()}
    logs.update({
        "sockets": events_of(lines, lambda l: l.startswith(b"type=SYSCALL")
                             and re.search(rb" pid=%d " % net_pid, l)
                             and re.search(SOCKET_SYSCALLS, l)),
        "pam_su": [l for l in lines if re.match(rb"type=(USER_|CRED_)", l)
                   and b'exe="/usr/bin/su"' in l],
        "auditd_log": auditd_log(lines, pids),
    })
    for name, (mtype, _) in USER_MESSAGES.items():
        logs[name] = [l for l in lines if re.search(rb"^type=\S+ msg=audit", l)
                      and b"pid=%d " % os.getpid() in l and b" msg='" in l
                      and (b"cmd=" in l if mtype == 1123 else b"PAM: session open" in l)]
    for name, event in logs.items():
        if only and name not in only:
            continue
        with open(os.path.join(HERE, name + ".log"), "wb") as f:
            f.write(b"\n".join(event) + b"\n")
        print(f"{name}: {len(event)} records")


if __name__ == "__main__":
    main()
