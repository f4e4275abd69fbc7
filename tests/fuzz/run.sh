#!/bin/sh
# Runs every libFuzzer harness of a fuzz build for a fixed time and fails if
# any of them finds a crash, a leak, a timeout or runs out of memory.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]
#
# BUILD_DIR was configured with -DCMAKE_C_COMPILER=clang -DSYSQ_FUZZ=ON and
# built. Each harness (all the build made, unless named) fuzzes for SECONDS
# (CI uses 30 s each), as many at once as there are CPUs, into a scratch
# copy of its seed corpus, so the committed seeds in tests/fuzz/corpus/ are
# never modified; dict/ supplies tokens where one exists. A failing harness's scratch directory is kept and
# printed: it holds the crash-*/leak-*/timeout-* input and the log. Save a
# crashing input under tests/fuzz/crashes/ and reproduce it with
#   BUILD_DIR/tests/fuzz/HARNESS FILE
set -eu

usage() {
	echo "usage: $0 BUILD_DIR SECONDS [HARNESS...]" >&2
	exit 2
}

[ $# -ge 2 ] || usage
build=$1
seconds=$2
shift 2
case $seconds in
'' | *[!0-9]*) usage ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
# No harness named: every one the build made, so a new harness is never
# left out of CI.
if [ $# -eq 0 ]; then
	for bin in "$build"/tests/fuzz/fuzz_*; do
		[ -x "$bin" ] && [ -f "$bin" ] && set -- "$@" "$(basename "$bin")"
	done
	[ $# -gt 0 ] || {
		echo "run.sh: no harness in $build/tests/fuzz; build with -DSYSQ_FUZZ=ON first" >&2
		exit 2
	}
fi

dict_for() {
	case $1 in
	fuzz_record | fuzz_event) echo "$here/dict/audit.dict" ;;
	fuzz_flagfile) echo "$here/dict/flagfile.dict" ;;
	fuzz_config | fuzz_remote_reply) echo "$here/dict/config.dict" ;;
	fuzz_sql) echo "$here/dict/sql.dict" ;;
	fuzz_cgroup_path) echo "$here/dict/cgroup.dict" ;;
	*) echo "" ;;
	esac
}

for h in "$@"; do
	if [ ! -x "$build/tests/fuzz/$h" ]; then
		echo "run.sh: $build/tests/fuzz/$h not found; build with -DSYSQ_FUZZ=ON first" >&2
		exit 2
	fi
done

# Fuzzes harness $1 for $seconds; prints its report, and writes
# $reports/$1.failed when it found something.
fuzz_one() {
	h=$1
	bin=$build/tests/fuzz/$h
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/sysq-$h.XXXXXX")
	mkdir "$scratch/corpus"
	cp "$here/corpus/$h"/* "$scratch/corpus/"
	# Seeds the build wrote from the public audit logs, when it found them.
	if [ -d "$build/tests/fuzz/public-seeds/$h" ]; then
		cp "$build/tests/fuzz/public-seeds/$h"/* "$scratch/corpus/"
	fi
	dict=$(dict_for "$h")
	echo "== $h: ${seconds}s, scratch $scratch"
	status=0
	# -timeout: one input running 10 s is a bug (a hang), not slowness.
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$scratch/" \
		${dict:+-dict="$dict"} "$scratch/corpus" >"$scratch/log" 2>&1 || status=$?
	grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
		"$scratch/log" || true
	if [ "$status" -ne 0 ]; then
		echo "!! $h failed (exit $status); log and input kept in $scratch:"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|^artifact_prefix|Test unit written' \
			"$scratch/log" || tail -n 20 "$scratch/log"
		: >"$reports/$h.failed"
	else
		seeds=$(find "$here/corpus/$h" -type f | wc -l)
		grown=$(find "$scratch/corpus" -type f | wc -l)
		echo "   corpus grew from $seeds to $grown inputs"
		rm -rf "$scratch"
	fi
}

# One harness per CPU at a time (SYSQ_FUZZ_JOBS): each still gets its
# SECONDS of a whole CPU, and CI waits half as long on two CPUs.
jobs=${SYSQ_FUZZ_JOBS:-$(nproc)}
reports=$(mktemp -d "${TMPDIR:-/tmp}/sysq-fuzz-reports.XXXXXX")
running=0
for h in "$@"; do
	fuzz_one "$h" >"$reports/$h.out" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
failed=""
for h in "$@"; do
	cat "$reports/$h.out"
	[ ! -e "$reports/$h.failed" ] || failed="$failed $h"
done
rm -rf "$reports"

if [ -n "$failed" ]; then
	echo "run.sh: failing harnesses:$failed" >&2
	exit 1
fi
echo "run.sh: all harnesses ran ${seconds}s without a crash"
