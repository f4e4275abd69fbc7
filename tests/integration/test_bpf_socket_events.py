#!/usr/bin/env python3
"""socket_events from the BPF programs, loaded through the real verifier.

The audit socket workload (sysq-test-net) must give exact rows with
source 'bpf'; run under both paths at once (--audit_keep_socket_rules),
audit's and BPF's rows for the same calls must agree in every column both
fill; each bpf_filters kind must drop what it names and count it; the
programs must be gone after the daemon exits; 32-bit syscalls whose
numbers are 64-bit socket calls must not be taken for them; and without
CAP_BPF the daemon must fall back to audit (auto) or refuse to start
(true).

Two sets of programs: the opt-in sys_exit program (EXIT), which sees every
call of the workload, and the default socket hooks, which see its inet
calls but not its UNIX ones nor the accept that found no client
(docs/bpf.md). The workload cases run in both modes, each over what the
mode sees; the UNIX-path filter case needs EXIT."""
import errno
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (Daemon, audit_rules, check, check_eq, main, run,  # noqa: E402
                      wait_for, write_config)
from test_socket_events import (ALL_OPTIONS, AUDIT_ONLY, COLUMNS, Workload,  # noqa: E402
                                expected_row)

BPF = "--enable_bpf_events=true"
EXIT = "--bpf_socket_syscall_exit=true"
ALL = [o for o in ALL_OPTIONS if o != AUDIT_ONLY]
SHARED = ("action, pid, path, fd, auid, family, protocol, local_address, remote_address, "
          "local_port, remote_port, socket, success, status, ppid, uid, gid, comm")
PROGRAMS = ("sysq_sock_exit",)
HOOK_PROGRAMS = ("sysq_sock_post_bind4", "sysq_sock_post_bind6", "sysq_sock_ops",
                 "sysq_sock_connect4", "sysq_sock_connect6", "sysq_sock_release",
                 "sysq_sock_send", "sysq_sock_recv", "sysq_sock_accept4", "sysq_sock_accept6")
COMPAT_HELPER = os.environ.get("SYSQ_TEST_COMPAT", "sysq-test-compat")
NO_IA32 = 77  # sysq-test-compat: int 0x80 faults, the kernel has no IA32 emulation


def rows_until(d, sql, count, what):
    return wait_for(lambda: (lambda r: r if len(r) >= count else None)(d.query(sql)),
                    what=what)


def test_workload_rows_exact():
    with Daemon(BPF, EXIT, *ALL) as d:
        check(all("connect" not in r for r in audit_rules()),
              f"no audit socket rules while BPF feeds socket_events: {audit_rules()}")
        w = Workload()
        try:
            sql = (f"SELECT {COLUMNS} FROM socket_events WHERE pid = {w.proc.pid} "
                   "AND action != 'listen' ORDER BY eid")
            rows = rows_until(d, sql, len(w.steps), "the workload's BPF rows")
            check_eq(len(rows), len(w.steps), "one row per socket call")
            for step, row in zip(w.steps, rows):
                check_eq(row, expected_row(step, "bpf"), f"row for step {step['step']}")
            tcp = [r for r in rows if r["action"] == "connect" and r["protocol"] == "6"
                   and r["status"] == "succeeded"]
            check(tcp and all(int(r["local_port"]) > 0 for r in tcp),
                  f"TCP connects carry their local port: {tcp}")
            listens = d.query(f"SELECT fd, local_port, socket FROM socket_events WHERE "
                              f"pid = {w.proc.pid} AND action = 'listen'")
            check(listens, "listen() calls are rows too")
        finally:
            w.close()


def test_differential_against_audit():
    """One run, both sources: every column both fill is equal, call by call."""
    with Daemon(BPF, EXIT, "--audit_keep_socket_rules", *ALL) as d:
        w = Workload()
        try:
            base = f"SELECT {SHARED}, time FROM socket_events WHERE pid = {w.proc.pid}"
            audit = rows_until(d, f"{base} AND source = 'audit' ORDER BY eid", len(w.steps),
                               "audit rows")
            bpf = rows_until(d, f"{base} AND source = 'bpf' AND action != 'listen' "
                             "ORDER BY eid", len(w.steps), "BPF rows")
        finally:
            w.close()
    check_eq(len(bpf), len(audit), "as many BPF rows as audit rows")
    # Audit delivers the records of one call in order, BPF at its return:
    # compare them as sets of calls, not by arrival.
    key = lambda r: json.dumps({k: v for k, v in r.items() if k != "time"}, sort_keys=True)  # noqa: E731,E501
    check_eq(sorted(map(key, bpf)), sorted(map(key, audit)), "the same calls, column by column")
    for a, b in zip(sorted(audit, key=key), sorted(bpf, key=key)):
        check(abs(int(a["time"]) - int(b["time"])) <= 1, f"time agrees: {a} {b}")


EXEC_SCRIPT = r"""
import os, socket, sys
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one CPU: its last-image cache
port, rest = int(sys.argv[1]), sys.argv[2:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", port)); s.close()
if rest:
    os.execv(rest[0], [rest[0], sys.argv[0], str(port + 1), *rest[1:]])
"""


