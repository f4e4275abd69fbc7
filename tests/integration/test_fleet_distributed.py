#!/usr/bin/env python3
"""Live (distributed) queries from a fleet server: fleet_server.py hands
out batches at /api/osquery/distributed/read as FleetDM does and records
what sysq writes back at /distributed/write.

Asserted against sources independent of sysq: rows of host tables
compared with /etc/os-release and /proc/uptime, flags with the command
line; a failing query fails alone; a discovery query gates its query;
writes, ATTACH, extensions and writable pragmas are refused and the
database (read with Python's sqlite3) is unchanged; "accelerate" shortens
the check-in interval; a query that was running when the daemon was
killed is reported failed after the restart and not run again. No audit
socket is used (--disable_audit)."""
import os
import signal
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import fleet_server  # noqa: E402
from sysqtest import SYSQ, Daemon, check, check_eq, main, run, wait_for  # noqa: E402
from fleet_server import (CONFIG, DISTRIBUTED_READ, DISTRIBUTED_WRITE, ENROLL,  # noqa: E402
                          FleetServer, make_certs, os_release, private_dir)

SECRET = "fleet-dist-secret"


CERTS = make_certs(private_dir())


def secret_file():
    return fleet_server.secret_file(SECRET)


def dist_flags(server, *extra, interval=1):
    return ["--disable_audit", f"--tls_hostname={server.hostname}",
            f"--tls_server_certs={CERTS['ca']}", f"--enroll_tls_endpoint={ENROLL}",
            f"--enroll_secret_path={secret_file()}", "--disable_distributed=false",
            "--distributed_plugin=tls", f"--distributed_interval={interval}",
            f"--distributed_tls_read_endpoint={DISTRIBUTED_READ}",
            f"--distributed_tls_write_endpoint={DISTRIBUTED_WRITE}"] + list(extra)


def answer(server, qid, timeout=20):
    """The (rows, status, message, stats) the daemon wrote for qid."""
    wait_for(lambda: server.answers(qid), timeout=timeout, what=f"the answer to {qid}")
    return server.answers(qid)[-1]


