#!/usr/bin/env python3
"""Container attribution on the real kernel.

No container runtime runs here, so the test makes a container the way the
runtimes do: a cgroup v2 named exactly as docker's systemd driver names
one (system.slice/docker-<64 hex>.scope), a private mount namespace and a
pid namespace (unshare), and a root of its own (chroot) whose
/usr/bin/true is a static helper with a mode, owner and mtime no host file
there has. A process run in it must get the container's id and runtime
in process_events, socket_events and user_events, from audit and from BPF,
and the exec row the mode, owner and mtime of the container's file, not
the host's. A host process gets NULLs. A process gone before sysq reads
its event (the daemon held with SIGSTOP meanwhile) gets NULL container
columns from audit, counted in cgroup_unknown (BPF still has the kernel's
cgroup id), and NULL file times, counted in file_unread. With
--audit_cgroup_lookup_rate=0 audit rows read no /proc and count that;
with --audit_cgroup_bpf_map the kernel's map still knows the gone
process's cgroup."""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, audit_send_user_message, check, check_eq,  # noqa: E402
                      main, wait_for)

INSIDE = os.environ.get("SYSQ_TEST_INSIDE", "sysq-test-inside")
CID = secrets.token_hex(32)
MODE, OWNER, GROUP, MTIME = 0o751, 1234, 4321, 1000000000
COLUMNS = "cgroup_id, cgroup_path, container_id, container_runtime"


def cgroup2_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            if right.split()[0] == "cgroup2" and fields[3] == "/":
                return fields[4].replace("\\040", " ")
    raise RuntimeError("no cgroup v2 mount")


def own_cgroup():
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].rstrip("\n")
    raise RuntimeError("no cgroup v2 line")


class Container:
    """A cgroup named as docker names one and a root of its own."""

    def __init__(self):
        self.cgroot = cgroup2_root()
        self.path = f"/system.slice/docker-{CID}.scope"
        self.made = []
        for part in ("/system.slice", self.path):
            d = self.cgroot + part
            if not os.path.isdir(d):
                os.mkdir(d)
                self.made.append(d)
        self.cgroup_id = os.stat(self.cgroot + self.path).st_ino
        self.procs = []
        self.root = tempfile.mkdtemp(prefix="sysq-root-")
        os.makedirs(os.path.join(self.root, "usr/bin"))
        self.true = os.path.join(self.root, "usr/bin/true")
        shutil.copy(INSIDE, self.true)
        os.chown(self.true, OWNER, GROUP)
        os.chmod(self.true, MODE)
        os.utime(self.true, (MTIME, MTIME))
        host = os.stat("/usr/bin/true")
        check(host.st_mode & 0o7777 != MODE and host.st_mtime != MTIME,
              "the container's /usr/bin/true must differ from the host's")

    def run(self, *args, pidns=True, wait=False):
        """Starts /usr/bin/true (the helper) in the container; with wait,
        it lives until its stdin is closed."""
        cmd = ["unshare", "--mount", "--propagation", "private"]
        if pidns:
            cmd += ["--pid", "--fork", "--kill-child"]
        cmd += ["chroot", self.root, "/usr/bin/true", *args] + (["--wait"] if wait else [])
        procs = self.cgroot + self.path + "/cgroup.procs"

        def enter():
            with open(procs, "w") as f:
                f.write(str(os.getpid()))
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, preexec_fn=enter)
        self.procs.append(p)
        return p

    def close(self):
        """Ends what the test left running in the container (after a
        failed check), then removes the cgroups it made."""
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        procs = self.cgroot + self.path + "/cgroup.procs"
        wait_for(lambda: not open(procs).read().strip(), what="an empty container cgroup")
        shutil.rmtree(self.root, ignore_errors=True)
        for d in reversed(self.made):
            os.rmdir(d)


def finish(p):
    p.stdin.close()
    check_eq(p.wait(timeout=10), 0, "the container's helper")


def expected_id(what, cgroup_id):
    """cgroup_id is the kernel's on BPF rows, and the id of the cgroup path
    read from /proc on audit rows: the same number."""
    return str(cgroup_id)


def check_container(row, c, what):
    check_eq(row["container_id"], CID, f"{what}: container_id")
    check_eq(row["container_runtime"], "docker", f"{what}: container_runtime")
    check_eq(row["cgroup_path"], c.path, f"{what}: cgroup_path")
    check_eq(row["cgroup_id"], expected_id(what, c.cgroup_id), f"{what}: cgroup_id")


