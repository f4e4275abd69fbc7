#!/bin/bash
# Quick start: the fleet install, on this machine. Installs what sysq
# needs, builds the Debian package, installs it (/usr/bin/sysq, the systemd
# unit, the /etc/sysq defaults) and starts the agent: through systemd when
# it runs, else directly with the packaged flagfile. Run as root from the
# repo. An edited /etc/sysq/sysq.conf is kept, as with any upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYSQ_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target sysq
rm -f build/sysq_*.deb
(cd build && cpack -G DEB >/dev/null)
deb=$(ls build/sysq_*.deb)

pidfile=/run/sysq/sysq.pid
stop_direct_agent() {
    if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "run-agent: stopping the running agent (pid $(cat "$pidfile"))"
        kill -TERM "$(cat "$pidfile")"
        for _ in $(seq 100); do
            kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break
            sleep 0.1
        done
    fi
}

# An older quick start installed /usr/local/bin/sysq, which would shadow
# the package's /usr/bin/sysq.
if [[ -e /usr/local/bin/sysq ]]; then
    echo "run-agent: removing /usr/local/bin/sysq left by an older quick start"
    rm -f /usr/local/bin/sysq
fi

systemd=0
[[ -d /run/systemd/system ]] && systemd=1
((systemd)) || stop_direct_agent
echo "run-agent: installing $deb"
dpkg -i --force-confold "$deb" >/dev/null

if pgrep -x auditd >/dev/null; then
    echo "run-agent: note: auditd is running and owns the audit socket; sysq will wait" \
         "for it to stop (see /usr/share/doc/sysq/troubleshooting.md)" >&2
fi

if ((systemd)); then
    systemctl restart sysq
    how="systemd (systemctl status sysq; journalctl -u sysq)"
else
    # No systemd here: start the daemon as the unit would, in the background.
    mkdir -p /run/sysq
    chmod 0700 /run/sysq
    /usr/bin/sysq daemon --flagfile=/etc/sysq/sysq.flags --daemonize \
        >>/var/log/sysq/daemon.log 2>&1
    how="no systemd: started directly, log /var/log/sysq/daemon.log; stop with kill \$(cat $pidfile)"
fi

for _ in $(seq 100); do
    if /usr/bin/sysq shell "SELECT 1" >/dev/null 2>&1; then
        cat <<MSG
sysq $(dpkg-query -W -f='${Version}' sysq) is installed and running: $how.
Run a few commands, then query what they did:

    sysq shell "SELECT pid, path, cmdline FROM process_events"
    sysq shell                      # interactive; try .tables and .schema

Scheduled results (/etc/sysq/sysq.conf) go to /var/log/sysq/sysq.results.log
every minute. Remove everything with: dpkg -P sysq
MSG
        exit 0
    fi
    sleep 0.1
done
echo "run-agent: the agent did not come up; see $how" >&2
[[ -f /var/log/sysq/daemon.log ]] && tail -n 20 /var/log/sysq/daemon.log >&2
exit 1
