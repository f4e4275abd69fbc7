#!/usr/bin/env python3
"""The processes, osquery_schedule and osquery_registry tables, against
independent sources: Python reading /proc and ps for processes, the
results log for osquery_schedule, the query connection's own list of
tables and the flags given for osquery_registry.

A child started here with a known argv (spaces, a newline, a byte that is
not UTF-8), a control character and a newline in its name, its own cwd,
uid, nice value and process group is read back exactly; its name and
command line come out escaped, never raw, in every shell format and in
the results log. Processes that exit while the table is read are left
out without an error; WHERE pid = reads one process, and never a thread.
No audit socket is used (--disable_audit)."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import Daemon, check, check_eq, main, run, wait_for, write_config  # noqa: E402

NOBODY = 65534
# A newline, ") Z 1 (" to fool a parser of /proc/<pid>/stat, a control
# byte and a byte that is not UTF-8: 11 bytes of the kernel's 15.
COMM = b"n\n) Z 1 (\x01\xff"
CHILD_CODE = ("import ctypes, os, time; os.nice(5); "
              "ctypes.CDLL(None).prctl(15, b'n\\n) Z 1 (\\x01\\xff', 0, 0, 0); time.sleep(120)")
# The system's, which the child's user may run (a Python under /root is not).
PYTHON = "/usr/bin/python3"
ARGV = [PYTHON.encode(), b"-c", CHILD_CODE.encode(), b"a b", b"line1\nline2",
        b"\xfe\xffx"]


def as_bytes(text):
    """A JSON string from sysq (bytes that are not UTF-8 as \\udcXX) back to bytes."""
    return text.encode("utf-8", "surrogateescape")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def proc_stat(pid):
    """Fields of /proc/<pid>/stat after the comm, numbered as in proc(5)."""
    text = read_bytes(f"/proc/{pid}/stat")
    fields = text[text.rindex(b")") + 2:].split()
    return {i + 3: v.decode() for i, v in enumerate(fields)}


def proc_status(pid):
    out = {}
    for line in read_bytes(f"/proc/{pid}/status").decode(errors="replace").splitlines():
        key, _, value = line.partition(":")
        out[key] = value.split()
    return out


def boot_time():
    for line in open("/proc/stat"):
        if line.startswith("btime "):
            return int(line.split()[1])
    raise AssertionError("no btime in /proc/stat")


def ps_table():
    out = run(["ps", "-e", "-o", "pid=,ppid=,uid=,comm="], check=True).stdout.decode()
    table = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4:
            table[int(parts[0])] = (int(parts[1]), int(parts[2]), parts[3].strip())
    return table


def start_child(cwd):
    child = subprocess.Popen(ARGV, executable=PYTHON, cwd=cwd, user=NOBODY,
                             group=NOBODY, extra_groups=[], start_new_session=True)
    wait_for(lambda: read_bytes(f"/proc/{child.pid}/comm") == COMM + b"\n" and
             proc_stat(child.pid)[3] == "S", timeout=15, what="the child to name itself and sleep")
    return child


def stop(child):
    child.kill()
    child.wait()


def check_child_row(row, child, cwd):
    pid = child.pid
    stat, status = proc_stat(pid), proc_status(pid)
    hz = os.sysconf("SC_CLK_TCK")
    check_eq(as_bytes(row["name"]), COMM, "name (the raw comm)")
    check_eq(as_bytes(row["cmdline"]), b" ".join(ARGV), "cmdline (argv joined by spaces)")
    check_eq(as_bytes(row["cmdline"]),
             read_bytes(f"/proc/{pid}/cmdline").replace(b"\0", b" ").strip(), "cmdline vs /proc")
    check_eq(row["path"], os.path.realpath(PYTHON), "path")
    check_eq(row["on_disk"], "1", "on_disk")
    check_eq(row["cwd"], cwd, "cwd")
    check_eq(row["root"], "/", "root")
    for col in ("uid", "euid", "suid", "gid", "egid", "sgid"):
        check_eq(row[col], str(NOBODY), col)
    check_eq(row["parent"], str(os.getpid()), "parent")
    check_eq(row["pgroup"], str(pid), "pgroup (its own session)")
    check_eq(row["nice"], "5", "nice")
    check_eq(row["threads"], "1", "threads")
    check_eq(row["state"], "S", "state (sleeping)")
    check_eq(row["wired_size"], "0", "wired_size")
    check_eq(int(row["total_size"]), int(status["VmSize"][0]) * 1024, "total_size (VmSize)")
    # A sleeping child: its times do not move (a tick of slack, in case).
    for col, field in (("user_time", 14), ("system_time", 15)):
        want = int(stat[field]) * (1000 // hz)
        check(abs(int(row[col]) - want) <= 1000 // hz, f"{col} {row[col]} vs /proc: {want} ms")
    started = boot_time() + int(stat[22]) // hz
    check(abs(int(row["start_time"]) - started) <= 2,
          f"start_time {row['start_time']} vs /proc: {started}")
    cgroup = read_bytes(f"/proc/{pid}/cgroup").decode().splitlines()[0].split(":", 2)[2]
    check_eq(row["cgroup_path"], cgroup, "cgroup_path")
    counts = dict(line.split(": ") for line in read_bytes(f"/proc/{pid}/io").decode().splitlines())
    check_eq(row["disk_bytes_read"], counts["read_bytes"], "disk_bytes_read")
    ps = run(["ps", "-o", "ppid=,uid=,rss=", "-p", str(pid)], check=True).stdout.split()
    check_eq(int(ps[0]), os.getpid(), "ps ppid")
    check_eq(row["uid"], ps[1].decode(), "uid vs ps")
    rss = int(ps[2]) * 1024
    check(abs(int(row["resident_size"]) - rss) <= max(rss // 10, 1 << 20),
          f"resident_size {row['resident_size']} vs ps rss {rss}")


def check_escaped(d, pid):
    """No raw newline, control byte or invalid UTF-8 from the child's
    values reaches any shell format."""
    sql = f"SELECT name, cmdline FROM processes WHERE pid = {pid}"
    for mode in ("--json", "--csv", "--line", "--list", None):
        r = d.shell(sql, *([mode] if mode else []))
        check_eq(r.returncode, 0, f"shell {mode}: {r.stderr!r}")
        text = r.stdout.decode("utf-8")  # strict: raises on a raw invalid byte
        check("\x01" not in text, f"shell {mode} printed a raw control byte: {text!r}")
        check("line1" in text, f"shell {mode} lost the cmdline: {text!r}")
        if mode == "--csv":
            # RFC 4180 keeps a newline inside a quoted field: one record.
            records = list(csv.reader(io.StringIO(text, newline="")))
            check_eq(len(records), 2, f"csv records (header and the child): {text!r}")
        else:
            check("line1\nline2" not in text, f"shell {mode} printed a raw newline: {text!r}")


def test_processes_child():
    cwd = tempfile.mkdtemp(prefix="sysq proc cwd ")
    os.chmod(cwd, 0o755)
    child = start_child(cwd)
    try:
        config = write_config(os.path.join(cwd, "sysq.conf"), {"schedule": {"child": {
            "query": f"SELECT name, cmdline FROM processes WHERE pid = {child.pid}",
            "interval": 1, "snapshot": True}}})
        with Daemon("--disable_audit", f"--config_path={config}") as d:
            rows = d.query(f"SELECT * FROM processes WHERE pid = {child.pid}")
            check_eq(len(rows), 1, "rows for WHERE pid = the child")
            check_child_row(rows[0], child, cwd)
            check_escaped(d, child.pid)
            line = wait_for(lambda: d.results("child"), timeout=15, what="the child's results")[0]
            raw = read_bytes(d.results_path).decode("utf-8")  # strict
            check("\x01" not in raw and "line1\nline2" not in raw, "raw bytes in the results log")
            got = line["snapshot"][0]
            check_eq(as_bytes(got["name"]), COMM, "results log name")
            check_eq(as_bytes(got["cmdline"]), b" ".join(ARGV), "results log cmdline")
    finally:
        stop(child)
        shutil.rmtree(cwd, ignore_errors=True)


def test_processes_vs_ps():
    """Every process ps shows the same before and after the query has the
    same parent, effective uid and name in processes."""
    with Daemon("--disable_audit") as d:
        before = ps_table()
        rows = d.query("SELECT pid, parent, euid, name FROM processes")
        after = ps_table()
        got = {int(r["pid"]): r for r in rows}
        check(d.proc.pid in got, "the daemon itself is listed")
        compared = 0
        for pid, entry in before.items():
            if after.get(pid) != entry or pid not in got or not entry[2].isprintable():
                continue
            r = got[pid]
            check_eq((int(r["parent"]), int(r["euid"]), r["name"].strip()), entry,
                     f"pid {pid}: (parent, euid, name) vs ps")
            compared += 1
        check(compared >= 10, f"only {compared} processes compared with ps")


def test_deleted_executable():
    tmp = tempfile.mkdtemp(prefix="sysq-proc-")
    copy = os.path.join(tmp, "sleep-copy")
    shutil.copy("/bin/sleep", copy)
    child = subprocess.Popen([copy, "120"])
    try:
        wait_for(lambda: os.readlink(f"/proc/{child.pid}/exe") == copy, what="the copy to run")
        os.unlink(copy)
        with Daemon("--disable_audit") as d:
            row = d.query(f"SELECT path, on_disk FROM processes WHERE pid = {child.pid}")[0]
            check_eq(row, {"path": copy, "on_disk": "0"}, "a deleted executable")
    finally:
        stop(child)
        shutil.rmtree(tmp, ignore_errors=True)


def test_unreadable():
    """A daemon without CAP_SYS_PTRACE may not read another user's
    process's links and io: those columns are left as osquery leaves
    them, and the rest of the row is there."""
    child = subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                              "--clear-groups", "sleep", "120"])
    no_ptrace = ["setpriv", "--bounding-set=-sys_ptrace", "--inh-caps=-all"]
    try:
        wait_for(lambda: read_bytes(f"/proc/{child.pid}/comm") == b"sleep\n",
                 what="setpriv to exec sleep")
        with Daemon("--disable_audit", prefix=no_ptrace) as d:
            row = d.query("SELECT name, uid, path, cwd, root, on_disk, disk_bytes_read, "
                          f"disk_bytes_written FROM processes WHERE pid = {child.pid}")
            check_eq(row, [{"name": "sleep", "uid": str(NOBODY), "path": "", "cwd": "",
                            "root": "", "on_disk": "-1", "disk_bytes_read": None,
                            "disk_bytes_written": None}], "a process the daemon may not read")
    finally:
        stop(child)


def churn(stop_event, counter):
    while not stop_event.is_set():
        subprocess.run(["/bin/true"])
        counter[0] += 1


def test_exits_mid_scan():
    """Children start and exit throughout; no scan fails or shows a row
    without its process's facts."""
    with Daemon("--disable_audit") as d:
        stop_event, counters = threading.Event(), [[0], [0], [0]]
        threads = [threading.Thread(target=churn, args=(stop_event, c)) for c in counters]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 12
            scans = 0
            while time.monotonic() < deadline:
                r = d.shell("SELECT pid, name, state, uid, start_time, cmdline, path, cwd "
                            "FROM processes", "--json")
                check_eq(r.returncode, 0, f"scan during churn: {r.stderr!r}")
                for row in json.loads(r.stdout):
                    check(row["name"] is not None and row["state"] and row["uid"] is not None,
                          f"a half-read row: {row}")
                scans += 1
        finally:
            stop_event.set()
            for t in threads:
                t.join()
        spawned = sum(c[0] for c in counters)
        check(scans >= 5 and spawned >= 50, f"{scans} scans over {spawned} short children")


