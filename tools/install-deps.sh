#!/bin/bash
# Installs the Debian 12 packages sysq needs.
#
#   tools/install-deps.sh          build and run the agent
#   tools/install-deps.sh --test   also everything the tests use
#
# Runs as root. Services that the test packages ship (auditd, rsyslog) are
# installed but not started: only one process can own the kernel audit
# socket, and the tests start their own auditd and rsyslogd when they need
# them.
set -euo pipefail

build_packages=(
    build-essential cmake pkg-config
    clang llvm bpftool
    libbpf-dev libelf-dev zlib1g-dev libsqlite3-dev libcjson-dev
    libedit-dev      # sysq shell: line editing, history, completion
    libcurl4-openssl-dev  # the fleet client's HTTPS (agent/remote)
    dpkg-dev         # dpkg-shlibdeps: the .deb's Depends, for cpack -G DEB
    libmicrohttpd-dev  # --metrics_listen: the Prometheus /metrics and /healthz endpoint
    librdkafka-dev   # --logger_plugin=kafka_producer; its mock cluster for the test helper
)
test_packages=(
    python3          # integration tests and their harness
    auditd           # auditctl: an independent oracle for audit state and rules
    bpftrace         # a reference configuration in tools/bench/syscall_overhead.sh
    util-linux       # setpriv: the shell as nobody (security test); taskset: the fork storm; unshare: the container test
    libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for clang
    rsyslog          # a real syslog daemon for the syslog results logger test
    systemd          # systemd-analyze verify on the packaged unit
    prometheus       # a real Prometheus server scrapes /metrics; promtool checks the format
    openssl          # the fleet tests' CA, server and client certificates
    curl             # the fleet test's TLS 1.1 client (the old server answers it)
    kcat             # consumes the Kafka logger's topics in its test
    procps           # ps: an oracle independent of sysq for the processes table's test
)

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
    packages+=("${test_packages[@]}")
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: run as root (apt-get needs it)" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
# policy-rc.d keeps apt from starting services such as auditd on install.
policy=/usr/sbin/policy-rc.d
had_policy=0
[[ -e $policy ]] && had_policy=1
if ((had_policy == 0)); then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
