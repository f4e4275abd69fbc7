#!/usr/bin/env python3
"""A damaged database is set aside at start, never used; an unusable path exits 2.

Issue 15's reproduction: 64 KB of garbage written at page 1000 of a
database the daemon made (16 KiB pages) started "active" and then failed a
fifth of its writes. Here the daemon makes rows and records its audit
changes, is killed so that its restore record stays, and the file is then
damaged three ways: garbage at page 1000, truncated, replaced by text. Each
time the next start must set the file aside as <path>.corrupt-<unix time>,
say so once in its log and in sysq_meta, work on a fresh database, and
carry the audit restore record over (its clean stop then puts the audit
settings back as they were before the killed run, which auditctl checks).
"""
import glob
import os
import re
import sqlite3
import sys
import tempfile
from contextlib import closing

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_rules, audit_settings, audit_status,  # noqa: E402
                      check, check_eq, exec_workload, force_audit_settings, main, run,
                      wait_for)

GARBAGE_PAGE = 1000
GARBAGE_LEN = 64 * 1024
ASIDE = re.compile(r"sysq\.db\.corrupt-\d+$")


def backlog_flag():
    """A backlog limit unlike the current one, so the run records a change."""
    return f"--audit_backlog_limit={audit_status()['backlog_limit'] + 4321}"


def read_record(path):
    with closing(sqlite3.connect(path)) as con:
        row = con.execute("SELECT value FROM sysq_meta WHERE key = 'audit_state'").fetchone()
    return row[0] if row else None


def killed_run_database():
    """A database made by a daemon that was SIGKILLed: its rows and its
    restore record are in it. Returns (daemon, record, page size)."""
    d = Daemon(backlog_flag()).start()
    for i in range(5):
        exec_workload([b"true", b"before-damage-%d" % i])
    wait_for(lambda: d.query("SELECT count(*) AS n FROM process_events")[0]["n"] != "0",
             what="rows in the first database")
    wait_for(lambda: d.query("SELECT 1 FROM sysq_meta WHERE key = 'audit_state'"),
             what="the restore record")
    d.kill9()
    # Fold the WAL into the file, as a checkpoint would have, so the damage
    # below hits what the daemon wrote.
    with closing(sqlite3.connect(d.db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
    check_eq(page_size, 16384, "the page size of a new store")
    record = read_record(d.db)
    check(record and record.startswith("changed="), f"the killed run's record: {record!r}")
    return d, record, page_size


def grow_past(path, page_size, pages):
    """A field database holds hundreds of MB; a test's holds a few pages.
    Filling it with whole-page rows puts page 1000 inside the b-trees."""
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE filler (data BLOB)")
        con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    f"WHERE i < {pages}) INSERT INTO filler SELECT randomblob({page_size - 200}) "
                    "FROM n")
    check(os.path.getsize(path) > pages * page_size, f"the file holds {pages} pages")


def found_part(record):
    m = re.search(r"found=(\S+)", record or "")
    return m.group(1) if m else None


def aside_files(tmp):
    return [p for p in glob.glob(os.path.join(tmp, "sysq.db.corrupt-*")) if ASIDE.search(p)]


def check_replaced(d, record, damaged_bytes):
    """The checks every kind of damage shares, on a running daemon."""
    aside = aside_files(d.tmp)
    check_eq(len(aside), 1, f"one damaged file set aside in {os.listdir(d.tmp)}")
    with open(aside[0], "rb") as f:
        check_eq(f.read(), damaged_bytes, "the file set aside is the damaged file, unchanged")
    log = d.log_text()
    check_eq(log.count("is damaged"), 1, f"the log says so once:\n{log}")
    check(aside[0] in log, "the log names where the file went")
    pid = exec_workload([b"true", b"after-damage"])
    wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                   "AND path = '/usr/bin/true'"),
             what="an exec row in the fresh database")
    meta = {r["key"]: r["value"] for r in d.query("SELECT key, value FROM sysq_meta")}
    check_eq(meta.get("database_replaced_as"), aside[0], "sysq_meta names the file set aside")
    check(meta.get("database_replaced_time", "").isdigit(), f"replacement time: {meta}")
    check(meta.get("database_replaced_reason"), f"replacement reason: {meta}")
    # This run merged its own changes into the record; what the killed run
    # found (the state to go back to) must be the part that carried over.
    check_eq(found_part(meta.get("audit_state")), found_part(record),
             f"the restore record carried over: {meta.get('audit_state')!r} from {record!r}")


