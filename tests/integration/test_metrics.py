#!/usr/bin/env python3
"""Prometheus metrics on the real kernel, scraped by a real Prometheus.

- A Prometheus server (Debian's) scrapes sysq's --metrics_listen every
  second. Its HTTP API finds sysq_events_total for every table, and every
  drop counter sysq_events shows in SQL is sysq_events_dropped_total with
  the same value: records the kernel lost while sysq was stopped
  (kernel_lost) and user_events rows evicted past --events_max. Counters
  that other processes on the host keep moving are compared only when SQL
  read the same value before and after Prometheus's sample.
- `promtool check metrics` passes on the page and on --metrics_textfile,
  which is replaced by rename (a new inode each interval), is never seen
  half-written, and leaves no temporary file behind.
- GET of the two paths only: other paths are 404, other methods 405.
- /healthz is 200, then 503 naming the store while another process holds
  the database's write lock (the writer cannot write; rows wait), and 200
  again once it lets go, with every row either stored or counted.
- /healthz is 503 naming the owner while another process owns the audit
  socket (sysq waits with --audit_persist), and 200 once sysq has it.
- A --metrics_listen without an explicit numeric address exits 2 naming
  the flag; a port already in use exits 1 naming it.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, TestFailure, audit_netlink_socket, audit_request,  # noqa: E402
                      audit_send_user_message, check, check_eq, exec_workload, main, run,
                      wait_for, write_config)

AUDIT_USER = 1005
USER_AUTH = 1100  # a user_events row, as PAM sends it


def user_event(tag):
    """Sends a PAM-style USER_AUTH message: one user_events row."""
    text = (f'op=PAM:authentication grantors=pam_unix acct="{tag}" exe="/usr/bin/sysq-test" '
            'hostname=? addr=? terminal=? res=success')
    check_eq(audit_send_user_message(text, USER_AUTH), 0, "the kernel takes the user message")
# sysq_events column -> reason label (docs/metrics.md), written out here
# rather than taken from sysq, so the test checks the documented mapping.
REASONS = {
    "lost_kernel": "kernel_lost", "lost_enobufs": "enobufs", "drop_malformed": "malformed",
    "drop_incomplete": "incomplete", "drop_queue_full": "queue_full",
    "drop_write_error": "write_error", "expired": "expired", "evicted": "evicted",
    "evicted_unread": "evicted_unread", "filtered_family": "filtered_family",
    "filtered_port": "filtered_port", "filtered_unix_path": "filtered_unix_path",
    "filtered_process": "filtered_process", "filtered_exec_path": "filtered_exec_path",
    "filtered_dedup": "filtered_dedup", "lost_ringbuf": "ringbuf",
    "lost_bpf_missed": "bpf_missed", "lost_pending": "bpf_pending",
}
TABLES = {"process_events", "socket_events", "user_events"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", data=None):
    """(status, body) of a request; an HTTP error status is a result too."""
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def promtool_check(text, what):
    r = run(["promtool", "check", "metrics"], input=text.encode())
    check(r.returncode == 0, f"promtool check metrics on {what}: "
          f"{(r.stdout + r.stderr).decode(errors='replace')}")


class Prometheus:
    """A Prometheus server with a temporary config and storage, scraping
    one target every second on 127.0.0.1."""

    def __init__(self, target):
        self.tmp = tempfile.mkdtemp(prefix="sysq-prom-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = os.path.join(self.tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: sysq\n    static_configs:\n"
                    f"      - targets: ['{target}']\n")
        self.log = open(os.path.join(self.tmp, "prometheus.log"), "wb")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(self.tmp, 'data')}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self.log, stderr=self.log)

    def ready(self):
        if self.proc.poll() is not None:
            raise TestFailure(f"prometheus exited:\n{self.log_text()}")
        try:
            return http(self.url + "/-/ready")[0] == 200
        except OSError:
            return False

    def log_text(self):
        with open(os.path.join(self.tmp, "prometheus.log"), "rb") as f:
            return f.read().decode(errors="replace")

    def query(self, expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        status, body = http(self.url + "/api/v1/query?" + urllib.parse.urlencode(params))
        check_eq(status, 200, f"Prometheus query {expr}: {body}")
        return json.loads(body)["data"]["result"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def sql_drops(d):
    """{(label, name, reason): value} from sysq_events, every drop column."""
    drops = {}
    for row in d.query("SELECT * FROM sysq_events"):
        label = "publisher" if row["type"] == "publisher" else "table"
        for column, reason in REASONS.items():
            drops[(label, row["name"], reason)] = int(row[column])
    return drops


def series_key(metric):
    label = "publisher" if "publisher" in metric else "table"
    return (label, metric[label], metric["reason"])


def compare_drops(d, prom):
    """Compares each drop counter that SQL read unchanged before and after
    a Prometheus sample with that sample. Returns the keys compared."""
    before, t0 = sql_drops(d), time.time()
    time.sleep(3.5)  # several scrapes
    after, t1 = sql_drops(d), time.time()
    samples = {series_key(s["metric"]): s["values"]
               for s in prom.query("sysq_events_dropped_total[10s]", at=t1)}
    compared = set()
    for key, value in after.items():
        if value and key not in samples:
            raise TestFailure(f"sysq_events shows {key} = {value}, Prometheus has no series")
        if before.get(key) != value or key not in samples:
            continue
        # A scrape that began after the first read and well before the
        # second read its counters in between.
        inside = [float(v) for ts, v in samples[key] if t0 < ts < t1 - 0.5]
        check(inside, f"no Prometheus sample of {key} between the two SQL reads")
        check(all(v == value for v in inside),
              f"{key}: SQL {value}, Prometheus {inside}")
        compared.add(key)
    return compared


def flood_while_stopped(d, messages=12000, size=8000):
    """Stops sysq and sends more user messages than its socket buffer and
    the kernel backlog hold, so the kernel loses some (as test_persist)."""
    text = b"sysq-metrics-flood " + b"x" * size + b"\0"
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        with audit_netlink_socket() as s:
            for i in range(messages):
                audit_request(s, AUDIT_USER, text, seq=i + 1)
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)


def check_textfile(path):
    """Reads the textfile for a few seconds: always whole, replaced by a
    rename (new inode), world-readable, valid for promtool."""
    inodes = set()
    deadline = time.monotonic() + 3.5
    while time.monotonic() < deadline:
        st = os.stat(path)
        inodes.add(st.st_ino)
        check_eq(st.st_mode & 0o777, 0o644, "textfile mode")
        with open(path) as f:
            text = f.read()
        check(text.startswith("# HELP sysq_build_info") and
              "\nsysq_scheduled_query_failures_total " in text and text.endswith("\n"),
              f"a whole textfile, got {len(text)} bytes")
        time.sleep(0.05)
    check(len(inodes) >= 2, f"the textfile was replaced by rename (inodes {inodes})")
    promtool_check(text, "the textfile")


def test_prometheus_scrape():
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="sysq-metrics-")
    textfile = os.path.join(tmp, "sysq.prom")
    # One query that works and one that fails when it runs (malformed
    # JSON), each every second.
    conf_dir = tempfile.mkdtemp(prefix="sysq-metrics-conf-")
    config = write_config(os.path.join(conf_dir, "sysq.conf"), {"schedule": {
        "ok": {"query": "SELECT 1 AS one", "interval": 1},
        "broken": {"query": "SELECT json_extract('{', '$') AS x", "interval": 1}}})
    prom = None
    try:
        with Daemon(f"--metrics_listen=127.0.0.1:{port}", f"--metrics_textfile={textfile}",
                    "--metrics_interval=1", "--audit_allow_sockets=true",
                    "--events_max=10", f"--config_path={config}") as d:
            base = f"http://127.0.0.1:{port}"
            prom = Prometheus(f"127.0.0.1:{port}")
            wait_for(prom.ready, timeout=30, interval=0.5, what="Prometheus to be ready")
            for i in range(30):
                user_event(f"sysq-metrics-{i}")
            exec_workload([b"true", b"sysq-metrics-test"])
            flood_while_stopped(d)
            # The workload is over: wait for the writer to catch up.
            wait_for(lambda: int(d.counters("user_events")["events"]) >= 30 and
                     int(d.counters("user_events")["events"]) ==
                     int(d.counters("user_events")["stored"]), timeout=20,
                     what="user_events rows written")
            print("user_events:", d.counters("user_events"))
            print("audit:", d.counters("auditeventpublisher"))

            status, page = http(base + "/metrics")
            check_eq(status, 200, "GET /metrics")
            promtool_check(page, "/metrics")
            check_textfile(textfile)

            def scraped():
                found = {s["metric"]["table"]: int(s["value"][1])
                         for s in prom.query("sysq_events_total")}
                return found if set(found) >= TABLES and found["user_events"] >= 30 else None
            found = wait_for(scraped, timeout=15,
                             what="sysq_events_total of every table, with our user messages")
            print("sysq_events_total in Prometheus:", found)

            for attempt in range(3):
                compared = compare_drops(d, prom)
                key_lost = ("publisher", "auditeventpublisher", "kernel_lost")
                key_evicted = ("table", "user_events", "evicted")
                drops = sql_drops(d)
                check(drops[key_lost] > 0, "the flood made the kernel lose records")
                check(drops[key_evicted] > 0, "user_events rows were evicted")
                if {key_lost, key_evicted} <= compared:
                    break
            check({key_lost, key_evicted} <= compared,
                  f"kernel_lost and evicted compared (compared {sorted(compared)})")
            print(f"{len(compared)} drop counters equal in SQL and Prometheus, "
                  f"kernel_lost={drops[key_lost]}, user_events evicted={drops[key_evicted]}")

            runs = wait_for(lambda: (lambda r, f: (r, f) if r and f and r[0] >= 2 and f[0] >= 1
                                     else None)(
                [int(s["value"][1]) for s in prom.query("sysq_scheduled_query_runs_total")],
                [int(s["value"][1]) for s in prom.query("sysq_scheduled_query_failures_total")]),
                timeout=15, what="scheduled query runs and failures in Prometheus")
            check(runs[1][0] < runs[0][0], f"only some runs failed: {runs}")
            check("schedule: query broken failed" in d.log_text(), "the failure is logged")

            check_eq(http(base + "/nope")[0], 404, "GET of another path")
            check_eq(http(base + "/metrics/")[0], 404, "GET /metrics/")
            check_eq(http(base + "/metrics", "POST", b"x=1")[0], 405, "POST /metrics")
            check_eq(http(base + "/healthz", "DELETE")[0], 405, "DELETE /healthz")
            check_eq(http(base + "/metrics", "HEAD")[0], 405, "HEAD /metrics")
            check_eq(http(base + "/healthz"), (200, "ok\n"), "GET /healthz")
        left = [f for f in os.listdir(tmp) if f != "sysq.prom"]
        check_eq(left, [], "files beside the textfile after the daemon stopped")
    finally:
        if prom:
            prom.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(conf_dir, ignore_errors=True)


def healthz(port):
    try:
        return http(f"http://127.0.0.1:{port}/healthz")
    except OSError as e:
        return (0, str(e))


def test_healthz_writer_stall():
    port = free_port()
    with Daemon(f"--metrics_listen=127.0.0.1:{port}", "--metrics_stall_seconds=2") as d:
        wait_for(lambda: healthz(port) == (200, "ok\n"), timeout=10, what="healthy at start")
        # Another process's write transaction: the writer's inserts wait
        # on the database lock and the rows behind them wait in the queue.
        other = sqlite3.connect(d.db, timeout=20, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            held = time.monotonic()
            for i in range(5):
                user_event(f"sysq-stall-{i}")
            status, body = wait_for(lambda: (lambda h: h if h[0] == 503 else None)(healthz(port)),
                                    timeout=20, what="/healthz 503 while the writer is stuck")
            print(f"503 after {time.monotonic() - held:.1f}s: {body.strip()}")
            check(body.startswith("store: the writer has finished no write for"), body)
            page = http(f"http://127.0.0.1:{port}/metrics")[1]
            check("\nsysq_healthy 0\n" in page, "sysq_healthy is 0")
            check("\nsysq_store_writer_stalled_seconds 0\n" not in page, "stalled seconds")
        finally:
            other.execute("ROLLBACK")
            other.close()
        wait_for(lambda: healthz(port) == (200, "ok\n"), timeout=30,
                 what="/healthz 200 once the lock is released")

        def accounted():
            c = d.counters("user_events")
            return int(c["events"]) == (int(c["stored"]) + int(c["drop_write_error"]) +
                                        int(c["drop_queue_full"]))
        wait_for(accounted, timeout=30, what="every user_events row stored or counted")


OWNER = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from sysqtest import audit_netlink_socket, audit_set_pid
s = audit_netlink_socket()
print(audit_set_pid(s, os.getpid()), flush=True)
sys.stdin.read()
"""


