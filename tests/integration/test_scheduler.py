#!/usr/bin/env python3
"""The scheduler on the real kernel: scheduled queries over process_events
log each exec exactly once, across runs and a daemon restart; differential
queries log removed and added rows; expiry keeps what a query has not read
yet, and events_max evictions of unread rows are counted."""
import calendar
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, check, check_eq, exec_workload, like_marker, main,  # noqa: E402
                      wait_for, write_config)

EPOCH = 7


def marker_rows(d, query, marker):
    return [r for r in d.results(query) if marker in r["columns"].get("cmdline", "")]


def check_line_fields(line, name, started, decorations):
    """Every field of an event-format line, as osquery writes it."""
    check_eq(list(line), ["name", "hostIdentifier", "calendarTime", "unixTime", "epoch",
                          "counter", "numerics", "decorations", "columns", "action"],
             "the fields of a results line, in osquery's order")
    check_eq(line["name"], name, "name")
    check_eq(line["hostIdentifier"], socket.gethostname(), "hostIdentifier (hostname)")
    check(isinstance(line["unixTime"], int), f"unixTime is a number: {line['unixTime']!r}")
    check(started - 1 <= line["unixTime"] <= time.time() + 1,
          f"unixTime {line['unixTime']} is within the test's run")
    parsed = time.strptime(line["calendarTime"], "%a %b %d %H:%M:%S %Y UTC")
    check_eq(calendar.timegm(parsed), line["unixTime"], "calendarTime is unixTime in UTC")
    check_eq(line["epoch"], EPOCH, "epoch (--schedule_epoch)")
    check(isinstance(line["counter"], int) and line["counter"] >= 1,
          f"counter is a run number from 1: {line['counter']!r}")
    check_eq(line["numerics"], False, "numerics")
    check_eq(line["decorations"], decorations, "decorations")
    check_eq(line["action"], "added", "action")


def schedule_config(marker):
    return {
        "schedule": {
            "execs": {"query": "SELECT * FROM process_events "
                               f"WHERE cmdline LIKE {like_marker(marker)}", "interval": 1},
            "flags": {"query": "SELECT name, value FROM sysq_flags "
                               "WHERE name IN ('events_max', 'schedule_epoch')",
                      "interval": 1},
        },
        "decorators": {
            "load": ["SELECT 'at-load' AS loaded, 'load' AS overridden"],
            "always": ["SELECT 'every-line' AS always, 'always' AS overridden"],
            "interval": {"2": ["SELECT 'periodic' AS periodic"]},
        },
    }


def test_exactly_once_across_runs_and_restart():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"sched-{os.getpid()}"
    conf = write_config(os.path.join(tmp, "sysq.conf"), schedule_config(marker))
    flags = (f"--config_path={conf}", f"--schedule_epoch={EPOCH}")
    started = time.time()
    pids = {}
    with Daemon(*flags, tmp=tmp) as d:
        # Spread over several runs of the 1 s query.
        for i in range(6):
            pids[f"{marker}-a{i}"] = exec_workload([b"true", f"{marker}-a{i}".encode()])
            time.sleep(0.4)
        wait_for(lambda: len(marker_rows(d, "execs", marker)) >= 6, timeout=10,
                 what="the first six execs in the results log")
        # This one may or may not be logged before the stop: either way it
        # must be logged exactly once.
        pids[f"{marker}-edge"] = exec_workload([b"true", f"{marker}-edge".encode()])
        time.sleep(0.2)
        expected_columns = {(r["pid"], r["path"]): r for r in d.query(
            f"SELECT * FROM process_events WHERE cmdline LIKE {like_marker(marker)}")}
    with Daemon(*flags, tmp=tmp) as d:
        for i in range(3):
            pids[f"{marker}-b{i}"] = exec_workload([b"true", f"{marker}-b{i}".encode()])
            time.sleep(0.5)
        wait_for(lambda: len(marker_rows(d, "execs", marker)) >= 2 * len(pids), timeout=10,
                 what="every exec in the results log")
        time.sleep(2.5)  # a few more runs: nothing may be logged again
        expected_columns.update({(r["pid"], r["path"]): r for r in d.query(
            f"SELECT * FROM process_events WHERE cmdline LIKE {like_marker(marker)}")})
        lines = marker_rows(d, "execs", marker)
        flag_lines = d.results("flags")

    # Each exec is two rows (the helper, then its execve of true).
    for m, pid in pids.items():
        rows = [r for r in lines if r["columns"]["cmdline"].endswith(m)]
        check_eq(sorted(r["columns"]["path"] for r in rows),
                 sorted(["/usr/bin/true", os.path.realpath(os.environ.get(
                     "SYSQ_TEST_EXEC", "sysq-test-exec"))]),
                 f"the rows of {m}, each logged exactly once")
        check(all(r["columns"]["pid"] == str(pid) for r in rows), f"pid of {m}")
    check_eq(len(lines), 2 * len(pids), "no other line matches the marker")

    decorations = {"loaded": "at-load", "overridden": "always", "periodic": "periodic",
                   "always": "every-line"}
    for line in lines:
        check_line_fields(line, "execs", started, decorations)
        want = {k: "" if v is None else str(v)
                for k, v in expected_columns[(line["columns"]["pid"],
                                              line["columns"]["path"])].items()}
        check_eq(line["columns"], want, "the logged columns are the row's columns")
    counters = [line["counter"] for line in lines]
    check_eq(counters, sorted(counters), "counters grow run after run")

    # A differential query logs a row once, and its previous results survive
    # the restart: the unchanged flags are not logged again.
    check_eq(sorted((r["columns"]["name"], r["columns"]["value"], r["action"])
                    for r in flag_lines),
             [("events_max", "50000", "added"), ("schedule_epoch", str(EPOCH), "added")],
             "the flags query's lines")


