#!/usr/bin/env python3
"""Replays every public audit log of ../shared/corpus through sysq and checks
what it decodes against an independent oracle, ausearch.

    tests/corpus/check_corpus.py SYSQ_BINARY CORPUS_DIR

For each log (auditd's own text from other projects, other kernels and
other architectures, see CORPUS_DIR/SOURCES.md):

- `sysq dump --input LOG` must not crash, must parse every line that is an
  audit record and report every other non-blank, non-comment line as bad;
- `sysq dump --input LOG --rows` (the daemon's subscribers) must not crash,
  and the rows must be the ones `ausearch --input LOG --interpret` implies:
  a process_events row per successful execve/execveat, a socket_events row
  per connect/bind/accept(4) with an inet, inet6 or local address, a
  user_events row per userspace message (1100-1199), and no other rows;
- each row's decoded fields must equal ausearch's interpretation of the same
  records. sysq's documented choices are normalised, not excused: IPv6
  addresses are compared as addresses (sysq writes all eight groups), the fd
  as a number (sysq decimal, ausearch hex), abstract UNIX names with sysq's
  leading '@'. Where ausearch's printed text keeps the old PAM punctuation
  ("(hostname=?," ... "res=success)"), ausearch's own search options
  (--success, --terminal) are asked how it reads the value.

Exits 77 (skipped) when CORPUS_DIR or ausearch is absent, 1 on any mismatch.
The logs are read where they are; nothing of them is copied into the project.
"""
import calendar
import glob
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import time

SKIP = 77
RECORD_LINE = re.compile(r"^(node=\S+ )?type=\S+ msg=audit\(\d+\.\d+:\d+\)")
AUSEARCH_HEAD = re.compile(r"^(?:node=(\S+) )?type=(\S+) msg=audit\((\S+ \S+?)\.\d+:(\d+)\) : ?(.*)$")
KEY = re.compile(r"(?:^|\s)\(?([A-Za-z_][\w\-\[\]]*)=")
EXEC_SYSCALLS = ("execve", "execveat")
SOCKET_SYSCALLS = ("connect", "bind", "accept", "accept4")

failures = []


def fail(log, what):
    failures.append("%s: %s" % (os.path.relpath(log), what))


def split_fields(text):
    """key=value pairs of ausearch's interpreted text, whose values are not
    quoted: a value runs to the next ' key='."""
    out = {}
    marks = list(KEY.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        value = text[m.end():end].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]  # some logs quote plain values (success="yes")
        out.setdefault(m.group(1), value)
    return out


