#!/usr/bin/env python3
"""user_events from a real PAM stack: `su` run by root opens and closes a
session, and `su` run by nobody with a wrong password fails to authenticate.
No audit rule is involved: PAM sends these messages itself. sudo's USER_CMD
and PAM's pre-2008 message shape are sent through the audit socket as
libaudit sends them (sudo is not installed here)."""
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import Daemon, check, check_eq, main, wait_for  # noqa: E402

SESSION_TYPES = {1100, 1101, 1103, 1104, 1105, 1106}
COLUMNS = "uid, auid, pid, type, path, address, terminal, message, op, acct, res"


def test_su_session():
    with Daemon() as d:
        su = subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c", "true"])
        check_eq(su.returncode, 0, "su exit status")
        # su is the child of this run; its pid is not known before, so
        # find it by what PAM reported.
        rows = wait_for(lambda: (lambda r: r if {int(x["type"]) for x in r} >= SESSION_TYPES
                                 else None)(d.query(
                                     f"SELECT {COLUMNS} FROM user_events WHERE path = "
                                     f"'/usr/bin/su' AND acct = 'nobody'")),
                        what="the PAM session's messages")
        check_eq({int(r["type"]) for r in rows}, SESSION_TYPES, "message types")
        for r in rows:
            check_eq(r["res"], "success", f"res of {r['type']}")
            check_eq(r["uid"], "0", f"uid of {r['type']}")
            check_eq(r["address"], "?", "address")
            check(r["message"].startswith(f"op={r['op']} "), f"message {r['message']!r}")
        opened = [r for r in rows if r["type"] == "1105"]
        check("op=PAM:session_open" in opened[0]["message"], "session_open message")
        check(all(r["pid"] == rows[0]["pid"] for r in rows), "one su process")


def su_with_wrong_password():
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("setpriv", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              "su", "root", "-c", "true"])
    out, deadline = b"", time.monotonic() + 15
    while b"assword" not in out:
        check(time.monotonic() < deadline, f"no password prompt: {out!r}")
        if select.select([fd], [], [], 0.2)[0]:
            out += os.read(fd, 1024)
    os.write(fd, b"not-the-password\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status)


def test_failed_authentication():
    with Daemon() as d:
        check_eq(su_with_wrong_password(), 1, "su exit status after a wrong password")
        rows = wait_for(lambda: d.query(
            f"SELECT {COLUMNS} FROM user_events WHERE type = 1100 AND res = 'failed' "
            f"AND acct = 'root' AND uid = 65534"), what="the failed USER_AUTH message")
        check_eq(rows[0]["path"], "/usr/bin/su", "path")
        check(rows[0]["terminal"].startswith("/dev/pts/"), f"terminal {rows[0]['terminal']}")
        check("res=failed" in rows[0]["message"], "message says failed")


def test_can_be_turned_off():
    with Daemon("--audit_allow_user_events=false") as d:
        subprocess.run(["su", "-s", "/bin/sh", "nobody", "-c", "true"], check=True)
        time.sleep(1)
        check_eq(d.query("SELECT name FROM sysq_events WHERE name = 'user_events'"), [],
                 "no user_events subscriber")
        r = d.shell("SELECT * FROM user_events")
        check_eq(r.returncode, 1, "the table does not exist")


def send_user_message(mtype, text):
    """What libaudit's audit_send does: the text as a netlink message of
    the record type, acknowledged by the kernel."""
    body = text.encode() + b"\0"
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)  # NETLINK_AUDIT
    s.send(struct.pack("=IHHII", 16 + len(body), mtype, 0x5, 1, 0) + body)  # REQUEST|ACK
    ack = s.recv(4096)
    s.close()
    check_eq(struct.unpack_from("=i", ack, 16)[0], 0, "the kernel took the message")


def test_sudo_command_and_old_pam_shape():
    exe = os.path.realpath(sys.executable)
    with Daemon() as d:
        send_user_message(1123, 'cwd="/tmp" cmd=%s exe="%s" terminal=pts/0 res=success'
                          % (b"ls -la '/root dir'".hex().upper(), exe))
        send_user_message(1105, 'PAM: session open acct=root : exe="%s" (hostname=?, '
                          'addr=?, terminal=cron res=success)' % exe)
        rows = wait_for(lambda: (lambda r: r if len(r) == 2 else None)(d.query(
            f"SELECT type, path, cmd, acct, address, terminal, res FROM user_events "
            f"WHERE pid = {os.getpid()} ORDER BY type")), what="the two messages")
        check_eq(rows[0], {"type": "1105", "path": exe, "cmd": None, "acct": "root",
                           "address": "?", "terminal": "cron", "res": "success"},
                 "the old PAM shape, read as ausearch reads it")
        check_eq(rows[1]["cmd"], "ls -la '/root dir'", "USER_CMD's command, decoded")
        check_eq(rows[1]["path"], exe, "USER_CMD's path, from exe")


if __name__ == "__main__":
    main([test_su_session, test_failed_authentication, test_can_be_turned_off,
          test_sudo_command_and_old_pam_shape])