def test_exe_path_follows_exec():
    """One process connects as A, execs B, then execs A again: each row
    carries the executable of the image that made the call, not a cached
    one (the programs cache the path per process image)."""
    with Daemon(BPF, "--audit_allow_sockets") as d:
        exes = [os.path.join(d.tmp, n) for n in ("sysq-exe-a", "sysq-exe-b")]
        for exe in exes:
            shutil.copy(os.path.realpath(sys.executable), exe)
        script = os.path.join(d.tmp, "exec_chain.py")
        with open(script, "w") as f:
            f.write(EXEC_SCRIPT)
        env = dict(os.environ, PYTHONHOME=sys.base_prefix)
        p = subprocess.run([exes[0], script, "47031", exes[1], exes[0]], env=env,
                           capture_output=True)
        check_eq(p.returncode, 0, f"exec chain: {p.stderr.decode()}")
        rows = rows_until(d, "SELECT pid, path, remote_port FROM socket_events WHERE "
                          "remote_port BETWEEN 47031 AND 47033 ORDER BY eid", 3,
                          "the exec chain's rows")
    check_eq([(r["path"], r["remote_port"]) for r in rows],
             [(exes[0], "47031"), (exes[1], "47032"), (exes[0], "47033")],
             "each call's own executable")
    check_eq(len({r["pid"] for r in rows}), 1, "one process throughout")


FILTER_SCRIPT = r"""
import socket, sys
port_dropped, port_kept, inet6_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def udp(family, addr, port, n=1):
    for _ in range(n):
        s = socket.socket(family, socket.SOCK_DGRAM); s.connect((addr, port)); s.close()
udp(socket.AF_INET, "127.0.0.1", port_dropped)
udp(socket.AF_INET, "127.0.0.1", port_kept)
udp(socket.AF_INET6, "::1", inet6_port)
udp(socket.AF_INET, "127.0.0.2", port_kept + 1, n=50)   # a burst to one endpoint
for name in ("\0sysq-excluded-1", "\0sysq-kept-1"):
    s = socket.socket(socket.AF_UNIX); s.bind(name); s.close()
print("done", flush=True)
"""


def run_filter_workload(tmp, ports, exe=sys.executable, name="workload.py"):
    script = os.path.join(tmp, name)
    with open(script, "w") as f:
        f.write(FILTER_SCRIPT)
    p = subprocess.run([exe, script, *map(str, ports)], capture_output=True)
    check_eq(p.returncode, 0, f"filter workload: {p.stderr.decode()}")


def test_filters_drop_and_count():
    d = Daemon(BPF, EXIT, "--audit_allow_sockets", "--audit_allow_unix")
    excluded_comm = os.path.join(d.tmp, "sysqfiltproc")
    os.symlink(os.path.realpath(sys.executable), excluded_comm)  # comm = the link's name
    cfg = write_config(os.path.join(d.tmp, "sysq.conf"), {"bpf_filters": {
        "families": ["inet", "unix"], "exclude_ports": [47001],
        "exclude_unix_prefixes": ["@sysq-excluded"], "exclude_processes": ["sysqfiltproc"],
        "dedup_window_ms": 60000}})
    d.flags.append(f"--config_path={cfg}")
    with d:
        run_filter_workload(d.tmp, (47001, 47002, 47003))
        run_filter_workload(d.tmp, (47011, 47012, 47013), exe=excluded_comm, name="x.py")
        got = rows_until(d, "SELECT action, remote_address, remote_port, socket, comm "
                         "FROM socket_events WHERE comm NOT LIKE 'sysq%' AND "
                         "(remote_port BETWEEN 47001 AND 47020 OR socket LIKE '@sysq-%') "
                         "ORDER BY eid", 3, "the rows the filters keep")
        wait_for(lambda: d.counters("bpfsocketpublisher")["filtered_dedup"] == "49",
                 what="the dedup counter")
        c = d.counters("bpfsocketpublisher")
    rows = [(r["action"], r["remote_port"], r["socket"]) for r in got]
    check_eq(sorted(rows, key=str), sorted([("connect", "47002", None),
                                            ("connect", "47003", None),
                                            ("bind", None, "@sysq-kept-1")], key=str),
             "kept: the other port, one row of the burst, the other UNIX name")
    check_eq(c["filtered_port"], "1", "the excluded port")
    check_eq(c["filtered_family"], "1", "the inet6 connect")
    check_eq(c["filtered_unix_path"], "1", "the excluded UNIX prefix")
    check(int(c["filtered_process"]) >= 55, f"every call of the excluded process: {c}")
    check_eq(c["lost_ringbuf"], "0", "nothing lost")


def test_include_ports():
    d = Daemon(BPF, "--audit_allow_sockets")
    cfg = write_config(os.path.join(d.tmp, "sysq.conf"),
                       {"bpf_filters": {"include_ports": [47102]}})
    d.flags.append(f"--config_path={cfg}")
    with d:
        run_filter_workload(d.tmp, (47101, 47102, 47103))
        got = rows_until(d, "SELECT remote_port FROM socket_events WHERE comm LIKE 'python%'",
                         1, "the included port's row")
        wait_for(lambda: int(d.counters("bpfsocketpublisher")["filtered_port"]) >= 51,
                 what="the port filter counter")
    check_eq(got, [{"remote_port": "47102"}], "only the included port")