def check_host(row, what):
    check_eq((row["container_id"], row["container_runtime"]), (None, None), what)
    check_eq(row["cgroup_path"], own_cgroup(), f"{what}: cgroup_path")
    check_eq(row["cgroup_id"],
             expected_id(what, os.stat(cgroup2_root() + own_cgroup()).st_ino),
             f"{what}: cgroup_id")


def exec_row(d, source, where, path="/usr/bin/true"):
    rows = d.query(f"SELECT pid, mode, owner_uid, owner_gid, mtime, atime, {COLUMNS} "
                   f"FROM process_events WHERE path = '{path}' AND source = '{source}' "
                   f"AND {where}")
    return rows[0] if len(rows) == 1 else None


def check_exec(d, c, source):
    """The container's exec row, while its process lives, and a host's."""
    p = c.run(wait=True)
    row = wait_for(lambda: exec_row(d, source, f"container_id = '{CID}'"), timeout=10,
                   what=f"the container's exec row ({source})")
    finish(p)
    check_container(row, c, f"{source} exec")
    check_eq((row["mode"], row["owner_uid"], row["owner_gid"]),
             ("0100751", str(OWNER), str(GROUP)), f"{source}: the container file's mode, owner")
    check_eq(row["mtime"], str(MTIME), f"{source}: the container file's mtime")
    # The same helper on the host, alive until its row is read.
    inside = os.path.realpath(INSIDE)
    p = subprocess.Popen([inside, "--wait"], stdin=subprocess.PIPE)
    row = wait_for(lambda: exec_row(d, source, f"pid = {p.pid}", inside),
                   what="the host's exec row")
    finish(p)
    check_host(row, f"{source} host exec")
    check_eq(row["mtime"], str(int(os.stat(inside).st_mtime)), "host mtime")


def check_gone(d, c, source):
    """An exec whose process is gone before the daemon reads the event."""
    before = d.counters("process_events")
    last = d.query("SELECT max(eid) AS eid FROM process_events")[0]["eid"]
    d.proc.send_signal(signal.SIGSTOP)
    try:
        p = c.run()
        check_eq(p.wait(timeout=10), 0, "the container's helper")
    finally:
        d.proc.send_signal(signal.SIGCONT)
    row = wait_for(lambda: exec_row(d, source, f"mode = '0100751' AND eid > '{last}'"),
                   timeout=10, what=f"the gone process's exec row ({source})")
    after = d.counters("process_events")
    check_eq((row["mtime"], row["atime"]), (None, None), f"{source}: no host file times")
    # At least this exec (the unshare and chroot before it, in the same
    # cgroup and gone too, may count as well).
    check(int(after["file_unread"]) > int(before["file_unread"]),
          f"{source}: file_unread did not count the gone process")
    if source == "audit":
        check_eq((row["cgroup_id"], row["container_id"]), (None, None),
                 "audit: no container once the process is gone")
        check(int(after["cgroup_unknown"]) > int(before["cgroup_unknown"]),
              "audit: cgroup_unknown did not count the gone process")
    else:
        check_container(row, c, "bpf exec of a gone process")


def test_process_events_audit():
    c = Container()
    try:
        # /proc alone: the map would still know the gone process.
        with Daemon("--audit_allow_process_events", "--enable_bpf_process_events=false",
                    "--audit_cgroup_bpf_map=false") as d:
            check_exec(d, c, "audit")
            check_gone(d, c, "audit")
    finally:
        c.close()


def test_process_events_bpf():
    c = Container()
    try:
        with Daemon("--enable_bpf_process_events=true") as d:
            check_exec(d, c, "bpf")
            check_gone(d, c, "bpf")
    finally:
        c.close()


def socket_row(d, source, where):
    rows = d.query(f"SELECT pid, {COLUMNS} FROM socket_events WHERE action = 'connect' "
                   f"AND source = '{source}' AND {where}")
    return rows[0] if len(rows) == 1 else None


def check_sockets(d, c, source):
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        port = srv.getsockname()[1]
        p = c.run("--connect", str(port), wait=True)
        row = wait_for(lambda: socket_row(d, source, f"remote_port = {port}"), timeout=10,
                       what=f"the container's connect row ({source})")
        finish(p)
        check_container(row, c, f"{source} connect")
        with socket.create_connection(("127.0.0.1", port)):
            pass
        row = wait_for(lambda: socket_row(d, source, f"remote_port = {port} AND "
                                                     f"container_id IS NULL"),
                       what=f"the host's connect row ({source})")
        check_eq(row["pid"], str(os.getpid()), "the host connect's pid")
        check_host(row, f"{source} host connect")