def run_damaged(damage):
    """Kills a run, damages its database with `damage(path, page_size)`,
    and checks the next start, then that the audit state comes back."""
    before = (audit_settings(), audit_rules())
    try:
        d, record, page_size = killed_run_database()
        damage(d.db, page_size)
        with open(d.db, "rb") as f:
            damaged_bytes = f.read()
        with Daemon(tmp=d.tmp) as d2:
            check_replaced(d2, record, damaged_bytes)
        check_eq((audit_settings(), audit_rules()), before,
                 "the audit state before the killed run, restored from the carried record")
    finally:
        if (audit_settings(), audit_rules()) != before:
            force_audit_settings(before[0])


def garbage_at_page_1000(path, page_size):
    grow_past(path, page_size, GARBAGE_PAGE + 100)
    check(os.path.getsize(path) > (GARBAGE_PAGE + 8) * page_size, "page 1000 is in use")
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, os.urandom(GARBAGE_LEN), GARBAGE_PAGE * page_size)
    finally:
        os.close(fd)


def truncated(path, page_size):
    grow_past(path, page_size, 400)
    with closing(sqlite3.connect(path)) as con:
        meta_page = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sysq_meta'").fetchone()[0]
    pages = os.path.getsize(path) // page_size
    keep = pages // 2
    check(meta_page < keep, f"sysq_meta (page {meta_page}) is in the half kept")
    os.truncate(path, keep * page_size)


def test_garbage_at_page_1000():
    run_damaged(garbage_at_page_1000)


def test_truncated():
    run_damaged(truncated)


def test_not_sqlite():
    before = (audit_settings(), audit_rules())
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    text = b"this is not an SQLite database\n" * 200
    with open(os.path.join(tmp, "sysq.db"), "wb") as f:
        f.write(text)
    with Daemon(tmp=tmp) as d:
        aside = aside_files(tmp)
        check_eq(len(aside), 1, "the text file set aside")
        with open(aside[0], "rb") as f:
            check_eq(f.read(), text, "its contents kept")
        pid = exec_workload([b"true", b"after-text"])
        wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                   "AND path = '/usr/bin/true'"),
                 what="an exec row in the fresh database")
        rows = d.query("SELECT value FROM sysq_meta WHERE key = 'database_replaced_as'")
        check_eq(rows, [{"value": aside[0]}], "sysq_meta names the file set aside")
        check_eq(d.log_text().count("is damaged"), 1, "the log says so once")
    check_eq((audit_settings(), audit_rules()), before, "audit state after")


def test_intact_database_is_kept():
    with Daemon() as d:
        pid = exec_workload([b"true", b"first-run"])
        wait_for(lambda: d.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                   "AND path = '/usr/bin/true'"),
                 what="the first run's row")
    with Daemon(tmp=d.tmp) as d2:
        check_eq(aside_files(d.tmp), [], "nothing set aside")
        check_eq(len(d2.query(f"SELECT pid FROM process_events WHERE pid = {pid} "
                                   "AND path = '/usr/bin/true'")), 1,
                 "the first run's row is still there")
        check("damaged" not in d2.log_text(), "no word of damage")


def unusable(db_path):
    tmp = tempfile.mkdtemp(prefix="sysq-bad-")
    r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", f"--database_path={db_path}",
             f"--control_socket={tmp}/sock", f"--pidfile={tmp}/pid"], timeout=20)
    return r.returncode, r.stderr.decode()


def test_unusable_path_exits_2():
    tmp = tempfile.mkdtemp(prefix="sysq-bad-")
    as_dir = os.path.join(tmp, "dir.db")
    os.mkdir(as_dir)
    code, err = unusable(as_dir)
    check_eq(code, 2, "exit status for a directory at the database path")
    check(as_dir in err and "directory" in err, f"the error names path and reason: {err!r}")
    check_eq(os.listdir(as_dir), [], "the directory is left alone")
    parent = os.path.join(tmp, "file")
    with open(parent, "w") as f:
        f.write("a file, not a directory\n")
    under_file = os.path.join(parent, "sysq.db")
    code, err = unusable(under_file)
    check_eq(code, 2, "exit status for a database under a file")
    check(under_file in err and "not a directory" in err,
          f"the error names path and reason: {err!r}")


if __name__ == "__main__":
    main([test_unusable_path_exits_2, test_intact_database_is_kept, test_not_sqlite,
          test_garbage_at_page_1000, test_truncated])