def sysq_programs():
    out = run(["bpftool", "prog", "show"], check=True).stdout.decode()
    return [p for p in PROGRAMS if p in out]


def test_no_leftovers():
    with Daemon(BPF, EXIT, "--audit_allow_sockets"):
        check_eq(sysq_programs(), list(PROGRAMS), "the program is attached while running")
    # The kernel frees a program after an RCU grace period, not at close().
    wait_for(lambda: sysq_programs() == [], timeout=10,
             what="no sysq program after the daemon exits")


def test_compat_syscalls_ignored():
    """i386 syscalls 42/43/49/50/288 through int 0x80 are not socket calls."""
    with Daemon(BPF, EXIT, "--audit_allow_sockets", "--audit_allow_failed_socket_events",
                "--audit_allow_null_accept_socket_events") as d:
        p = run([COMPAT_HELPER, "47201"])
        if p.returncode == NO_IA32:
            print("skip: this kernel has no IA32 emulation, so no process can make a "
                  "32-bit syscall:", p.stderr.decode().strip())
            return
        check_eq(p.returncode, 0, f"compat helper: {p.stderr.decode()}")
        pid = int(p.stdout.decode())
        rows_until(d, f"SELECT action, remote_port FROM socket_events WHERE pid = {pid}",
                   1, "the helper's marker connect")
        # Anything after the marker has been read by now: the ring is FIFO.
        rows = d.query(f"SELECT action, remote_port FROM socket_events WHERE pid = {pid}")
    check_eq(rows, [{"action": "connect", "remote_port": "47201"}],
             "only the real connect, none of the 32-bit calls")


# ---- The default socket hooks ----

NOT_UNIX = "(family IS NULL OR family != 1) AND status != 'no_client'"


def hooked(step):
    """A workload call the default hooks see: not a UNIX one, and not the
    accept that found no client (no hook runs for it)."""
    return step["family"] != 1 and step["status"] != "no_client"


def row_key(r):
    return json.dumps(r, sort_keys=True)


def test_hooks_workload_rows_exact():
    """The workload's inet calls, exact, from the hooks. Its UDP connects
    are settled at their sockets' next operation, here their release, so
    the workload ends before the rows are read."""
    with Daemon(BPF, *ALL) as d:
        check_eq(loaded_programs(held_program_ids(d.proc.pid)), sorted(HOOK_PROGRAMS),
                 "the hook programs, and no sys_exit program, by default")
        check("UNIX socket calls are seen only with --bpf_socket_syscall_exit" in d.log_text(),
              d.log_text())
        w = Workload()
        wanted = [s for s in w.steps if hooked(s)]
        w.close()
        sql = (f"SELECT {COLUMNS} FROM socket_events WHERE pid = {w.proc.pid} "
               "AND action != 'listen'")
        rows = rows_until(d, sql, len(wanted), "the workload's rows from the hooks")
        listens = d.query(f"SELECT protocol, local_port FROM socket_events WHERE "
                          f"pid = {w.proc.pid} AND action = 'listen'")
    check_eq(sorted(map(row_key, rows)), sorted(row_key(expected_row(s, "bpf")) for s in wanted),
             "one exact row per inet call")
    check_eq(len(wanted), 9, "the workload's inet calls (UDP, TCP, refused, in progress)")
    check_eq([r["protocol"] for r in listens], ["6", "6"], "the two TCP listen() calls")


def test_hooks_differential_against_audit():
    """Both sources in one run, over the calls the hooks see. Audit reads
    protocol and local side from the live sockets, so its rows are read
    while the workload holds them; the hooks settle the UDP connects when
    the sockets close, so theirs after."""
    with Daemon(BPF, "--audit_keep_socket_rules", *ALL) as d:
        w = Workload()
        try:
            n = len([s for s in w.steps if hooked(s)])
            base = (f"SELECT {SHARED}, time FROM socket_events WHERE pid = {w.proc.pid} "
                    f"AND {NOT_UNIX}")
            audit = rows_until(d, f"{base} AND source = 'audit'", n, "audit rows")
        finally:
            w.close()
        bpf = rows_until(d, f"{base} AND source = 'bpf' AND action != 'listen'", n, "BPF rows")
    key = lambda r: row_key({k: v for k, v in r.items() if k != "time"})  # noqa: E731
    check_eq(sorted(map(key, bpf)), sorted(map(key, audit)), "the same calls, column by column")
    for a, b in zip(sorted(audit, key=key), sorted(bpf, key=key)):
        check(abs(int(a["time"]) - int(b["time"])) <= 1, f"time agrees: {a} {b}")