def test_differential_removed_then_added():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    sql = "SELECT name, stored FROM sysq_events WHERE name = 'process_events'"
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": {
        "diff": {"query": sql, "interval": 1},
        "diff_added_only": {"query": sql, "interval": 1, "removed": False},
    }})
    with Daemon(f"--config_path={conf}", tmp=tmp) as d:
        for i in range(4):
            exec_workload([b"true", b"diff %d" % i])
            time.sleep(1.2)
        wait_for(lambda: len([r for r in d.results("diff") if r["action"] == "removed"]) >= 3,
                 timeout=10, what="three changes of the stored counter")
        lines = d.results("diff")
        added_only = d.results("diff_added_only")

    previous = None
    by_run = {}
    for line in lines:
        by_run.setdefault(line["counter"], []).append(line)
    for counter in sorted(by_run):
        run = by_run[counter]
        if previous is None:
            check_eq([r["action"] for r in run], ["added"], "the first run adds the row")
        else:
            check_eq([r["action"] for r in run], ["removed", "added"],
                     f"run {counter}: removed, then added")
            check_eq(run[0]["columns"], previous, "the removed row is the previous result")
            check(run[1]["columns"] != previous, "the added row is the new result")
        previous = run[-1]["columns"]
    check(all(r["action"] == "added" for r in added_only),
          "\"removed\": false logs no removed rows")
    check(len(added_only) >= 4, f"the added rows are still logged: {len(added_only)}")


def test_expiry_keeps_unread_events():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"held-{os.getpid()}"
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": {
        "slow": {"query": f"SELECT pid FROM process_events WHERE cmdline LIKE {like_marker(marker)}",
                 "interval": 6}}})
    with Daemon(f"--config_path={conf}", "--events_expiry=1", tmp=tmp) as d:
        pid = exec_workload([b"true", marker.encode()])
        # Older than events_expiry long before the query's first run.
        wait_for(lambda: d.results("slow"), timeout=15, interval=0.5,
                 what="the slow query's run")
        check_eq(sorted(r["columns"]["pid"] for r in d.results("slow")), [str(pid)] * 2,
                 "the held rows were logged, not expired")
        # Once read, they expire as usual.
        wait_for(lambda: not d.query(f"SELECT 1 FROM process_events WHERE pid = {pid}"),
                 timeout=10, what="the read rows to expire")
        c = d.counters("process_events")
        check(int(c["expired"]) >= 2, f"expired after reading: {c}")
        check_eq(int(c["evicted_unread"]), 0, "nothing unread was evicted")


def test_time_window_and_snapshot_queries():
    """A query that constrains time reads its own window (not optimized,
    every row "added", as in osquery) and does not hold back expiry; a
    snapshot is every matching row at each run."""
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"window-{os.getpid()}"
    where = f"cmdline LIKE {like_marker(marker)}"
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": {
        "window": {"query": f"SELECT pid FROM process_events WHERE time > 0 AND {where}",
                   "interval": 1},
        "snap": {"query": f"SELECT pid FROM process_events WHERE {where}", "interval": 1,
                 "snapshot": True}}})
    with Daemon(f"--config_path={conf}", "--events_expiry=2", tmp=tmp) as d:
        pid = exec_workload([b"true", marker.encode()])
        def snapshots():
            found = [r for r in d.results("snap") if r["snapshot"]]
            return found if len(found) >= 2 else None
        for snap in wait_for(snapshots, timeout=10, what="two snapshots with the exec"):
            check_eq([r["pid"] for r in snap["snapshot"]], [str(pid)] * 2,
                     "each snapshot holds every matching row")
        window = wait_for(lambda: (lambda w: w if len(w) >= 4 else None)(d.results("window")),
                          timeout=10, what="the window query logging its rows twice")
        check(all(r["action"] == "added" for r in window), "event-table rows are added")
        # The window query holds nothing back: the rows expire.
        wait_for(lambda: not d.query(f"SELECT 1 FROM process_events WHERE pid = {pid}"),
                 timeout=10, what="the rows to expire despite the window query")


def query_runs(d, name):
    """How many times the scheduler has run query `name` (its counter)."""
    rows = d.query(f"SELECT counter FROM sysq_query_state WHERE query = '{name}'")
    return int(rows[0]["counter"]) if rows else 0


def test_events_max_evicts_unread_and_counts_it():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    marker = f"evict-{os.getpid()}"
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": {
        "slow": {"query": f"SELECT cmdline FROM process_events "
                          f"WHERE cmdline LIKE {like_marker(marker)}", "interval": 5}}})
    with Daemon(f"--config_path={conf}", "--events_max=4", tmp=tmp) as d:
        for i in range(10):
            exec_workload([b"true", f"{marker}-{i}".encode()])
        # Its second run, after the execs. Not "until it logs rows": any
        # exec on the machine is a row too, and with events_max=4 a few
        # of them can evict every marker row before that run.
        wait_for(lambda: query_runs(d, "slow") >= 2, timeout=15, interval=0.5,
                 what="the query's second run")
        c = d.counters("process_events")
        logged = [r["columns"]["cmdline"] for r in d.results("slow")]
    check(len(logged) < 20, f"events_max forced evictions: {len(logged)} rows logged")
    check(int(c["evicted_unread"]) >= 20 - len(logged),
          f"every unread row evicted is counted: {c}, {len(logged)} logged")
    check(int(c["evicted"]) >= int(c["evicted_unread"]), f"evicted_unread is part of evicted: {c}")


if __name__ == "__main__":
    main([test_exactly_once_across_runs_and_restart, test_differential_removed_then_added,
          test_expiry_keeps_unread_events, test_time_window_and_snapshot_queries,
          test_events_max_evicts_unread_and_counts_it])
