#!/usr/bin/env python3
"""events_max evicts the oldest events and events_expiry deletes old ones;
both are counted in sysq_events, so every missing row is accounted for."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import Daemon, check, check_eq, exec_workload, main, wait_for  # noqa: E402


def counts(d):
    c = d.counters("process_events")
    return {k: int(c[k]) for k in ("stored", "buffered", "evicted", "expired")}


def test_events_max_counts_events():
    with Daemon("--events_max=5") as d:
        pids = [exec_workload([b"true", b"max %d" % i]) for i in range(12)]
        wait_for(lambda: d.query(f"SELECT 1 FROM process_events WHERE pid = {pids[-1]} "
                                 f"AND path = '/usr/bin/true'"), what="the last exec row")
        c = wait_for(lambda: (lambda c: c if c["buffered"] == 5 else None)(counts(d)),
                     what="the table to shrink to events_max")
        check(c["stored"] >= 24, f"every exec stored: {c}")
        check_eq(c["evicted"], c["stored"] - 5, "evictions account for every missing row")
        # One statement, one snapshot: the rows left are the newest ones.
        # (The test's own `sysq shell` runs are execs too, so rows keep
        # arriving; evictions commit with the inserts, so never more than
        # events_max rows are visible.)
        snap = d.query("SELECT (SELECT seq FROM sqlite_sequence "
                       "WHERE name = 'process_events_rows') AS seq, "
                       "group_concat(CAST(eid AS INTEGER)) AS eids FROM process_events")[0]
        eids = sorted(int(e) for e in snap["eids"].split(","))
        check_eq(len(eids), 5, f"rows left after eviction: {eids}")
        check_eq(eids, list(range(int(snap["seq"]) - len(eids) + 1, int(snap["seq"]) + 1)),
                 "the oldest events were evicted first")
        check_eq(c["expired"], 0, "nothing expired")


def test_events_expiry():
    # Every `sysq shell` run is an exec and so a fresh row: the test does not
    # poll while it waits, then checks that the workload's rows expired.
    with Daemon("--events_expiry=1") as d:
        pid = exec_workload([b"true", b"expire me"])
        time.sleep(3.5)
        check_eq(d.query(f"SELECT pid FROM process_events WHERE pid = {pid}"), [],
                 "rows older than events_expiry are gone")
        c = wait_for(lambda: (lambda c: c if c["stored"] == c["expired"] + c["buffered"]
                              else None)(counts(d)), what="consistent counters")
        check(c["expired"] >= 2, f"the workload's two rows were counted as expired: {c}")
        check_eq(c["evicted"], 0, "nothing evicted")


def test_restart_keeps_eids_growing():
    # osquery #8524: eids restarted and events were lost. sysq's eids come
    # from an AUTOINCREMENT key, so they keep growing across restarts even
    # when events_max has deleted every older row.
    d = Daemon().start()
    pid = exec_workload([b"true", b"before restart"])
    wait_for(lambda: d.query(f"SELECT eid FROM process_events WHERE pid = {pid}"),
             what="a row before the restart")
    last = max(int(r["eid"]) for r in d.query("SELECT eid FROM process_events"))
    d.stop()
    d2 = Daemon("--events_max=1", tmp=d.tmp).start()
    try:
        exec_workload([b"true", b"after restart"])
        time.sleep(1)
        rows = d2.query("SELECT eid FROM process_events")
        check_eq(len(rows), 1, "events_max=1 keeps one row")
        check(int(rows[0]["eid"]) > last + 2, f"eid {rows[0]['eid']} continues past {last}")
    finally:
        d2.stop()


if __name__ == "__main__":
    main([test_events_max_counts_events, test_events_expiry, test_restart_keeps_eids_growing])
