#!/usr/bin/env python3
"""The TLS logger (--logger_plugin=tls) against the test fleet server
(fleet_server.py) on 127.0.0.1.

Results lines arrive at the log endpoint exactly as the results log holds
them, once each and in order, across failed requests (500, a garbage
body, node_invalid), a server outage and a daemon restart while the
server is down; the daemon's own messages arrive as status lines with
severity, filename, line and message and without the secret or a node
key; --logger_tls_compress gzips the bodies; --buffered_log_max evicts
the oldest lines and a line over --logger_tls_max_linesize is dropped,
both counted in sysq_events and the metrics; the rows of a schedule over
process_events (from the BPF exec program) arrive once each, in order,
across an outage and a restart. No audit socket is used
(--disable_audit)."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import fleet_server  # noqa: E402
from sysqtest import (SYSQ, Daemon, check, check_eq, like_marker, main, run,  # noqa: E402
                      wait_for)
from fleet_server import CONFIG, ENROLL, LOG, FleetServer, make_certs, private_dir  # noqa: E402

SECRET = "fleet-logger-test-secret"


CERTS = make_certs(private_dir())


def secret_file():
    return fleet_server.secret_file(SECRET)


def logger_flags(server, *extra):
    return ["--disable_audit", "--config_plugin=tls", f"--tls_hostname={server.hostname}",
            f"--tls_server_certs={CERTS['ca']}", f"--enroll_tls_endpoint={ENROLL}",
            f"--config_tls_endpoint={CONFIG}", f"--enroll_secret_path={secret_file()}",
            "--logger_plugin=filesystem,tls", f"--logger_tls_endpoint={LOG}",
            "--logger_tls_period=1", "--logger_tls_backoff_max=2"] + list(extra)


def snapshot(query):
    return {"query": query, "interval": 1, "snapshot": True}


def node_keys(server):
    with server.lock:
        return {r["body"]["node_key"] for r in server.requests
                if isinstance(r["body"], dict) and r["body"].get("node_key")}


def check_delivered_in_order(server, d, at_least):
    """What the server took is the results log's lines, each once, in order."""
    got = server.log_data("result")
    lines = d.results()
    check(len(got) >= at_least, f"{len(got)} lines delivered, expected {at_least} or more")
    check_eq(got, lines[:len(got)], "delivered lines: the results log's, once, in order")


def check_status_lines(server):
    status = server.log_data("status")
    check(status, "status lines arrived")
    for s in status:
        for key in ("hostIdentifier", "calendarTime", "unixTime", "severity", "filename",
                    "line", "message", "version"):
            check(isinstance(s.get(key), str), f"status line has {key} as a string: {s}")
        check(s["severity"] in ("0", "1", "2"), f"severity 0-2: {s}")
        check(s["line"].isdigit() and s["filename"].endswith(".c"), f"file and line: {s}")
        check(set(s) <= {"hostIdentifier", "calendarTime", "unixTime", "severity", "filename",
                         "line", "message", "version", "decorations"}, f"osquery's fields: {s}")
    enrolled = [s for s in status if s["message"].startswith("fleet: enrolled with")]
    check(enrolled and enrolled[0]["filename"] == "enroll.c" and enrolled[0]["severity"] == "0",
          f"the enrollment's info message as a status line: {enrolled}")
    check(any(s.get("decorations") == {"deco": "tls-test"} for s in status),
          "status lines carry the decorations of results lines")
    warned = [s for s in status if s["severity"] == "1" and "fleet: logs:" in s["message"]]
    check(warned, "the failed log requests' warning as a status line")
    text = repr(status)
    check(SECRET not in text, "no enroll secret in status lines")
    for key in node_keys(server):
        check(key not in text, "no node key in status lines")