def test_hooks_filters_drop_and_count():
    """The filters on the hooks: port, family, process and dedup, counted
    as with sys_exit (UNIX calls are not seen, so none is filtered)."""
    d = Daemon(BPF, "--audit_allow_sockets")
    excluded_comm = os.path.join(d.tmp, "sysqfiltproc")
    os.symlink(os.path.realpath(sys.executable), excluded_comm)
    cfg = write_config(os.path.join(d.tmp, "sysq.conf"), {"bpf_filters": {
        "families": ["inet"], "exclude_ports": [47301],
        "exclude_processes": ["sysqfiltproc"], "dedup_window_ms": 60000}})
    d.flags.append(f"--config_path={cfg}")
    with d:
        run_filter_workload(d.tmp, (47301, 47302, 47303))
        run_filter_workload(d.tmp, (47311, 47312, 47313), exe=excluded_comm, name="x.py")
        # Five blocking TCP connects to one listener: their records are
        # built (and filtered) before the call, and TCP_CONNECT_CB must
        # neither build nor count a dropped one again.
        subprocess.run([sys.executable, "-c", (
            "import socket\nl = socket.socket(); l.bind(('127.0.0.1', 47305)); l.listen(8)\n"
            "k = [socket.create_connection(('127.0.0.1', 47305)) for _ in range(5)]\n")],
            check=True)
        got = rows_until(d, "SELECT action, remote_port FROM socket_events WHERE "
                         "remote_port BETWEEN 47301 AND 47320", 3, "the rows the filters keep")
        # At least: the counter is the host's, and another process may
        # repeat a call within the minute too.
        wait_for(lambda: int(d.counters("bpfsocketpublisher")["filtered_dedup"]) >= 53,
                 what="the dedup counter")
        c = d.counters("bpfsocketpublisher")
    check_eq(sorted(r["remote_port"] for r in got), ["47302", "47303", "47305"],
             "kept: the other port, one row of the UDP burst, one of the TCP burst")
    check_eq(c["filtered_port"], "1", "the excluded port")
    check_eq(c["filtered_family"], "1", "the inet6 connect")
    check(int(c["filtered_process"]) >= 53, f"every inet call of the excluded process: {c}")
    check_eq((c["lost_ringbuf"], c["lost_pending"]), ("0", "0"), "nothing lost")


def cgroup_root():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            if post.split()[:1] == ["cgroup2"] and pre.split()[3] == "/":
                return pre.split()[4]
    raise AssertionError("no cgroup v2 root in /proc/self/mountinfo")


def held_program_ids(pid):
    """The BPF programs process pid holds, by program or link descriptor.
    Other daemons may run on the machine: only these ids are its own."""
    ids = set()
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                text = f.read()
        except OSError:
            continue
        ids.update(int(line.split()[1]) for line in text.splitlines()
                   if line.startswith("prog_id:"))
    return ids


def loaded_programs(ids):
    """The socket programs among `ids` (the daemon also holds the cgroup
    map's, tests/integration/test_containers.py)."""
    out = json.loads(run(["bpftool", "-j", "prog", "show"], check=True).stdout.decode())
    return sorted(p["name"] for p in out if p["id"] in ids and p["name"].startswith("sysq_sock"))


def ids_in(value):
    if isinstance(value, dict):
        return {value["id"]} if "id" in value else set().union(*map(ids_in, value.values()))
    if isinstance(value, list):
        return set().union(*map(ids_in, value)) if value else set()
    return set()


def attached_to_root(ids):
    out = run(["bpftool", "-j", "cgroup", "tree", cgroup_root()], check=True).stdout.decode()
    return ids_in(json.loads(out)) & ids


def cgroup_links(ids):
    out = run(["bpftool", "-j", "link", "show"], check=True).stdout.decode()
    return {link["prog_id"] for link in json.loads(out)
            if link.get("type") == "cgroup" and link.get("prog_id") in ids}


def test_hooks_no_leftovers():
    with Daemon(BPF, "--audit_allow_sockets") as d:
        ids = held_program_ids(d.proc.pid)
        check_eq(loaded_programs(ids), sorted(HOOK_PROGRAMS), "the hook programs are loaded")
        check_eq(len(attached_to_root(ids)), len(HOOK_PROGRAMS) - 2,
                 "every program but the two tracepoint ones is attached to the cgroup root")
    wait_for(lambda: loaded_programs(ids) == [] and attached_to_root(ids) == set(), timeout=10,
             what="no sysq program or cgroup attachment after the daemon exits")

SEND_SCRIPT = r"""
import json, os, socket, sys, time
d, pause = sys.argv[1], float(sys.argv[2])
out = {}
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):                       # one row, 19 repeats dropped
    u4.sendto(b"x", ("127.0.0.1", 47401))
out["u4_port"] = u4.getsockname()[1]
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.sendto(b"x", ("::1", 47402))
out["u6_port"] = u6.getsockname()[1]
m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
m.sendmsg([b"x"], [], 0, ("127.0.0.1", 47403))
out["m_port"] = m.getsockname()[1]
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.connect(("127.0.0.1", 47404))
c.send(b"x")                              # connected, no address: not a send row
recv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
recv.bind(os.path.join(d, "recv.sock"))
ux = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for _ in range(3):
    ux.sendto(b"x", os.path.join(d, "recv.sock"))
try:
    ux.sendto(b"x", os.path.join(d, "missing.sock"))
except FileNotFoundError:
    pass
time.sleep(pause)                         # past the dedup window
u4.sendto(b"x", ("127.0.0.1", 47401))     # carries the 19
print(json.dumps(out), flush=True)
"""


