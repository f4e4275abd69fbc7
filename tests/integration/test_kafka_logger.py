#!/usr/bin/env python3
"""The Kafka results logger against librdkafka's mock cluster
(sysq-test-kafka), read back with Debian's kcat.

Every results line also goes to the results log file; after the daemon
stops, the file (what the scheduler logged, in order) must equal what
Kafka holds, plus what is still in the durable buffer, plus what the
buffer dropped past --buffered_log_max (as many as sysq_events counts).
No audit: the queries read no event table."""
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, TestFailure, check, check_eq, main, wait_for,  # noqa: E402
                      write_config)

KAFKA_MOCK = os.environ.get("SYSQ_TEST_KAFKA", "sysq-test-kafka")
KCAT = "/usr/bin/kcat"
TOPICS = ["sysq", "routed"]
TMP_PREFIX = f"sysq-test-kafka-{os.getpid()}-"


class MockCluster:
    """The helper's cluster; `down()`/`up()` take its one broker away and back."""

    def __enter__(self):
        self.proc = subprocess.Popen([KAFKA_MOCK, *TOPICS], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.addr = self.proc.stdout.readline().strip()
        check(self.addr, "the mock cluster printed no address")
        return self

    def command(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        check_eq(self.proc.stdout.readline().strip(), "ok", f"mock broker {cmd}")

    def down(self):
        self.command("down")

    def up(self):
        self.command("up")

    def consume(self, topic):
        """The topic's messages from the start; kcat is retried, as its
        metadata request can fail on a loaded machine."""
        for attempt in range(3):
            r = subprocess.run([KCAT, "-C", "-b", self.addr, "-t", topic, "-e", "-q",
                                "-f", "%s\n"], capture_output=True, text=True, timeout=30)
            if r.returncode == 0:
                return r.stdout.splitlines()
            time.sleep(1)
        raise TestFailure(f"kcat on {topic}: {r.stderr}")

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def config(tmp):
    """Two one-line queries a second; kafka_topics sends "other" to its own topic."""
    return write_config(os.path.join(tmp, "sysq.conf"), {
        "schedule": {
            "tick": {"query": "SELECT 1 AS one", "interval": 1, "snapshot": True},
            "other": {"query": "SELECT 2 AS two", "interval": 1, "snapshot": True}},
        "kafka_topics": {"routed": ["other"]}})


def daemon(tmp, cluster, *extra):
    return Daemon(f"--config_path={config(tmp)}", "--disable_audit",
                  "--enable_bpf_events=false", "--logger_plugin=filesystem,kafka_producer",
                  f"--logger_kafka_brokers={cluster.addr}", "--logger_kafka_topic=sysq",
                  *extra, tmp=tmp)


def logger_row(d):
    """The shipping logger's sysq_events row, counters as numbers."""
    row = d.counters("kafka_producer")
    return {k: int(v) if k not in ("name", "publisher", "type") else v for k, v in row.items()}


def buffered_rows(d):
    """Lines left in the durable buffer, oldest first (daemon stopped)."""
    with sqlite3.connect(d.db + ".logbuf") as db:
        return [r[0] for r in db.execute("SELECT line FROM log_buffer ORDER BY id")]


def file_lines(d):
    with open(d.results_path) as f:
        return f.read().splitlines()


def check_delivery(d, cluster, dropped=0):
    """Kafka holds the file's lines (per topic, in order, once each) but
    for those still buffered and `dropped` lines dropped oldest-first."""
    logged, left = file_lines(d), buffered_rows(d)
    got = {t: cluster.consume(t) for t in TOPICS}
    for t, lines in got.items():
        names = {json.loads(line)["name"] for line in lines}
        check_eq(names, {"sysq": {"tick"}, "routed": {"other"}}[t], f"queries on topic {t}")
        check_eq(len(set(lines)), len(lines), f"no line twice on {t}")
    delivered = set(got["sysq"]) | set(got["routed"])
    missing = [line for line in logged if line not in delivered and line not in left]
    check_eq(len(missing), dropped, "lines neither delivered nor buffered")
    for t, lines in got.items():
        check_eq(lines, [x for x in logged if x in set(lines)], f"order on {t}")
    check_eq(left, [x for x in logged if x in set(left)][:len(left)], "buffered lines")
    if dropped:
        at = [i for i, line in enumerate(logged) if line in set(missing)]
        check_eq(at, list(range(at[0], at[0] + dropped)), "the dropped lines are one run")
        check(any(line in delivered for line in logged[at[-1] + 1:]),
              "lines after the dropped ones were delivered")
    return got


def settled(d):
    row = logger_row(d)
    return row["buffered"] == 0 and row["events"] >= 2


def test_outage_and_routing():
    tmp = tempfile.mkdtemp(prefix=TMP_PREFIX)
    with MockCluster() as cluster:
        with daemon(tmp, cluster) as d:
            wait_for(lambda: logger_row(d)["stored"] >= 4, timeout=15, what="first lines")
            cluster.down()
            wait_for(lambda: logger_row(d)["buffered"] >= 6, timeout=15,
                     what="lines buffered while the broker is down")
            cluster.up()
            wait_for(lambda: settled(d), timeout=20, what="the buffer to drain")
            row = logger_row(d)
            check_eq(row["type"], "logger", "sysq_events row type")
            check_eq(row["evicted"], 0, "nothing dropped")
        got = check_delivery(d, cluster)
    check(len(got["sysq"]) >= 4 and len(got["routed"]) >= 4,
          f"both topics got lines: {len(got['sysq'])}, {len(got['routed'])}")


def test_restart_while_down():
    tmp = tempfile.mkdtemp(prefix=TMP_PREFIX)
    with MockCluster() as cluster:
        with daemon(tmp, cluster) as d:
            wait_for(lambda: logger_row(d)["stored"] >= 2, timeout=15, what="first lines")
            cluster.down()
            wait_for(lambda: logger_row(d)["buffered"] >= 4, timeout=15,
                     what="lines buffered while the broker is down")
        kept = buffered_rows(d)
        check(len(kept) >= 4, f"the buffer kept {len(kept)} lines over the stop")
        with daemon(tmp, cluster) as d:
            check(logger_row(d)["buffered"] >= len(kept), "buffered lines found at start")
            cluster.up()
            wait_for(lambda: settled(d), timeout=20, what="the buffer to drain")
        got = check_delivery(d, cluster)
    for line in kept:
        check(line in got["sysq"] or line in got["routed"], "a buffered line was sent")


def metric(path, name, labels):
    """A sample's value in the metrics textfile, or None."""
    want = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            if line.startswith(want + " "):
                return int(line.split()[-1])
    return None


def test_buffered_log_max_drops_oldest():
    tmp = tempfile.mkdtemp(prefix=TMP_PREFIX)
    prom = os.path.join(tmp, "sysq.prom")
    with MockCluster() as cluster:
        with daemon(tmp, cluster, "--buffered_log_max=4", f"--metrics_textfile={prom}",
                    "--metrics_interval=1") as d:
            wait_for(lambda: logger_row(d)["stored"] >= 2, timeout=15, what="first lines")
            cluster.down()
            wait_for(lambda: logger_row(d)["evicted"] >= 4, timeout=20,
                     what="lines dropped past --buffered_log_max")
            check(logger_row(d)["buffered"] <= 4, "the buffer stays within its limit")
            cluster.up()
            wait_for(lambda: settled(d), timeout=20, what="the buffer to drain")
            dropped = logger_row(d)["evicted"]
            wait_for(lambda: metric(prom, "sysq_log_lines_dropped_total",
                                    {"logger": "kafka_producer", "reason": "buffer_full"})
                     == dropped, timeout=10, what="the metric equal to sysq_events.evicted")
            with open(prom) as f:
                r = subprocess.run(["promtool", "check", "metrics"], stdin=f,
                                   capture_output=True, text=True)
            check_eq(r.returncode, 0, f"promtool check metrics: {r.stdout}{r.stderr}")
        check_delivery(d, cluster, dropped=dropped)


def test_line_without_topic_is_dropped_and_counted():
    """No --logger_kafka_topic: "tick", which kafka_topics does not name,
    has nowhere to go; its lines are counted, and "other" still flows."""
    tmp = tempfile.mkdtemp(prefix=TMP_PREFIX)
    with MockCluster() as cluster:
        with daemon(tmp, cluster, "--logger_kafka_topic=") as d:
            wait_for(lambda: logger_row(d)["drop_malformed"] >= 3, timeout=15,
                     what="tick's lines counted as dropped")
            dropped = logger_row(d)["drop_malformed"]
        row_text = d.log_text()
        logged = file_lines(d)
        left = buffered_rows(d)
        routed = cluster.consume("routed")
        check_eq(cluster.consume("sysq"), [], "nothing on the base topic")
    ticks = [x for x in logged if json.loads(x)["name"] == "tick"]
    check_eq(routed + [x for x in left if x not in ticks],
             [x for x in logged if x not in ticks], "other's lines")
    check(len(routed) >= 3, "other's lines were delivered")
    check(len([x for x in ticks if x not in left]) >= dropped >= 3,
          "every dropped line counted")
    check("kafka_topics does not name" in row_text, "the drop is logged")


if __name__ == "__main__":
    main([test_outage_and_routing, test_restart_while_down, test_buffered_log_max_drops_oldest,
          test_line_without_topic_is_dropped_and_counted])
    # Every test passed: their directories are no longer needed.
    for path in glob.glob(os.path.join(tempfile.gettempdir(), f"{TMP_PREFIX}*")):
        shutil.rmtree(path, ignore_errors=True)