def test_healthz_audit_not_reading():
    port = free_port()
    owner = subprocess.Popen([sys.executable, "-c", OWNER, os.path.dirname(__file__)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        check_eq(owner.stdout.readline().strip(), b"0", "the other process owns the audit pid")
        with Daemon(f"--metrics_listen=127.0.0.1:{port}"):
            status, body = wait_for(lambda: (lambda h: h if h[0] != 0 else None)(healthz(port)),
                                    timeout=10, what="/healthz answers")
            check_eq(status, 503, f"/healthz while process {owner.pid} owns the audit socket")
            check_eq(body, f"audit: not reading audit records: process {owner.pid} owns the "
                     "audit socket\n", "the reason")
            page = http(f"http://127.0.0.1:{port}/metrics")[1]
            check('\nsysq_publisher_active{publisher="auditeventpublisher"} 0\n' in page,
                  "the audit publisher is inactive")
            owner.stdin.close()
            owner.wait()
            wait_for(lambda: healthz(port) == (200, "ok\n"), timeout=10,
                     what="/healthz 200 once sysq owns the audit socket")
    finally:
        if owner.poll() is None:
            owner.kill()


def test_bad_flags():
    for value in ("9750", ":9750", "localhost:9750", "127.0.0.1:0", "127.0.0.1"):
        r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", "--config_check",
                 f"--metrics_listen={value}"])
        check_eq(r.returncode, 2, f"--metrics_listen={value}")
        check("--metrics_listen" in r.stderr.decode(), r.stderr.decode())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        d = Daemon(f"--metrics_listen=127.0.0.1:{port}", "--disable_audit=true")
        d.start(wait=False)
        try:
            d.proc.wait(timeout=20)
        finally:
            d.stop()
            d.log.close()
            d.out.close()
        check_eq(d.proc.returncode, 1, "a port in use")
        check(f"--metrics_listen: cannot listen on 127.0.0.1:{port}: Address already in use"
              in d.log_text(), d.log_text())


if __name__ == "__main__":
    main([test_bad_flags, test_prometheus_scrape, test_healthz_writer_stall,
          test_healthz_audit_not_reading])