def db_rows(db, sql):
    """Read with Python's sqlite3, read-only: an oracle beside sysq."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_rows_statuses_and_one_failure():
    server = FleetServer(CERTS, SECRET)
    server.config = {}
    server.queue_queries({
        "q_os": "SELECT name, platform, version, codename FROM os_version",
        "q_uptime": "SELECT total_seconds FROM uptime",
        "q_flags": "SELECT name, value FROM sysq_flags WHERE name IN "
                   "('distributed_interval', 'disable_distributed') ORDER BY name",
        "q_types": "SELECT NULL AS n, 42 AS i, 'x\ty' AS t;",
        "q_bad": "SELECT * FROM no_such_table",
        "q_two": "SELECT 1; SELECT 2",
    })
    try:
        with Daemon(*dist_flags(server, "--config_plugin=tls",
                                f"--config_tls_endpoint={CONFIG}")) as d:
            rows, status, message, stats = answer(server, "q_os")
            rel = os_release()
            check_eq(status, 0, "q_os status")
            check_eq(message, "", "q_os message")
            check_eq(rows, [{"name": rel.get("NAME"), "platform": rel.get("ID"),
                             "version": rel.get("VERSION", ""),
                             "codename": rel.get("VERSION_CODENAME", "")}],
                     "os_version rows vs /etc/os-release")
            check(set(stats) == {"wall_time_ms", "user_time", "system_time", "memory"},
                  f"q_os stats: {stats}")
            rows, status, _, _ = answer(server, "q_uptime")
            proc_up = float(open("/proc/uptime").read().split()[0])
            check_eq(status, 0, "q_uptime status")
            check(isinstance(rows[0]["total_seconds"], str) and
                  abs(int(rows[0]["total_seconds"]) - proc_up) <= 30,
                  f"uptime {rows} vs /proc/uptime {proc_up}")
            rows, status, _, _ = answer(server, "q_flags")
            check_eq(rows, [{"name": "disable_distributed", "value": "false"},
                            {"name": "distributed_interval", "value": "1"}],
                     "sysq_flags rows vs the command line")
            rows, status, _, _ = answer(server, "q_types")
            check_eq(rows, [{"n": "", "i": "42", "t": "x\ty"}],
                     "every value a string, NULL as an empty string")
            rows, status, message, _ = answer(server, "q_bad")
            check_eq((rows, status), ([], 1), "the failing query's rows and status")
            check("no such table: no_such_table" in message, f"q_bad message: {message}")
            _, status, message, _ = answer(server, "q_two")
            check_eq(status, 1, "two statements refused")
            check("one SQL statement" in message, f"q_two message: {message}")
            writes = server.dist_writes()
            check_eq(len(writes), 1, "one write for the batch")
            check_eq(sorted(writes[0]["statuses"]),
                     ["q_bad", "q_flags", "q_os", "q_two", "q_types", "q_uptime"],
                     "every query answered in the one write")
            # The config client and the live-query client share one node key.
            check_eq(len(server.seen(ENROLL)), 1, "one enrollment for both clients")
            key = server.seen(DISTRIBUTED_WRITE)[0]["body"]["node_key"]
            check(key in server.keys, "the write carries the issued node key")
            check_eq(server.seen(DISTRIBUTED_READ)[0]["headers"].get("Authorization"),
                     f"NodeKey {key}", "the read's Authorization header")
            check(SECRET not in d.log_text() and key not in d.log_text(),
                  "no secret or node key in the log")
            check("4 answered, 2 failed" in d.log_text(),
                  f"the log counts the batch: {d.log_text()}")
    finally:
        server.stop()


def test_discovery_gates_queries():
    server = FleetServer(CERTS, SECRET)
    server.queue_queries(
        {"gated_no": "SELECT 'must-not-run' AS x", "gated_yes": "SELECT 'ran' AS x",
         "gated_err": "SELECT 'x' AS x", "plain": "SELECT 'plain' AS x"},
        discovery={"gated_no": "SELECT 1 WHERE 0", "gated_yes": "SELECT 1 FROM uptime",
                   "gated_err": "SELECT * FROM no_discovery_table"})
    try:
        with Daemon(*dist_flags(server)):
            check_eq(answer(server, "gated_yes")[:3], ([{"x": "ran"}], 0, ""),
                     "a discovery with rows lets its query run")
            check_eq(answer(server, "plain")[:3], ([{"x": "plain"}], 0, ""),
                     "a query without discovery runs")
            rows, status, message, _ = answer(server, "gated_err")
            check_eq((rows, status), ([], 1), "a failing discovery fails its query")
            check("discovery query failed" in message and "no_discovery_table" in message,
                  f"gated_err message: {message}")
            time.sleep(3)  # more check-ins: the gated query never shows up
            for w in server.dist_writes():
                for part in ("queries", "statuses", "messages", "stats"):
                    check("gated_no" not in w.get(part, {}),
                          f"a discovery without rows: its query is not reported: {w}")
    finally:
        server.stop()


WRITES = {
    "w_delete": "DELETE FROM sysq_meta",
    "w_insert": "INSERT INTO sysq_meta (key, value) VALUES ('planted', 'x')",
    "w_update": "UPDATE sysq_meta SET value = 'x'",
    "w_create": "CREATE TABLE planted (a)",
    "w_drop": "DROP TABLE sysq_meta",
    "w_attach": "ATTACH DATABASE '{planted}' AS p",
    "w_pragma": "PRAGMA writable_schema = 1",
    "w_journal": "PRAGMA journal_mode = DELETE",
    "w_extension": "SELECT load_extension('/nonexistent/planted.so')",
    "w_second": "SELECT 1; DELETE FROM sysq_meta",
    "w_vacuum": "VACUUM INTO '{planted}'",
    "w_begin": "BEGIN IMMEDIATE",
}


def test_writes_refused_database_unchanged():
    server = FleetServer(CERTS, SECRET)
    planted = os.path.join(private_dir(), "planted.db")
    queries = {k: v.format(planted=planted) for k, v in WRITES.items()}
    queries["w_read"] = "SELECT count(*) AS n FROM sysq_flags"
    try:
        with Daemon(*dist_flags(server, interval=2)) as d:
            wait_for(lambda: server.seen(DISTRIBUTED_READ), timeout=20, what="a first read")
            schema = db_rows(d.db, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
            meta = db_rows(d.db, "SELECT key, value FROM sysq_meta WHERE key NOT LIKE "
                                 "'distributed_%' ORDER BY key")
            journal = db_rows(d.db, "PRAGMA journal_mode")
            server.queue_queries(queries)
            check_eq(answer(server, "w_read")[1], 0, "the read-only query ran")
            for qid in WRITES:
                rows, status, message, _ = answer(server, qid)
                check_eq((rows, status), ([], 1), f"{qid} refused")
                check("not allowed" in message, f"{qid}: the message says why: {message}")
            check_eq(db_rows(d.db, "SELECT type, name, sql FROM sqlite_master ORDER BY name"),
                     schema, "the schema is unchanged")
            check_eq(db_rows(d.db, "SELECT key, value FROM sysq_meta WHERE key NOT LIKE "
                                   "'distributed_%' ORDER BY key"), meta,
                     "sysq_meta is unchanged")
            check_eq(db_rows(d.db, "PRAGMA journal_mode"), journal, "the journal mode")
            check(not os.path.exists(planted), "no file was attached or written")
            d.shell("SELECT 1")
    finally:
        server.stop()


def test_accelerate():
    server = FleetServer(CERTS, SECRET)
    server.queue_queries({"a": "SELECT 1 AS one"}, accelerate=12)
    try:
        with Daemon(*dist_flags(server, interval=30)) as d:
            wait_for(lambda: len(server.seen(DISTRIBUTED_READ)) >= 4, timeout=30,
                     what="check-ins every 5 s while accelerated")
            times = [r["time"] for r in server.seen(DISTRIBUTED_READ)]
            gaps = [round(b - a, 1) for a, b in zip(times, times[1:])]
            check(all(3 <= g <= 10 for g in gaps[:3]),
                  f"accelerated check-ins every ~5 s, not 30: {gaps}")
            # 12 s later the acceleration is over: back to 30 s.
            time.sleep(max(0, times[0] + 26 - time.monotonic()))
            check_eq(len(server.seen(DISTRIBUTED_READ)), 4,
                     "after the acceleration ends, no check-in before 30 s")
            check("checking in every 5 s for 12 s" in d.log_text(), "the log says so")
            check_eq(answer(server, "a")[:2], ([{"one": "1"}], 0), "the batch still ran")
    finally:
        server.stop()


def test_server_sets_interval_at_run_time():
    """FleetDM's agent options set distributed_interval: taken while the
    daemon runs, shown in osquery_flags, and given back when a later
    config no longer sets it."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"options": {"distributed_interval": 2}}
    try:
        with Daemon(*dist_flags(server, "--config_plugin=tls", f"--config_tls_endpoint={CONFIG}",
                                interval=60)) as d:
            wait_for(lambda: len(server.seen(DISTRIBUTED_READ)) >= 4, timeout=25,
                     what="check-ins every 2 s, as the server's config says")

            def flag():
                return d.query("SELECT value, source FROM sysq_flags "
                               "WHERE name = 'distributed_interval'")[0]
            check_eq((flag()["value"], flag()["source"]), ("2", "config"),
                     "sysq_flags shows the server's value")
            check_eq(d.query("SELECT value FROM osquery_flags "
                             "WHERE name = 'distributed_interval'")[0]["value"], "2",
                     "osquery_flags too")
            check("the server's options in force now: distributed_interval=2" in d.log_text(),
                  "the log names the option taken")
            server.config = {}
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: flag()["value"] == "60", timeout=10,
                     what="the flag's own value back")
            time.sleep(3)  # a check-in already waiting may still come
            before = len(server.seen(DISTRIBUTED_READ))
            time.sleep(6)
            check_eq(len(server.seen(DISTRIBUTED_READ)), before,
                     "no check-in within 6 s once the interval is 60 s again")
    finally:
        server.stop()