def test_datagram_sends():
    """--enable_bpf_send_events: datagrams sent to an explicit address are
    'send' rows, one per process and endpoint per window, the repeats
    dropped in the kernel counted in filtered_dedup and carried by the
    endpoint's next row in the hidden collapsed column. UNIX datagram sends
    too (their hook attached by number: libbpf 1.1 does not know it)."""
    with Daemon(BPF, "--audit_allow_sockets", "--audit_allow_unix",
                "--audit_allow_failed_socket_events", "--enable_bpf_send_events",
                "--bpf_send_dedup_ms=3000") as d:
        script = os.path.join(d.tmp, "sends.py")
        with open(script, "w") as f:
            f.write(SEND_SCRIPT)
        p = subprocess.run([sys.executable, script, d.tmp, "4"], capture_output=True)
        check_eq(p.returncode, 0, f"send workload: {p.stderr.decode()}")
        ports = json.loads(p.stdout)
        sql = ("SELECT family, protocol, local_address, local_port, remote_address, "
               "remote_port, socket, status, collapsed FROM socket_events "
               f"WHERE action = 'send' AND comm LIKE 'python%' AND "
               f"(remote_port BETWEEN 47401 AND 47404 OR socket LIKE '{d.tmp}/%') ORDER BY eid")
        rows = rows_until(d, sql, 6, "the send rows")
        c = d.counters("bpfsocketpublisher")
        ids = held_program_ids(d.proc.pid)
        # Debian 12's bpftool lists only the attach types it knows in
        # `cgroup tree`, so the UNIX send hook (attach type 50) shows in
        # `link show` alone.
        check_eq(len(attached_to_root(ids)), len(HOOK_PROGRAMS) - 2 + 2,
                 "the inet send hooks attached to the cgroup root")
        check_eq(len(cgroup_links(ids)), len(HOOK_PROGRAMS) - 2 + 3,
                 "the three send hooks linked too, the UNIX one by number")
    wait_for(lambda: loaded_programs(ids) == [] and attached_to_root(ids) == set()
             and cgroup_links(ids) == set(), timeout=10,
             what="no sysq program, link or cgroup attachment after the daemon exits")
    one = "0000:0000:0000:0000:0000:0000:0000:0001"
    def row(family, proto, local, lport, remote, rport, sock, status, collapsed):  # noqa: E306
        return {"family": str(family), "protocol": proto, "local_address": local,
                "local_port": lport, "remote_address": remote, "remote_port": rport,
                "socket": sock, "status": status, "collapsed": str(collapsed)}
    u4, u6, m = (str(ports[k]) for k in ("u4_port", "u6_port", "m_port"))
    recv, missing = os.path.join(d.tmp, "recv.sock"), os.path.join(d.tmp, "missing.sock")
    check_eq(rows, [
        row(2, "17", "0.0.0.0", u4, "127.0.0.1", "47401", None, "succeeded", 0),
        row(10, "17", "0000:0000:0000:0000:0000:0000:0000:0000", u6, one, "47402", None,
            "succeeded", 0),
        row(2, "17", "0.0.0.0", m, "127.0.0.1", "47403", None, "succeeded", 0),
        row(1, "0", None, None, None, None, recv, "succeeded", 0),
        row(1, None, None, None, None, None, missing, "failed", 0),
        row(2, "17", "0.0.0.0", u4, "127.0.0.1", "47401", None, "succeeded", 19),
    ], "one row per endpoint and window; the repeats carried by the next")
    check(int(c["filtered_dedup"]) >= 21, f"the 19 + 2 repeats counted: {c}")
    check_eq((c["lost_ringbuf"], c["lost_pending"]), ("0", "0"), "nothing lost")


UDP_SCRIPT = r"""
import json, socket, sys
ok = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ok.connect(("127.0.0.1", 47501))
ok.send(b"x")                              # the socket's next operation
bad = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    bad.connect(("255.255.255.255", 47502))  # broadcast without SO_BROADCAST
    sys.exit("the broadcast connect should fail")
except PermissionError:
    pass
print(json.dumps({"port": ok.getsockname()[1]}), flush=True)
sys.stdin.read()                           # both sockets open until told
"""


def test_hooks_udp_connect_settled():
    """A UDP connect's row waits for the socket's next operation: a send
    settles it while the process runs; a connect that failed (EACCES) is
    settled when its socket closes, and is never 'succeeded'."""
    with Daemon(BPF, "--audit_allow_sockets", "--audit_allow_failed_socket_events") as d:
        script = os.path.join(d.tmp, "udp.py")
        with open(script, "w") as f:
            f.write(UDP_SCRIPT)
        p = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
        try:
            port = json.loads(p.stdout.readline())["port"]
            sql = ("SELECT remote_address, remote_port, local_port, status FROM socket_events "
                   f"WHERE pid = {p.pid} AND action = 'connect' ORDER BY remote_port")
            sent = rows_until(d, sql, 1, "the connect the send settled")
            check_eq(sent, [{"remote_address": "127.0.0.1", "remote_port": "47501",
                             "local_port": str(port), "status": "succeeded"}],
                     "settled by the send, while the process runs")
        finally:
            p.stdin.close()
            p.wait()
        rows = rows_until(d, sql, 2, "the failed connect, settled at close")
    check_eq(rows[1], {"remote_address": "255.255.255.255", "remote_port": "47502",
                       "local_port": None, "status": "failed"}, "the refused broadcast connect")


