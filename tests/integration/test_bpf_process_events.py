#!/usr/bin/env python3
"""process_events from the exec BPF program, loaded through the real
verifier on the real kernel.

One daemon runs both sources at once (--enable_bpf_process_events=true
with --audit_keep_exec_rules), and for the same execs audit's and BPF's
rows must agree in every column both fill: arguments with spaces, quotes,
newlines and non-UTF-8 bytes, 13 arguments, a 20 KB argument, execveat
through fexecve, a working directory with spaces, the parent, and the ids
of a process run under another uid. Past 128 KiB of arguments the BPF row
says overflows. The filters must drop what they name and count it;
without the keep flag no audit exec rule may be loaded; the program must
be gone after the daemon exits; without CAP_BPF, auto falls back to audit
with its reason and true refuses to start."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (EXEC_HELPER, SYSQ, Daemon, audit_rules, check, check_eq,  # noqa: E402
                      decode_argv, main, run, wait_for, write_config)

BPF = "--enable_bpf_process_events=true"
KEEP = "--audit_keep_exec_rules"
NO_BPF = ["setpriv", "--bounding-set=-bpf,-perfmon,-sys_admin", "--inh-caps=-all"]
PROGRAMS = ("sysq_exec",)
# Every column both sources fill. atime is left out: running the file can
# update it between the two rows' reads of it.
SHARED = ("pid, path, mode, cmdline, cmdline_size, cwd, auid, uid, euid, gid, egid, "
          "owner_uid, owner_gid, mtime, ctime, btime, overflows, parent, fsuid, suid, "
          "fsgid, sgid, syscall, argv")
NOBODY = 65534

CASES = [
    ("special", {}, [b"true", b"hello world", b"it's", b'say "hi"', b"new\nline",
                     b"\xff\xfe\x80 bytes", b"tab\there", b"", b"back\\slash"]),
    ("many", {}, [b"true"] + [b"a%d" % i for i in range(1, 14)]),
    ("long", {}, [b"true", b"0123456789" * 2000, b"end"]),
    ("fexecve", {"fexecve": True}, [b"true", b"via fexecve"]),
    ("cwd", {"cwd": "CWD"}, [b"true", b"in a spaced dir"]),
    ("nobody", {"user": NOBODY}, [b"true", b"as nobody"]),
]


def start_exec(argv, fexecve=False, cwd=None, user=None):
    """Runs sysq-test-exec on /usr/bin/true; returns its pid, which the
    exec keeps."""
    cmd = []
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    cmd.append(EXEC_HELPER)
    if fexecve:
        cmd.append("--fexecve")
    if cwd:
        cmd += ["--cwd", cwd]
    p = subprocess.Popen(cmd + ["/usr/bin/true"] + list(argv))
    p.wait()
    check(p.returncode == 0, f"workload {argv!r} failed with {p.returncode}")
    return p.pid


def rows_of(d, pid, source, columns=SHARED):
    return d.query(f"SELECT {columns}, time, uptime FROM process_events WHERE pid = {pid} "
                   f"AND path = '/usr/bin/true' AND source = '{source}'")


def one_row(d, pid, source):
    rows = rows_of(d, pid, source)
    return rows[0] if len(rows) == 1 else None


def split_time(row):
    return {k: v for k, v in row.items() if k not in ("time", "uptime")}, \
        (int(row["time"]), int(row["uptime"]))


def test_differential_against_audit():
    """One run, both sources: every column both fill is equal, exec by exec."""
    cwd = tempfile.mkdtemp(prefix="sysq dir with spaces ")
    os.chmod(cwd, 0o755)
    with Daemon(BPF, KEEP) as d:
        pids = {}
        for name, opts, argv in CASES:
            kw = dict(opts)
            if kw.get("cwd") == "CWD":
                kw["cwd"] = cwd
            pids[name] = start_exec(argv, **kw)
        for name, opts, argv in CASES:
            audit = wait_for(lambda: one_row(d, pids[name], "audit"), what=f"{name}: audit row")
            bpf = wait_for(lambda: one_row(d, pids[name], "bpf"), what=f"{name}: BPF row")
            audit, audit_t = split_time(audit)
            bpf, bpf_t = split_time(bpf)
            check_eq(bpf, audit, f"{name}: BPF row against audit's")
            # Audit stamps the syscall's entry, BPF the new image: the two
            # may straddle a second, no more.
            check(abs(bpf_t[0] - audit_t[0]) <= 1 and abs(bpf_t[1] - audit_t[1]) <= 1,
                  f"{name}: time and uptime {bpf_t} against audit's {audit_t}")
            check_eq(decode_argv(bpf["argv"]), argv, f"{name}: argv")
            check_eq(bpf["syscall"], "execveat" if opts.get("fexecve") else "execve",
                     f"{name}: syscall")
            if "user" not in opts:  # else setpriv's child, which execs in place
                check_eq(bpf["parent"], str(os.getpid()), f"{name}: parent")
            check_eq(bpf["cwd"], cwd if "cwd" in opts else os.getcwd(), f"{name}: cwd")
            want_uid = str(opts.get("user", os.geteuid()))
            check_eq((bpf["uid"], bpf["euid"], bpf["fsuid"], bpf["suid"]), (want_uid,) * 4,
                     f"{name}: uids")
        hidden = d.query(f"SELECT source, cgroup_id FROM process_events WHERE "
                         f"pid = {pids['special']} AND path = '/usr/bin/true' ORDER BY source")
        check_eq([r["source"] for r in hidden], ["audit", "bpf"], "source")
        # The audit row reads the cgroup from /proc when its event arrives:
        # the same id, unless the process was already gone (NULL, counted).
        check(int(hidden[1]["cgroup_id"]) > 0 and
              hidden[0]["cgroup_id"] in (None, hidden[1]["cgroup_id"]),
              f"cgroup_id of the audit row is the BPF row's, or unknown: {hidden}")
        check_eq(d.counters("bpfexecpublisher")["drop_malformed"], "0", "no malformed record")


def test_overflow_past_128k():
    """Arguments past 128 KiB: audit has them all, the BPF row says overflows
    and keeps the whole arguments that fit, in order."""
    argv = [b"true", b"a" * 70000, b"b" * 70000, b"c"]
    with Daemon(BPF, KEEP) as d:
        pid = start_exec(argv)
        cols = "argv, overflows, cmdline_size"
        audit = wait_for(lambda: (rows_of(d, pid, "audit", cols) or [None])[0], what="audit")
        bpf = wait_for(lambda: (rows_of(d, pid, "bpf", cols) or [None])[0], what="BPF row")
    check_eq(decode_argv(audit["argv"]), argv, "audit has every argument")
    check_eq(audit["overflows"], "", "audit: complete")
    check_eq(bpf["overflows"], "argv", "BPF: cut, and says so")
    check_eq(decode_argv(bpf["argv"]), argv[:2], "BPF: the whole arguments within 128 KiB")


def test_no_audit_exec_rules():
    with Daemon(BPF) as d:
        rules = audit_rules()
        check(all("execve" not in r for r in rules),
              f"no audit exec rule while BPF feeds process_events: {rules}")
        pid = start_exec([b"true", b"bpf only"])
        rows = wait_for(lambda: d.query(f"SELECT source FROM process_events WHERE "
                                        f"pid = {pid} AND path = '/usr/bin/true'"),
                        what="the BPF row")
        check_eq(rows, [{"source": "bpf"}], "one row, from BPF")
        check_eq(d.counters("bpfexecpublisher")["active"], "1", "the publisher is active")


def test_filters_drop_and_count():
    d = Daemon(BPF)
    excluded_comm = os.path.join(d.tmp, "sysqexecfilt")
    os.symlink("/usr/bin/printf", excluded_comm)  # comm = the link's name
    cfg = write_config(os.path.join(d.tmp, "sysq.conf"), {"bpf_filters": {
        "exclude_exec_paths": ["/usr/bin/tru"], "exclude_processes": ["sysqexecfilt"]}})
    d.flags.append(f"--config_path={cfg}")
    with d:
        excluded = [start_exec([b"true", b"excluded %d" % i]) for i in range(5)]
        by_name = [subprocess.Popen([excluded_comm, "x"], stdout=subprocess.DEVNULL).pid
                   for _ in range(3)]
        kept = subprocess.run(["/usr/bin/printf", "sysq-kept"], capture_output=True)
        rows = wait_for(lambda: d.query("SELECT pid, path FROM process_events WHERE "
                                        "cmdline = '/usr/bin/printf sysq-kept'"),
                        what="the kept exec's row")
        check_eq(len(rows), 1, f"the kept exec: {rows}")
        wait_for(lambda: int(d.counters("bpfexecpublisher")["filtered_exec_path"]) >= 5,
                 what="the path filter counter")
        wait_for(lambda: int(d.counters("bpfexecpublisher")["filtered_process"]) >= 3,
                 what="the process filter counter")
        pids = ",".join(str(p) for p in excluded + by_name)
        dropped = d.query(f"SELECT pid, path FROM process_events WHERE pid IN ({pids}) "
                          "AND path IN ('/usr/bin/true', '/usr/bin/printf')")
        check_eq(dropped, [], "no row for a filtered exec")
        check_eq(kept.returncode, 0, "the kept exec ran")
        check_eq(d.counters("bpfexecpublisher")["lost_ringbuf"], "0", "nothing lost")


def test_bad_filter_value():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    text = '{\n  "bpf_filters": {\n    "exclude_exec_paths": ["/usr/", "bin/"]\n  }\n}\n'
    path = write_config(os.path.join(tmp, "sysq.conf"), text)
    r = run([SYSQ, "daemon", "--flagfile=", f"--config_path={path}", "--config_check"])
    err = r.stderr.decode()
    check_eq(r.returncode, 2, f"a relative prefix fails the config: {err}")
    check(f"{path}:3:" in err and "must start with /" in err, f"file:line:col and why: {err}")


def test_dump_bpf_prints_execs():
    """sysq dump --bpf --json: an exec is one object with its exact argv."""
    argv = [b"true", b"sysq dump marker", b"new\nline", b"\xff"]
    path = os.path.join(tempfile.mkdtemp(prefix="sysq-test-"), "dump.out")
    with open(path, "ab") as out:  # append: the reads below do not move its offset
        dump = subprocess.Popen([SYSQ, "dump", "--bpf", "--json"], stdout=out,
                                stderr=subprocess.PIPE)
        try:
            # The programs are attached once the dump is reading; until then
            # an exec is not seen, so repeat the exec until one is printed.
            def seen():
                pid = start_exec(argv)
                time.sleep(0.5)
                with open(path, "rb") as f:
                    lines = f.read().decode(errors="replace").splitlines()
                for line in lines:
                    if f'"pid":{pid},' in line and '"action":"exec"' in line:
                        e = json.loads(line)
                        if e["exe"] == "/usr/bin/true":
                            return e
                return None
            e = wait_for(seen, timeout=20, what="the exec in sysq dump --bpf")
        finally:
            dump.send_signal(signal.SIGINT)
            err = dump.communicate(timeout=15)[1].decode()
    check_eq(decode_argv(json.dumps(e["argv"])), argv, "argv")
    check_eq((e["syscall"], e["complete"], e["ppid"]), ("execve", True, os.getpid()),
             "syscall, completeness, parent")
    check("exec: filtered_process=0" in err, f"the exec counters on stderr: {err}")


def sysq_programs():
    out = run(["bpftool", "prog", "show"], check=True).stdout.decode()
    return [p for p in PROGRAMS if p in out]


def test_no_leftovers():
    with Daemon(BPF):
        check_eq(sysq_programs(), list(PROGRAMS), "the program is attached while running")
    # The kernel frees a program after an RCU grace period, not at close().
    wait_for(lambda: sysq_programs() == [], timeout=10,
             what="no sysq exec program after the daemon exits")


def test_fallback_to_audit():
    """Without CAP_BPF the program really fails to load (no simulation)."""
    with Daemon("--enable_bpf_process_events=auto", prefix=NO_BPF) as d:
        check("BPF is unavailable, process_events comes from audit" in d.log_text(),
              d.log_text())
        check_eq(d.counters("bpfexecpublisher")["active"], "0", "the BPF publisher is off")
        check(any("execve" in r for r in audit_rules()), "audit exec rules instead")
        pid = start_exec([b"true", b"fallback"])
        rows = wait_for(lambda: d.query(f"SELECT source FROM process_events WHERE "
                                        f"pid = {pid} AND path = '/usr/bin/true'"),
                        what="the audit row")
        check_eq(rows, [{"source": "audit"}], "rows come from audit")
    d = Daemon(BPF, prefix=NO_BPF)
    r = subprocess.run(d.args(), capture_output=True, timeout=30)
    err = r.stderr.decode()
    check_eq(r.returncode, 1, f"--enable_bpf_process_events=true without BPF: {err}")
    check("--enable_bpf_process_events=true, but BPF is unavailable" in err and "CAP_BPF" in err,
          err)


if __name__ == "__main__":
    main([test_differential_against_audit, test_overflow_past_128k, test_no_audit_exec_rules,
          test_filters_drop_and_count, test_bad_filter_value, test_dump_bpf_prints_execs,
          test_no_leftovers, test_fallback_to_audit])