def test_where_pid():
    with Daemon("--disable_audit") as d:
        me = d.proc.pid
        tasks = [int(t) for t in os.listdir(f"/proc/{me}/task") if int(t) != me]
        check(tasks, "the daemon has threads")
        check_eq(d.query(f"SELECT pid, name FROM processes WHERE pid = {me}"),
                 [{"pid": str(me), "name": "sysq"}], "WHERE pid = the daemon")
        check_eq(d.query(f"SELECT pid FROM processes WHERE pid = {tasks[0]}"), [],
                 "a thread id is not a process")
        check_eq(d.query("SELECT pid FROM processes WHERE pid = 0"), [], "pid 0")
        both = d.query(f"SELECT pid FROM processes WHERE pid IN (1, {me}) ORDER BY pid")
        check_eq([r["pid"] for r in both], ["1", str(me)], "pid IN (...)")
        # SQLite reads each OR term with its own filter and merges by rowid.
        either = d.query(f"SELECT pid FROM processes WHERE pid = {me} OR pid IN (1, {os.getpid()}) "
                         f"OR (pid = {tasks[0]} AND name = 'sysq') ORDER BY pid")
        check_eq([r["pid"] for r in either], [str(p) for p in sorted({1, os.getpid(), me})],
                 "pid = ... OR pid IN (...)")
        joined = d.query("SELECT p.name FROM processes p JOIN osquery_info i ON p.pid = i.pid")
        check_eq(joined, [{"name": "sysq"}], "join on pid")
        check_eq(d.query(f"SELECT pid FROM processes WHERE pid = '{me}'"), [{"pid": str(me)}],
                 "pid as text")


