#!/usr/bin/env python3
"""load_test.py: does sysq count every event it loses while hostile clients
and a full disk get in its way?

    tools/bench/load_test.py [BUILD_DIR] [--seconds 60] [--clients 20] [--idle 20]

As root. Starts `sysq daemon --disable_audit --enable_bpf_events=true` with
every path in a temp dir and its database on a 2 GiB tmpfs of its own,
then, all at once for --seconds:
  - connect_loop does UDP connect() on loopback as fast as one core can;
  - --clients `sysq shell` processes query socket_events over and over;
  - --idle raw connections to the control socket send nothing;
  - one raw connection sends a large cross join and never reads the answer;
  - a third of the way in, a file fills the database's tmpfs; it is removed
    a third of the time later.
It samples the WAL's size and the daemon's RSS twice a second, waits for
the store to catch up, and reports calls made, rows stored, every loss
counter, the largest WAL and RSS, the RSS 10 s after the storm, and the
query latency the clients saw. Exits 1 when a call is neither a row nor
counted in a loss counter (an uncounted loss), 2 when it cannot run, 0
otherwise. A tool, not a test: ctest does not run it.
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

LOSS_COLUMNS = ("lost_ringbuf", "lost_bpf_missed", "lost_pending", "lost_bpf_busy", "drop_malformed",
                "drop_queue_full", "drop_write_error", "expired", "evicted")


def die(msg):
    print(f"load_test: {msg}", file=sys.stderr)
    sys.exit(2)


class Agent:
    """The daemon under test and a way to query it."""

    def __init__(self, build, tmp):
        self.sysq = os.path.join(build, "sysq")
        self.dir = tmp
        self.sock = os.path.join(tmp, "sysq.sock")
        self.db = os.path.join(tmp, "db", "sysq.db")
        self.proc = None

    def start(self):
        log = open(os.path.join(self.dir, "daemon.log"), "w")
        self.proc = subprocess.Popen(
            [self.sysq, "daemon", "--flagfile=", "--config_path=", "--disable_audit",
             "--enable_bpf_events=true", "--events_max=1000000000",
             f"--database_path={self.db}", f"--control_socket={self.sock}",
             f"--pidfile={self.dir}/sysq.pid"], stdout=log, stderr=log)
        for _ in range(150):
            if self.proc.poll() is not None:
                die(f"the daemon exited with {self.proc.returncode}; see {self.dir}/daemon.log")
            if self.query("SELECT 1") == [["1"]]:
                return
            time.sleep(0.1)
        die("the daemon did not answer within 15 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def query(self, sql, errors=None):
        """Rows as lists of strings, or None when the query failed (its
        error, up to the first colon, appended to `errors`)."""
        r = subprocess.run([self.sysq, "shell", "--csv", f"--control_socket={self.sock}", sql],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            if errors is not None:
                errors.append(r.stderr.strip().split(":")[0:2][-1].strip()[:60])
            return None
        return [line.split(",") for line in r.stdout.strip().splitlines()[1:]]

    def rss_kib(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0


def frame(kind, payload):
    return kind + struct.pack(">I", len(payload)) + payload


def querying_client(agent, stop, latencies, failures):
    sql = ("SELECT count(*) FROM socket_events "
           "WHERE time >= CAST(strftime('%s', 'now') AS INTEGER) - 2")
    while not stop.is_set():
        t = time.monotonic()
        if agent.query(sql, failures) is None:
            pass
        else:
            latencies.append(time.monotonic() - t)


def idle_client(agent, stop, dropped):
    """Holds a connection that sends nothing; reconnects when the daemon
    closes it, so the pressure on the client slots lasts."""
    while not stop.is_set():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(agent.sock)
            s.settimeout(0.5)
            while not stop.is_set():
                try:
                    if s.recv(4096) == b"":
                        dropped.append(1)
                        break
                except socket.timeout:
                    continue
        except OSError:
            time.sleep(0.5)
        finally:
            s.close()


def stalled_client(agent, stop):
    """Asks for a large answer and never reads it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(agent.sock)
    s.sendall(frame(b"Q", b"SELECT a.*, b.* FROM socket_events a, socket_events b"))
    stop.wait()
    s.close()