RECONNECT_SCRIPT = r"""
import ctypes, json, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.connect(("127.0.0.1", 47511))
s.send(b"x")                     # settles the first; its storage stays, empty
s.connect(("127.0.0.1", 47512))  # reuses it
s.connect(("127.0.0.1", 47513))  # settles the second
port = s.getsockname()[1]
s.close()                        # settles the third
# An AF_INET address on an AF_INET6 socket runs the IPv4 connect hook.
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
sin = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 47514) + socket.inet_aton("127.0.0.1") + bytes(8)
libc = ctypes.CDLL(None, use_errno=True)
if libc.connect(s6.fileno(), ctypes.c_char_p(sin), len(sin)) != 0:
    sys.exit("connect: errno %d" % ctypes.get_errno())
port6 = s6.getsockname()[1]
s6.close()
print(json.dumps({"port": port, "port6": port6}), flush=True)
"""


def test_hooks_udp_reconnects():
    """One UDP socket connected again and again: each connect's row is
    settled by the send, the next connect or the close that follows it,
    with the storage the first one made reused; and an IPv4 address named
    on an IPv6 socket."""
    with Daemon(BPF) as d:
        script = os.path.join(d.tmp, "reconnect.py")
        with open(script, "w") as f:
            f.write(RECONNECT_SCRIPT)
        p = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE)
        out = p.communicate()[0]
        check_eq(p.returncode, 0, "the reconnecting script")
        ports = json.loads(out)
        sql = ("SELECT family, remote_address, remote_port, local_port, status FROM socket_events "
               f"WHERE pid = {p.pid} AND action = 'connect' ORDER BY remote_port")
        rows = rows_until(d, sql, 4, "four settled connects")
    want = [{"family": "2", "remote_address": "127.0.0.1", "remote_port": str(47511 + i),
             "local_port": str(ports["port"]), "status": "succeeded"} for i in range(3)]
    want.append({"family": "2", "remote_address": "127.0.0.1", "remote_port": "47514",
                 "local_port": str(ports["port6"]), "status": "succeeded"})
    check_eq(rows, want, "every connect of a reconnected socket, and IPv4 on IPv6")


REARM_SCRIPT = r"""
import socket, sys
n = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
for s in socks:
    s.connect(("127.0.0.1", 47531))  # recorded: waits in the socket's slot
    s.connect(("127.0.0.1", 47532))  # settles it; itself filtered out
    s.connect(("127.0.0.1", 47533))  # recorded in the emptied slot
    s.connect(("127.0.0.1", 47534))  # settles it, then is recorded in its place
print("connected", flush=True)
sys.stdin.readline()
for s in socks:
    s.close()                        # settles the last connect of each
print("closed", flush=True)
"""