def test_exactly_once_across_outage_and_restart():
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": {"tls_q": snapshot("SELECT 'shipped' AS v")},
                     "decorators": {"load": ["SELECT 'tls-test' AS deco"]}}
    # The 2nd to 4th log requests fail three ways; their lines come again.
    server.log_faults = {2: "500", 3: "garbage", 4: "node_invalid"}
    tmp = private_dir()
    flags = logger_flags(server)
    try:
        with Daemon(*flags, tmp=tmp) as d:
            wait_for(lambda: len(server.log_data("result")) >= 4, timeout=25,
                     what="results past the failed requests")
            check(len(server.seen(ENROLL)) >= 2, "node_invalid made the logger enroll again")
            server.go_down()
            time.sleep(2)
        # Restarted while the server is down: lines wait in the buffer.
        with Daemon(*flags, tmp=tmp) as d:
            time.sleep(2)
            server.come_back()
            total = len(d.results())
            wait_for(lambda: len(server.log_data("result")) >= total, timeout=20,
                     what=f"the {total} lines logged so far delivered")
        check_delivered_in_order(server, d, total)
        check_status_lines(server)
    finally:
        server.stop()


def metric(path, name, labels):
    want = re.compile(re.escape(name) + r"\{([^}]*)\} (\d+)")
    with open(path) as f:
        for m in want.finditer(f.read()):
            if all(f'{k}="{v}"' in m.group(1) for k, v in labels.items()):
                return int(m.group(2))
    return None


def tls_counters(d):
    return {k: int(v) for k, v in d.counters("tls").items() if isinstance(v, str) and v.isdigit()}


def in_order(sub, seq):
    """Whether sub is seq with some items left out."""
    it = iter(seq)
    return all(any(x == y for y in it) for x in sub)


def test_compress_eviction_and_line_size():
    server = FleetServer(CERTS, SECRET)
    big = "x" * 2000
    server.config = {"schedule": {"small": snapshot("SELECT 's' AS v"),
                                  "big": snapshot(f"SELECT '{big}' AS v")}}
    server.log_fail_all = "500"
    tmp = private_dir()
    prom = os.path.join(tmp, "sysq.prom")
    try:
        with Daemon(*logger_flags(server, "--logger_tls_compress", "--buffered_log_max=6",
                                  "--logger_tls_max_linesize=1000", "--tls_disable_status_log",
                                  f"--metrics_textfile={prom}", "--metrics_interval=1"),
                    tmp=tmp) as d:
            wait_for(lambda: tls_counters(d)["evicted"] >= 3, timeout=25,
                     what="lines evicted past --buffered_log_max while the server fails")
            # No more lines: an empty schedule; then the server takes them.
            server.config = {}
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: "applied: 0 scheduled queries" in d.log_text(), timeout=10,
                     what="the empty schedule")
            server.log_fail_all = None
            wait_for(lambda: tls_counters(d)["buffered"] == 0, timeout=20,
                     what="the buffer drained")
            c = tls_counters(d)
            lines = d.results()
            got = server.log_data("result")
            check(c["drop_too_large"] > 0, f"long lines dropped and counted: {c}")
            check(all(r["name"] == "small" for r in got), "no long line was sent")
            check_eq(c["evicted"] + c["drop_too_large"] + len(got), len(lines),
                     "every line delivered, evicted or dropped for its size")
            check(in_order(got, lines), "the lines delivered, once each and in order")
            check_eq(c["stored"], len(got), "sysq_events.stored: the lines delivered")
            wait_for(lambda: metric(prom, "sysq_log_lines_dropped_total",
                                    {"logger": "tls", "reason": "too_large"}) ==
                     c["drop_too_large"], timeout=10, what="the too_large metric")
            check_eq(metric(prom, "sysq_log_lines_dropped_total",
                            {"logger": "tls", "reason": "buffer_full"}), c["evicted"],
                     "the buffer_full metric")
        logs = server.seen(LOG)
        check(logs, "log requests were made")
        for r in logs:
            check_eq(r["headers"].get("Content-Encoding"), "gzip", "log bodies are gzip")
            check(isinstance(r["body"], dict), "a gzip body that decompresses to JSON")
        for r in server.seen(ENROLL):
            check("Content-Encoding" not in r["headers"], "enrollment is not compressed")
        check(not server.log_data("status"), "--tls_disable_status_log: no status lines")
    finally:
        server.stop()


