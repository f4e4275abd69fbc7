#!/usr/bin/env python3
"""osquery habits: a dot command as sysq shell's SQL argument, list mode with
its separator, the one-shot output options (--json, --csv, --line, --list,
--header=false, --separator), and an osquery flagfile whose flags sysq does
not have (accepted with one warning each, or refused with exit 2 and the
reason). Every daemon runs with --disable_audit: no audit socket is used."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import SYSQ, Daemon, check, check_eq, main, run  # noqa: E402

SQL = "SELECT 1 AS n, 'a|b' AS s, NULL AS z"


def test_dot_command_argument():
    with Daemon("--disable_audit") as d:
        r = d.shell(".tables")
        check_eq(r.returncode, 0, f".tables exit status: {r.stderr!r}")
        names = r.stdout.decode().splitlines()
        check("sysq_flags" in names and "sysq_events" in names, f".tables: {names!r}")
        r = d.shell(".tables sysq_fl%")
        check_eq(r.stdout, b"sysq_flags\n", ".tables with a pattern")
        r = d.shell(".schema sysq_flags")
        check_eq(r.returncode, 0, ".schema exit status")
        check(r.stdout.startswith(b"CREATE TABLE sysq_flags(`name` TEXT"),
              f".schema output: {r.stdout!r}")
        r = d.shell("  .schema no_such_table")
        check_eq((r.returncode, r.stdout), (0, b""), ".schema of an unknown table")
        r = d.shell(".nope")
        check_eq(r.returncode, 1, "an unknown dot command fails")
        check(b"unknown or incomplete command: .nope" in r.stderr, f"message: {r.stderr!r}")


def test_output_options():
    with Daemon("--disable_audit") as d:
        r = d.shell(SQL, "--list")
        check_eq(r.stdout, b"n|s|z\n1|a|b|\n", "--list")
        r = d.shell(SQL, "--list", "--header=false")
        check_eq(r.stdout, b"1|a|b|\n", "--list --header=false")
        r = d.shell(SQL, "--list", "--separator=,")
        check_eq(r.stdout, b"n,s,z\n1,a|b,\n", "--list --separator=,")
        r = d.shell(SQL, "--list", "--separator", "\\t", "--noheader")
        check_eq(r.stdout, b"1\ta|b\t\n", "--separator \\t and --noheader")
        r = d.shell(SQL, "--csv", "--header=false")
        check_eq(r.stdout, b'1,a|b,\r\n', "--csv --header=false")
        r = d.shell(SQL, "--csv", "--header=true")
        check_eq(r.stdout, b'n,s,z\r\n1,a|b,\r\n', "--csv --header=true")
        r = d.shell(SQL, "--header=false")
        check_eq(r.stdout.decode().splitlines(), ["+---+-----+--+", "| 1 | a|b |  |",
                                                  "+---+-----+--+"], "pretty without header")
        r = d.shell(SQL, "--json")
        check_eq(json.loads(r.stdout), [{"n": "1", "s": "a|b", "z": None}], "--json")
        r = d.shell(SQL, "--line")
        check_eq(r.stdout, b"n = 1\ns = a|b\nz = \n", "--line")
        r = d.shell(SQL, "--header=maybe")
        check_eq(r.returncode, 2, "a bad --header value")
        check(b"--header: 'maybe' is not a boolean" in r.stderr, f"message: {r.stderr!r}")
        r = run([SYSQ, "shell", f"--control_socket={d.sock}", SQL, "--separator"])
        check_eq(r.returncode, 2, "--separator without a value")
        check(b"--separator needs a value" in r.stderr, f"message: {r.stderr!r}")


def test_mode_list_interactive_commands():
    with Daemon("--disable_audit") as d:
        script = (b".mode list\nSELECT 1 AS a, 2 AS b;\n.separator ;\n.headers off\n"
                  b"SELECT 3 AS a, 4 AS b;\n.mode nope\nSELECT 5 AS five;\n")
        r = run([SYSQ, "shell", f"--control_socket={d.sock}"], input=script)
        check_eq(r.returncode, 0, "script exit status (a bad .mode does not fail it)")
        check_eq(r.stdout, b"a|b\n1|2\n3;4\n5\n", "list mode, .separator and .headers")
        check(b"unknown or incomplete command: .mode" in r.stderr, f"stderr: {r.stderr!r}")


OSQUERY_FLAGS = """# as an osquery deployment writes them
--disable_watchdog=false
--watchdog_level=0
--watchdog_memory_limit=350
--watchdog_utilization_limit=130
--utc
--verbose=false
--logger_min_status=1
--logger_stderr=true
--disable_extensions=true
--extensions_socket=/var/osquery/osquery.em
--schedule_splay_percent=10
--events_expiry=3600
--events_max=4321
--disable_logging=false
"""
IGNORED = ["disable_watchdog", "watchdog_level", "watchdog_memory_limit",
           "watchdog_utilization_limit", "utc", "logger_min_status", "logger_stderr",
           "disable_extensions", "extensions_socket", "schedule_splay_percent",
           "disable_logging"]


def write_flagfile(directory, text):
    fd, path = tempfile.mkstemp(dir=directory, suffix=".flags")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def test_osquery_flagfile_accepted():
    with tempfile.TemporaryDirectory(prefix="sysq-osquery-") as tmp:
        check_osquery_flagfile(tmp, write_flagfile(tmp, OSQUERY_FLAGS))


def check_osquery_flagfile(tmp, flagfile):
    r = run([SYSQ, "daemon", f"--flagfile={flagfile}", "--config_path=", "--config_check",
             f"--database_path={tmp}/db", "--watchdog_level", "2", "--nodisable_watchdog"])
    err = r.stderr.decode()
    check_eq(r.returncode, 0, f"--config_check with osquery's flags: {err}")
    for name in IGNORED:
        check_eq(err.count(f"warning: osquery flag --{name} ignored: "), 1,
                 f"warnings for --{name} in {err!r}")
    check_eq(err.count("warning: "), len(IGNORED), f"no other warnings: {err!r}")

    # A daemon started on it runs with its sysq flags applied; the shell
    # reads the same flagfile for the socket and says nothing about it.
    with Daemon("--disable_audit", f"--flagfile={flagfile}", "--watchdog_delay", "60") as d:
        rows = d.query("SELECT value, source FROM sysq_flags WHERE name = 'events_max'")
        check_eq(rows, [{"value": "4321", "source": "flagfile"}], "events_max from the flagfile")
        check_eq(d.log_text().count("osquery flag --watchdog_delay ignored: "), 1,
                 "the command line's ignored flag is warned about once")
        with open(flagfile, "a") as f:
            f.write(f"--control_socket={d.sock}\n")
        r = run([SYSQ, "shell", f"--flagfile={flagfile}", "SELECT 3 AS three"])
        check_eq((r.returncode, r.stdout), (0, b"+-------+\n| three |\n+-------+\n| 3     |\n"
                                                b"+-------+\n"), "the shell on that flagfile")
        check_eq(r.stderr, b"", "the shell warns about nothing")


REFUSED = [
    ("--utc=false\n", "--utc=false", "sysq writes every time in UTC"),
    ("--disable_logging=true\n", "--disable_logging=true", "always writes its schedule"),
    ("--logger_mode=420\n", "--logger_mode=420", "mode 0640"),
    ("--extensions_require=custom\n", "--extensions_require=custom",
     "a required extension can never be there"),
]


def test_osquery_flags_refused():
    with tempfile.TemporaryDirectory(prefix="sysq-osquery-") as tmp:
        for text, flag, why in REFUSED:
            flagfile = write_flagfile(tmp, "--disable_watchdog=true\n" + text)
            r = run([SYSQ, "daemon", f"--flagfile={flagfile}", "--config_path=",
                     "--config_check"])
            err = r.stderr.decode()
            check_eq(r.returncode, 2, f"exit status for {flag} in a flagfile: {err}")
            check(f"{flagfile}:2:3: {flag}: " in err and why in err, f"message: {err!r}")
    r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", "--config_check", "--noutc"])
    check_eq(r.returncode, 2, "exit status for --noutc")
    check(b"sysq daemon: --noutc: sysq writes every time in UTC" in r.stderr,
          f"message: {r.stderr!r}")
    r = run([SYSQ, "daemon", "--flagfile=", "--config_path=", "--config_check",
             "--watchdog"])
    check_eq(r.returncode, 2, "a name outside the list is still unknown")
    check(b"unknown flag --watchdog" in r.stderr, f"message: {r.stderr!r}")


if __name__ == "__main__":
    main([test_dot_command_argument, test_output_options, test_mode_list_interactive_commands,
          test_osquery_flagfile_accepted, test_osquery_flags_refused])
