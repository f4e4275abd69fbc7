#!/usr/bin/env python3
"""The JSON config: errors name file, line and column and exit 2; unknown
keys warn; options override flags; events, packs, platform and shard
decide what runs; a failing query does not stop the others; SIGHUP reloads
and a broken file on reload keeps the running schedule."""
import os
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (SYSQ, Daemon, audit_rules, check, check_eq, main, run,  # noqa: E402
                      wait_for, write_config)


def config_check(path, *flags):
    return run([SYSQ, "daemon", "--flagfile=", f"--config_path={path}", "--config_check",
                *flags])


def position_of(text, needle):
    """1-based line and column of the first `needle` in `text`."""
    before = text[:text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def expect_error(name, text, needle, message):
    path = write_config(os.path.join(tempfile.mkdtemp(prefix="sysq-test-"), name), text)
    r = config_check(path)
    err = r.stderr.decode()
    check_eq(r.returncode, 2, f"{name}: exit status ({err})")
    line, col = position_of(text, needle)
    check(f"{path}:{line}:{col}: " in err, f"{name}: error at {line}:{col}: {err}")
    check(message in err, f"{name}: message {message!r} in: {err}")
    # The daemon itself refuses to start, before touching anything.
    d = Daemon(f"--config_path={path}")
    d.start(wait=False)
    check_eq(d.proc.wait(timeout=15), 2, f"{name}: the daemon's exit status")
    check(f"{path}:{line}:{col}: " in d.log_text(), f"{name}: the daemon names the position")


def test_errors_name_file_line_column():
    expect_error("broken.conf",
                 '{\n  "schedule": {\n    "a": {"query": "SELECT 1"\n      "interval": 5}\n  }\n}\n',
                 '"interval"', "not valid JSON")
    expect_error("type.conf",
                 '{\n  "schedule": {\n    "a": {\n      "query": "SELECT 1",\n'
                 '      "interval": "60"\n    }\n  }\n}\n',
                 '"60"', "schedule.a.interval must be a whole number")
    expect_error("option.conf",
                 '{"options": {\n  "events_max": "lots"\n}}\n', '"lots"', "--events_max")
    expect_error("noquery.conf",
                 '{"schedule": {\n  "a": {"interval": 5}\n}}\n', '"a"', "has no \"query\"")
    expect_error("packtype.conf",
                 '{"packs": {"p": {"queries": {\n  "q": {"query": "SELECT 1", '
                 '"interval": 5, "snapshot": "yes"}}}}}\n', '"yes"', "snapshot")


def test_pack_file_error_names_the_pack_file():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    pack_text = '{\n  "queries": {\n    "q": {"query": "SELECT 1", "interval": 0}\n  }\n}\n'
    write_config(os.path.join(tmp, "pack.conf"), pack_text)
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"packs": {"p": "pack.conf"}})
    r = config_check(conf)
    err = r.stderr.decode()
    check_eq(r.returncode, 2, f"exit status ({err})")
    line, col = position_of(pack_text, "0}")
    check(f"{tmp}/pack.conf:{line}:{col}: " in err, f"the pack file's position: {err}")


def test_missing_config():
    path = os.path.join(tempfile.mkdtemp(prefix="sysq-test-"), "absent.conf")
    r = config_check(path)
    check_eq(r.returncode, 2, "an explicit config that is missing")
    check(path in r.stderr.decode(), "the message names the file")


def test_unknown_key_warns_with_position():
    text = ('{\n  "schedule": {\n    "a": {"query": "SELECT 1", "interval": 60,\n'
            '          "intervall": 5}\n  },\n  "shedule": {}\n}\n')
    path = write_config(os.path.join(tempfile.mkdtemp(prefix="sysq-test-"), "w.conf"), text)
    r = config_check(path)
    err = r.stderr.decode()
    check_eq(r.returncode, 0, f"unknown keys are not fatal: {err}")
    for key in ("intervall", "shedule"):
        line, col = position_of(text, f'"{key}"')
        check(f'{path}:{line}:{col}: unknown key "{key}"' in err,
              f"a warning for {key} at {line}:{col}: {err}")
    check("1 scheduled queries" in r.stdout.decode(), r.stdout.decode())


def test_options_override_flags_and_events_disable_tables():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    conf = write_config(os.path.join(tmp, "sysq.conf"), {
        "options": {"events_max": 1234, "audit_allow_user_events": False},
        "events": {"disable_subscribers": ["process_events"]},
    })
    with Daemon(f"--config_path={conf}", "--events_max=5", tmp=tmp) as d:
        flags = {r["name"]: r for r in d.query(
            "SELECT name, value, source FROM sysq_flags "
            "WHERE name IN ('events_max', 'audit_allow_user_events')")}
        check_eq((flags["events_max"]["value"], flags["events_max"]["source"]),
                 ("1234", "config"), "options override the command line")
        check_eq(flags["audit_allow_user_events"]["value"], "false", "a boolean option")
        names = [r["name"] for r in d.query("SELECT name FROM sysq_events")]
        check("process_events" not in names and "user_events" not in names,
              f"disabled subscribers do not run: {names}")
        # With no syscall rule needed, sysq's one rule is the never,task
        # rule that spares every task syscall auditing (docs/audit.md).
        check(not [r for r in audit_rules() if "key=sysq" in r and "never,task" not in r],
              f"no exec rule for a disabled process_events: {audit_rules()}")


def fnv_shard(text):
    """The documented host shard: FNV-1a of the host identifier, mod 100."""
    h = 2166136261
    for b in text.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % 100