def test_socket_events():
    c = Container()
    try:
        with Daemon("--audit_allow_sockets", "--enable_bpf_events=false") as d:
            check_sockets(d, c, "audit")
        with Daemon("--enable_bpf_events=true") as d:
            check_sockets(d, c, "bpf")
    finally:
        c.close()


def user_row(d, marker):
    rows = d.query(f"SELECT pid, {COLUMNS} FROM user_events WHERE message LIKE '%{marker}%'")
    return rows[0] if len(rows) == 1 else None


def test_user_events():
    c = Container()
    inside, outside = "sysq-in-" + secrets.token_hex(4), "sysq-out-" + secrets.token_hex(4)
    try:
        with Daemon("--audit_allow_user_events") as d:
            # The kernel takes user messages only from its initial pid
            # namespace: the cgroup, mounts and root make this container.
            p = c.run("--user-message", f"op=test {inside} res=success", pidns=False,
                      wait=True)
            row = wait_for(lambda: user_row(d, inside), timeout=10,
                           what="the container's user message")
            finish(p)
            check_container(row, c, "user message")
            check_eq(audit_send_user_message(f"op=test {outside} res=success", 1100), 0, "send")
            row = wait_for(lambda: user_row(d, outside), what="the host's user message")
            check_host(row, "user message from the host")
    finally:
        c.close()


def test_no_lookups():
    """--audit_cgroup_lookup_rate=0: audit rows read no /proc, and say so."""
    c = Container()
    try:
        with Daemon("--audit_allow_process_events", "--enable_bpf_process_events=false",
                    "--audit_cgroup_lookup_rate=0") as d:
            last = d.query("SELECT max(eid) AS eid FROM process_events")[0]["eid"]
            p = c.run(wait=True)
            row = wait_for(lambda: exec_row(d, "audit", f"mode = '0100751' AND eid > '{last}'"),
                           timeout=10, what="the container's exec row")
            # The file is still read through the process's root.
            check_eq(row["mtime"], str(MTIME), "the container file's mtime")
            finish(p)
            check_eq((row["cgroup_path"], row["container_id"], row["container_runtime"]),
                     (None, None, None), "no container columns without lookups")
            check(int(d.counters("process_events")["cgroup_unknown"]) > 0,
                  "cgroup_unknown did not count the rows left NULL")
    finally:
        c.close()


def tc_programs():
    out = subprocess.run(["bpftool", "prog", "show"], capture_output=True,
                         check=True).stdout.decode()
    return [p for p in ("sysq_tc_fork", "sysq_tc_exec", "sysq_tc_attach") if p in out]


def test_bpf_cgroup_map():
    """--audit_cgroup_bpf_map: the kernel keeps each process's cgroup, so
    an audit row whose process is gone before the event is read still has
    its container; the programs are gone once the daemon stops."""
    c = Container()
    try:
        # On by default.
        with Daemon("--audit_allow_process_events", "--enable_bpf_process_events=false") as d:
            check_eq(tc_programs(), ["sysq_tc_fork", "sysq_tc_exec", "sysq_tc_attach"],
                     "the map's programs while the daemon runs")
            last = d.query("SELECT max(eid) AS eid FROM process_events")[0]["eid"]
            d.proc.send_signal(signal.SIGSTOP)
            try:
                p = c.run()
                check_eq(p.wait(timeout=10), 0, "the container's helper")
            finally:
                d.proc.send_signal(signal.SIGCONT)
            row = wait_for(lambda: exec_row(d, "audit", f"mode = '0100751' AND eid > '{last}'"),
                           timeout=10, what="the gone process's exec row")
            check_container(row, c, "audit exec of a gone process, from the map")
            check_eq(row["mtime"], None, "no host file times for the container's binary")
        # The kernel frees a program once its last reference goes, which
        # may come a moment after the daemon's exit.
        wait_for(lambda: tc_programs() == [], timeout=10,
                 what=f"the map's programs gone after the daemon stopped: {tc_programs()}")
    finally:
        c.close()


if __name__ == "__main__":
    main([test_process_events_audit, test_process_events_bpf, test_socket_events,
          test_user_events, test_no_lookups, test_bpf_cgroup_map])
