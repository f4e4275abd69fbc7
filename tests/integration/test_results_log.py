#!/usr/bin/env python3
"""The results log: file mode and O_NOFOLLOW, lines that no event can
forge, gzip rotation that zcat reads back, and the syslog logger through a
real rsyslogd listening on a private socket."""
import gzip
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, TestFailure, check, check_eq, exec_workload,  # noqa: E402
                      like_marker, main, wait_for, write_config)

RSYSLOGD = "/usr/sbin/rsyslogd"


def config_with(tmp, schedule):
    return write_config(os.path.join(tmp, "sysq.conf"), {"schedule": schedule})


def execs_config(tmp, marker, columns):
    """A config whose query "execs" logs the marker's execs every second."""
    return config_with(tmp, {"execs": {
        "query": f"SELECT {columns} FROM process_events WHERE cmdline LIKE {like_marker(marker)}",
        "interval": 1}})


def test_file_mode_and_forged_lines():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"forge-{os.getpid()}"
    conf = execs_config(tmp, marker, "cmdline, argv")
    forged = '\n{"name":"execs","action":"added","columns":{"cmdline":"fake"}}\n'
    with Daemon(f"--config_path={conf}", tmp=tmp) as d:
        exec_workload([b"true", marker.encode(), forged.encode(), b"\x1b[2J\xff"])
        wait_for(lambda: len(d.results("execs")) >= 2, timeout=10, what="the exec rows")
        st = os.stat(d.results_path)
        check_eq(stat.S_IMODE(st.st_mode), 0o640, "results log mode")
        with open(d.results_path, "rb") as f:
            raw = f.read()
        lines = raw.decode().splitlines()
    check_eq(len(lines), 2, "one line per row, whatever the row holds")
    for line in lines:
        row = json.loads(line)
        check_eq(json.loads(row["columns"]["argv"])[-2], forged, "the forged text is data")
        check("\x1b" not in line and "\n" not in line, "control bytes are escaped")


def test_log_path_symlink_is_refused():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    target = os.path.join(tmp, "elsewhere")
    with open(target, "w") as f:
        f.write("untouched\n")
    d = Daemon(tmp=tmp)
    os.makedirs(d.logger_path)
    os.symlink(target, d.results_path)
    d.start(wait=False)
    try:
        d.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        d.stop()
        raise TestFailure("the daemon started with a symlinked results log")
    check(d.proc.returncode != 0, "the daemon refuses a symlinked results log")
    check(d.results_path in d.log_text(), f"the error names the log: {d.log_text()}")
    with open(target) as f:
        check_eq(f.read(), "untouched\n", "the symlink's target")


def test_rotation_gzip_reads_back():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    # A ~3 KiB snapshot each second rotates the 1 KiB log at every run.
    conf = config_with(tmp, {"flags": {"query": "SELECT name, value FROM sysq_flags",
                                       "interval": 1, "snapshot": True}})
    with Daemon(f"--config_path={conf}", "--logger_rotate=true", "--logger_rotate_size=1024",
                "--logger_rotate_max_files=3", tmp=tmp) as d:
        rotated = [f"{d.results_path}.{i}.gz" for i in (1, 2, 3)]
        wait_for(lambda: os.path.exists(rotated[2]), timeout=15, what="three rotations")
        time.sleep(1.5)  # at least one more rotation: the oldest must go
        d.stop(signal.SIGTERM)
        names = sorted(os.listdir(d.logger_path))
    check_eq(names, ["sysq.results.log", "sysq.results.log.1.gz", "sysq.results.log.2.gz",
                     "sysq.results.log.3.gz"], "rotated files, at most --logger_rotate_max_files")
    counters = []
    for path in reversed(rotated):
        check_eq(stat.S_IMODE(os.stat(path).st_mode), 0o640, f"mode of {path}")
        zcat = subprocess.run(["zcat", path], capture_output=True, check=True).stdout
        with gzip.open(path, "rb") as f:
            check_eq(zcat, f.read(), "zcat and gzip agree")
        check(zcat.endswith(b"\n"), f"{path} holds whole lines")
        for line in zcat.decode().splitlines():
            row = json.loads(line)
            check_eq(row["action"], "snapshot", "a snapshot line")
            check(len(row["snapshot"]) > 30, "the snapshot holds every flag")
            counters.append(row["counter"])
    with open(rotated[0][:-5]) as f:
        counters += [json.loads(line)["counter"] for line in f.read().splitlines()]
    check_eq(counters, list(range(counters[0], counters[0] + len(counters))),
             "the rotated files, oldest first, then the log: consecutive runs")
    check(counters[0] > 1, "the oldest rotated file was deleted")