def test_hooks_udp_reconnect_filtered():
    """A UDP socket that connects again settles its waiting connect; when
    the new connect is filtered out, the slot is left empty and the waiting
    gauge goes down by the record that left. Each socket ends with one
    connect waiting until it closes, and none is lost."""
    n = 20
    d = Daemon(BPF, "--audit_allow_sockets")
    cfg = write_config(os.path.join(d.tmp, "sysq.conf"),
                       {"bpf_filters": {"exclude_ports": [47532]}})
    d.flags.append(f"--config_path={cfg}")
    with d:
        script = os.path.join(d.tmp, "rearm.py")
        with open(script, "w") as f:
            f.write(REARM_SCRIPT)
        base = int(d.counters("bpfsocketpublisher")["bpf_waiting"])
        p = subprocess.Popen([sys.executable, script, str(n)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        try:
            check_eq(p.stdout.readline().strip(), "connected", "the reconnects")
            sql = ("SELECT remote_port, status FROM socket_events "
                   f"WHERE pid = {p.pid} AND action = 'connect' ORDER BY remote_port")
            rows = rows_until(d, sql, 2 * n, "the settled connects")
            # The gauge is the host's, read once a tick: other processes'
            # connects may wait too, but not twenty more.
            waiting = wait_for(lambda: (lambda w: w if w >= n - 5 else None)(
                int(d.counters("bpfsocketpublisher")["bpf_waiting"]) - base),
                what="the last connect of each socket waiting")
            p.stdin.write("\n")
            p.stdin.flush()
            check_eq(p.stdout.readline().strip(), "closed", "the closes")
        finally:
            p.stdin.close()
            p.wait()
        rows = rows_until(d, sql, 3 * n, "every recorded connect, the last at close")
        c = d.counters("bpfsocketpublisher")
    check(n - 5 <= waiting < 2 * n - 5, f"one connect of each socket waiting: {waiting}")
    check_eq(rows, [{"remote_port": str(port), "status": "succeeded"}
                    for port in (47531, 47533, 47534) for _ in range(n)],
             "the recorded connects, each settled by the next operation")
    check(int(c["filtered_port"]) >= n, f"the filtered reconnects counted: {c}")
    check_eq((c["lost_pending"], c["lost_bpf_busy"]), ("0", "0"), "nothing lost")


IDLE_SCRIPT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", 47521))  # waits: the socket is not used again yet
print("connected", flush=True)
if sys.stdin.readline().strip() == "send":
    s.send(b"x")                 # settles it
    print("sent", flush=True)
sys.stdin.readline()
"""


def test_hooks_waiting_counted():
    """A connect whose socket is not used again waits, shown live in
    bpf_waiting; a send settles it into a row; one still waiting when the
    daemon stops is counted in lost_pending and said in the log."""
    d = Daemon(BPF)
    with d:
        script = os.path.join(d.tmp, "idle.py")
        with open(script, "w") as f:
            f.write(IDLE_SCRIPT)
        procs = [subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for _ in range(2)]
        for p in procs:
            check_eq(p.stdout.readline().strip(), "connected", "the idle connect")
        wait_for(lambda: int(d.counters("bpfsocketpublisher")["bpf_waiting"]) >= 2,
                 what="two connects waiting")
        procs[0].stdin.write("send\n")
        procs[0].stdin.flush()
        check_eq(procs[0].stdout.readline().strip(), "sent", "the settling send")
        rows_until(d, f"SELECT status FROM socket_events WHERE pid = {procs[0].pid}", 1,
                   "the settled connect's row")
        # The gauge is the host's: other processes' connects may wait too.
        c = d.counters("bpfsocketpublisher")
        check(int(c["bpf_waiting"]) >= 1, f"the other connect still waiting: {c}")
        check_eq(c["lost_pending"], "0", "nothing lost while running")
        d.stop()
        for p in procs:
            p.stdin.close()
            p.wait()
    said = re.search(r"bpf: (\d+) socket calls were still waiting", d.log_text())
    check(said and int(said.group(1)) >= 1, f"the stop counts the waiting one: {d.log_text()}")


SENDERS_SCRIPT = r"""
import socket, sys, threading
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = int(sys.argv[1])


def send(base):
    for i in range(n):
        s.sendto(b"x", ("127.0.0.1", base + i % 200))


ts = [threading.Thread(target=send, args=(b,)) for b in (47700, 47900)]
for t in ts:
    t.start()
for t in ts:
    t.join()
s.close()
"""


def test_hooks_one_socket_two_threads():
    """Two threads sending datagrams on one socket at once race for its one
    storage slot: every send is one row or one counted loss, never two
    rows, and nothing is left counted as waiting."""
    n = 50000
    with Daemon(BPF, "--enable_bpf_send_events=true", "--bpf_send_dedup_ms=0",
                "--events_max=100000000") as d:
        script = os.path.join(d.tmp, "senders.py")
        with open(script, "w") as f:
            f.write(SENDERS_SCRIPT)
        p = subprocess.Popen([sys.executable, script, str(n)])
        check_eq(p.wait(), 0, "the two senders")
        sql = (f"SELECT count(*) AS n FROM socket_events WHERE pid = {p.pid} AND action = 'send'")

        def settled():
            c = d.counters("bpfsocketpublisher")
            lost = int(c["lost_pending"]) + int(c["lost_bpf_busy"]) + int(c["lost_ringbuf"])
            rows = int(d.query(sql)[0]["n"])
            return (rows, lost, c) if rows + lost >= 2 * n else None
        rows, lost, c = wait_for(settled, what="every send stored or counted")
    print(f"rows {rows}, lost {lost}", flush=True)
    check_eq(rows + lost, 2 * n, "rows plus counted losses, against the sends made")


def test_hooks_chroot_path():
    """The executable's path of a chrooted process is relative to its
    root, as audit's exe= is: a process chrooted into a bind mount of /
    reads the host's own path, from BPF and from audit alike."""
    exe = os.path.realpath(sys.executable)
    with Daemon(BPF, "--audit_allow_sockets", "--audit_keep_socket_rules") as d:
        root = os.path.join(d.tmp, "root")
        os.mkdir(root)
        code = "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('127.0.0.1', 47531))"
        # A private mount namespace, so the bind mount goes with the process.
        p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                              f"mount --bind / {root} && exec chroot {root} {exe} -c \"{code}\""])
        check_eq(p.wait(), 0, "the chrooted connect")
        rows = rows_until(d, "SELECT source, path FROM socket_events WHERE remote_port = 47531 "
                          "ORDER BY source", 2, "the chrooted connect from both sources")
    check_eq(rows, [{"source": "audit", "path": exe}, {"source": "bpf", "path": exe}],
             "the path as the chrooted process sees it")


CONTEND_SCRIPT = r"""
import os, socket, sys, time
# Each worker connects to its own ports only, so a row naming another
# worker's port would be two records mixed in one CPU's scratch.
base, seconds = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    s.connect(("127.0.0.1", base + n % 10))
    n += 1
s.close()
print(n, flush=True)
"""


