#!/usr/bin/env python3
"""Regenerates the seed corpora in tests/fuzz/corpus/ (they are committed).

    tests/fuzz/make_seeds.py

Audit seeds are taken from the real kernel captures in tests/golden/*.log:
single records for fuzz_record (the "type=NAME msg=" prefix replaced by the
2-byte little-endian type and the C escapes of the log format undone), whole
logs for fuzz_event. Records the captures lack (USER_*, AVC, an enriched
auditd line, an event without EOE) are written in the kernel's format. The
other corpora are valid and invalid flagfiles, control-socket reply streams
(agent/control/wire.h), struct audit_rule_data images (linux/audit.h) and
JSON configs.
Existing files in each corpus directory are replaced, except regression-*
inputs (crashes fuzzing found), which stay as regression tests.
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "golden")
CORPUS = os.path.join(HERE, "corpus")

TYPES = {"SYSCALL": 1300, "PATH": 1302, "SOCKADDR": 1306, "CWD": 1307, "EXECVE": 1309,
         "EOE": 1320, "BPRM_FCAPS": 1321, "PROCTITLE": 1327, "USER": 1005,
         "USER_AUTH": 1100, "USER_ACCT": 1101, "CRED_ACQ": 1103, "CRED_DISP": 1104,
         "USER_START": 1105, "USER_END": 1106, "USER_CMD": 1123, "USER_LOGIN": 1112,
         "AVC": 1400}


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def golden_lines(case):
    with open(os.path.join(GOLDEN, case + ".log"), "rb") as f:
        return f.read().splitlines()


def c_unescape(s):
    """Reverses c_escape_append (\\\\, \\n, \\t, \\xHH), as the log parser does."""
    def one(m):
        e = m.group(1)
        if e.startswith(b"x"):
            return bytes([int(e[1:], 16)])
        return {b"\\": b"\\", b"n": b"\n", b"t": b"\t"}[e]

    return re.sub(rb"\\(\\|n|t|x[0-9a-fA-F]{2})", one, s)


def record_seed(line):
    m = re.match(rb"type=(\S+) msg=(.*)$", line)
    return struct.pack("<H", TYPES[m.group(1).decode()]) + c_unescape(m.group(2))


def first(lines, name, pred=lambda l: True):
    return next(l for l in lines if l.startswith(b"type=" + name + b" ") and pred(l))


def shrink_chunks(line):
    """Shortens aN[i]=HEX values so a chunked-argument event stays small."""
    return re.sub(rb"(a\d+\[\d+\]=)([0-9A-F]{32})[0-9A-F]*", rb"\1\2", line)


def records():
    cwd = golden_lines("cwd_spaces")
    special = golden_lines("special_args")
    long_arg = golden_lines("long_arg")
    many = golden_lines("many_records")
    h = "fuzz_record"
    write(h, "syscall_execve", record_seed(first(cwd, b"SYSCALL")))
    write(h, "syscall_execveat", record_seed(first(golden_lines("execveat"), b"SYSCALL")))
    write(h, "execve_special", record_seed(first(special, b"EXECVE")))
    write(h, "execve_chunked", record_seed(shrink_chunks(first(long_arg, b"EXECVE"))))
    write(h, "execve_continued", record_seed(many[3]))
    write(h, "cwd_hex", record_seed(first(cwd, b"CWD")))
    write(h, "path_item0", record_seed(first(cwd, b"PATH")))
    write(h, "proctitle", record_seed(first(cwd, b"PROCTITLE")))
    write(h, "bprm_fcaps", record_seed(first(cwd, b"BPRM_FCAPS")))
    write(h, "eoe", record_seed(first(cwd, b"EOE")))
    # Captured socket calls: SOCKADDR of each family, from the kernel.
    for i, line in enumerate(l for l in golden_lines("sockets") if l.startswith(b"type=SOCKADDR")):
        write(h, "sockaddr_%02d" % i, record_seed(line))
    # Captured PAM messages (su allowed, su with a wrong password).
    for i, line in enumerate(golden_lines("pam_su")):
        write(h, "pam_%02d" % i, record_seed(line))
    # Userspace messages, as pam/sudo/sshd send them through the kernel.
    write(h, "user_cmd", struct.pack("<H", 1123) +
          b"audit(1795560600.100:2700): pid=5400 uid=1000 auid=1000 ses=3 "
          b"subj=unconfined msg='cwd=\"/home/u\" cmd=6C73202D6C61 exe=\"/usr/bin/sudo\" "
          b"terminal=pts/0 res=success'")
    write(h, "user_login", struct.pack("<H", 1112) +
          b"audit(1795560600.200:2701): pid=812 uid=0 auid=1000 ses=4 msg='op=login "
          b"id=1000 exe=\"/usr/sbin/sshd\" hostname=10.0.0.1 addr=10.0.0.1 "
          b"terminal=/dev/pts/1 res=success'")
    write(h, "user_1005", struct.pack("<H", 1005) +
          b"audit(1795560600.300:2702): pid=1 uid=0 auid=4294967295 ses=4294967295 "
          b"msg='hello world'")
    write(h, "avc_prose", struct.pack("<H", 1400) +
          b"audit(1795560600.400:2703): avc:  denied  { read } for  pid=77 comm=\"cat\" "
          b"name=\"shadow\" dev=\"dm-0\" ino=12 scontext=system_u:system_r:httpd_t:s0 "
          b"tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0")
    # Prose sysq names fields from: a permission set, the old LOGIN format.
    write(h, "avc_named", struct.pack("<H", 1400) +
          b"audit(1170021493.977:293): avc:  denied  { read write } for  pid=13010 "
          b"comm=\"pickup\" tclass=dir")
    write(h, "login_old_new", struct.pack("<H", 1006) +
          b"audit(1170021601.343:296): login pid=13015 uid=0 old auid=4294967295 new auid=0")
    write(h, "null_values", struct.pack("<H", 1300) +
          b"audit(1795560600.500:2704): arch=c000003e syscall=59 success=no exit=-2 "
          b"pid=-1 auid=4294967295 tty=(none) comm=(null) exe=(null) key=(null)")


def events():
    h = "fuzz_event"
    for case in ("cwd_spaces", "execveat", "special_args", "many_args", "many_records",
                 "sockets", "pam_su"):
        write(h, case, b"\n".join(golden_lines(case)) + b"\n")
    write(h, "long_arg_shrunk",
          b"\n".join(shrink_chunks(l) for l in golden_lines("long_arg")) + b"\n")
    cwd = golden_lines("cwd_spaces")
    special = golden_lines("special_args")
    # Two exec events interleaved, with a standalone USER_CMD in between.
    user = (b"type=USER_CMD msg=audit(1795560596.418:2654): pid=5400 uid=1000 auid=1000 "
            b"ses=3 msg='cwd=\"/home/u\" cmd=6C73 exe=\"/usr/bin/sudo\" res=success'")
    inter = []
    for a, b in zip(cwd, special):
        inter += [a, b]
    inter.insert(3, user)
    write(h, "interleaved", b"\n".join(inter) + b"\n")
    # An event whose EOE never comes, then a complete one.
    write(h, "no_eoe", b"\n".join(special[:-1] + cwd) + b"\n")
    # auditd's enriched format: translated fields after a GS byte.
    enriched = [l + b"\x1dARCH=x86_64 SYSCALL=execve AUID=\"unset\" UID=\"root\""
                if l.startswith(b"type=SYSCALL") else l for l in cwd]
    write(h, "enriched", b"\n".join(enriched) + b"\n")
    # Types by number, and an EXECVE with C escapes in the log line.
    unk = [re.sub(rb"^type=(PATH|BPRM_FCAPS) ", lambda m: b"type=UNKNOWN[%d] " %
                  TYPES[m.group(1).decode()], l) for l in special]
    write(h, "unknown_types", b"\n".join(unk) + b"\n")
    # A real capture of sysq-test-life with the fork, kill and exit rules:
    # fork, vfork, clone, clone3 (one a thread's), exit, exit_group, kill,
    # tkill and tgkill (with its OBJ_PID record).
    with open(os.path.join(HERE, "captures", "lifecycle.log"), "rb") as f:
        write(h, "lifecycle", f.read())


def flagfiles():
    h = "fuzz_flagfile"
    write(h, "valid", b"# sysq flags\n\n--verbose\n--noaudit_debug\n--events_max=100\n"
          b"-database_path=/tmp/sysq test.db\n  --audit_backlog_limit=8192  \n"
          b"--disable_audit=false\n--control_socket=/run/sysq/other.sock\n")
    write(h, "osquery", b"--disable_events=false\n--disable_audit=false\n"
          b"--audit_allow_config=true\n--audit_persist=true\n"
          b"--audit_allow_process_events=true\n--events_expiry=3600\n"
          b"--events_max=50000\n--audit_backlog_wait_time=0\n")
    write(h, "osquery_ignored", b"--disable_watchdog=true\n--watchdog_level=0\n"
          b"--watchdog_level 1\n--utc\n--disable_logging=false\n--read_max=1\n--events_max=9\n")
    write(h, "osquery_refused", b"--disable_watchdog\n--utc=false\n")
    write(h, "bools", b"--daemonize=yes\n--verbose=OFF\n--audit_debug=t\n--disable_events=0\n")
    write(h, "crlf_no_final_newline", b"--verbose\r\n--events_max=5\r\n--pidfile=/tmp/p")
    write(h, "unknown_flag", b"--verbose\n--no_such_flag=1\n")
    write(h, "out_of_range", b"--store_queue_size=1\n")
    write(h, "int_garbage", b"--events_max=12abc\n")
    write(h, "nested_flagfile", b"--flagfile=/etc/sysq/other.flags\n")
    write(h, "bad_bool", b"--verbose=maybe\n")
    write(h, "not_a_flag", b"verbose=true\n")
    write(h, "empty_value", b"--database_path=\n")
    write(h, "needs_value", b"--events_expiry\n")
    write(h, "space_value", b"--control_query_timeout 30\n")


def frame(kind, payload):
    return kind + struct.pack(">I", len(payload)) + payload


def columns(*names):
    return frame(b"C", struct.pack(">I", len(names)) +
                 b"".join(struct.pack(">I", len(n)) + n for n in names))


def row(*values):
    out = b""
    for v in values:
        if v is None:
            out += b"\x00"
        elif isinstance(v, int):
            out += b"\x01" + struct.pack(">q", v)
        elif isinstance(v, float):
            out += b"\x02" + struct.pack(">d", v)
        elif isinstance(v, str):
            out += b"\x03" + struct.pack(">I", len(v.encode())) + v.encode()
        else:
            out += b"\x04" + struct.pack(">I", len(v)) + v
    return frame(b"R", out)


def done(n):
    return frame(b"D", struct.pack(">Q", n))


def wire():
    h = "fuzz_wire"
    # Byte 0: output mode (% 5: pretty, json, csv, line, list), headers
    # when (byte / 5) % 2 == 0.
    typed = (columns(b"n", b"pid", b"ratio", b"cmdline", b"blob") +
             row(None, 4242, 0.5, "ls -la 'a b' \u00e9\n\x1b[31m", b"\xff\x00\xfe") +
             row(1, -9223372036854775808, -1e300, "", b"") + done(2))
    for mode, name in enumerate(("pretty", "json", "csv", "line", "list")):
        write(h, "all_types_" + name, bytes([mode]) + typed)
    write(h, "list_no_headers", bytes([9]) + typed)
    two = (columns(b"a", b"b") + row(1, "x") + row(2, "y") + columns(b"count(*)") +
           row(2) + done(3))
    write(h, "two_statements_pretty", bytes([0]) + two)
    write(h, "empty_result_json", bytes([1]) + columns(b"pid", b"path") + done(0))
    write(h, "error_json", bytes([1]) + columns(b"x") + row("partial") +
          frame(b"E", b"no such table: nope"))
    write(h, "error_only", bytes([0]) + frame(b"E", b"SQL logic error"))
    write(h, "truncated_frame", bytes([1]) + columns(b"pid") + b"R\x00\x00\x01\x00\x01")
    write(h, "row_before_columns", bytes([2]) + row("orphan") + done(1))


AUDIT_FILTER_EXIT, AUDIT_ALWAYS, AUDIT_EQUAL = 0x04, 2, 0x40000000
AUDIT_ARCH, AUDIT_PERM, AUDIT_WATCH, AUDIT_EXE, AUDIT_FILTERKEY = 11, 106, 105, 112, 210
AUDIT_SUBJ_USER = 13


def rule(fields, syscalls=(59, 322)):
    """fields: (field, value or bytes) pairs; bytes go to buf, value = length."""
    mask = [0] * 64
    for nr in syscalls:
        mask[nr // 32] |= 1 << (nr % 32)
    f, v, ff, buf = [0] * 64, [0] * 64, [0] * 64, b""
    for i, (field, val) in enumerate(fields):
        f[i], ff[i] = field, AUDIT_EQUAL
        if isinstance(val, bytes):
            v[i] = len(val)
            buf += val
        else:
            v[i] = val
    return (struct.pack("<3I", AUDIT_FILTER_EXIT, AUDIT_ALWAYS, len(fields)) +
            struct.pack("<64I", *mask) + struct.pack("<64I", *f) + struct.pack("<64I", *v) +
            struct.pack("<64I", *ff) + struct.pack("<I", len(buf)) + buf)


def rules():
    h = "fuzz_rule"
    sysq = rule([(AUDIT_ARCH, 0xc000003e), (AUDIT_FILTERKEY, b"sysq")])
    write(h, "sysq_b64", sysq)
    write(h, "sysq_b32", rule([(AUDIT_ARCH, 0x40000003), (AUDIT_FILTERKEY, b"sysq")],
                              (11, 358)))
    write(h, "key_list", rule([(AUDIT_ARCH, 0xc000003e),
                               (AUDIT_FILTERKEY, b"exec\x01sysq\x01other")]))
    write(h, "watch_then_key", rule([(AUDIT_WATCH, b"/etc/passwd"), (AUDIT_PERM, 0x3),
                                     (AUDIT_FILTERKEY, b"identity")], ()))
    write(h, "exe_selinux_key", rule([(AUDIT_EXE, b"/usr/bin/curl"),
                                      (AUDIT_SUBJ_USER, b"system_u"),
                                      (AUDIT_FILTERKEY, b"sysq")]))
    write(h, "foreign_key", rule([(AUDIT_ARCH, 0xc000003e), (AUDIT_FILTERKEY, b"audit-tools")]))
    write(h, "short", sysq[:100])


def configs():
    h = "fuzz_config"
    full = b"""{
  // osquery-style comment
  "options": {"events_max": 1000, "verbose": true, "logger_plugin": "filesystem,syslog"},
  "schedule": {
    "execs": {"query": "SELECT * FROM process_events", "interval": 60, "removed": false},
    "snap": {"query": "SELECT 1", "interval": 3600, "snapshot": true, "platform": "linux",
             "shard": 50, "denylist": false, "description": "d", "version": "1.0"}
  },
  "packs": {
    "inline": {"platform": "posix", "discovery": ["SELECT 1"], "queries": {
      "q": {"query": "SELECT 2", "interval": 10}}},
    "relative": "packs/missing.conf"
  },
  /* block comment */
  "decorators": {"load": ["SELECT 'a' AS a"], "always": ["SELECT 1 AS b"],
                 "interval": {"3600": ["SELECT 2 AS c"]}},
  "events": {"enable_subscribers": ["process_events"], "disable_subscribers": ["x"]}
}
"""
    write(h, "full", full)
    write(h, "empty_object", b"{}")
    write(h, "broken_comma", b'{"schedule": {"a": {"query": "SELECT 1" "interval": 5}}}')
    write(h, "wrong_type", b'{"schedule": {"a": {"query": "SELECT 1", "interval": "60"}}}')
    write(h, "bad_option", b'{"options": {"events_max": "lots", "no_such": 1}}')
    write(h, "startup_option", b'{"options": {"config_path": "/x", "daemonize": true}}')
    write(h, "unknown_keys", b'{"shedule": {}, "schedule": {"a": {"query": "q", '
                             b'"interval": 1, "intervall": 2}}}')
    write(h, "duplicate_names", b'{"schedule": {"pack_p_q": {"query": "q", "interval": 1}}, '
                                b'"packs": {"p": {"queries": {"q": {"query": "q", '
                                b'"interval": 1}}}}}')
    write(h, "bad_interval_key", b'{"decorators": {"interval": {"soon": ["SELECT 1"]}}}')
    write(h, "nested_escapes", b'{"schedule": {"\u00e9\n\"": {"query": "\ud83d\ude00", '
                               b'"interval": 1}}}')
    write(h, "not_object", b'["schedule"]')
    write(h, "unterminated_comment", b'{"a": 1 /* no end')
    write(h, "absolute_pack", b'{"packs": {"p": "/nonexistent-sysq-fuzz/pack.conf"}}')
    write(h, "kafka_topics", b'{"schedule": {"a": {"query": "SELECT 1", "interval": 1}},\n'
                             b' "kafka_topics": {"t1": ["a", "pack_p_q"], "t.2": ["b"], '
                             b'"x": ["a"], "bad topic": []}}\n')


def remote_replies():
    h = "fuzz_remote_reply"
    write(h, "enroll_ok", b'{"node_key": "FvCVrexvNMFe1p6PgOk71b15hblHWC3i"}')
    write(h, "enroll_id", b'{"id": "abc", "node_key": ""}')
    write(h, "enroll_refused", b'{"error": "enroll failed: no matching secret found", '
                               b'"node_invalid": true}')
    write(h, "key_with_newline", b'{"node_key": "a\\r\\nX-Evil: 1"}')
    write(h, "error_object", b'{"error": {"code": 5, "text": "\\u0000\\n"}}')
    write(h, "config_fleet", b'{"options": {"distributed_interval": 10, "logger_tls_period": 10,'
                             b' "pack_delimiter": "/", "tls_hostname": "evil:443", '
                             b'"logger_path": "/etc"}, "decorators": {"load": ["SELECT 1 AS a"]},'
                             b' "packs": {"Global": {"queries": {"q": {"query": "SELECT 1", '
                             b'"interval": 10}}}, "local": "/etc/shadow"}, '
                             b'"schedule": {"s": {"query": "SELECT 2", "interval": 5, '
                             b'"snapshot": true}}}')
    write(h, "config_node_invalid", b'{"node_invalid": true, "schedule": {}}')
    write(h, "not_object", b'[1, 2]')
    write(h, "truncated", b'{"node_key": "abc')


def distributed_reads():
    h = "fuzz_distributed_read"
    write(h, "fleet_detail", b'{"queries": {"fleet_detail_query_os_version": "SELECT * FROM '
                             b'os_version LIMIT 1", "fleet_detail_query_uptime": "SELECT * '
                             b'FROM uptime"}, "discovery": {"fleet_detail_query_uptime": '
                             b'"SELECT 1"}, "accelerate": 60}')
    write(h, "empty", b'{"queries": {}}')
    write(h, "bad_types", b'{"queries": {"a": 1, "b": "", "c": ["x"], "": "SELECT 1"}, '
                          b'"discovery": {"a": "SELECT 1", "d": null}, "accelerate": "10"}')
    write(h, "bad_shape", b'{"queries": ["SELECT 1"], "discovery": 5}')
    write(h, "huge_accelerate", b'{"queries": {"q": "SELECT 1"}, "accelerate": 1e300}')
    write(h, "negative_accelerate", b'{"accelerate": -5, "queries": null}')
    write(h, "escapes", b'{"queries": {"\\u0000id\\n\\"": "SELECT 1 AS \\u00e9", '
                        b'"\\ud800": "SELECT 2"}}')
    write(h, "node_invalid", b'{"node_invalid": true, "error": "invalid node key"}')


def found_by_fuzzing(name):
    """regression-* (crashes found by fuzzing, now fixed) and inputs named
    by their SHA-1, as libFuzzer names what it adds to a corpus."""
    return name.startswith("regression-") or re.fullmatch(r"[0-9a-f]{40}", name) is not None


def clear(harness):
    """Removes generated seeds; inputs found by fuzzing are kept."""
    d = os.path.join(CORPUS, harness)
    for name in os.listdir(d) if os.path.isdir(d) else []:
        if not found_by_fuzzing(name):
            os.unlink(os.path.join(d, name))


# struct sysq_sock_event (bpf/include/sysq_socket_event.h): a 128-byte
# header, then the sockaddr, the socket's own UNIX path and the exe path.
SOCK_EVENT = struct.Struct("<HHBBHHHHHQQqiIIIIIIHHHH16s16s16sI")


def header_define(header, name):
    """The value of `#define name N` in a bpf/include header, so seeds
    follow the record version the decoder expects."""
    with open(os.path.join(HERE, "..", "..", "bpf", "include", header)) as f:
        return int(re.search(r"#define %s (\d+)" % name, f.read()).group(1))


def sock_event(action, family, ret=0, flags=0x07, sockaddr=b"", local_unix=b"",
               exe=b"/usr/bin/curl", ports=(0, 0), local=b"", peer=b"", collapsed=0):
    size = SOCK_EVENT.size + len(sockaddr) + len(local_unix) + len(exe)
    version = header_define("sysq_socket_event.h", "SYSQ_SOCK_EVENT_VERSION")
    return SOCK_EVENT.pack(version, size, action, flags, family, 6, 1, ports[0], ports[1],
                           123456789, 42, ret, 3, 100, 101, 1, 0, 0, 4294967295,
                           len(sockaddr), len(local_unix), len(exe), family, local, peer,
                           b"curl", collapsed) + sockaddr + local_unix + exe


def bpf_records():
    h = "fuzz_bpf_record"
    sin = struct.pack("<H", 2) + struct.pack(">H", 443) + bytes([127, 0, 0, 1]) + bytes(8)
    sin6 = struct.pack("<H", 10) + struct.pack(">H", 53) + bytes(4) + bytes(15) + b"\x01" + \
        bytes(4)
    write(h, "connect_inet", sock_event(1, 2, sockaddr=sin, ports=(40000, 443),
                                        local=bytes([127, 0, 0, 1]), peer=bytes([127, 0, 0, 1])))
    write(h, "connect_inet6_udp", sock_event(1, 10, sockaddr=sin6, ports=(40001, 53)))
    write(h, "connect_in_progress", sock_event(1, 2, ret=-115, sockaddr=sin))
    write(h, "bind_unix_abstract", sock_event(2, 1, flags=0x01, sockaddr=b"\x01\x00\x00name",
                                              local_unix=b"\x00name"))
    write(h, "listen_unix_path", sock_event(5, 1, flags=0x01, local_unix=b"/run/x.sock"))
    write(h, "accept_no_client", sock_event(3, 2, ret=-11, flags=0x01))
    write(h, "accept4_peer", sock_event(4, 2, ret=5, ports=(80, 51000),
                                        local=bytes([10, 0, 0, 1]), peer=bytes([10, 0, 0, 2])))
    write(h, "truncated_exe", sock_event(1, 2, flags=0x0f, sockaddr=sin, exe=b"/a" * 127))
    write(h, "short_record", sock_event(1, 2, sockaddr=sin)[:100])
    write(h, "send_inet_collapsed", sock_event(6, 2, sockaddr=sin, ports=(40000, 443),
                                               local=bytes([127, 0, 0, 1]),
                                               peer=bytes([127, 0, 0, 1]), collapsed=5))


def listen_addrs():
    """--metrics_listen values, good and bad."""
    h = "fuzz_listen_addr"
    for name, text in [("v4", "127.0.0.1:9750"), ("v4_any", "0.0.0.0:65535"),
                       ("v6", "[::1]:9750"), ("v6_mapped", "[::ffff:10.0.0.1]:80"),
                       ("port_only", ":9750"), ("no_port", "127.0.0.1"),
                       ("name", "localhost:9750"), ("port_zero", "127.0.0.1:0"),
                       ("v6_unbracketed", "::1:80"), ("v6_open", "[::1:80"),
                       ("long_port", "127.0.0.1:000009750"), ("empty_v6", "[]:1")]:
        write(h, name, text.encode())
# struct sysq_exec_event and struct sysq_life_event
# (bpf/include/sysq_exec_event.h): version 2, then the kind.
EXEC_EVENT = struct.Struct("<HHIQQq17IHHHH16s4x")
LIFE_EVENT = struct.Struct("<HHIQQq11IiiiII16s")


def exec_event(args=b"true\0a b\0", path=b"/usr/bin/true", cwd=b"/tmp", flags=0x08,
               nr=59):
    size = EXEC_EVENT.size + len(args) + len(path) + len(cwd)
    version = header_define("sysq_exec_event.h", "SYSQ_EXEC_EVENT_VERSION")
    return EXEC_EVENT.pack(version, 1, size, 123456789, 42, nr, 100, 100, 1, 4294967295, 0, 0, 0,
                           0, 0, 0, 0, 0, 0o100755, 0, 0, args.count(b"\0"), len(args),
                           len(path), len(cwd), flags, 0, b"true") + args + path + cwd


def life_event(kind, nr, target=0, sig=0, code=0, flags=0):
    version = header_define("sysq_exec_event.h", "SYSQ_EXEC_EVENT_VERSION")
    return LIFE_EVENT.pack(version, kind, LIFE_EVENT.size, 123456789, 42, nr, 200, 100,
                           4294967295, 0, 0, 0, 0, 0, 0, 0, 0, target, sig, code, flags, 0,
                           b"sh")


def exec_records():
    h = "fuzz_exec_record"
    write(h, "exec", exec_event())
    write(h, "execveat_fd", exec_event(flags=0x48))
    write(h, "exec_cut_args", exec_event(args=b"true\0cut", flags=0x01))
    write(h, "fork_clone3", life_event(2, 435))
    write(h, "fork_compat", life_event(2, 2, flags=1))
    write(h, "exit_group", life_event(3, 231, code=14))
    write(h, "kill", life_event(4, 62, target=300, sig=15))
    write(h, "tgkill", life_event(4, 234, target=301, sig=2))
    write(h, "kill_other_call", life_event(4, 57, target=300, sig=9))
    write(h, "short_life", life_event(2, 57)[:100])


def proc_files():
    """stat, status, cmdline, io and cgroup texts, 0x1e between them."""
    h = "fuzz_proc_files"
    tail = b"S 42 43 43 0 -1 4194560 100 0 0 0 250 30 0 0 20 5 2 0 123456 0 0\n"
    status = (b"Name:\tx\nTgid:\t77\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
              b"VmSize:\t 2048 kB\nVmRSS:\t 512 kB\n")
    io = b"read_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n"
    for name, stat, args, cgroup in [
            ("plain", b"77 (sleep) " + tail, b"sleep\x0030\x00", b"0::/user.slice\n"),
            ("hostile_comm", b"77 (a) Z 1 (\n\xff) " + tail, b"x\x00a b\x00\xfe\x00",
             b"0::/a\nb:c\n"),
            ("kernel_thread", b"2 (kthreadd) " + tail, b"", b"0::/\n"),
            ("v1_cgroup", b"9 (bash) " + tail, b"  -bash  ", b"12:cpu,cpuacct:/docker/x\n"),
            ("truncated", b"9 (bash) S 1 2", b"\x00\x00", b"nocolon")]:
        write(h, name, b"\x1e".join([stat, status, args, io, cgroup]))


def main():
    for harness in ("fuzz_record", "fuzz_event", "fuzz_flagfile", "fuzz_wire", "fuzz_rule",
                    "fuzz_config", "fuzz_bpf_record", "fuzz_listen_addr", "fuzz_remote_reply",
                    "fuzz_exec_record", "fuzz_proc_files", "fuzz_distributed_read"):
        clear(harness)
    records()
    events()
    flagfiles()
    wire()
    rules()
    configs()
    bpf_records()
    listen_addrs()
    remote_replies()
    exec_records()
    proc_files()
    distributed_reads()


if __name__ == "__main__":
    main()
