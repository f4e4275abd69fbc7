"""Shared helpers for sysq's integration tests.

Every test runs as root against the real kernel. A Daemon puts all of its
paths (database, control socket, pid file) in a fresh temporary directory,
and is always stopped, so the kernel's audit state is left as it was found.
Audit state is read with Debian's auditctl, an oracle independent of sysq.
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time

SYSQ = os.environ.get("SYSQ_BIN", "sysq")
EXEC_HELPER = os.environ.get("SYSQ_TEST_EXEC", "sysq-test-exec")
NET_HELPER = os.environ.get("SYSQ_TEST_NET", "sysq-test-net")
AUDITCTL = "/usr/sbin/auditctl"


class TestFailure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise TestFailure(message)


def check_eq(actual, expected, what):
    if actual != expected:
        raise TestFailure(f"{what}: expected {expected!r}, got {actual!r}")


def wait_for(predicate, timeout=5.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TestFailure(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, **kw)


# --- kernel audit state through auditctl ---------------------------------

def audit_status():
    out = run([AUDITCTL, "-s"], check=True).stdout.decode()
    status = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].lstrip("-").isdigit():
            status[parts[0]] = int(parts[1])
    return status


def audit_settings():
    """The settings sysq must restore (not counters such as lost)."""
    s = audit_status()
    return {k: s[k] for k in ("enabled", "failure", "backlog_limit", "backlog_wait_time")}


def audit_rules():
    out = run([AUDITCTL, "-l"], check=True).stdout.decode()
    return [] if out.strip() == "No rules" else out.strip().splitlines()


def audit_pid():
    return audit_status()["pid"]


def force_audit_settings(settings):
    """A test's last resort after a check failed while a killed daemon's
    changes were in place: deletes sysq's rules and sets `settings` (as
    audit_settings returns them) with auditctl."""
    run([AUDITCTL, "-D", "-k", "sysq"])
    run([AUDITCTL, "-b", str(settings["backlog_limit"]), "--backlog_wait_time",
         str(settings["backlog_wait_time"]), "-f", str(settings["failure"]),
         "-e", str(settings["enabled"])], check=True)


# --- audit netlink from Python, for what auditctl cannot do ---------------

NETLINK_AUDIT = 9
AUDIT_SET = 1001
AUDIT_STATUS_PID = 4
NLMSG_ERROR = 2


def audit_netlink_socket():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
    s.bind((0, 0))
    return s


def audit_request(sock, msg_type, payload, seq=1):
    """Sends a request with NLM_F_REQUEST|NLM_F_ACK; returns the errno (0 = ok)."""
    header = struct.pack("=LHHLL", 16 + len(payload), msg_type, 0x1 | 0x4, seq, 0)
    sock.sendto(header + payload, (0, 0))
    while True:
        data = sock.recv(65536)
        length, mtype, _flags, rseq, _pid = struct.unpack("=LHHLL", data[:16])
        if mtype == NLMSG_ERROR and rseq == seq:
            return -struct.unpack("=i", data[16:20])[0]


def audit_set_pid(sock, pid):
    status = struct.pack("=11L", AUDIT_STATUS_PID, 0, 0, pid, 0, 0, 0, 0, 0, 0, 0)
    return audit_request(sock, AUDIT_SET, status)


def audit_send_user_message(text, msg_type=1005):
    """Sends a userspace audit message (AUDIT_USER by default), as PAM does."""
    with audit_netlink_socket() as s:
        return audit_request(s, msg_type, text.encode() + b"\0")


# --- the daemon -----------------------------------------------------------

class Daemon:
    def __init__(self, *flags, tmp=None, prefix=None):
        self._own_tmp = tmp is None
        self.prefix = list(prefix or [])  # a command that runs the daemon (setpriv ...)
        self.tmp = tmp or tempfile.mkdtemp(prefix="sysq-test-")
        self.db = os.path.join(self.tmp, "sysq.db")
        self.sock = os.path.join(self.tmp, "sysq.sock")
        self.pidfile = os.path.join(self.tmp, "sysq.pid")
        self.flags = list(flags)
        self.proc = None
        self.log_path = os.path.join(self.tmp, "daemon.log")
        self.out_path = os.path.join(self.tmp, "daemon.out")
        self.logger_path = os.path.join(self.tmp, "log")
        self.results_path = os.path.join(self.logger_path, "sysq.results.log")

    def args(self):
        # No flagfile or config from the machine; later flags override.
        return self.prefix + [SYSQ, "daemon", "--flagfile=", "--config_path=",
                f"--database_path={self.db}", f"--control_socket={self.sock}",
                f"--pidfile={self.pidfile}", f"--logger_path={self.logger_path}"] + self.flags

    def start(self, wait=True):
        self.log = open(self.log_path, "ab")
        self.out = open(self.out_path, "ab")
        self.proc = subprocess.Popen(self.args(), stdout=self.out, stderr=self.log)
        if wait:
            wait_for(self.ready, timeout=15, what="the daemon's control socket")
        return self

    def ready(self):
        if self.proc.poll() is not None:
            raise TestFailure(f"daemon exited with {self.proc.returncode}:\n{self.log_text()}")
        return os.path.exists(self.sock) and self.shell("SELECT 1").returncode == 0

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def results(self, name=None):
        """The results log as parsed lines, optionally only query `name`'s."""
        if not os.path.exists(self.results_path):
            return []
        with open(self.results_path, "rb") as f:
            lines = [json.loads(line) for line in f.read().decode().splitlines()]
        return [r for r in lines if name is None or r["name"] == name]

    def shell(self, sql, *opts, **kw):
        return run([SYSQ, "shell", f"--control_socket={self.sock}", *opts, sql], **kw)

    def query(self, sql):
        r = self.shell(sql, "--json")
        if r.returncode != 0:
            raise TestFailure(f"query failed: {sql}\n{r.stderr.decode(errors='replace')}")
        return json.loads(r.stdout.decode())

    def counters(self, name):
        rows = self.query(f"SELECT * FROM sysq_events WHERE name = '{name}'")
        check(len(rows) == 1, f"no sysq_events row for {name}")
        return rows[0]

    def stop(self, sig=signal.SIGINT, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise TestFailure("daemon did not stop within %ds" % timeout)
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.killed = True
        self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        self.killed = False
        return self.start()

    def __exit__(self, exc_type, *exc):
        rc = self.stop()
        self.log.close()
        self.out.close()
        # A clean stop is exit 0; under ASan a leak or error makes it fail.
        if exc_type is None and not self.killed and rc != 0:
            raise TestFailure(f"daemon exited with {rc}:\n{self.log_text()}")


def write_config(path, config):
    """Writes a config (a dict, or text as it is) and returns its path."""
    with open(path, "w") as f:
        f.write(config if isinstance(config, str) else json.dumps(config, indent=2))
    return path


def like_marker(marker):
    """A LIKE pattern for `marker` that does not contain it, so the shell
    and the configs that carry the pattern do not match it themselves."""
    return f"'%' || '{marker[:3]}' || '{marker[3:]}%'"


def exec_workload(args, fexecve=False, cwd=None, path="/usr/bin/true"):
    """Runs sysq-test-exec; returns the pid the exec ran under."""
    cmd = [EXEC_HELPER]
    if fexecve:
        cmd.append("--fexecve")
    if cwd:
        cmd += ["--cwd", cwd]
    p = subprocess.Popen(cmd + [path] + list(args))
    p.wait()
    check(p.returncode == 0, f"workload {args!r} failed with {p.returncode}")
    return p.pid


def decode_argv(text):
    """argv JSON with \\udcXX escapes back to bytes."""
    return [a.encode("utf-8", "surrogateescape") for a in json.loads(text)]


def main(tests):
    """Runs test functions in order, stopping at the first failure."""
    for t in tests:
        print(f"--- {t.__name__}", flush=True)
        t()
        print(f"ok  {t.__name__}", flush=True)