def row_size(row):
    """osquery's output_size of a row whose values are all text."""
    return sum(len(k.encode()) + len(v.encode()) for k, v in row.items())


def test_osquery_schedule():
    tmp = tempfile.mkdtemp(prefix="sysq-sched-")
    schedule = {
        "snap": {"query": "SELECT version, build_platform FROM osquery_info", "interval": 2,
                 "snapshot": True},
        "same": {"query": "SELECT 'abc' AS word", "interval": 2},
        "broken": {"query": "SELECT * FROM no_such_table", "interval": 2},
    }
    config = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": schedule})
    try:
        with Daemon("--disable_audit", f"--config_path={config}") as d:
            def runs():
                rows = {r["name"]: r for r in d.query("SELECT * FROM osquery_schedule")}
                return rows if all(int(r["executions"]) >= 3 for r in rows.values()) else None
            rows = wait_for(runs, timeout=30, what="three runs of each query")
            check_eq(sorted(rows), ["broken", "same", "snap"], "osquery_schedule names")
            snap, same, broken = rows["snap"], rows["same"], rows["broken"]
            check_eq((snap["query"], snap["interval"], snap["denylisted"]),
                     (schedule["snap"]["query"], "2", "0"), "snap's query, interval, denylisted")
            n = int(snap["executions"])
            lines = d.results("snap")
            check(len(lines) >= n, f"{n} executions but {len(lines)} snapshot lines")
            logged = sum(row_size(r) for line in lines[:n] for r in line["snapshot"])
            check_eq(int(snap["output_size"]), logged, "snap output_size vs the results log")
            check(abs(int(snap["last_executed"]) - lines[n - 1]["unixTime"]) <= 2,
                  f"last_executed {snap['last_executed']} vs {lines[n - 1]['unixTime']}")
            m = int(same["executions"])
            check_eq(len(d.results("same")), 1, "an unchanged result is logged once")
            check_eq(int(same["output_size"]), m * row_size({"word": "abc"}),
                     "same's output_size: every run's rows")
            check_eq(broken["output_size"], "0", "a failing query returns nothing")
            for r in rows.values():
                check(int(r["wall_time_ms"]) >= int(r["last_wall_time_ms"]) and
                      int(r["user_time"]) >= int(r["last_user_time"]) and
                      int(r["system_time"]) >= int(r["last_system_time"]),
                      f"totals below the last run's: {r}")
            # A reload keeps the totals of a query that keeps its name.
            del schedule["same"], schedule["broken"]
            write_config(config, {"schedule": schedule})
            d.proc.send_signal(signal.SIGHUP)
            after = wait_for(lambda: (lambda r: r if [x["name"] for x in r] == ["snap"] else None)(
                d.query("SELECT name, executions FROM osquery_schedule")), timeout=15,
                what="the reloaded schedule")
            check(int(after[0]["executions"]) >= n, f"snap's count restarted: {after}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


DISCOVERY = ("SELECT 1 FROM osquery_registry WHERE active = true AND registry = '{}' "
             "AND name = '{}'")


def discovered(d, registry, name):
    return d.query(DISCOVERY.format(registry, name)) == [{"1": "1"}]


def test_osquery_registry():
    with Daemon("--disable_audit") as d:
        tables = {r["name"] for r in d.query(
            "SELECT name FROM sqlite_temp_master WHERE type IN ('table', 'view')")}
        listed = d.query("SELECT name, active, owner_uuid, internal FROM osquery_registry "
                         "WHERE registry = 'table'")
        check_eq({r["name"] for r in listed}, tables, "the table registry: every table there is")
        check(all(r["active"] == "1" and r["owner_uuid"] == "0" for r in listed),
              f"tables active, owned by sysq: {listed}")
        for name in ("processes", "osquery_schedule", "osquery_registry", "osquery_flags"):
            check(discovered(d, "table", name), f"discovery of table {name}")
        check(not discovered(d, "table", "no_such_table"), "discovery of a missing table")
        check(discovered(d, "config", "filesystem"), "config filesystem active")
        check(not discovered(d, "config", "tls"), "config tls inactive")
        check(discovered(d, "logger", "filesystem"), "logger filesystem active")
        check(not discovered(d, "logger", "syslog"), "logger syslog inactive")
        check(not discovered(d, "distributed", "tls"), "distributed inactive by default")
        others = d.query("SELECT registry, name FROM osquery_registry WHERE registry != 'table' "
                         "ORDER BY registry, name")
        check_eq([(r["registry"], r["name"]) for r in others],
                 [("config", "filesystem"), ("config", "tls"), ("distributed", "tls"),
                  ("logger", "filesystem"), ("logger", "kafka_producer"), ("logger", "syslog"),
                  ("logger", "tls")], "the plugins of the other registries")
    tmp = tempfile.mkdtemp(prefix="sysq-reg-")
    try:
        with Daemon("--disable_audit", "--logger_plugin=filesystem,syslog",
                    f"--logger_syslog_path={os.path.join(tmp, 'log.sock')}",
                    # Live queries on, from a server that is not there.
                    "--disable_distributed=false", "--tls_hostname=127.0.0.1:1",
                    "--disable_enrollment", "--distributed_tls_read_endpoint=/read",
                    "--distributed_tls_write_endpoint=/write") as d:
            check(discovered(d, "logger", "filesystem") and discovered(d, "logger", "syslog"),
                  "both loggers of --logger_plugin=filesystem,syslog active")
            check(not discovered(d, "logger", "kafka_producer"), "kafka_producer inactive")
            check(discovered(d, "distributed", "tls"), "distributed tls active")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main([test_processes_child, test_processes_vs_ps, test_deleted_executable, test_unreadable,
          test_exits_mid_scan, test_where_pid, test_osquery_schedule, test_osquery_registry])
