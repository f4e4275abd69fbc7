#!/usr/bin/env python3
"""The Debian package, installed with the real dpkg: layout, modes and
owners, conffiles, the installed defaults passing --config_check and
starting a daemon, systemd-analyze verify on the unit, an upgrade that
keeps an edited conffile, a world-writable config refused, and a purge
that leaves nothing behind.

The packages are built with cpack from this build tree. dpkg then runs
in a private mount namespace whose /etc, /usr, /var and /run are overlays
on the machine's: dpkg, its database and the maintainer scripts are real,
but what they change vanishes with the namespace, so the test neither
disturbs a sysq the machine already runs nor leaves anything behind if it
fails halfway."""
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from sysqtest import check, check_eq, main, run, wait_for  # noqa: E402

BUILD_DIR = os.environ.get("SYSQ_BUILD_DIR", "")
OVERLAID = ("etc", "usr", "var", "run")
SYSQ = "/usr/bin/sysq"
UNIT = "/lib/systemd/system/sysq.service"
RUNTIME_PATHS = ["/etc/sysq", "/var/lib/sysq", "/var/log/sysq", "/run/sysq",
                 "/etc/systemd/system/multi-user.target.wants/sysq.service",
                 "/var/lib/systemd/deb-systemd-helper-enabled/sysq.service.dsh-also",
                 "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/"
                 "sysq.service",
                 "/var/lib/systemd/deb-systemd-helper-masked/sysq.service"]


def cpack(out, version=None):
    cmd = ["cpack", "-G", "DEB", "-B", out]
    if version:
        cmd += ["-D", f"CPACK_PACKAGE_VERSION={version}"]
    r = run(cmd, cwd=BUILD_DIR)
    check(r.returncode == 0, f"cpack failed:\n{r.stdout.decode()}{r.stderr.decode()}")
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    check_eq(len(debs), 1, f"one package in {out}")
    return os.path.join(out, debs[0])


def package_version(deb):
    return run(["dpkg-deb", "-f", deb, "Version"], check=True).stdout.decode().strip()


# --- inside the namespace ---------------------------------------------------

def overlay_system(scratch):
    for d in OVERLAID:
        upper, work = os.path.join(scratch, "upper", d), os.path.join(scratch, "work", d)
        os.makedirs(upper)
        os.makedirs(work)
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        f"lowerdir=/{d},upperdir={upper},workdir={work}", f"/{d}"], check=True)
    # The maintainer scripts must not talk to the machine's systemd.
    shutil.rmtree("/run/systemd/system", ignore_errors=True)


def dpkg(*args):
    r = run(["dpkg", *args])
    check(r.returncode == 0, f"dpkg {' '.join(args)} failed:\n{r.stdout.decode()}"
                             f"{r.stderr.decode()}")
    return r


def status():
    r = run(["dpkg-query", "-W", "-f=${Status} ${Version}", "sysq"])
    return r.stdout.decode() if r.returncode == 0 else "not known"


def check_mode(path, mode, kind=stat.S_ISREG):
    st = os.lstat(path)
    check(kind(st.st_mode), f"{path} is the right kind of file")
    check_eq((oct(stat.S_IMODE(st.st_mode)), st.st_uid, st.st_gid), (oct(mode), 0, 0),
             f"mode and owner of {path}")


