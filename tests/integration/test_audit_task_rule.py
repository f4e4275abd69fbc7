#!/usr/bin/env python3
"""Audit without syscall auditing: the "-a never,task" rule.

When sysq needs audit only for userspace messages (here
--audit_allow_process_events=false: user_events alone reads audit), it
installs no syscall rule and adds "-a never,task -F key=sysq", so new tasks
get no audit context. Checked with auditctl: the rule is loaded while the daemon
runs and gone after a clean stop, after SIGKILL plus `sysq restore`, and
after SIGKILL plus a restart; userspace messages still arrive while it is
loaded; nothing is added beside another tool's syscall rule (loaded before,
or added while sysq runs: then sysq deletes its rule), in multicast mode
beside auditd, with --audit_task_never_rule=false, or when exec rules are
needed (the defaults). The audit state is as found afterwards.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import (AUDITCTL, SYSQ, Daemon, audit_rules, audit_settings,  # noqa: E402
                      check, check_eq, exec_workload, force_audit_settings, main, run,
                      wait_for)
from test_multicast import Auditd  # noqa: E402

NEVER_RULE = "-a never,task -F key=sysq"
ONLY_USER_EVENTS = "--audit_allow_process_events=false"
FOREIGN = ["-a", "always,exit", "-F", "arch=b64", "-S", "unlinkat", "-k", "foreign_tool"]
NOT_ADDING = "not adding '-a never,task'"


def sysq_rules():
    return [r for r in audit_rules() if "key=sysq" in r]


def without_sysq_rules(rules):
    """Stale sysq rules a crashed run may have left go by design."""
    return [r for r in rules if "key=sysq" not in r]


def state():
    return audit_settings(), without_sysq_rules(audit_rules())


def send_user_message_from_new_process(text, msg_type):
    """Sends a PAM-like message from a process created now, so one that
    got no audit context if the never,task rule is loaded."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from sysqtest import audit_send_user_message as send; "
            "sys.exit(send(sys.argv[2], int(sys.argv[3])))")
    return subprocess.run([sys.executable, "-c", code, os.path.dirname(__file__), text,
                           str(msg_type)]).returncode


def test_rule_while_running_gone_after_clean_stop():
    before = state()
    with Daemon(ONLY_USER_EVENTS) as d:
        check_eq(sysq_rules(), [NEVER_RULE], "sysq's only rule while running")
        check("added '-a never,task -F key=sysq'" in d.log_text(), "the log says it added it")
    check_eq(audit_rules(), before[1], "rule list after a clean stop")
    check_eq(audit_settings(), before[0], "settings after a clean stop")


def test_user_events_arrive_under_the_rule():
    before = state()
    marker = f"sysq-task-rule-{os.getpid()}-{time.monotonic_ns()}"
    with Daemon(ONLY_USER_EVENTS) as d:
        check_eq(sysq_rules(), [NEVER_RULE], "the rule is loaded")
        text = (f"op=PAM:session_open grantors=pam_unix acct=\"{marker}\" "
                f"exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/9 res=success")
        check_eq(send_user_message_from_new_process(text, 1105), 0,
                 "the kernel accepts the user message")
        rows = wait_for(lambda: d.query(f"SELECT type, acct, res FROM user_events "
                                        f"WHERE acct = '{marker}'"),
                        what="the user message in user_events")
        check_eq(rows, [{"type": "1105", "acct": marker, "res": "success"}], "the row")
        check_eq(sysq_rules(), [NEVER_RULE], "the rule is still loaded")
    check_eq(state(), before, "audit state afterwards")


def restore(d):
    r = run([SYSQ, "restore", "--flagfile=", "--config_path=", f"--database_path={d.db}",
             f"--pidfile={d.pidfile}"], timeout=30)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def test_sigkill_then_restore():
    before = state()
    d = Daemon(ONLY_USER_EVENTS)
    try:
        d.start()
        check_eq(sysq_rules(), [NEVER_RULE], "the rule while running")
        d.kill9()
        check_eq(sysq_rules(), [NEVER_RULE], "a killed run leaves its rule")
        code, out, err = restore(d)
        check_eq(code, 0, f"sysq restore exit status: {err}")
        check("deleted 1 audit rule(s)" in out, f"it says what it deleted: {out!r}")
        check_eq(audit_rules(), before[1], "auditctl -l after sysq restore")
        check_eq(audit_settings(), before[0], "auditctl -s after sysq restore")
    finally:
        if d.proc and d.proc.poll() is None:
            d.kill9()
        if state() != before or sysq_rules():
            force_audit_settings(before[0])


