#!/usr/bin/env python3
"""What a query may call through the control socket: functions, virtual
table modules and pragmas come from allow-lists, and one value cannot take
the daemon's memory.

The reproductions are issue 15's: Debian's libsqlite3 has the two-argument
fts3_tokenizer(), which handed out an address inside the library and, given
a forged one, crashed the daemon through fts3tokenize; zeroblob(999999999)
took the daemon from 84 MB to 3 GB."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, check, check_eq, main, run  # noqa: E402

# The daemon's resident memory may grow by this much during the test; the
# refused blobs would have taken close to 1 GB (zeroblob) and 2 GB
# (randomblob, which also builds the hex text the shell prints).
RSS_GROWTH_KIB = 200 * 1024


def rss_kib(d):
    with open(f"/proc/{d.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/<pid>/status")


def check_alive(d, what):
    check(d.proc.poll() is None, f"the daemon is still running after {what}: "
          f"exit {d.proc.returncode}\n{d.log_text()}")
    check_eq(d.query("SELECT 1 AS one"), [{"one": "1"}], f"a query after {what}")


def check_refused(d, sql, message):
    r = d.shell(sql)
    check_eq(r.returncode, 1, f"exit status for {sql}")
    check(message.encode() in r.stderr, f"{sql}: want {message!r}, got {r.stderr!r}")
    check(r.stdout == b"" or b"4141" not in r.stdout, f"{sql} printed {r.stdout!r}")
    check_alive(d, sql)


def test_fts3_tokenizer_refused():
    with Daemon() as d:
        # Leaks the address of the 'simple' tokenizer's method table.
        check_refused(d, "SELECT hex(fts3_tokenizer('simple'))",
                      "fts3_tokenizer() is not allowed")
        # Registers a forged pointer, then makes fts3tokenize call through it.
        check_refused(d, "SELECT fts3_tokenizer('simple', x'4141414141414141'); "
                      "SELECT token FROM fts3tokenize WHERE input='x'",
                      "fts3_tokenizer() is not allowed")
        check_refused(d, "SELECT token FROM fts3tokenize WHERE input='x'",
                      "fts3tokenize is not allowed")
        check_refused(d, "SELECT FTS3_TOKENIZER('simple')", "fts3_tokenizer() is not allowed")


def test_unlisted_functions_modules_pragmas_refused():
    with Daemon("--disable_audit") as d:
        for sql, message in {
            "SELECT sqlite_log(1, 'x')": "sqlite_log() is not allowed",
            "SELECT rtreenode(2, x'00')": "rtreenode() is not allowed",
            "SELECT no_such_function(1)": "no such function: no_such_function",
            "SELECT * FROM dbstat": "dbstat is not allowed",
            "SELECT * FROM sqlite_stmt": "sqlite_stmt is not allowed",
            "SELECT * FROM fts4aux": "fts4aux is not allowed",
            "CREATE VIRTUAL TABLE temp.f USING fts5(x)": "CREATE is not allowed",
            "PRAGMA cache_size": "PRAGMA cache_size is not allowed",
            "SELECT * FROM pragma_cache_size": "PRAGMA cache_size is not allowed",
            "PRAGMA trusted_schema = ON": "PRAGMA trusted_schema=ON is not allowed",
            "PRAGMA mmap_size = 1000000": "is not allowed",
        }.items():
            check_refused(d, sql, message)


def test_big_values_refused():
    with Daemon() as d:
        before = rss_kib(d)
        for sql in ("SELECT zeroblob(999999999)", "SELECT randomblob(999999999)",
                    "SELECT length(zeroblob(400000000))",
                    "SELECT hex(randomblob(10000000))"):
            r = d.shell(sql)
            check_eq(r.returncode, 1, f"exit status for {sql}")
            check(b"string or blob too big" in r.stderr, f"{sql}: {r.stderr!r}")
            check_alive(d, sql)
        after = rss_kib(d)
        check(after - before < RSS_GROWTH_KIB,
              f"RSS grew from {before} KiB to {after} KiB on refused blobs")
        # Below the limit a value still works.
        check_eq(d.query("SELECT length(zeroblob(1000000)) AS n"), [{"n": "1000000"}],
                 "a 1 MB value")


def test_query_memory_budget():
    """Values each under the length limit, yet together gigabytes: the
    query's memory budget ends it, with a message that says so."""
    blobs = ", ".join(["randomblob(15000000)"] * 40)
    with Daemon() as d:
        before = rss_kib(d)
        r = d.shell(f"SELECT {blobs}")
        check_eq(r.returncode, 1, "exit status for 40 blobs of 15 MB")
        check(b"needed more than its 64 MiB budget" in r.stderr, f"{r.stderr!r}")
        check_alive(d, "40 blobs of 15 MB")
        after = rss_kib(d)
        check(after - before < RSS_GROWTH_KIB,
              f"RSS grew from {before} KiB to {after} KiB on a refused query")
        # A query within the budget still runs.
        check_eq(d.query("SELECT length(randomblob(15000000)) AS n"), [{"n": "15000000"}],
                 "one 15 MB value")


def test_ordinary_queries_work():
    with Daemon() as d:
        for sql in (
            "SELECT pid, path, cmdline FROM process_events LIMIT 1",
            "SELECT count(*) AS n FROM process_events",
            "SELECT name, stored FROM sysq_events",
            "SELECT * FROM sysq_flags LIMIT 3",
            "SELECT name, type, hidden FROM pragma_table_xinfo('process_events')",
            "SELECT name FROM sqlite_temp_master WHERE type = 'table' ORDER BY name",
            "PRAGMA table_info(process_events)",
            "PRAGMA user_version",
            "SELECT datetime(1700000000, 'unixepoch') AS d, strftime('%Y', 'now') AS y, "
            "unixepoch() > 0 AS u",
            "SELECT json_object('a', 1) ->> '$.a' AS a, json_extract('[1,2]', '$[1]') AS b",
            "SELECT key, value FROM json_each('[10, 20]')",
            "SELECT upper('x'), lower('Y'), substr('abc', 2), printf('%d', 3), hex('a'), "
            "coalesce(NULL, 1), iif(1, 'y', 'n'), abs(-2), round(1.5), sqrt(4), "
            "length('abc'), instr('abc', 'b'), replace('aa', 'a', 'b'), typeof(1)",
            "SELECT group_concat(name, ',') AS g, max(stored), min(stored), sum(stored), "
            "avg(stored), total(stored) FROM sysq_events",
            "SELECT name, row_number() OVER (ORDER BY name) AS r, "
            "lag(name) OVER (ORDER BY name) AS p FROM sysq_events",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) "
            "SELECT sum(x) FROM c",
            "SELECT sqlite_version()",
        ):
            r = d.shell(sql)
            check_eq(r.returncode, 0, f"{sql}: {r.stderr!r}")
        r = run([SYSQ, "shell", f"--control_socket={d.sock}"],
                input=b".tables\n.schema process_events\n")
        check(r.returncode == 0 and b"process_events\n" in r.stdout, f".tables: {r!r}")
        check(b"CREATE TABLE process_events(" in r.stdout, f".schema: {r!r}")
        check_alive(d, "the ordinary queries")


if __name__ == "__main__":
    main([test_fts3_tokenizer_refused, test_unlisted_functions_modules_pragmas_refused,
          test_query_memory_budget,
          test_big_values_refused, test_ordinary_queries_work])