def test_external_rotation_starts_a_new_file():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    conf = config_with(tmp, {"one": {"query": "SELECT 1 AS one", "interval": 1,
                                     "snapshot": True}})
    with Daemon(f"--config_path={conf}", tmp=tmp) as d:
        wait_for(lambda: d.results("one"), timeout=10, what="a first line")
        moved = d.results_path + ".moved"
        os.rename(d.results_path, moved)  # as logrotate does
        wait_for(lambda: d.results("one"), timeout=10, what="a line in a new file")
        with open(moved) as f:
            before = f.read()
        time.sleep(1.5)
        with open(moved) as f:
            check_eq(f.read(), before, "nothing more is written to the moved file")
        check_eq(stat.S_IMODE(os.stat(d.results_path).st_mode), 0o640, "the new file's mode")
        counters = [json.loads(line)["counter"] for line in before.splitlines()]
        check_eq(d.results("one")[0]["counter"], counters[-1] + 1, "no run lost in between")


class Rsyslogd:
    """Debian's rsyslogd on a private socket, writing what arrives to a file."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "rsyslog")
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "log.sock")
        self.out = os.path.join(self.dir, "received.log")
        self.conf = os.path.join(self.dir, "rsyslog.conf")
        with open(self.conf, "w") as f:
            f.write(f'global(workDirectory="{self.dir}")\n'
                    'module(load="imuxsock" SysSock.Use="off")\n'
                    f'input(type="imuxsock" Socket="{self.socket}")\n'
                    'template(name="fields" type="string" string='
                    '"%syslogtag%|%syslogfacility%|%syslogseverity%|%msg:2:$%\\n")\n'
                    f'*.* action(type="omfile" file="{self.out}" template="fields")\n')

    def __enter__(self):
        self.proc = subprocess.Popen([RSYSLOGD, "-n", "-f", self.conf, "-i",
                                      os.path.join(self.dir, "rsyslogd.pid")])
        wait_for(lambda: os.path.exists(self.socket), what="rsyslogd's socket")
        return self

    def received(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out, "rb") as f:
            return f.read().decode().splitlines()

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_syslog_through_rsyslogd():
    check(shutil.which(RSYSLOGD), "rsyslogd is installed (tools/install-deps.sh --test)")
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"syslog-{os.getpid()}"
    conf = execs_config(tmp, marker, "pid, cmdline")
    with Rsyslogd(tmp) as rs, Daemon(f"--config_path={conf}", "--logger_plugin=filesystem,syslog",
                                     f"--logger_syslog_path={rs.socket}", tmp=tmp) as d:
        for i in range(3):
            exec_workload([b"true", marker.encode(), "quote\" tab\t é %d".encode() % i])
        wait_for(lambda: len(d.results("execs")) >= 6, timeout=10, what="the results lines")
        file_lines = open(d.results_path).read().splitlines()
        wait_for(lambda: len(rs.received()) >= len(file_lines), timeout=10,
                 what="the lines at rsyslogd")
        received = rs.received()
        pid = d.proc.pid
    check_eq(len(received), len(file_lines), "every line once")
    for got, want in zip(received, file_lines):
        tag, facility, severity, msg = got.split("|", 3)
        check_eq(tag, f"sysq[{pid}]:", "syslog tag")
        check_eq(facility, "19", "facility (--logger_syslog_facility, local3)")
        check_eq(severity, "6", "severity info")
        check_eq(msg, want, "the line arrives intact")


if __name__ == "__main__":
    main([test_file_mode_and_forged_lines, test_log_path_symlink_is_refused,
          test_rotation_gzip_reads_back, test_external_rotation_starts_a_new_file,
          test_syslog_through_rsyslogd])