def check_installed_layout(version):
    check_eq(status(), f"install ok installed {version}", "package status")
    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "sysq"]).stdout.decode()
    for f in ("/etc/sysq/sysq.flags", "/etc/sysq/sysq.conf"):
        check(f in conffiles, f"{f} is a conffile: {conffiles!r}")
        check_mode(f, 0o644)
    check_mode(SYSQ, 0o755)
    check_mode(UNIT, 0o644)
    check_mode("/var/lib/sysq", 0o700, stat.S_ISDIR)
    check_mode("/var/log/sysq", 0o750, stat.S_ISDIR)
    for doc in ("install.md", "configuration.md", "tables.md", "troubleshooting.md",
                "packs/incident-response.conf", "packs/network.conf"):
        check(os.path.isfile(f"/usr/share/doc/sysq/{doc}"), f"doc {doc} installed")
    depends = run(["dpkg-query", "-W", "-f=${Depends}", "sysq"]).stdout.decode()
    for lib in ("libc6", "libsqlite3-0", "libcjson1", "zlib1g"):
        check(lib in depends, f"Depends names {lib}: {depends}")
    # The metrics endpoint's library and page (docs/metrics.md).
    check("libmicrohttpd" in depends, f"Depends names libmicrohttpd: {depends}")
    check(os.path.isfile("/usr/share/doc/sysq/metrics.md"), "doc metrics.md installed")
    # The fleet client's HTTPS library, and its operator doc.
    check("libcurl4" in depends, f"Depends names libcurl4: {depends}")
    check(os.path.isfile("/usr/share/doc/sysq/fleet.md"), "doc fleet.md installed")


def check_defaults_and_packs():
    r = run([SYSQ, "daemon", "--flagfile=/etc/sysq/sysq.flags", "--config_check"])
    check_eq(r.returncode, 0, f"--config_check of the installed defaults: {r.stderr.decode()}")
    check("3 scheduled queries" in r.stdout.decode(), r.stdout.decode())
    # The example packs are valid too.
    shutil.copytree("/usr/share/doc/sysq/packs", "/etc/sysq/packs")
    conf = os.path.join(os.environ["SYSQ_SCRATCH"], "packs.conf")
    with open(conf, "w") as f:
        f.write('{"packs": {"ir": "/etc/sysq/packs/incident-response.conf",'
                ' "net": "/etc/sysq/packs/network.conf"}}')
    r = run([SYSQ, "daemon", "--flagfile=", f"--config_path={conf}", "--config_check"])
    check_eq(r.returncode, 0, f"the example packs: {r.stderr.decode()}")
    check("5 scheduled queries" in r.stdout.decode(), r.stdout.decode())
    shutil.rmtree("/etc/sysq/packs")


def check_unit():
    r = run(["systemd-analyze", "verify", UNIT])
    out = (r.stdout + r.stderr).decode()
    check_eq(r.returncode, 0, f"systemd-analyze verify: {out}")
    check("sysq.service" not in out, f"no complaint about the unit: {out}")


def check_daemon_runs():
    """The installed daemon starts on the installed paths (without audit,
    which the test harness's other daemons use) and stops cleanly."""
    log = open(os.path.join(os.environ["SYSQ_SCRATCH"], "installed-daemon.log"), "wb")
    p = subprocess.Popen([SYSQ, "daemon", "--flagfile=/etc/sysq/sysq.flags",
                          "--disable_audit"], stdout=log, stderr=log)
    try:
        wait_for(lambda: run([SYSQ, "shell", "SELECT 1"]).returncode == 0, timeout=15,
                 what="the installed daemon's control socket")
        check_mode("/run/sysq/sysq.sock", 0o600, stat.S_ISSOCK)
        check_mode("/var/lib/sysq/sysq.db", 0o600)
        check_mode("/var/log/sysq/sysq.results.log", 0o640)
    finally:
        p.send_signal(signal.SIGTERM)
        check_eq(p.wait(timeout=15), 0, "the installed daemon's exit status")
        log.close()


def check_upgrade_keeps_edited_conffile(deb2, version2):
    with open("/etc/sysq/sysq.conf") as f:
        edited = f.read().replace('"interval": 300', '"interval": 120')
    check('"interval": 120' in edited, "the edit changes the file")
    with open("/etc/sysq/sysq.conf", "w") as f:
        f.write(edited)
    with open("/etc/sysq/sysq.flags") as f:
        shipped_flags = f.read()
    dpkg("-i", deb2)
    check_eq(status(), f"install ok installed {version2}", "status after the upgrade")
    with open("/etc/sysq/sysq.conf") as f:
        check_eq(f.read(), edited, "the edited conffile is kept")
    with open("/etc/sysq/sysq.flags") as f:
        check_eq(f.read(), shipped_flags, "the untouched conffile")
    check(os.path.exists("/var/lib/sysq/sysq.db"), "the database survives the upgrade")