def test_packs_platform_shard_and_failures():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    shard = fnv_shard(socket.gethostname())
    write_config(os.path.join(tmp, "file_pack.conf"), {
        "queries": {"from_file": {"query": "SELECT 'f' AS f", "interval": 1}}})
    conf = write_config(os.path.join(tmp, "sysq.conf"), {
        "schedule": {
            "broken": {"query": "SELECT * FROM no_such_table", "interval": 1},
            "linux": {"query": "SELECT 1 AS one", "interval": 1, "platform": "linux"},
            "darwin": {"query": "SELECT 1 AS one", "interval": 1, "platform": "darwin"},
            "in_shard": {"query": "SELECT 1 AS one", "interval": 1, "shard": shard + 1},
        },
        "packs": {
            "found": {"discovery": ["SELECT 1"],
                      "queries": {"q": {"query": "SELECT 'x' AS x", "interval": 1}}},
            "absent": {"discovery": ["SELECT 1 WHERE 0"],
                       "queries": {"q": {"query": "SELECT 'x' AS x", "interval": 1}}},
            "file": "file_pack.conf",
        },
    })
    with Daemon(f"--config_path={conf}", tmp=tmp) as d:
        wait_for(lambda: {"linux", "in_shard", "pack_found_q", "pack_file_from_file"} <=
                 {r["name"] for r in d.results()}, timeout=10, what="the runnable queries")
        time.sleep(1.5)
        names = {r["name"] for r in d.results()}
        log = d.log_text()
    check_eq(names, {"linux", "in_shard", "pack_found_q", "pack_file_from_file"},
             "queries that run here, with osquery's pack names")
    check("query broken failed: no such table: no_such_table" in log,
          f"the failing query's error is logged: {log}")


def test_out_of_shard_query_does_not_run():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    shard = fnv_shard(socket.gethostname())
    schedule = {"always": {"query": "SELECT 1 AS one", "interval": 1}}
    if shard > 0:
        schedule["out_of_shard"] = {"query": "SELECT 1 AS one", "interval": 1, "shard": shard}
    conf = write_config(os.path.join(tmp, "sysq.conf"), {"schedule": schedule})
    with Daemon(f"--config_path={conf}", tmp=tmp) as d:
        wait_for(lambda: d.results("always"), timeout=10, what="the query in every shard")
        time.sleep(1.5)
        check_eq(d.results("out_of_shard"), [], f"shard {shard} is not below {shard}")


def test_sighup_reload_and_broken_reload():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    path = os.path.join(tmp, "sysq.conf")
    diff = "SELECT name, stored FROM sysq_events WHERE name = 'process_events'"
    write_config(path, {"schedule": {"first": {"query": diff, "interval": 1}}})
    with Daemon(f"--config_path={path}", tmp=tmp) as d:
        wait_for(lambda: d.results("first"), timeout=10, what="the first query")
        broken = '{"schedule": {"second": {"query": "SELECT 1", "interval": }}}'
        write_config(path, broken)
        d.proc.send_signal(signal.SIGHUP)
        line, col = position_of(broken, "}}}")
        wait_for(lambda: f"{path}:{line}:{col}: " in d.log_text(), what="the reload error")
        check("the running config stays" in d.log_text(), d.log_text())
        # The old schedule keeps running: each exec changes its result.
        seen = len(d.results("first"))

        def first_still_runs():
            run(["true"])
            return len(d.results("first")) > seen + 1
        wait_for(first_still_runs, timeout=10, what="the old schedule still running")
        write_config(path, {"schedule": {"second": {"query": "SELECT 2 AS two", "interval": 1,
                                                    "snapshot": True}}})
        d.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: d.results("second"), timeout=10, what="the reloaded schedule")
        time.sleep(0.5)
        before = len(d.results("first"))
        for _ in range(5):
            run(["true"])
            time.sleep(0.5)
        check_eq(len(d.results("first")), before, "the removed query stopped")
        check_eq(d.results("second")[-1]["snapshot"], [{"two": "2"}], "the new query's line")
    check_eq(d.proc.returncode, 0, "a clean stop after reloads")


def test_changed_sql_starts_over():
    tmp = tempfile.mkdtemp(prefix="sysq-test-")
    path = os.path.join(tmp, "sysq.conf")
    write_config(path, {"schedule": {"q": {"query": "SELECT 1 AS v", "interval": 1}}})
    with Daemon(f"--config_path={path}", tmp=tmp) as d:
        wait_for(lambda: d.results("q"), timeout=10, what="the first result")
        write_config(path, {"schedule": {"q": {"query": "SELECT 2 AS v", "interval": 1}}})
        d.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: len(d.results("q")) >= 2, timeout=10, what="the new query's result")
        lines = d.results("q")
    check_eq([(r["columns"], r["action"], r["counter"]) for r in lines],
             [({"v": "1"}, "added", 1), ({"v": "2"}, "added", 1)],
             "a query whose SQL changed starts over: no removed row, counter 1")


def test_config_check_validates_flags_too():
    path = write_config(os.path.join(tempfile.mkdtemp(prefix="sysq-test-"), "ok.conf"), "{}")
    r = config_check(path, "--events_max=-1")
    check_eq(r.returncode, 2, "a bad flag fails --config_check")
    check("--events_max" in r.stderr.decode(), r.stderr.decode())
    r = config_check(path)
    check_eq(r.returncode, 0, r.stderr.decode())


if __name__ == "__main__":
    main([test_errors_name_file_line_column, test_pack_file_error_names_the_pack_file,
          test_missing_config, test_unknown_key_warns_with_position,
          test_options_override_flags_and_events_disable_tables,
          test_packs_platform_shard_and_failures, test_out_of_shard_query_does_not_run,
          test_sighup_reload_and_broken_reload, test_changed_sql_starts_over,
          test_config_check_validates_flags_too])