def test_node_invalid_reenrolls():
    server = FleetServer(CERTS, SECRET)
    try:
        with Daemon(*dist_flags(server)) as d:
            wait_for(lambda: server.seen(DISTRIBUTED_READ), timeout=20, what="a first read")
            first = server.seen(DISTRIBUTED_READ)[0]["body"]["node_key"]
            server.invalidate_keys()
            wait_for(lambda: len(server.seen(ENROLL)) == 2, timeout=20,
                     what="a second enrollment after node_invalid")
            server.queue_queries({"after": "SELECT 'again' AS x"})
            check_eq(answer(server, "after")[:2], ([{"x": "again"}], 0),
                     "queries are answered with the new key")
            check(server.seen(DISTRIBUTED_WRITE)[-1]["body"]["node_key"] != first,
                  "a new node key")
            check("node key is invalid" in d.log_text(), "the log says why")
    finally:
        server.stop()


SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "WHERE x < 5000000000) SELECT count(*) AS n FROM c")


def running_record(db):
    try:
        return db_rows(db, "SELECT value FROM sysq_meta WHERE key = 'distributed_running'")
    except sqlite3.Error:
        return []


def test_denylist_after_a_crash():
    server = FleetServer(CERTS, SECRET)
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    server.queue_queries({"slow": SLOW})
    flags = dist_flags(server, "--control_query_timeout=600", interval=1)
    try:
        d = Daemon(*flags, tmp=tmp)
        with d:
            wait_for(lambda: running_record(d.db), timeout=20,
                     what="the slow query recorded as running")
            check("slow" in running_record(d.db)[0][0], "the record names the query")
            time.sleep(1)
            d.kill9()  # a crash while it runs
        check_eq(server.answers("slow"), [], "nothing was written before the crash")
        with Daemon(*flags, tmp=tmp) as d:
            rows, status, message, stats = answer(server, "slow")
            check_eq((rows, status), ([], 1), "the crashed query is reported failed")
            check("stopped" in message and "denylisted" in message, f"message: {message}")
            check("was running when the daemon stopped" in d.log_text(), d.log_text())
            # The server asks again: refused at once, not run.
            server.queue_queries({"slow_again": SLOW, "fine": "SELECT 'ok' AS x"})
            rows, status, message, stats = answer(server, "slow_again")
            check_eq((rows, status), ([], 1), "the denylisted SQL is refused")
            check("denylisted" in message, f"message: {message}")
            check_eq(answer(server, "fine")[:2], ([{"x": "ok"}], 0),
                     "the rest of the batch runs")
            check_eq(running_record(d.db), [], "nothing is left running")
            check(SLOW in db_rows(d.db, "SELECT value FROM sysq_meta WHERE key = "
                                        "'distributed_denylist'")[0][0],
                  "the denylist is kept in the database")
        # A restart does not lift it, nor report the crash twice.
        with Daemon(*flags, tmp=tmp):
            server.queue_queries({"slow_third": SLOW})
            check_eq(answer(server, "slow_third")[1], 1, "still denylisted after a restart")
            check_eq(len(server.answers("slow")), 1, "the crash is reported once")
    finally:
        server.stop()


def test_flags_checked():
    for extra, want in ((["--distributed_plugin=kafka"], "--distributed_plugin=kafka is not "
                          "supported"),
                        (["--distributed_tls_write_endpoint="], "needs "
                         "--distributed_tls_read_endpoint and --distributed_tls_write_endpoint"),
                        (["--tls_hostname="], "--disable_distributed=false needs "
                         "--tls_hostname")):
        server = FleetServer(CERTS, SECRET)
        server.stop()
        d = Daemon(*dist_flags(server), *extra)
        d.start(wait=False)
        check_eq(d.proc.wait(timeout=15), 2, f"exit status with {extra}")
        check(want in d.log_text(), f"{extra}: {d.log_text()}")
    # Disabled (osquery's default), another plugin name is not an error.
    r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", "--config_check",
             "--distributed_plugin=kafka"])
    check_eq(r.returncode, 0, f"--config_check: {r.stderr.decode()}")


if __name__ == "__main__":
    main([test_flags_checked, test_rows_statuses_and_one_failure, test_discovery_gates_queries,
          test_server_sets_interval_at_run_time,
          test_writes_refused_database_unchanged, test_accelerate, test_node_invalid_reenrolls,
          test_denylist_after_a_crash])