def check_world_writable_refused():
    os.chmod("/etc/sysq/sysq.conf", 0o666)
    r = run([SYSQ, "daemon", "--flagfile=/etc/sysq/sysq.flags", "--config_check"])
    err = r.stderr.decode()
    check_eq(r.returncode, 2, f"a world-writable config: {err}")
    check("/etc/sysq/sysq.conf: mode 0666 lets anyone write it" in err, err)
    os.chmod("/etc/sysq/sysq.conf", 0o644)


def alive(pid):
    """Running, not a zombie: nobody may reap a daemonized process here."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start_direct_agent():
    """Start the agent without systemd, as tools/run-agent.sh does there."""
    log = os.path.join(os.environ["SYSQ_SCRATCH"], "direct-daemon.log")
    with open(log, "ab") as f:
        r = subprocess.run([SYSQ, "daemon", "--flagfile=/etc/sysq/sysq.flags",
                            "--disable_audit", "--daemonize"], stdout=f, stderr=f)
    check_eq(r.returncode, 0, "sysq daemon --daemonize")
    wait_for(lambda: run([SYSQ, "shell", "SELECT 1"]).returncode == 0, timeout=15,
             what="the daemonized agent's control socket")
    with open("/run/sysq/sysq.pid") as f:
        pid = int(f.read().strip())
    check(alive(pid), f"the daemonized agent (pid {pid}) runs")
    return pid


def check_purge_leaves_nothing():
    shared = {"/.", "/etc", "/lib", "/lib/systemd", "/lib/systemd/system", "/usr", "/usr/bin",
              "/usr/share", "/usr/share/doc"}
    files = [f for f in run(["dpkg", "-L", "sysq"]).stdout.decode().splitlines()
             if f and f not in shared]
    check(SYSQ in files and UNIT in files, f"dpkg -L lists the package: {files}")
    pid = start_direct_agent()
    try:
        dpkg("-P", "sysq")
        check(not alive(pid), f"the purge stopped the agent (pid {pid}) started without systemd")
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGTERM)
    check_eq(status(), "not known", "status after the purge")
    left = [f for f in files + RUNTIME_PATHS if os.path.lexists(f)]
    check_eq(left, [], "what the purge left behind")


def inside(scratch, deb1, deb2):
    os.environ["SYSQ_SCRATCH"] = scratch
    overlay_system(scratch)
    if status() != "not known":
        dpkg("-P", "sysq")  # the machine's own sysq, in the overlay only
    v1, v2 = package_version(deb1), package_version(deb2)
    dpkg("-i", deb1)
    steps = [lambda: check_installed_layout(v1), check_defaults_and_packs, check_unit,
             check_daemon_runs, lambda: check_upgrade_keeps_edited_conffile(deb2, v2),
             check_world_writable_refused, check_purge_leaves_nothing]
    for step in steps:
        step()
    print("inside: every package check passed", flush=True)


# --- outside ------------------------------------------------------------------

def test_install_upgrade_purge():
    check(BUILD_DIR and os.path.isfile(os.path.join(BUILD_DIR, "CPackConfig.cmake")),
          "SYSQ_BUILD_DIR names a configured build tree")
    tmp = tempfile.mkdtemp(prefix="sysq-test-package-")
    deb1 = cpack(os.path.join(tmp, "v1"))
    version = package_version(deb1)
    deb2 = cpack(os.path.join(tmp, "v2"), f"{version}+upgrade1")
    check(run(["dpkg", "--compare-versions", package_version(deb2), "gt", version]).returncode
          == 0, "the rebuilt package has a higher version")
    scratch = os.path.join(tmp, "ns")
    os.makedirs(scratch)
    start = time.monotonic()
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                        os.path.abspath(__file__), "--inside", scratch, deb1, deb2])
    check_eq(r.returncode, 0, "the package checks in the namespace")
    print(f"package checks took {time.monotonic() - start:.1f}s", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--inside":
        inside(*sys.argv[2:])
    else:
        main([test_install_upgrade_purge])