def test_hooks_contended_cpu():
    """Workers sharing one CPU, each preempting the others while their
    connects build records in that CPU's scratch: every row belongs to the
    worker that made the call, and every call is stored or counted lost."""
    workers = 4
    with Daemon(BPF, "--events_max=100000000") as d:
        script = os.path.join(d.tmp, "contend.py")
        with open(script, "w") as f:
            f.write(CONTEND_SCRIPT)
        procs = [subprocess.Popen(["taskset", "-c", "0", sys.executable, script,
                                   str(47600 + 10 * w), "3"], stdout=subprocess.PIPE)
                 for w in range(workers)]
        made = {p.pid: int(p.communicate()[0]) for p in procs}
        pids = ", ".join(str(pid) for pid in made)
        sql = (f"SELECT pid, remote_port, count(*) AS n FROM socket_events WHERE pid IN ({pids}) "
               "AND action = 'connect' GROUP BY pid, remote_port")

        def settled():
            c = d.counters("bpfsocketpublisher")
            lost = sum(int(c[k]) for k in ("lost_bpf_busy", "lost_pending", "lost_ringbuf"))
            rows = d.query(sql)
            return (rows, lost) if sum(int(r["n"]) for r in rows) + lost >= sum(made.values()) else None
        rows, lost = wait_for(settled, what="every connect stored or counted")
    base = {p.pid: 47600 + 10 * w for w, p in enumerate(procs)}
    for r in rows:
        port = int(r["remote_port"])
        check(base[int(r["pid"])] <= port < base[int(r["pid"])] + 10,
              f"row of pid {r['pid']} names another worker's port: {r}")
    print(f"made {sum(made.values())}, lost {lost}", flush=True)
    check_eq(sum(int(r["n"]) for r in rows) + lost, sum(made.values()),
             "rows plus counted losses, against the calls made")


def test_hooks_tcp_connect_fails_before_syn():
    """TCP connects the kernel refuses before sending a SYN (a v4-mapped
    address on an IPv6-only socket, a multicast address: ENETUNREACH) run
    no sockops callback: their records, built before the call, are settled
    as failed at the socket's next operation, here its close."""
    with Daemon(BPF, "--audit_allow_sockets", "--audit_allow_failed_socket_events") as d:
        p = subprocess.run([sys.executable, "-c", (
            "import socket\n"
            "s = socket.socket(socket.AF_INET6)\n"
            "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)\n"
            "for s, a in ((s, ('::ffff:127.0.0.1', 47601)), (socket.socket(), ('224.0.0.1', 47602))):\n"
            "    try:\n        s.connect(a)\n    except OSError as e:\n        print(e.errno)\n")],
            capture_output=True, check=True)
        check_eq(p.stdout.decode().split(), [str(errno.ENETUNREACH)] * 2, "both refused")
        rows = rows_until(d, "SELECT family, remote_address, remote_port, local_port, protocol, "
                          "status FROM socket_events WHERE remote_port IN (47601, 47602) "
                          "ORDER BY remote_port", 2, "the failed connects' rows")
    check_eq(rows, [
        {"family": "10", "remote_address": "0000:0000:0000:0000:0000:ffff:7f00:0001",
         "remote_port": "47601", "local_port": None, "protocol": None, "status": "failed"},
        {"family": "2", "remote_address": "224.0.0.1", "remote_port": "47602",
         "local_port": None, "protocol": None, "status": "failed"}], "failed, never succeeded")

NO_BPF = ["setpriv", "--bounding-set=-bpf,-perfmon,-sys_admin", "--inh-caps=-all"]


def test_fallback_to_audit():
    """Without CAP_BPF the programs really fail to load (no simulation)."""
    with Daemon("--audit_allow_sockets", prefix=NO_BPF) as d:
        check("BPF is unavailable, socket_events comes from audit" in d.log_text(),
              d.log_text())
        check_eq(d.counters("bpfsocketpublisher")["active"], "0", "the BPF publisher is off")
        check(any("connect" in r for r in audit_rules()), "audit socket rules instead")
        w = Workload()
        try:
            rows = rows_until(d, f"SELECT DISTINCT source FROM socket_events WHERE "
                              f"pid = {w.proc.pid}", 1, "audit rows")
        finally:
            w.close()
        check_eq(rows, [{"source": "audit"}], "rows come from audit")
    d = Daemon(BPF, "--audit_allow_sockets", prefix=NO_BPF)
    r = subprocess.run(d.args(), capture_output=True, timeout=30)
    err = r.stderr.decode()
    check_eq(r.returncode, 1, f"--enable_bpf_events=true without BPF: {err}")
    check("--enable_bpf_events=true, but BPF is unavailable" in err and "CAP_BPF" in err, err)


if __name__ == "__main__":
    main([test_workload_rows_exact, test_differential_against_audit, test_filters_drop_and_count,
          test_exe_path_follows_exec, test_include_ports, test_no_leftovers, test_compat_syscalls_ignored,
          test_fallback_to_audit, test_hooks_workload_rows_exact,
          test_hooks_differential_against_audit, test_hooks_filters_drop_and_count,
          test_hooks_no_leftovers, test_hooks_udp_connect_settled, test_hooks_udp_reconnects,
          test_hooks_udp_reconnect_filtered, test_hooks_contended_cpu,
          test_hooks_waiting_counted, test_hooks_chroot_path, test_hooks_one_socket_two_threads,
          test_hooks_tcp_connect_fails_before_syn, test_datagram_sends])
