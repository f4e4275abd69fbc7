#!/usr/bin/env python3
"""sysq leaves the kernel's audit state exactly as it found it.

Checked with Debian's auditctl: the status settings and the full rule list
(including another tool's rule) are identical before and after a run; a
kill -9 leaves stale rules that the next start removes, and that run's
clean exit restores the settings the crashed run had found.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (AUDITCTL, Daemon, audit_pid, audit_rules, audit_settings,  # noqa: E402
                      check, check_eq, main, run)

FOREIGN = ["-a", "always,exit", "-F", "arch=b64", "-S", "unlinkat", "-k", "foreign_tool"]


def sysq_rules():
    return [r for r in audit_rules() if "key=sysq" in r]


def without_sysq_rules(rules):
    """A machine may carry stale sysq rules from a crashed run; the daemon
    removes those on start by design, so they are not part of what a clean
    stop must restore."""
    return [r for r in rules if "key=sysq" not in r]


def test_state_restored_with_foreign_rule():
    original = audit_settings()
    run([AUDITCTL] + FOREIGN, check=True)
    try:
        before_rules = audit_rules()
        before = audit_settings()
        with Daemon() as d:
            check_eq(audit_pid(), d.proc.pid, "audit pid while running")
            check_eq(audit_settings()["enabled"], 1, "enabled while running")
            check_eq(len(sysq_rules()), 2, "sysq rules while running (b64 and b32)")
            check(all("execve" in r and "execveat" in r for r in sysq_rules()),
                  f"sysq rules cover execve and execveat: {sysq_rules()}")
            check(any("foreign_tool" in r for r in audit_rules()), "foreign rule kept")
        check_eq(audit_settings(), before, "audit settings after a clean stop")
        check_eq(audit_rules(), without_sysq_rules(before_rules), "rule list after a clean stop")
        check_eq(audit_pid(), 0, "audit pid after a clean stop")
    finally:
        run([AUDITCTL, "-d"] + FOREIGN[1:])
    check_eq(audit_settings(), original, "settings at the end")


def test_enabled_audit_stays_enabled():
    original = audit_settings()
    run([AUDITCTL, "-e", "1"], check=True)
    try:
        with Daemon():
            pass
        check_eq(audit_settings()["enabled"], 1, "audit found enabled must stay enabled")
    finally:
        run([AUDITCTL, "-e", str(original["enabled"])], check=True)


def test_kill9_then_restart():
    original = audit_settings()
    before_rules = audit_rules()
    d = Daemon().start()
    d.kill9()
    check_eq(len(sysq_rules()), 2, "a crashed run leaves its rules")
    check(audit_settings() != original or original["enabled"] == 1,
          "a crashed run leaves its settings")
    d2 = Daemon(tmp=d.tmp).start()  # same database: it remembers what was found
    try:
        check_eq(len(sysq_rules()), 2, "stale rules replaced, not duplicated")
        check("stale" in d2.log_text(), "the restart says it removed stale rules")
    finally:
        check_eq(d2.stop(), 0, "exit status of a clean stop")
    check_eq(audit_rules(), without_sysq_rules(before_rules),
             "rules after the restart's clean stop")
    check_eq(audit_settings(), original, "settings restored to what the crashed run found")


def test_disable_audit_touches_nothing():
    before = (audit_settings(), audit_rules())
    with Daemon("--disable_audit") as d:
        check_eq(audit_pid(), 0, "no audit pid with --disable_audit")
        check_eq((audit_settings(), audit_rules()), before, "state while running")
        rows = d.query("SELECT * FROM sysq_events")
        check_eq(rows, [], "no publishers or subscribers")


def test_no_config_leaves_rules_alone():
    before = (audit_settings(), audit_rules())
    with Daemon("--audit_allow_config=false") as d:
        check_eq(audit_pid(), d.proc.pid, "still the audit daemon")
        check_eq((audit_settings(), audit_rules()), before, "no rules, no settings changed")
    check_eq((audit_settings(), audit_rules()), before, "state after")


if __name__ == "__main__":
    main([test_state_restored_with_foreign_rule, test_enabled_audit_stays_enabled,
          test_kill9_then_restart, test_disable_audit_touches_nothing,
          test_no_config_leaves_rules_alone])
