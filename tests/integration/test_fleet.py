#!/usr/bin/env python3
"""The fleet client against a real TLS server on 127.0.0.1 (fleet_server.py,
answering as FleetDM does), and the host tables it enrolls with, compared
with what Python reads from the system itself.

Enrollment sends the secret, identifier, platform_type and host_details
with osquery's headers; the server's config is applied (its scheduled
query logs results) and kept for a restart without the server; a wrong
secret is retried with a growing wait; node_invalid makes the client
enroll again; an untrusted CA, a wrong host name and a missing client
certificate are refused. No audit socket is used (--disable_audit)."""
import hashlib
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import fleet_server  # noqa: E402
from sysqtest import (SYSQ, Daemon, check, check_eq, main, run, wait_for,  # noqa: E402
                      write_config)
from fleet_server import (CONFIG, ENROLL, FleetServer, make_certs, os_release,  # noqa: E402
                          private_dir)

SECRET = "fleet-test-secret"


CERTS = make_certs(private_dir())
QUERY = {"fleet_q": {"query": "SELECT 'from-the-server' AS origin", "interval": 1,
                     "snapshot": True}}


def secret_file(text=SECRET, mode=0o600):
    return fleet_server.secret_file(text, mode)


def fleet_flags(server, *extra, secret=None, ca=None):
    return ["--disable_audit", "--config_plugin=tls", f"--tls_hostname={server.hostname}",
            f"--tls_server_certs={ca or CERTS['ca']}", f"--enroll_tls_endpoint={ENROLL}",
            f"--config_tls_endpoint={CONFIG}"] + \
        ([] if secret == "" else [f"--enroll_secret_path={secret or secret_file()}"]) + \
        list(extra)


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def test_host_tables():
    with Daemon("--disable_audit") as d:
        osv = d.query("SELECT * FROM os_version")
        rel = os_release()
        check_eq(len(osv), 1, "os_version rows")
        check_eq(osv[0]["name"], rel.get("NAME"), "os_version.name")
        check_eq(osv[0]["platform"], rel.get("ID"), "os_version.platform")
        check_eq(osv[0]["codename"], rel.get("VERSION_CODENAME", ""), "os_version.codename")
        check_eq(osv[0]["major"], rel.get("VERSION_ID", "0").split(".")[0], "os_version.major")
        check_eq(osv[0]["arch"], platform.machine(), "os_version.arch (uname -m)")
        # FleetDM's os_unix_like detail query, as Fleet sends it.
        unix_like = d.query(
            "SELECT os.name, os.major, os.minor, os.patch, os.extra, os.build, os.arch, "
            "os.platform, os.version AS version, k.version AS kernel_version "
            "FROM os_version os, kernel_info k")
        check_eq(len(unix_like), 1, "Fleet's os_unix_like rows")
        check_eq(unix_like[0]["extra"], "", "os_version.extra (empty on Linux)")
        check_eq(unix_like[0]["kernel_version"], platform.release(), "kernel_info.version")

        info = d.query("SELECT config_hash, config_valid FROM osquery_info")[0]
        check_eq((info["config_hash"], info["config_valid"]), ("", "0"),
                 "osquery_info without a config")
        rel = os_release()
        check_eq(d.query("SELECT build_distro FROM osquery_info")[0]["build_distro"],
                 rel.get("ID", "") + rel.get("VERSION_ID", "").replace(".", ""),
                 "osquery_info.build_distro (built on this machine)")

        si = d.query("SELECT * FROM system_info")[0]
        check_eq(si["hostname"], socket.gethostname(), "system_info.hostname")
        check_eq(int(si["cpu_logical_cores"]), os.cpu_count(), "system_info.cpu_logical_cores")
        meminfo = dict(line.split(":", 1) for line in open("/proc/meminfo"))
        check_eq(int(si["physical_memory"]), int(meminfo["MemTotal"].split()[0]) * 1024,
                 "system_info.physical_memory (MemTotal)")
        uuid = read("/sys/class/dmi/id/product_uuid")
        if uuid is None:
            mid = read("/etc/machine-id")
            uuid = f"{mid[:8]}-{mid[8:12]}-{mid[12:16]}-{mid[16:20]}-{mid[20:]}"
        check_eq(si["uuid"], uuid.upper(), "system_info.uuid")
        check_eq(si["hardware_vendor"], read("/sys/class/dmi/id/sys_vendor") or "",
                 "system_info.hardware_vendor")

        info = d.query("SELECT * FROM osquery_info")[0]
        check_eq(int(info["pid"]), d.proc.pid, "osquery_info.pid")
        check_eq(info["uuid"], si["uuid"], "osquery_info.uuid")
        with open(f"/proc/{d.proc.pid}/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        booted = time.time() - float(open("/proc/uptime").read().split()[0])
        started = booted + ticks / os.sysconf("SC_CLK_TCK")
        check(abs(int(info["start_time"]) - started) <= 3,
              f"osquery_info.start_time {info['start_time']} vs /proc: {started:.0f}")
        check(len(info["instance_id"]) == 36, f"osquery_info.instance_id: {info}")

        pi = d.query("SELECT * FROM platform_info")
        vendor = read("/sys/class/dmi/id/bios_vendor")
        if vendor is None:
            check_eq(pi, [], "platform_info without DMI")
        else:
            check_eq(pi[0]["vendor"], vendor, "platform_info.vendor")
        up = d.query("SELECT * FROM uptime")[0]
        total = int(up["total_seconds"])
        proc_up = float(open("/proc/uptime").read().split()[0])
        check(abs(total - proc_up) <= 3, f"uptime.total_seconds {total} vs /proc/uptime {proc_up}")
        check_eq(int(up["days"]) * 86400 + int(up["hours"]) * 3600 + int(up["minutes"]) * 60 +
                 int(up["seconds"]), total, "uptime's parts add up")

        ki = d.query("SELECT * FROM kernel_info")[0]
        check_eq(ki["version"], platform.release(), "kernel_info.version (uname -r)")
        words = open("/proc/cmdline").read().split()
        check_eq(ki["arguments"], " ".join(w for w in words if not w.startswith(
            ("BOOT_IMAGE=", "root="))), "kernel_info.arguments")
        root = [w[5:] for w in words if w.startswith("root=")]
        check_eq(ki["device"], root[0] if root else "", "kernel_info.device")

        flags = {r["name"]: r for r in d.query("SELECT * FROM osquery_flags")}
        check_eq(flags["config_refresh"]["value"], "0", "osquery_flags.config_refresh")
        check_eq(flags["disable_audit"]["value"], "true", "osquery_flags.disable_audit")
        check_eq(flags["disable_audit"]["shell_only"], "0", "osquery_flags.shell_only")

        # The instance id stays with the database.
        instance = info["instance_id"]
    with Daemon("--disable_audit", tmp=d.tmp) as d2:
        check_eq(d2.query("SELECT instance_id FROM osquery_info")[0]["instance_id"], instance,
                 "instance_id after a restart")


def test_config_hash():
    """osquery_info.config_hash is the SHA-1 of the config's text, and
    follows a SIGHUP reload."""
    tmp = tempfile.mkdtemp(prefix="sysq-test-hash-")
    path = os.path.join(tmp, "sysq.conf")
    # A comment too: the hash is of the file as it is, comments and all.
    texts = ['// the first\n{"schedule": {"a": {"query": "SELECT 1", "interval": 60}}}\n',
             '{"schedule": {"b": {"query": "SELECT 2", "interval": 60}}}\n']
    write_config(path, texts[0])
    with Daemon("--disable_audit", f"--config_path={path}", tmp=tmp) as d:
        def info():
            return d.query("SELECT config_hash, config_valid FROM osquery_info")[0]
        want = hashlib.sha1(texts[0].encode()).hexdigest()
        check_eq((info()["config_hash"], info()["config_valid"]), (want, "1"),
                 "osquery_info.config_hash of the config file (sha1sum)")
        write_config(path, texts[1])
        d.proc.send_signal(signal.SIGHUP)
        want = hashlib.sha1(texts[1].encode()).hexdigest()
        wait_for(lambda: info()["config_hash"] == want, timeout=10,
                 what="config_hash of the reloaded config")


def wait_results(d, timeout=20):
    wait_for(lambda: d.results("fleet_q"), timeout=timeout, what="the server's query results")
    rows = d.results("fleet_q")[-1]["snapshot"]
    check_eq(rows, [{"origin": "from-the-server"}], "the server's query results")


def test_enroll_config_and_restart():
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY,
                     "options": {"tls_hostname": "elsewhere:443", "carver_block_size": 300000}}
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    flags = fleet_flags(server)
    try:
        with Daemon(*flags, tmp=tmp) as d:
            wait_results(d)
            enrolls = server.seen(ENROLL)
            check_eq(len(enrolls), 1, "enroll requests")
            e = enrolls[0]
            check_eq(e["body"]["enroll_secret"], SECRET, "enroll_secret")
            check_eq(e["body"]["host_identifier"], socket.gethostname(), "host_identifier")
            check_eq(e["body"]["platform_type"], "9", "platform_type")
            details = e["body"]["host_details"]
            for table in ("os_version", "osquery_info", "system_info"):
                check(table in details, f"host_details has {table}: {list(details)}")
            check(all(isinstance(v, str) for t in details.values() for v in t.values()),
                  "every host_details value is a string")
            check_eq(details["os_version"]["platform"], os_release().get("ID"),
                     "host_details.os_version.platform")
            check_eq(details["osquery_info"]["pid"], str(d.proc.pid), "host_details pid")
            check_eq(e["headers"].get("Content-Type"), "application/json", "Content-Type")
            check_eq(e["headers"].get("Accept"), "application/json", "Accept")
            check("User-Agent" in e["headers"], "a User-Agent")
            check("Authorization" not in e["headers"], "no Authorization before a key")
            cfg = server.seen(CONFIG)[0]
            key = cfg["body"]["node_key"]
            check(key in server.keys, "the config request carries the issued node key")
            check_eq(cfg["headers"].get("Authorization"), f"NodeKey {key}", "Authorization")
            log = d.log_text()
            check("tls_hostname" in log and "ignored" in log,
                  "a server's start-up option is refused with a warning")
            check(SECRET not in log and key not in log, "no secret or node key in the log")
            # The hash is of the config as applied: the text kept in
            # sysq_meta, without the options a server may not set.
            saved = d.query("SELECT value FROM sysq_meta WHERE key = 'tls_config'")[0]["value"]
            check("elsewhere" not in saved, "the saved config lacks the refused option")
            served_hash = hashlib.sha1(saved.encode()).hexdigest()
            check_eq(d.query("SELECT config_hash FROM osquery_info")[0]["config_hash"],
                     served_hash, "osquery_info.config_hash of the server's config")
        # A restart with the server up: the saved node key, no new enrollment.
        with Daemon(*flags, tmp=tmp) as d:
            wait_for(lambda: len(server.seen(CONFIG)) >= 2, timeout=20,
                     what="a config request after the restart")
            check_eq(len(server.seen(ENROLL)), 1, "enroll requests after a restart")
            check("carver_block_size" in d.log_text() and "not supported yet" in d.log_text(),
                  "the saved config's unsupported option is named in a warning")
    finally:
        server.stop()
    # The server is gone: the saved config still runs after a restart.
    os.unlink(os.path.join(tmp, "log", "sysq.results.log"))
    with Daemon(*flags, "--config_tls_max_attempts=1", tmp=tmp) as d:
        wait_results(d)
        check("running the config the server last sent" in d.log_text(),
              "the log says the saved config runs")
        check_eq(d.query("SELECT config_hash FROM osquery_info")[0]["config_hash"],
                 served_hash, "config_hash of the saved config")