def ausearch_events(log):
    """{(node, serial): {"time": epoch, "records": [(type, fields, text)]}}"""
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    out = subprocess.run(["ausearch", "--input", log, "--interpret"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    events = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = AUSEARCH_HEAD.match(line)
        if not m:
            continue
        node, rtype, stamp, serial, body = m.groups()
        sec = calendar.timegm(time.strptime(stamp, "%m/%d/%y %H:%M:%S"))
        ev = events.setdefault((node, int(serial)), {"time": sec, "records": []})
        ev["records"].append((rtype, split_fields(body), body))
    return events


def first(ev, rtype):
    return next((f for t, f, _ in ev["records"] if t == rtype), None)


def merged(ev, rtype):
    """The fields of all the event's records of a type (EXECVE records of a
    long command line come in several), or None."""
    out = None
    for t, f, _ in ev["records"]:
        if t == rtype:
            out = dict(f, **(out or {}))
    return out


def run_sysq(sysq, log, *args):
    p = subprocess.run([sysq, "dump", "--input", log] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail(log, "sysq dump %s exited %d: %s" % (" ".join(args), p.returncode,
                                                  p.stderr.decode(errors="replace")))
    return [json.loads(l) for l in p.stdout.decode().splitlines() if l]


def check_parse(sysq, log):
    """Every record line parses; every other line is reported, none lost."""
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n") for l in f]
    wanted = [l for l in lines if l.strip() and not l.lstrip().startswith("#")]
    records = run_sysq(sysq, log)
    if len(records) != len(wanted):
        fail(log, "%d JSON lines for %d log lines" % (len(records), len(wanted)))
        return {}
    types = {}
    for line, rec in zip(wanted, records):
        is_record = bool(RECORD_LINE.match(line)) and not line.endswith("msg=?")
        if rec.get("malformed") == is_record:
            fail(log, "%s: %s" % ("rejected" if is_record else "accepted", line[:120]))
        if not rec.get("malformed"):
            types[(rec.get("node"), rec["serial"], rec["type"])] = rec["type_id"]
    return types


def args_of(execve):
    """The arguments of an interpreted EXECVE record, chunks joined."""
    if execve is None:
        return None
    args = []
    for i in range(int(execve.get("argc", "0"))):
        if "a%d" % i in execve:
            args.append(execve["a%d" % i])
            continue
        chunks, j = [], 0
        while "a%d[%d]" % (i, j) in execve:
            chunks.append(execve["a%d[%d]" % (i, j)])
            j += 1
        args.append("".join(chunks))
    return args


def expect_exec(ev, sc):
    cwd = first(ev, "CWD")
    return {"pid": int(sc["pid"]), "parent": int(sc["ppid"]), "path": sc.get("exe"),
            "cwd": cwd and cwd.get("cwd"), "argv": args_of(merged(ev, "EXECVE"))}


def sockaddr_of(ev):
    """(family, address, port, path) of the event's SOCKADDR, or None."""
    sa = first(ev, "SOCKADDR")
    if sa and sa.get("saddr", "").startswith("unknown-family("):
        return sa["saddr"], None, None, None
    if not sa or "saddr_fam" not in sa:
        return None
    sa = {k: v.rstrip("}").strip() for k, v in sa.items()}  # saddr={ ... }
    return sa.get("saddr_fam"), sa.get("laddr"), sa.get("lport"), sa.get("path")


BIG_ENDIAN_ARCHES = ("ppc64", "s390x", "s390", "ppc")
FAMILIES = {1: "local", 2: "inet", 10: "inet6"}


def swapped_family(sa, sc):
    """ausearch 3.0 reads sa_family little-endian even in a big-endian
    machine's log ("unknown-family(512)" for AF_INET on ppc64): the family
    it means, with no address to compare (ausearch decoded none)."""
    m = re.match(r"unknown-family\((\d+)\)$", sa[0] or "")
    if not m or sc.get("arch") not in BIG_ENDIAN_ARCHES:
        return sa
    n = int(m.group(1))
    return (FAMILIES.get((n & 0xff) << 8 | n >> 8), "big-endian", None, None)


def expect_socket(ev, sc):
    """A row for an inet, inet6 or UNIX address; for a call whose SOCKADDR
    the kernel did not write (an accept that asked for no address, a
    record lost from the log), a row without an address."""
    sa = swapped_family(sockaddr_of(ev) or (None, None, None, None), sc)
    if sa[0] not in (None, "inet", "inet6", "local"):
        return None
    return {"action": "accept" if sc["syscall"] == "accept4" else sc["syscall"],
            "pid": int(sc["pid"]), "path": sc.get("exe"), "fd": int(sc["a0"], 16),
            "sockaddr": sa}


def user_message(text):
    """The fields of msg='...'; the old PAM shape's lone ':' words, which
    split_fields would append to the value before them, are dropped."""
    m = re.search(r"msg='(.*?)'?\s*$", text)
    fields = split_fields(m.group(1)) if m else {}
    fields = {k: re.sub(r"\s+:$", "", v) for k, v in fields.items()}
    if m and re.search(r"\(\w+=", m.group(1)):
        fields = {k: v.rstrip(",)") for k, v in fields.items()}
        fields["old_pam"] = True
    return fields


def expectations(events, types):
    """What rows sysq must make, by table, each with the event it is from."""
    want = {"process_events": [], "socket_events": [], "user_events": []}
    for (node, serial), ev in events.items():
        sc = first(ev, "SYSCALL")
        if sc and sc.get("syscall") in EXEC_SYSCALLS and sc.get("success") == "yes":
            want["process_events"].append((node, serial, ev, expect_exec(ev, sc)))
        if sc and sc.get("syscall") in SOCKET_SYSCALLS:
            exp = expect_socket(ev, sc)
            if exp:
                want["socket_events"].append((node, serial, ev, exp))
        for rtype, fields, text in ev["records"]:
            tid = types.get((node, serial, rtype))
            if tid is not None and 1100 <= tid <= 1199:
                want["user_events"].append((node, serial, ev, dict(user_message(text),
                                                                   type=tid)))
    return want


def same_address(a, b):
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a == b


def match_exec(row, exp):
    return all(row.get(k) == exp[k] for k in ("pid", "parent", "path", "cwd")) and \
        (exp["argv"] is None or json.loads(row["argv"]) == exp["argv"])


def match_socket(row, exp):
    fam, addr, port, path = exp["sockaddr"]
    if (row["action"], row["pid"], row["path"]) != (exp["action"], exp["pid"], exp["path"]):
        return False
    if int(row["fd"]) != exp["fd"]:
        return False
    if fam is None:
        return row["family"] is None and row["remote_address"] is None
    if addr == "big-endian":
        return FAMILIES.get(row["family"]) == fam
    if fam == "local":
        return row["socket"] in (path, "@" + (path or "").lstrip("@"))
    side = "local" if exp["action"] == "bind" else "remote"
    return same_address(row[side + "_address"], addr) and \
        str(row[side + "_port"]) == (port or "")


def match_user(row, exp):
    pairs = (("path", "exe"), ("acct", "acct"), ("address", "addr"),
             ("terminal", "terminal"), ("res", "res"), ("cmd", "cmd"))
    if row["type"] != exp["type"]:
        return False
    return all(row.get(col) == exp[key] for col, key in pairs if key in exp)


MATCHERS = {"process_events": match_exec, "socket_events": match_socket,
            "user_events": match_user}


def check_rows(log, rows, want):
    """Each expected row exists once with the oracle's values; no extra rows."""
    for table, expected in want.items():
        got = [r for r in rows if r["table"] == table]
        for node, serial, ev, exp in expected:
            hit = next((r for r in got if r["time"] == ev["time"] and r.get("node") == node
                        and MATCHERS[table](r, exp)), None)
            if hit is None:
                fail(log, "%s: no row matching event %s: %s" % (table, serial, exp))
            else:
                got.remove(hit)
        for r in got:
            fail(log, "%s: a row no event explains: %s" % (table, r))


def check_old_pam(log, want):
    """Where ausearch's text keeps the old punctuation, ask ausearch itself."""
    for node, serial, ev, exp in want["user_events"]:
        if not exp.get("old_pam"):
            continue
        for option, value in (("--success", "yes" if exp["res"] == "success" else "no"),
                              ("--terminal", exp["terminal"])):
            p = subprocess.run(["ausearch", "--input", log, "-a", str(serial), option, value],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if b"msg=audit(" not in p.stdout:
                fail(log, "ausearch does not read %s %s in event %d" % (option, value, serial))


def main():
    sysq, corpus = sys.argv[1], sys.argv[2]
    logs = sorted(glob.glob(os.path.join(corpus, "*", "*.log")))
    if not logs:
        print("SKIP: no public audit logs at %s (the corpus lives beside the project, "
              "see its SOURCES.md)" % corpus)
        return SKIP
    if not shutil.which("ausearch"):
        print("SKIP: ausearch, the oracle, is not installed (tools/install-deps.sh)")
        return SKIP
    counts = {"process_events": 0, "socket_events": 0, "user_events": 0}
    for log in logs:
        types = check_parse(sysq, log)
        rows = run_sysq(sysq, log, "--rows")
        want = expectations(ausearch_events(log), types)
        check_rows(log, rows, want)
        check_old_pam(log, want)
        for table in counts:
            counts[table] += len(want[table])
    for f in failures:
        print("FAIL", f)
    print("%d logs, rows checked against ausearch: %s; %d failures" %
          (len(logs), counts, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
