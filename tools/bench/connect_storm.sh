#!/bin/bash
# connect_storm.sh: does the BPF socket path lose anything under a storm?
#
#   tools/bench/connect_storm.sh [BUILD_DIR]        (default: build)
#   SECONDS_=10 QUEUE=4000000 RING=8388608 tools/bench/connect_storm.sh build-bench
#
# Starts `sysq daemon --disable_audit --enable_bpf_events=true` with every
# path in a temp dir, --events_max raised so nothing is evicted,
# --store_queue_size=QUEUE (the store falls behind a storm on a two-CPU
# machine while it lasts and catches up after, so its queue must hold the
# backlog) and, if RING is set, --bpf_ring_buffer_size=RING (else the
# daemon's default), then runs connect_loop -s SECONDS_ (one
# process, so one core, doing UDP connect() on loopback as fast as it can).
# It waits until the store has caught up, then reports how many calls were
# made, how many rows socket_events holds for them, and every loss counter
# in sysq_events. Exits 0 when every call is a row and every counter is 0,
# 1 otherwise. A tool, not a test: ctest does not run it.
set -euo pipefail

DURATION=${SECONDS_:-10}
QUEUE=${QUEUE:-4000000}
RING=${RING:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
SYSQ=$build/sysq
DRIVER=$build/tools/bench/connect_loop

die() {
	echo "connect_storm: $*" >&2
	exit 2
}

log() {
	echo "# $*" >&2
}

# shellcheck source=tools/bench/bench_lib.sh
. "$repo/tools/bench/bench_lib.sh"

[[ $(id -u) == 0 ]] || die "must run as root"
[[ -x $SYSQ && -x $DRIVER ]] || die "no sysq or connect_loop in $build"
tmp=$(mktemp -d /tmp/sysq-storm.XXXXXX)
sysq_pid=
cleanup() {
	stop_sysq
	rm -rf "$tmp"
}
trap cleanup EXIT

query() {
	sysq_query "$tmp" "$1"
}

start_sysq "$tmp" --config_path= --disable_audit --enable_bpf_events=true \
	--events_max=1000000000 --store_queue_size="$QUEUE" \
	${RING:+--bpf_ring_buffer_size="$RING"}

read -r calls ns < <("$DRIVER" -s "$DURATION")
exe=$(realpath "$DRIVER")
# Caught up when the stored count stops moving.
rows=-1
for _ in $(seq 600); do
	prev=$rows
	rows=$(query "SELECT stored FROM sysq_events WHERE name = 'socket_events'")
	[[ $rows != "$prev" ]] || break
	sleep 1
done
rows=$(query "SELECT count(*) FROM socket_events WHERE path = '$exe'")
losses=$(query "$SYSQ_LOSS_SQL")

echo "connect_storm: $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs"
warn_bpf_stats
awk -v c="$calls" -v ns="$ns" 'BEGIN { printf "calls: %d in %.2f s (%.0f/s, %.2f us/call)\n",
	c, ns / 1e9, c / (ns / 1e9), ns / c / 1000 }'
echo "rows for the calls in socket_events: $rows"
echo "loss counters (sysq_events, every row):"
"$SYSQ" shell --line --control_socket="$tmp/sysq.sock" "SELECT name, events, stored,
	lost_ringbuf, lost_bpf_missed, drop_malformed, drop_queue_full, drop_write_error,
	expired, evicted FROM sysq_events" | sed 's/^/  /'
echo "agent CPU: $(awk -v t="$(cpu_ticks "$sysq_pid")" -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.1f s", t / hz }')" \
	"(user+system, all threads)"
if [[ $rows == "$calls" && $losses == 0 ]]; then
	echo "result: every call stored, every loss counter 0"
	exit 0
fi
echo "result: LOSS: $((calls - rows)) calls without a row, loss counters sum to $losses"
exit 1