def test_server_cannot_stop_the_next_start():
    """Options that choose the loggers and services are the flagfile's: a
    server sending them is refused (once per config, not per refresh), and
    the host still starts with its saved config."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY, "options": {
        "logger_plugin": "tls", "disable_distributed": False, "metrics_listen": "0.0.0.0:9",
        "logger_tls_period": 7}}
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    flags = fleet_flags(server, "--config_refresh=1")
    try:
        with Daemon(*flags, tmp=tmp) as d:
            wait_results(d)
            wait_for(lambda: len(server.seen(CONFIG)) >= 3, timeout=20,
                     what="three config fetches")
            log = d.log_text()
            for name in ("logger_plugin", "disable_distributed", "metrics_listen"):
                check_eq(log.count(f'option "{name}" may be set only'), 1,
                         f"one warning for {name} over three fetches")
            check('option "logger_tls_period"' not in log, "a run-time option is not refused")
            check("options in force now: logger_tls_period=7" in log,
                  "a run-time option is taken at once")
        os.unlink(os.path.join(tmp, "log", "sysq.results.log"))
        # The saved config runs at the next start, which must not fail.
        with Daemon(*flags, tmp=tmp) as d:
            wait_results(d)
    finally:
        server.stop()


def test_node_key_not_readable():
    """The node key is kept where no query can read it (sysq_secret): the
    shell and scheduled queries over sysq_meta and sysq_secret never yield
    it, nor do the results log and the daemon's log hold it. A database of
    a previous release (the key in sysq_meta) keeps its key, without a new
    enrollment, and the key leaves sysq_meta."""
    probes = {"schedule": {name: {"query": sql, "interval": 1, "snapshot": True}
                           for name, sql in (
                               ("probe_meta", "SELECT key, value FROM sysq_meta"),
                               ("probe_secret", "SELECT key, value FROM sysq_secret"),
                               ("probe_cte", "WITH s AS (SELECT value FROM sysq_secret) "
                                             "SELECT value FROM s"))}}

    def db_rows(path, sql, params=()):  # as root may read the file, not through sysq
        con = sqlite3.connect(path)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def check_unreadable(d, key):
        wait_for(lambda: d.results("probe_meta"), timeout=20, what="the sysq_meta probe")
        wait_for(lambda: "query probe_cte failed" in d.log_text(), timeout=20,
                 what="the CTE probe to fail")
        check_eq(db_rows(d.db, "SELECT value FROM sysq_secret WHERE key = 'tls_node_key'"),
                 [(key,)], "the node key is kept in sysq_secret")
        check_eq(db_rows(d.db, "SELECT count(*) FROM sysq_meta WHERE key = 'tls_node_key' "
                               "OR instr(value, ?)", (key,)), [(0,)], "sysq_meta does not hold it")
        meta = d.query("SELECT key, value FROM sysq_meta")
        check("tls_config" in [r["key"] for r in meta], f"sysq_meta's other keys: {meta}")
        check(key not in repr(meta), "the shell's sysq_meta rows lack the node key")
        for sql in ("SELECT * FROM sysq_secret", "SELECT count(*) FROM sysq_secret",
                    "SELECT value FROM sysq_meta UNION SELECT value FROM sysq_secret"):
            r = d.shell(sql)
            out = (r.stdout + r.stderr).decode(errors="replace")
            check(r.returncode != 0 and "sysq_secret is not allowed" in out,
                  f"the shell refuses {sql!r}, naming the table: {out}")
            check(key not in out, f"{sql!r} shows no key")
        names = [r["name"] for r in d.query("SELECT name FROM pragma_table_info('sysq_secret')")]
        check_eq(names, ["key", "value"], "sysq_secret's columns are visible")
        log = d.log_text()
        for name in ("probe_secret", "probe_cte"):
            check(f"query {name} failed: sysq_secret is not allowed" in log,
                  f"the scheduler says why {name} failed")
            check_eq(d.results(name), [], f"{name} logged no results")
        with open(d.results_path) as f:
            results = f.read()
        check("probe_meta" in results, "the sysq_meta probe's rows are in the results log")
        check(key not in results, "the results log does not contain the node key")
        check(key not in log, "the daemon's log does not contain the node key")

    server = FleetServer(CERTS, SECRET)
    server.config = probes
    try:
        with Daemon(*fleet_flags(server)) as d:
            wait_for(lambda: server.seen(CONFIG), timeout=20, what="a config request")
            key = server.seen(CONFIG)[0]["body"]["node_key"]
            check(key in server.keys, "the config request carries the issued node key")
            check_unreadable(d, key)
    finally:
        server.stop()
    # A previous release's database: sysq_meta holds a key the server knows.
    server = FleetServer(CERTS, SECRET)
    server.config = probes
    legacy = "legacy-" + os.urandom(16).hex()
    server.keys.add(legacy)
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    db = os.path.join(tmp, "sysq.db")
    con = sqlite3.connect(db)
    with con:
        con.execute("CREATE TABLE sysq_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute("INSERT INTO sysq_meta VALUES ('tls_node_key', ?)", (legacy,))
    con.close()
    os.chmod(db, 0o600)
    try:
        with Daemon(*fleet_flags(server), tmp=tmp) as d:
            wait_for(lambda: server.seen(CONFIG), timeout=20, what="a config request")
            check_eq(server.seen(CONFIG)[0]["body"].get("node_key"), legacy,
                     "the config request carries the key the database held")
            check_unreadable(d, legacy)
            check_eq(server.seen(ENROLL), [], "no enrollment: the key was kept")
            check("moved tls_node_key from sysq_meta to sysq_secret" in d.log_text(),
                  "the log says the key was moved")
    finally:
        server.stop()


def test_wrong_secret_backoff():
    server = FleetServer(CERTS, SECRET)
    try:
        with Daemon(*fleet_flags(server, "--tls_enroll_max_attempts=3",
                                 "--config_tls_max_attempts=1",
                                 secret=secret_file("not-the-secret"))) as d:
            wait_for(lambda: "enrollment failed after 3 attempt(s)" in d.log_text(),
                     timeout=30, what="enrollment to give up")
            times = [r["time"] for r in server.seen(ENROLL)]
            check_eq(len(times), 3, "enroll attempts")
            # Waits of 1 s then 4 s (n squared): the second is longer.
            check(times[2] - times[1] > times[1] - times[0] + 1.5,
                  f"the wait grows: {[round(b - a, 1) for a, b in zip(times, times[1:])]}")
            check_eq(server.seen(CONFIG), [], "no config request without a node key")
            check("not-the-secret" not in d.log_text(), "the secret is not logged")
    finally:
        server.stop()


def test_secret_file_permissions():
    server = FleetServer(CERTS, SECRET)
    try:
        path = secret_file(mode=0o644)
        with Daemon(*fleet_flags(server, "--tls_enroll_max_attempts=1",
                                 "--config_tls_max_attempts=1", secret=path)) as d:
            wait_for(lambda: "chmod 600" in d.log_text(), timeout=20,
                     what="the secret file refused")
            check_eq(server.seen(ENROLL), [], "no enrollment with an open secret file")
    finally:
        server.stop()


def test_node_invalid_reenrolls():
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    try:
        with Daemon(*fleet_flags(server, "--config_refresh=2")) as d:
            wait_results(d)
            first = server.seen(CONFIG)[0]["body"]["node_key"]
            server.invalidate_keys()
            wait_for(lambda: len(server.seen(ENROLL)) == 2, timeout=20,
                     what="a second enrollment after node_invalid")
            wait_for(lambda: server.seen(CONFIG)[-1]["body"].get("node_key") in server.keys,
                     timeout=20, what="a config request with the new key")
            check(server.seen(CONFIG)[-1]["body"]["node_key"] != first, "a new node key")
            check("node key is invalid" in d.log_text(), "the log says why")
    finally:
        server.stop()


def test_sighup_fetches_and_bad_config_keeps_running():
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    try:
        with Daemon(*fleet_flags(server)) as d:
            wait_results(d)
            # Invalid (no interval): refused, the running schedule stays.
            server.config = {"schedule": {"broken": {"query": "SELECT 1"}}}
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: "the running config stays" in d.log_text(), timeout=20,
                     what="the invalid config refused")
            check("has no \"interval\"" in d.log_text(), "the log says what is wrong")
            before = len(d.results("fleet_q"))
            wait_for(lambda: len(d.results("fleet_q")) > before, timeout=20,
                     what="the running schedule to go on")
            # A valid one replaces it at the next SIGHUP.
            server.config = {"schedule": {"fleet_q2": {"query": "SELECT 2 AS two",
                                                       "interval": 1, "snapshot": True}}}
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: d.results("fleet_q2"), timeout=20, what="the new config's query")
            check_eq(len(server.seen(ENROLL)), 1, "one enrollment for all three fetches")
    finally:
        server.stop()


def test_secret_env_identifier_and_gzip():
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    os.environ["SYSQ_TEST_ENROLL_SECRET"] = SECRET
    try:
        with Daemon(*fleet_flags(server, "--enroll_secret_env=SYSQ_TEST_ENROLL_SECRET",
                                 "--host_identifier=specified",
                                 "--specified_identifier=fleet-host-7",
                                 "--tls_accept_gzip", secret="")) as d:
            wait_results(d)  # the config came gzip-compressed
            enroll = server.seen(ENROLL)[0]
            check_eq(enroll["body"]["host_identifier"], "fleet-host-7", "host_identifier")
            check("gzip" in server.seen(CONFIG)[0]["headers"].get("Accept-Encoding", ""),
                  "the config request accepts gzip")
            check_eq(d.results("fleet_q")[0]["hostIdentifier"], "fleet-host-7",
                     "results carry the same identifier")
    finally:
        del os.environ["SYSQ_TEST_ENROLL_SECRET"]
        server.stop()


def test_disable_enrollment_with_client_cert():
    server = FleetServer(CERTS, SECRET, require_client_cert=True, no_auth=True)
    server.config = {"schedule": QUERY}
    try:
        with Daemon(*fleet_flags(server, "--disable_enrollment",
                                 f"--tls_client_cert={CERTS['client']}",
                                 f"--tls_client_key={CERTS['client_key']}", secret="")) as d:
            wait_results(d)
            check_eq(server.seen(ENROLL), [], "no enrollment")
            cfg = server.seen(CONFIG)[0]
            check("node_key" not in cfg["body"] and "Authorization" not in cfg["headers"],
                  "no node key is sent")
    finally:
        server.stop()


def refused(server, *extra, ca=None, what):
    with Daemon(*fleet_flags(server, "--tls_enroll_max_attempts=1",
                             "--config_tls_max_attempts=1", *extra, ca=ca)) as d:
        wait_for(lambda: "enrollment failed" in d.log_text(), timeout=20, what=what)
        check_eq(server.seen(ENROLL), [], f"{what}: no request reached the server")
        return d.log_text()


def test_tls_refusals():
    server = FleetServer(CERTS, SECRET)
    try:
        log = refused(server, ca=CERTS["other_ca"], what="an untrusted server certificate")
        check("certificate" in log, f"the error names the certificate: {log}")
    finally:
        server.stop()
    server = FleetServer(CERTS, SECRET, cert="wrong_name")
    try:
        log = refused(server, what="a certificate for another host name")
        check("localhost" in log or "name" in log, f"the error names the host: {log}")
        # Every line has the URL, so the check above always passes: libcurl's
        # own words for a certificate of another name, and nothing applied.
        check("subject name" in log and "matches target host name 'localhost'" in log,
              f"the error says the certificate's subject name does not match: {log}")
        check_eq(server.seen(CONFIG), [], "no config request to a server of another name")
        check("applied:" not in log, f"no config applied: {log}")
    finally:
        server.stop()
    server = FleetServer(CERTS, SECRET, tls11=True)
    try:
        # The same server answers a client that allows TLS 1.1, so the
        # refusal below is sysq's minimum version, not a broken server.
        r = subprocess.run(["curl", "-sS", "--tlsv1.1", "--tls-max", "1.1", "--ciphers",
                            "DEFAULT@SECLEVEL=0", "--cacert", CERTS["ca"], "-d", "{}",
                            f"https://{server.hostname}{ENROLL}"], capture_output=True)
        check(b"enroll failed" in r.stdout, f"a TLS 1.1 client gets an answer: {r}")
        server.requests.clear()
        refused(server, what="a server that speaks only TLS 1.1")
    finally:
        server.stop()


def test_mutual_tls():
    server = FleetServer(CERTS, SECRET, require_client_cert=True)
    try:
        refused(server, what="a server that needs a client certificate")
        with Daemon(*fleet_flags(server, f"--tls_client_cert={CERTS['client']}",
                                 f"--tls_client_key={CERTS['client_key']}")) as d:
            wait_for(lambda: server.seen(CONFIG), timeout=20, what="mTLS enrollment")
            check_eq(len(server.seen(ENROLL)), 1, "one enrollment over mTLS")
            d.shell("SELECT 1")
    finally:
        server.stop()


def test_osquery_flagfile_for_fleet():
    """A flagfile written for osquery and a Fleet server starts sysq
    unchanged: what is built works, the rest is named in one warning."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    flagfile = os.path.join(tmp, "osquery.flags")
    with open(flagfile, "w") as f:
        f.write("\n".join([
            f"--enroll_secret_path={secret_file()}", f"--tls_server_certs={CERTS['ca']}",
            f"--tls_hostname={server.hostname}", "--host_identifier=instance",
            "--enroll_tls_endpoint=/api/osquery/enroll", "--config_plugin=tls",
            "--config_tls_endpoint=/api/osquery/config", "--config_refresh=10",
            "--disable_distributed=false", "--distributed_plugin=tls",
            "--distributed_interval=10", "--distributed_tls_max_attempts=3",
            "--distributed_tls_read_endpoint=/api/osquery/distributed/read",
            "--distributed_tls_write_endpoint=/api/osquery/distributed/write",
            "--logger_plugin=tls", "--logger_tls_endpoint=/api/osquery/log",
            "--logger_tls_period=10", "--disable_carver=false",
            "--carver_start_endpoint=/api/osquery/carve/begin",
            "--carver_continue_endpoint=/api/osquery/carve/block",
            "--carver_block_size=2000000", "--tls_session_timeout=3600", ""]))
    # The last --flagfile wins over the harness's empty one.
    d = Daemon(f"--flagfile={flagfile}", "--disable_audit", tmp=tmp)
    try:
        with d:
            # logger_plugin=tls alone: the results go to the log endpoint.
            wait_for(lambda: [r for r in server.log_data("result") if r["name"] == "fleet_q"],
                     timeout=25, what="the server's query results at its log endpoint")
            rows = [r for r in server.log_data("result") if r["name"] == "fleet_q"][-1]
            check_eq(rows["snapshot"], [{"origin": "from-the-server"}],
                     "the server's query results")
            warnings = [line for line in d.log_text().splitlines()
                        if "not supported yet" in line]
            check_eq(len(warnings), 1, f"one warning: {warnings}")
            for name in ("disable_carver", "carver_block_size"):
                check(name in warnings[0], f"the warning names {name}: {warnings[0]}")
            for name in ("logger_plugin", "logger_tls", "distributed"):
                check(name not in warnings[0], f"{name} is honoured: {warnings[0]}")
            # Live queries are honoured now: checked in for.
            wait_for(lambda: server.seen("/api/osquery/distributed/read"), timeout=20,
                     what="a live-query check-in")
            instance = d.query("SELECT instance_id FROM osquery_info")[0]["instance_id"]
            check_eq(server.seen(ENROLL)[0]["body"]["host_identifier"], instance,
                     "--host_identifier=instance enrolls with osquery_info.instance_id")
    finally:
        server.stop()


