#!/bin/bash
# Installs everything the tests need, builds sysq three ways and runs every
# test: unit, golden and real-kernel integration tests (normal build, whose
# Debian package is built too), the same suite under ASan+UBSan, and the
# libFuzzer harnesses for 30 s each (SYSQ_FUZZ_SECONDS).
# Run as root from the repo; CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${SYSQ_FUZZ_SECONDS:-30}

tools/install-deps.sh --test

if pgrep -x auditd >/dev/null; then
    echo "run-tests: auditd is running and owns the audit socket; stop it first" \
         "(systemctl stop auditd) — the tests start their own when they need one" >&2
    exit 1
fi

if [[ -s /run/sysq/sysq.pid ]] && kill -0 "$(cat /run/sysq/sysq.pid)" 2>/dev/null; then
    echo "run-tests: a sysq agent (pid $(cat /run/sysq/sysq.pid)) owns the audit socket;" \
         "stop it first (systemctl stop sysq, or kill it) — the tests start their own" >&2
    exit 1
fi

jobs=$(nproc)
step() { printf '\n=== %s\n' "$*"; }

# The audit tests take the kernel's audit socket; the lock keeps two test
# runs (or a benchmark) on the same machine from fighting over it.
exec 9>/tmp/sysq-audit.lock
flock 9

step "build (RelWithDebInfo)"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test -j"$jobs"
step "package"
rm -f build/test/sysq_*.deb
(cd build/test && cpack -G DEB >/dev/null && ls sysq_*.deb)
step "tests"
(cd build/test && ctest --output-on-failure)

step "build (ASan + UBSan)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DSYSQ_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$jobs"
step "tests under ASan + UBSan"
(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure)

step "build (libFuzzer, clang)"
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DSYSQ_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/fuzz -j"$jobs"
step "fuzzing, ${fuzz_seconds}s per harness"
tests/fuzz/run.sh build/fuzz "$fuzz_seconds"

step "all tests passed"
