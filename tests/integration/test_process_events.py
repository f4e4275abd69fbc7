#!/usr/bin/env python3
"""process_events end to end: real execs, real audit records, queried through
`sysq shell --json`, with exact values for every column sysq derives."""
import os
import shlex
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, check, check_eq, decode_argv, exec_workload, main,  # noqa: E402
                      wait_for)

BIG = b"0123456789" * 1000          # 10 KB: past the kernel's 7.5 KB split
SPACED = b"x y " * 2500             # 10 KB that the kernel hex-encodes in chunks

CASES = [
    # (name, helper options, argv, expected cmdline or None to check by shlex)
    ("special", {}, [b"true", b"hello world", b"it's", b'say "hi"', b"new\nline",
                     b"\xff\xfe\x80 bytes", b"tab\there", b"", b"back\\slash"],
     "true 'hello world' 'it'\\''s' 'say \"hi\"' $'new\\nline' $'\\xff\\xfe\\x80 bytes' "
     "$'tab\\there' '' 'back\\slash'"),
    ("many", {}, [b"true"] + [b"a%d" % i for i in range(1, 14)],
     "true " + " ".join("a%d" % i for i in range(1, 14))),
    ("long", {}, [b"true", BIG, b"mid", SPACED, b"end"], None),
    ("fexecve", {"fexecve": True}, [b"true", b"via fexecve"], "true 'via fexecve'"),
    ("cwd", {"cwd": "CWD"}, [b"true", b"in a spaced dir"], "true 'in a spaced dir'"),
]


def row_for(d, pid):
    rows = d.query(f"SELECT *, argv, cmdline_size, overflows, eid FROM process_events "
                   f"WHERE pid = {pid} AND path = '/usr/bin/true'")
    return rows[0] if len(rows) == 1 else None


def test_exec_rows():
    cwd = tempfile.mkdtemp(prefix="sysq dir with spaces ")
    with Daemon() as d:
        started = time.time()
        pids = {}
        for name, opts, argv, _ in CASES:
            kw = dict(opts)
            if kw.get("cwd") == "CWD":
                kw["cwd"] = cwd
            pids[name] = exec_workload(argv, **kw)
        for name, opts, argv, cmdline in CASES:
            row = wait_for(lambda: row_for(d, pids[name]), what=f"the {name} exec row")
            check_eq(decode_argv(row["argv"]), argv, f"{name}: argv")
            check_eq(row["path"], "/usr/bin/true", f"{name}: path")
            check_eq(row["syscall"], "execveat" if opts.get("fexecve") else "execve",
                     f"{name}: syscall")
            check_eq(row["parent"], str(os.getpid()), f"{name}: parent")
            for col in ("uid", "euid", "suid", "fsuid"):
                check_eq(row[col], str(os.geteuid()), f"{name}: {col}")
            for col in ("gid", "egid", "sgid", "fsgid"):
                check_eq(row[col], str(os.getegid()), f"{name}: {col}")
            check_eq(row["cwd"], cwd if "cwd" in opts else os.getcwd(), f"{name}: cwd")
            check_eq(row["mode"], "0100755", f"{name}: mode")
            check_eq(row["owner_uid"], "0", f"{name}: owner_uid")
            check_eq(row["cmdline_size"], str(sum(len(a) for a in argv)), f"{name}: size")
            check_eq(row["overflows"], "", f"{name}: overflows")
            check(abs(int(row["time"]) - started) <= 5,
                  f"{name}: time {row['time']} is not within 5 s of {started:.0f}")
            check(len(row["eid"]) == 10 and row["eid"].isdigit(), f"{name}: eid {row['eid']}")
            st = os.stat("/usr/bin/true")
            check_eq(row["mtime"], str(int(st.st_mtime)), f"{name}: mtime")
            if cmdline is not None:
                check_eq(row["cmdline"], cmdline, f"{name}: cmdline")
            else:
                # Printable arguments round-trip through a POSIX shell parser.
                check_eq([a.encode() for a in shlex.split(row["cmdline"])], argv,
                         f"{name}: cmdline words")


def test_hidden_columns():
    with Daemon() as d:
        pid = exec_workload([b"true", b"hidden"])
        wait_for(lambda: row_for(d, pid), what="the exec row")
        rows = d.query(f"SELECT * FROM process_events WHERE pid = {pid}")
        for hidden in ("argv", "env", "cmdline_size", "eid", "overflows"):
            check(hidden not in rows[0], f"{hidden} must be hidden from SELECT *")
        check("cmdline" in rows[0] and "pid" in rows[0], "visible columns are missing")


def test_time_and_eid_pushdown():
    # Each workload pid execs twice (the helper, then /usr/bin/true), so
    # rows are picked by path too.
    true_rows = "FROM process_events WHERE path = '/usr/bin/true'"
    with Daemon() as d:
        first = exec_workload([b"true", b"first"])
        wait_for(lambda: row_for(d, first), what="the first exec row")
        eid = d.query(f"SELECT eid {true_rows} AND pid = {first}")[0]["eid"]
        time.sleep(1.1)
        second = exec_workload([b"true", b"second"])
        wait_for(lambda: row_for(d, second), what="the second exec row")
        later = {r["pid"] for r in d.query(f"SELECT pid {true_rows} AND eid > '{eid}'")}
        check(str(second) in later, "eid > filter lost a row")
        check(str(first) not in later, "eid > filter kept the row it starts after")
        t = int(d.query(f"SELECT time {true_rows} AND pid = {second}")[0]["time"])
        recent = {r["pid"] for r in d.query(f"SELECT pid {true_rows} AND time >= {t}")}
        check(str(second) in recent, "time >= filter lost a row")
        older = {r["pid"] for r in d.query(f"SELECT pid {true_rows} AND time < {t}")}
        check(str(first) in older, "time < filter lost the older row")
        exact = d.query(f"SELECT pid FROM process_events WHERE eid = '{eid}'")
        check_eq([r["pid"] for r in exact], [str(first)], "eid = lookup")


def test_audit_debug_prints_raw_records():
    with Daemon("--audit_debug") as d:
        pid = exec_workload([b"true", b"debug me", b"new\nline"])
        wait_for(lambda: row_for(d, pid), what="the exec row")
    with open(d.out_path, "rb") as f:
        out = f.read().decode()
    syscall = [l for l in out.splitlines() if l.startswith("type=SYSCALL ")
               and f" pid={pid} " in l and 'exe="/usr/bin/true"' in l]
    check_eq(len(syscall), 1, "one SYSCALL line for the exec")
    serial = syscall[0].split("msg=")[1].split(")")[0] + ")"
    execve = [l for l in out.splitlines() if l.startswith(f"type=EXECVE msg={serial}")]
    check_eq(execve, [f"type=EXECVE msg={serial}: argc=3 a0=\"true\" "
                      f"a1=6465627567206D65 a2=6E65770A6C696E65"],
             "the EXECVE record exactly as the kernel sent it")


if __name__ == "__main__":
    main([test_exec_rows, test_hidden_columns, test_time_and_eid_pushdown,
          test_audit_debug_prints_raw_records])
