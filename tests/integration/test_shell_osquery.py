#!/usr/bin/env python3
"""osqueryi habits in sysq shell: a dot command as the SQL argument, list
mode with its separator, and the one-shot output options (--json, --csv,
--line, --list, --header=false, --separator). The daemon runs with
--disable_audit: no audit socket is used."""
import json
import os
import sys

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


if __name__ == "__main__":
    main([test_dot_command_argument, test_output_options, test_mode_list_interactive_commands])
