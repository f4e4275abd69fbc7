#!/usr/bin/env python3
"""`sysq dump --input`: stdin and files, bad lines counted and reported but
never fatal, the JSON of an ENRICHED line with a node= prefix, and --rows.

    tests/corpus/check_dump_input.py SYSQ_BINARY GOLDEN_DIR

Uses the kernel captures in tests/golden (auditd_log.log is written as
auditd writes: node= prefixes, no EOE, a comment and a blank line).
"""
import json
import os
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def dump(sysq, args, stdin=b""):
    p = subprocess.run([sysq, "dump"] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


# go-libaudit's auparse-test2.log lines 1 and 7, and audit-userspace's
# test.log line 1: fields named from prose, as auparse names them.
AVC = (b'type=AVC msg=audit(1170021493.977:293): avc:  denied  { read } for  pid=13010 '
       b'comm="pickup" name="maildrop" dev=hda7 ino=14911367 '
       b'scontext=system_u:system_r:postfix_pickup_t:s0 '
       b'tcontext=system_u:object_r:postfix_spool_maildrop_t:s0 tclass=dir\n')
AVC2 = AVC.replace(b"{ read }", b"{ read write }")
LOGIN = b"type=LOGIN msg=audit(1170021601.343:296): login pid=13015 uid=0 old auid=4294967295 new auid=0\n"


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    check(len(keys) == len(set(keys)), "no key twice in a JSON object: %s" % keys)
    return dict(pairs)


def check_named_fields(sysq):
    rc, out, err = dump(sysq, ["--input=-"], AVC + AVC2 + LOGIN)
    recs = [json.loads(l, object_pairs_hook=no_duplicates) for l in out.splitlines()]
    check(rc == 0 and len(recs) == 3, "three records: %d %r" % (rc, out))
    if len(recs) != 3:
        return
    avc, avc2, login = (r["fields"] for r in recs)
    check(avc.get("seresult") == "denied" and avc.get("seperms") == "read",
          "AVC result and permission: %s" % avc)
    check(avc.get("pid") == "13010" and avc.get("tclass") == "dir", "AVC pairs kept: %s" % avc)
    check(avc2.get("seperms") == "read,write", "AVC permission set: %s" % avc2)
    check(login == {"pid": "13015", "uid": "0", "old_auid": "4294967295", "new_auid": "0"},
          "old LOGIN format: %s" % login)


def main():
    sysq, golden = sys.argv[1], sys.argv[2]
    with open(os.path.join(golden, "auditd_log.log"), "rb") as f:
        log = f.read()
    enriched = (b"type=SYSCALL msg=audit(1.000:7): arch=c000003e syscall=59 uid=0"
                b"\x1dARCH=x86_64 SYSCALL=execve UID=\"root\"\n")
    bad = b"this is not an audit record\n"
    rc, out, err = dump(sysq, ["--input=-"], log + bad + enriched)
    lines = [json.loads(l) for l in out.splitlines()]
    records = [l for l in lines if not l.get("malformed")]
    check(rc == 0, "a bad line is not fatal (exit %d)" % rc)
    check(len(records) == 14, "13 records of the capture and the enriched one: %d" % len(records))
    check(all(r.get("node") == "capture-host" for r in records[:13]), "node= kept")
    check(lines[-2] == {"malformed": True, "line": 16}, "the bad line, by number: %s" % lines[-2])
    check(records[-1].get("enriched") == {"ARCH": "x86_64", "SYSCALL": "execve", "UID": "root"},
          "enriched fields: %s" % records[-1].get("enriched"))
    check("1 of 15 lines were not audit records (the first at line 16)" in err,
          "bad lines reported at the end: %r" % err)
    rc, out, err = dump(sysq, ["--input", "-", "--type=EXECVE"], log)
    check(rc == 0 and len(out.splitlines()) == 2, "--type keeps the two EXECVE records")
    rc, out, err = dump(sysq, ["--input", os.path.join(golden, "auditd_log.log"), "--rows"])
    rows = [json.loads(l) for l in out.splitlines()]
    check(rc == 0 and [r["table"] for r in rows] == ["process_events"] * 2,
          "--rows: both execs, neither dropped for lacking an EOE: %s" % out)
    check(err == "", "--rows on a good log says nothing on stderr: %r" % err)
    check_named_fields(sysq)
    rc, out, err = dump(sysq, ["--input=/nonexistent/audit.log"])
    check(rc == 1 and "cannot open /nonexistent/audit.log" in err, "a missing file: %d %r" % (rc, err))
    rc, out, err = dump(sysq, ["--rows"])
    check(rc == 2 and "--rows: needs --input" in err, "--rows alone is bad usage")
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
