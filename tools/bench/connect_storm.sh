#!/bin/bash
# connect_storm.sh: does the BPF socket path lose anything under a storm?
#
#   tools/bench/connect_storm.sh [BUILD_DIR]        (default: build)
#   SECONDS_=10 QUEUE_BYTES=268435456 RING=8388608 tools/bench/connect_storm.sh build-bench
#
# Starts `sysq daemon --disable_audit --enable_bpf_events=true` with every
# path in a temp dir and --events_max raised so nothing is evicted; every
# other setting is the daemon's default unless given: QUEUE sets
# --store_queue_size, QUEUE_BYTES --store_queue_bytes, RING
# --bpf_ring_buffer_size. Then it runs connect_loop -s SECONDS_ (one
# process, so one core, doing UDP connect() on loopback as fast as it can).
# It waits until the store has caught up, then reports how many calls were
# made, how many rows socket_events holds for them, every loss counter in
# sysq_events, the daemon's peak RSS (VmHWM) and its RSS 10 s after the
# store caught up. Exits 0 when every call is a row and every counter is 0,
# 1 otherwise. A tool, not a test: ctest does not run it.
set -euo pipefail

DURATION=${SECONDS_:-10}
QUEUE=${QUEUE:-}
QUEUE_BYTES=${QUEUE_BYTES:-}
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
	--events_max=1000000000 ${QUEUE:+--store_queue_size="$QUEUE"} \
	${QUEUE_BYTES:+--store_queue_bytes="$QUEUE_BYTES"} \
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
caught_up=$SECONDS
rows=$(query "SELECT count(*) FROM socket_events WHERE path = '$exe'")
losses=$(query "$SYSQ_LOSS_SQL")

# The memory the storm took should go back within 10 s of its end.
sleep $((caught_up + 10 > SECONDS ? caught_up + 10 - SECONDS : 0))
peak_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$sysq_pid/status")
after_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$sysq_pid/status")

echo "connect_storm: $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flags: ${QUEUE:+--store_queue_size=$QUEUE }${QUEUE_BYTES:+--store_queue_bytes=$QUEUE_BYTES }${RING:+--bpf_ring_buffer_size=$RING }(the rest default, --events_max=1000000000)"
warn_bpf_stats
awk -v c="$calls" -v ns="$ns" 'BEGIN { printf "calls: %d in %.2f s (%.0f/s, %.2f us/call)\n",
	c, ns / 1e9, c / (ns / 1e9), ns / c / 1000 }'
echo "rows for the calls in socket_events: $rows"
echo "loss counters (sysq_events, every row):"
"$SYSQ" shell --line --control_socket="$tmp/sysq.sock" "SELECT name, events, stored,
	lost_ringbuf, lost_bpf_missed, lost_pending, lost_bpf_busy, drop_malformed, drop_queue_full, drop_write_error,
	expired, evicted FROM sysq_events" | sed 's/^/  /'
echo "agent CPU: $(awk -v t="$(cpu_ticks "$sysq_pid")" -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.1f s", t / hz }')" \
	"(user+system, all threads)"
echo "agent RSS: peak $((peak_kb / 1024)) MiB, $((after_kb / 1024)) MiB 10 s after catching up"
if [[ $rows == "$calls" && $losses == 0 ]]; then
	echo "result: every call stored, every loss counter 0"
	exit 0
fi
echo "result: LOSS: $((calls - rows)) calls without a row, loss counters sum to $losses"
exit 1