def test_sigkill_then_restart_with_exec_rules():
    """A restart that needs exec rules deletes the dead run's never,task rule
    (it would hide every new process from them) and adds only its own."""
    before = state()
    d = Daemon(ONLY_USER_EVENTS).start()
    d.kill9()
    check_eq(sysq_rules(), [NEVER_RULE], "a killed run leaves its rule")
    with Daemon(tmp=d.tmp) as d2:
        rules = sysq_rules()
        check_eq(len(rules), 2, f"exit rules only: {rules}")
        check(all(r.startswith("-a always,exit") for r in rules), f"no never,task: {rules}")
        pid = exec_workload([b"true", b"after the never,task rule"])
        wait_for(lambda: d2.query(f"SELECT pid FROM process_events WHERE pid = {pid}"),
                 what="exec rows once the never,task rule is gone")
    check_eq(state(), before, "audit state afterwards")


def test_foreign_rule_loaded_before():
    before = state()
    run([AUDITCTL] + FOREIGN, check=True)
    try:
        with_foreign = audit_rules()
        with Daemon(ONLY_USER_EVENTS) as d:
            check_eq(sysq_rules(), [], "nothing added beside a foreign syscall rule")
            check_eq(audit_rules(), with_foreign, "the foreign rule untouched")
            time.sleep(2.5)  # a few ticks: the reason is said once, not each second
            check_eq(d.log_text().count(NOT_ADDING), 1, f"said once why: {d.log_text()}")
        check_eq(audit_rules(), with_foreign, "rule list after the stop")
    finally:
        run([AUDITCTL, "-d"] + FOREIGN[1:])
    check_eq(state(), before, "audit state afterwards")


def test_foreign_rule_added_while_running():
    before = state()
    try:
        with Daemon(ONLY_USER_EVENTS) as d:
            check_eq(sysq_rules(), [NEVER_RULE], "the rule before the foreign one comes")
            run([AUDITCTL] + FOREIGN, check=True)
            foreign = [r for r in audit_rules() if "foreign_tool" in r]
            wait_for(lambda: sysq_rules() == [], timeout=10,
                     what="sysq to delete its never,task rule")
            check("another tool added a syscall or task rule" in d.log_text(),
                  f"the log says why: {d.log_text()}")
            check(any("foreign_tool" in r for r in audit_rules()), "the foreign rule kept")
        check_eq(audit_rules(), before[1] + foreign, "only the foreign rule stays")
    finally:
        run([AUDITCTL, "-d"] + FOREIGN[1:])
    check_eq(state(), before, "audit state afterwards")


def test_multicast_beside_auditd_adds_nothing():
    before = state()
    auditd = Auditd()
    try:
        with_auditd = audit_rules()
        with Daemon("--audit_mode=multicast", ONLY_USER_EVENTS) as d:
            check_eq(audit_rules(), with_auditd, "auditd's rules untouched, nothing added")
            check_eq(d.log_text().count("not adding '-a never,task' in multicast mode"), 1,
                     f"said once why: {d.log_text()}")
        check_eq(audit_rules(), with_auditd, "rules after sysq's stop")
    finally:
        auditd.stop()
    check_eq(state(), before, "audit state afterwards")


def test_exec_rules_needed_no_task_rule():
    before = state()
    with Daemon():
        rules = sysq_rules()
        check_eq(len(rules), 2, f"the exec rules: {rules}")
        check(NEVER_RULE not in audit_rules(), "no never,task rule with exec rules")
    check_eq(state(), before, "audit state afterwards")


def test_flag_off():
    before = state()
    with Daemon(ONLY_USER_EVENTS, "--audit_task_never_rule=false"):
        check_eq(sysq_rules(), [], "no rule with --audit_task_never_rule=false")
    check_eq(state(), before, "audit state afterwards")


if __name__ == "__main__":
    main([test_rule_while_running_gone_after_clean_stop, test_user_events_arrive_under_the_rule,
          test_sigkill_then_restore, test_sigkill_then_restart_with_exec_rules,
          test_foreign_rule_loaded_before, test_foreign_rule_added_while_running,
          test_multicast_beside_auditd_adds_nothing, test_exec_rules_needed_no_task_rule,
          test_flag_off])