def test_flags_checked():
    d = Daemon("--disable_audit", "--config_plugin=tls", "--tls_hostname=localhost:1")
    d.start(wait=False)
    check_eq(d.proc.wait(timeout=15), 2, "exit status without the endpoints")
    check("--config_plugin=tls needs --config_tls_endpoint" in d.log_text(), d.log_text())
    # --config_check validates the fleet flags and the saved config alone.
    r = run([SYSQ, "daemon", "--flagfile=", "--config_check", "--config_plugin=tls",
             "--tls_hostname=localhost:1", "--config_tls_endpoint=/config",
             "--enroll_tls_endpoint=/enroll", "--enroll_secret_env=X",
             f"--database_path={d.db}"])
    check_eq(r.returncode, 0, f"--config_check: {r.stderr.decode()}")
    check(b"the config the fleet server last sent" in r.stdout, r.stdout.decode())


NEW_QUERY = {"fleet_q2": {"query": "SELECT 'the-new-config' AS origin", "interval": 1,
                          "snapshot": True}}


def warning_lines(d, *words):
    """The daemon's log lines that contain every one of `words`."""
    return [line for line in d.log_text().splitlines() if all(w in line for w in words)]


def test_stop_with_a_config_request_hanging():
    """A config request hanging on a slow server does not hold up the
    daemon's stop: it is aborted, well before the 16 s request timeout."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    server.delays = {CONFIG: 60}
    try:
        with Daemon(*fleet_flags(server)) as d:
            wait_for(lambda: server.seen(CONFIG), timeout=20, what="the config request sent")
            time.sleep(1)  # the request waits for its answer
            started = time.monotonic()
            rc = d.stop()
            took = time.monotonic() - started
            check_eq(rc, 0, f"the daemon's exit status:\n{d.log_text()}")
            check(took < 5, f"stopped in {took:.1f} s with a request in flight (< 5 s)")
            check_eq(len(server.seen(CONFIG)), 1, "one config request, left unanswered")
            check(not d.results("fleet_q"), "the unanswered config is not applied")
            check(not warning_lines(d, "running config stays"),
                  "the aborted request is not reported as a failed fetch")
    finally:
        server.stop()


def test_slow_config_replies():
    """A reply later than the 16 s request timeout fails the fetch with a
    warning and the running config stays; a slow one in time is applied."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    try:
        with Daemon(*fleet_flags(server, "--config_tls_max_attempts=1")) as d:
            wait_results(d)
            server.delays = {CONFIG: 20}
            server.config = {"schedule": NEW_QUERY}
            sent = time.monotonic()
            d.proc.send_signal(signal.SIGHUP)
            line = wait_for(lambda: warning_lines(d, "fleet: config:", "running config stays"),
                            timeout=30, what="the late reply to fail the fetch")[0]
            took = time.monotonic() - sent
            check("timed out" in line and CONFIG in line, f"the warning says why: {line}")
            check(took > 14, f"the fetch failed after {took:.1f} s, not before the timeout")
            before = len(d.results("fleet_q"))
            wait_for(lambda: len(d.results("fleet_q")) >= before + 2, timeout=10,
                     what="the running config's query to go on")
            check_eq(d.results("fleet_q2"), [], "the late config is not applied")
            # Slow, but within the timeout: applied.
            server.delays = {CONFIG: 5}
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: d.results("fleet_q2"), timeout=20, what="the slow config applied")
            check_eq(len(server.seen(CONFIG)), 3, "config requests: one each, no retries")
    finally:
        server.stop()