def test_flags_checked():
    r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", "--config_check",
             "--logger_plugin=filesystem,tls", "--tls_hostname=localhost:1",
             "--enroll_tls_endpoint=/enroll", "--enroll_secret_env=X"])
    check_eq(r.returncode, 2, "exit status without --logger_tls_endpoint")
    check(b"--logger_plugin=tls needs --logger_tls_endpoint" in r.stderr, r.stderr.decode())


def marker_rows(lines, marker):
    """The markers in the cmdline of the added process_events rows of
    `lines` (results lines, one row each), in order."""
    return [w for line in lines if line.get("action") == "added"
            for w in line.get("columns", {}).get("cmdline", "").split() if w.startswith(marker)]


def buffered_markers(tmp, marker):
    """The markers in the results lines waiting in the TLS logger's buffer,
    read with Python's sqlite3."""
    con = sqlite3.connect(f"file:{os.path.join(tmp, 'sysq.db.logbuf')}?mode=ro", uri=True,
                          timeout=10)
    try:
        lines = [json.loads(line) for (line,) in
                 con.execute("SELECT line FROM log_buffer WHERE sink = 'tls' ORDER BY id")]
    finally:
        con.close()
    return marker_rows(lines, marker)


def exec_marker(marker):
    subprocess.run(["/bin/echo", marker], check=True, stdout=subprocess.DEVNULL)


def test_process_events_exactly_once():
    """A schedule over process_events (BPF's exec program, no audit socket):
    an exec before, during a server outage and after a daemon restart while
    the server is still down reaches the log endpoint exactly once each,
    in order."""
    mark = f"sysq-tls-exec-{os.getpid()}-"
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": {"execs": {
        "query": f"SELECT pid, cmdline FROM process_events WHERE cmdline LIKE "
                 f"{like_marker(mark)}", "interval": 1}}}
    tmp = private_dir()
    flags = logger_flags(server, "--enable_bpf_process_events=true", "--logger_plugin=tls",
                         "--config_tls_max_attempts=1")
    markers = [f"{mark}{i}" for i in (1, 2, 3)]

    def delivered():
        return marker_rows(server.log_data("result"), mark)
    try:
        with Daemon(*flags, tmp=tmp) as d:
            wait_for(lambda: "applied: 1 scheduled queries" in d.log_text(), timeout=20,
                     what="the server's schedule")
            exec_marker(markers[0])
            wait_for(lambda: delivered(), timeout=20, what="the first exec's row delivered")
            server.go_down()
            exec_marker(markers[1])
            wait_for(lambda: buffered_markers(tmp, mark) == markers[1:2], timeout=20,
                     what="the exec during the outage buffered")
        check_eq(delivered(), markers[:1], "delivered before the restart")
        # Restarted while the server is down: the saved config runs.
        with Daemon(*flags, tmp=tmp) as d:
            check("running the config the server last sent" in d.log_text(), d.log_text())
            exec_marker(markers[2])
            wait_for(lambda: buffered_markers(tmp, mark) == markers[1:], timeout=20,
                     what="the exec after the restart buffered behind the other")
            server.come_back()
            wait_for(lambda: len(delivered()) >= 3, timeout=20,
                     what="the buffered rows delivered")
            wait_for(lambda: tls_counters(d)["buffered"] == 0, timeout=20,
                     what="the buffer drained")
            time.sleep(2)  # a repeat would come within a period or two
        check_eq(delivered(), markers, "each exec's row at the log endpoint: once, in order")
    finally:
        server.stop()


if __name__ == "__main__":
    main([test_flags_checked, test_exactly_once_across_outage_and_restart,
          test_compress_eviction_and_line_size, test_process_events_exactly_once])