def fill_disk(path, start, hold, stop):
    """Fills the filesystem of `path` at `start` s for `hold` s."""
    if stop.wait(start):
        return
    filler = os.path.join(os.path.dirname(path), "filler")
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    stop.wait(hold)
    os.unlink(filler)


def sampler(agent, stop, samples):
    wal = agent.db + "-wal"
    while not stop.is_set():
        size = os.path.getsize(wal) if os.path.exists(wal) else 0
        samples.append((size, agent.rss_kib()))
        time.sleep(0.5)


def wait_caught_up(agent):
    stored = None
    for _ in range(600):
        rows = agent.query("SELECT stored FROM sysq_events WHERE name = 'socket_events'")
        now = rows[0][0] if rows else None
        if now is not None and now == stored:
            return
        stored = now
        time.sleep(1)


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def run_load(agent, driver, args):
    stop, storm_done = threading.Event(), threading.Event()
    latencies, failures, dropped, samples = [], [], [], []
    third = args.seconds / 3
    threads = [threading.Thread(target=querying_client, args=(agent, stop, latencies, failures))
               for _ in range(args.clients)]
    threads += [threading.Thread(target=idle_client, args=(agent, stop, dropped))
                for _ in range(args.idle)]
    threads += [threading.Thread(target=stalled_client, args=(agent, stop)),
                threading.Thread(target=fill_disk, args=(agent.db, third, third, stop)),
                threading.Thread(target=sampler, args=(agent, storm_done, samples))]
    for t in threads:
        t.daemon = True
        t.start()
    out = subprocess.run([driver, "-s", str(args.seconds)], capture_output=True, text=True,
                         check=True).stdout.split()
    stop.set()
    for t in threads[:-1]:
        t.join(60)
    storm_done.set()
    return int(out[0]), latencies, failures, dropped, samples


def report(agent, driver, calls, latencies, failures, dropped, samples):
    wait_caught_up(agent)
    time.sleep(10)
    exe = os.path.realpath(driver)
    rows = int(agent.query(f"SELECT count(*) FROM socket_events WHERE path = '{exe}'")[0][0])
    cols = ", ".join(f"sum({c})" for c in LOSS_COLUMNS)
    losses = [int(v or 0) for v in agent.query(f"SELECT {cols} FROM sysq_events")[0]]
    uncounted = calls - rows - sum(losses)
    print(f"load_test: {time.strftime('%Y-%m-%d')}, kernel {os.uname().release}, "
          f"{os.cpu_count()} CPUs")
    print(f"calls: {calls}; rows: {rows}; counted losses: {sum(losses)}; uncounted: {uncounted}")
    for name, value in zip(LOSS_COLUMNS, losses):
        print(f"  {name} = {value}")
    print(f"largest WAL: {max(s[0] for s in samples) / 2**20:.1f} MiB; largest RSS: "
          f"{max(s[1] for s in samples) / 1024:.1f} MiB; RSS 10 s after: "
          f"{agent.rss_kib() / 1024:.1f} MiB")
    print(f"queries: {len(latencies)} answered, {len(failures)} failed; latency p50 "
          f"{percentile(latencies, 0.5) * 1000:.0f} ms, p99 "
          f"{percentile(latencies, 0.99) * 1000:.0f} ms; idle connections dropped by the "
          f"daemon: {len(dropped)}")
    for reason in sorted(set(failures)):
        print(f"  failed {failures.count(reason)} times: {reason}")
    return 1 if uncounted > 0 else 0


def main():
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", nargs="?", default=os.path.join(repo, "build"))
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--idle", type=int, default=20)
    args = ap.parse_args()
    driver = os.path.join(args.build, "tools", "bench", "connect_loop")
    if os.geteuid() != 0:
        die("must run as root (BPF, tmpfs)")
    if not os.access(driver, os.X_OK):
        die(f"no connect_loop in {args.build}")
    tmp = tempfile.mkdtemp(prefix="sysq-load.")
    os.mkdir(os.path.join(tmp, "db"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2g", "tmpfs",
                    os.path.join(tmp, "db")], check=True)
    agent = Agent(args.build, tmp)
    try:
        agent.start()
        result = run_load(agent, driver, args)
        return report(agent, driver, *result)
    finally:
        agent.stop()
        subprocess.run(["umount", os.path.join(tmp, "db")], check=False)
        subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    sys.exit(main())
