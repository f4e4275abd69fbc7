#!/bin/bash
# Quick start: installs what sysq needs, builds it, installs /usr/local/bin/sysq
# and starts the agent in the background on the default paths
# (/var/lib/sysq/sysq.db, /run/sysq/sysq.sock). Run as root from the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYSQ_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target sysq
cmake --install build --prefix /usr/local >/dev/null

pidfile=/run/sysq/sysq.pid
if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "run-agent: stopping the running agent (pid $(cat "$pidfile")) to start the new build"
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 50); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
fi

if pgrep -x auditd >/dev/null; then
    echo "run-agent: note: auditd is running and owns the audit socket; sysq will wait" \
         "for it to stop (see docs/troubleshooting.md)" >&2
fi

mkdir -p /var/log/sysq
chmod 0750 /var/log/sysq
/usr/local/bin/sysq daemon --daemonize >>/var/log/sysq/daemon.log 2>&1

for _ in $(seq 100); do
    if /usr/local/bin/sysq shell "SELECT 1" >/dev/null 2>&1; then
        cat <<MSG
sysq is running (pid $(cat "$pidfile")); its log is /var/log/sysq/daemon.log.
Run a few commands, then query what they did:

    sysq shell "SELECT pid, path, cmdline FROM process_events"
    sysq shell                      # interactive; try .tables and .schema

Stop it with: kill \$(cat $pidfile)
MSG
        exit 0
    fi
    sleep 0.1
done
echo "run-agent: the agent did not come up; last lines of /var/log/sysq/daemon.log:" >&2
tail -n 20 /var/log/sysq/daemon.log >&2
exit 1