def test_config_500_and_garbage():
    """A 500 with an HTML page, then a body that is not JSON: each fetch
    fails with a warning that says so, the running config goes on, and the
    new config is applied once the server answers properly."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    flags = ("--config_refresh=1", "--config_tls_max_attempts=1",
             "--config_accelerated_refresh=1")
    try:
        with Daemon(*fleet_flags(server, *flags)) as d:
            wait_results(d)
            for fault, status in (("500html", "(HTTP 500)"), ("garbage", "(HTTP 200)")):
                server.set_fail_all(CONFIG, fault)
                server.config = {"schedule": NEW_QUERY}  # served once the faults end
                calls = server.calls(CONFIG)
                wait_for(lambda: server.calls(CONFIG) >= calls + 2, timeout=15,
                         what=f"config requests answered with {fault}")
                wait_for(lambda: warning_lines(d, CONFIG, status, "not a JSON object",
                                               "running config stays"),
                         timeout=10, what=f"a warning naming the {fault} reply")
                before = len(d.results("fleet_q"))
                wait_for(lambda: len(d.results("fleet_q")) >= before + 2, timeout=10,
                         what=f"the running config's query to go on through {fault}")
                check_eq(d.results("fleet_q2"), [], f"no new config from {fault}")
            faulted = [r.get("fault") for r in server.seen(CONFIG)]
            check("500html" in faulted and "garbage" in faulted, f"both faults: {faulted}")
            server.set_fail_all(CONFIG, None)
            wait_for(lambda: d.results("fleet_q2"), timeout=20,
                     what="the new config applied after the faults")
            check_eq(len(server.seen(ENROLL)), 1, "the faults did not make it enroll again")
    finally:
        server.stop()


def test_node_invalid_on_a_config_call():
    """node_invalid in the body of one config reply (HTTP 200): the client
    enrolls once more and the config of the next reply is applied."""
    server = FleetServer(CERTS, SECRET)
    server.config = {"schedule": QUERY}
    try:
        with Daemon(*fleet_flags(server, "--config_refresh=1")) as d:
            wait_results(d)
            first = server.seen(CONFIG)[0]["body"]["node_key"]
            n = server.fault_next(CONFIG, "node_invalid")
            server.config = {"schedule": NEW_QUERY}
            wait_for(lambda: d.results("fleet_q2"), timeout=20,
                     what="the new config applied after enrolling again")
            check_eq(len(server.seen(ENROLL)), 2, "enroll requests: one more")
            configs = server.seen(CONFIG)
            check_eq(configs[n - 1].get("fault"), "node_invalid", f"config call {n} refused")
            check_eq(configs[n - 1]["body"]["node_key"], first, "it carried the first key")
            check(configs[-1]["body"]["node_key"] not in (first, None) and
                  configs[-1]["body"]["node_key"] in server.keys,
                  "the next config requests carry the new key")
            check(warning_lines(d, "node key is invalid", "enrolls again"), "the log says why")
    finally:
        server.stop()


if __name__ == "__main__":
    main([test_host_tables, test_config_hash, test_flags_checked, test_osquery_flagfile_for_fleet,
          test_enroll_config_and_restart, test_server_cannot_stop_the_next_start,
          test_node_key_not_readable,
          test_wrong_secret_backoff, test_secret_file_permissions, test_node_invalid_reenrolls,
          test_sighup_fetches_and_bad_config_keeps_running, test_secret_env_identifier_and_gzip,
          test_disable_enrollment_with_client_cert, test_tls_refusals, test_mutual_tls,
          test_stop_with_a_config_request_hanging, test_slow_config_replies,
          test_config_500_and_garbage, test_node_invalid_on_a_config_call])
