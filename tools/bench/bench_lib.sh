# bench_lib.sh: what the benchmark scripts share, sourced by them.
#
# The sourcing script sets SYSQ (the sysq binary) and defines die and log;
# it defines owns_audit if it starts sysq with audit. start_sysq sets
# sysq_pid, which stop_sysq clears. It sets FLOOR (tools/bench/hook_floor)
# if it starts that: start_floor sets floor_pid, which stop_floor clears.

# Every loss counter of sysq_events, summed over its rows: in the kernel
# (BPF ring buffer full, program runs missed, records with no socket
# storage to wait in, a CPU's scratch taken by a preempted program) and in the agent (malformed,
# queue full, write errors, expired, evicted).
SYSQ_LOSS_SQL="SELECT sum(lost_ringbuf + lost_bpf_missed + lost_pending + lost_bpf_busy + drop_malformed
	+ drop_queue_full + drop_write_error + expired + evicted) FROM sysq_events"

# kernel.bpf_stats_enabled times every BPF program run (two clock reads
# each), which slows every BPF configuration; say so when it is on.
warn_bpf_stats() {
	[[ $(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null) != 1 ]] ||
		echo "warning: kernel.bpf_stats_enabled=1 adds its own cost to every BPF program run"
}

# Waits up to $1 seconds for the command in $2... to succeed.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Sends $2 to pid $1 and waits for it, with SIGKILL after 15 s.
stop_pid() {
	local pid=$1 sig=$2 i
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "pid $pid did not stop; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# The last line of what sysq (its paths in dir $1) answers to the SQL $2.
sysq_query() {
	"$SYSQ" shell --csv --control_socket="$1/sysq.sock" "$2" 2>/dev/null | tr -d '\r' | tail -n 1
}

# Ready when it answers queries and, unless it runs with --disable_audit,
# owns the audit socket.
sysq_ready() {
	kill -0 "$sysq_pid" 2>/dev/null || die "sysq daemon exited: $(tail -n 5 "$1/daemon.log")"
	[[ -S $1/sysq.sock ]] && [[ $(sysq_query "$1" "SELECT 1") == 1 ]] || return 1
	[[ $2 == no_audit ]] || owns_audit "$sysq_pid"
}

# Starts sysq with every path in $1 and the flags that follow.
start_sysq() {
	local dir=$1 audit=audit
	shift
	[[ " $* " != *" --disable_audit "* ]] || audit=no_audit
	mkdir -p "$dir"
	"$SYSQ" daemon --flagfile= --database_path="$dir/sysq.db" \
		--control_socket="$dir/sysq.sock" --pidfile="$dir/sysq.pid" "$@" \
		>"$dir/daemon.out" 2>"$dir/daemon.log" &
	sysq_pid=$!
	wait_until 15 sysq_ready "$dir" "$audit" ||
		die "sysq daemon not ready: $(tail -n 5 "$dir/daemon.log")"
}

stop_sysq() {
	[[ -n $sysq_pid ]] || return 0
	stop_pid "$sysq_pid" INT
	sysq_pid=
}

# CPU time (user + system, in clock ticks) of pid $1, threads included.
cpu_ticks() {
	[[ -n $1 ]] || {
		echo 0
		return
	}
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
}

# Measures the configurations $@ ROUNDS times, interleaved so machine noise
# hits them alike (the order rotates every round): measure_<config> ROUND
# leaves `result`, appended to $tmp/results as "ROUND CONFIG RESULT".
run_rounds() {
	local -a order=("$@")
	local round i cfg
	: >"$tmp/results"
	for ((round = 1; round <= ROUNDS; round++)); do
		for ((i = 0; i < ${#order[@]}; i++)); do
			cfg=${order[$(((round + i) % ${#order[@]}))]}
			log "round $round: $cfg"
			"measure_$cfg" "$round"
			echo "$round $cfg $result" >>"$tmp/results"
		done
	done
}

# hook_floor with the hooks its arguments name, in directory $1; returns
# once the programs are attached.
start_floor() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$FLOOR" "$@" >"$dir/floor.out" 2>"$dir/floor.err" &
	floor_pid=$!
	wait_until 10 grep -qx ready "$dir/floor.out" ||
		die "hook_floor $* did not attach: $(cat "$dir/floor.err")"
}

stop_floor() {
	[[ -n ${floor_pid:-} ]] || return 0
	stop_pid "$floor_pid" TERM
	floor_pid=
}
