#!/bin/bash
# syscall_overhead.sh: what monitoring costs a monitored syscall.
#
#   tools/bench/syscall_overhead.sh [BUILD_DIR]       (default: build)
#   WORKLOAD=connect tools/bench/syscall_overhead.sh build
#
# WORKLOAD=exec (default) times N fork+execve+waitpid of /bin/true
# (spawn_loop); WORKLOAD=connect times N connect() calls of a UDP socket on
# loopback (connect_loop). Each configuration is measured interleaved in
# rounds (the order rotates every round) so machine noise hits all of them
# alike, and reports medians and the ratio to the baseline of the same
# round:
#   baseline  no agent: the kernel's audit state as found
#   sysq      `sysq daemon` recording the workload through audit (exec:
#             default flags, execve/execveat rules; connect: socket_events
#             only, bind and connect rules), every path in a temp dir
#   auditd    Debian's auditd, started here with a temp auditd.conf that
#             logs to a temp dir, plus the equivalent rules
#             (-a always,exit -F arch=b64|b32 -S <the same syscalls> -k bench)
#   floor     audit_sink, a reader that discards every record, with the
#             same rules: what the kernel's audit path alone costs, the
#             floor under any audit-based agent
# for WORKLOAD=exec only:
#   sysq_low  `sysq daemon --enable_bpf_events=true
#             --enable_bpf_process_events=true`, the low-overhead profile:
#             exec from BPF, no exec rules
# and for WORKLOAD=connect only:
#   sysq_bpf           `sysq daemon --disable_audit`, socket_events from the
#                      BPF programs, every call captured and stored
#   sysq_bpf_filtered  the same with bpf_filters excluding the loop's two
#                      ports, so every call is dropped in the kernel
#   bpftrace           a bpftrace one-liner printing pid, comm and fd of
#                      every connect (tracepoint syscalls:sys_enter_connect)
#   empty_hook         hook_floor --connect4: a program on cgroup/connect4
#                      at the cgroup v2 root that only counts, the least any
#                      program on that hook costs (sysq_bpf_filtered is
#                      compared with it too)
#   prev_bpf, prev_bpf_filtered
#                      sysq_bpf and sysq_bpf_filtered with the sysq binary
#                      SYSQ_PREV names (the previous commit's, say), side
#                      by side in the same rounds; only when it is set
# auditd and floor get the kernel backlog settings sysq applies by default.
# Beside the times it reports the kernel's `lost` counter, how many of the
# calls each agent recorded (an agent that drops records looks cheaper),
# and the CPU time the agent process and the kauditd thread used.
#
# Environment: WORKLOAD (exec), SYSQ_PREV, ROUNDS (5), N (3000 calls per measurement;
# 20000 for connect), WARMUP (200 before each), CONFIGS (exec: "baseline
# sysq sysq_low auditd floor"; connect: all eight),
# BACKLOG_LIMIT (4096) and BACKLOG_WAIT_TIME (0), the defaults of sysq's
# --audit_backlog_limit and --audit_backlog_wait_time. KEEP_TMP=1 keeps the
# temp dir (daemon logs, auditd.conf and audit.log of each round).
#
# Only one process can own the kernel's audit socket, and others run
# integration tests on this machine, so the whole run holds an exclusive
# flock on /tmp/sysq-audit.lock. The kernel's audit settings (enabled,
# failure, backlog_limit, backlog_wait_time) and rules are saved at start
# and restored on exit; only rules this run added are deleted, every
# daemon it started is stopped, and audit is never disabled if it was
# enabled. A tool, not a test: it prints tables and exits 0 unless it
# cannot run.
set -euo pipefail

WORKLOAD=${WORKLOAD:-exec}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-200}
BACKLOG_LIMIT=${BACKLOG_LIMIT:-4096}
BACKLOG_WAIT_TIME=${BACKLOG_WAIT_TIME:-0}
LOCK=/tmp/sysq-audit.lock
AUDITCTL=/usr/sbin/auditctl
AUDITD=/usr/sbin/auditd
AUDITD_PIDFILE=/var/run/auditd.pid
BPFTRACE=/usr/bin/bpftrace
BENCH_KEY=bench

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
SYSQ=$build/sysq
# shellcheck source=tools/bench/bench_lib.sh
. "$repo/tools/bench/bench_lib.sh"
# shellcheck source=tools/bench/audit_lib.sh
. "$repo/tools/bench/audit_lib.sh"
SINK=$build/tools/bench/audit_sink
FLOOR=$build/tools/bench/hook_floor

# What each workload runs, audits and counts.
case $WORKLOAD in
exec)
	N=${N:-3000}
	DRIVER=$build/tools/bench/spawn_loop
	DRIVER_EXE=/usr/bin/true # the exe of the records an agent keeps
	OP="fork+exec of /bin/true"
	RULE_SYSCALLS=execve,execveat
	SYSQ_FLAGS=()
	SYSQ_TABLE=process_events
	CONFIGS=${CONFIGS:-baseline sysq sysq_low auditd floor}
	# config:reference:ratio, the targets the report checks
	TARGETS="sysq:baseline:1.15 sysq_low:baseline:1.05"
	;;
connect)
	N=${N:-20000}
	DRIVER=$build/tools/bench/connect_loop
	DRIVER_EXE=$(realpath "$DRIVER")
	OP="UDP connect() on loopback"
	RULE_SYSCALLS=bind,connect
	SYSQ_FLAGS=(--enable_bpf_events=false --events_max=100000000 --audit_allow_process_events=false --audit_allow_sockets
		--audit_allow_accept_socket_events=false)
	SYSQ_TABLE=socket_events
	CONFIGS=${CONFIGS:-baseline sysq_bpf sysq_bpf_filtered empty_hook sysq auditd bpftrace floor${SYSQ_PREV:+ prev_bpf prev_bpf_filtered}}
	# The last: what the in-kernel filter adds to the hook's own cost.
	TARGETS="sysq:floor:1.1 sysq_bpf:baseline:1.25 sysq_bpf_filtered:baseline:1.05"
	TARGETS+=" sysq_bpf_filtered:empty_hook:1.05"
	;;
*)
	echo "syscall_overhead: WORKLOAD must be exec or connect" >&2
	exit 2
	;;
esac

tmp=
sysq_pid=
bpftrace_pid=
floor_pid=
tracefs_mounted=0
auditd_pid=
sink_pid=
kauditd=
auditd_pidfile_existed=0
cleaned=0

die() {
	echo "syscall_overhead: $*" >&2
	exit 1
}

log() {
	echo "# $*" >&2
}

# ---- daemons (the audit state and auditd: audit_lib.sh) ---------------------

# Rows sysq stored for the workload: polls until there are $2 of them, or
# the count has not moved for a second (10 s at most).
sysq_rows() {
	local dir=$1 want=$2 rows=-1 prev stable=0 i
	for ((i = 0; i < 50 && stable < 5; i++)); do
		prev=$rows
		rows=$(sysq_query "$dir" "SELECT count(*) FROM $SYSQ_TABLE WHERE path = '$DRIVER_EXE'")
		[[ $rows != "$want" ]] || break
		if [[ $rows == "$prev" ]]; then stable=$((stable + 1)); else stable=0; fi
		sleep 0.2
	done
	echo "$rows"
}

start_sink() {
	local dir=$1
	mkdir -p "$dir"
	"$SINK" "$DRIVER_EXE" >"$dir/sink.out" 2>"$dir/sink.err" &
	sink_pid=$!
	wait_until 10 owns_audit "$sink_pid" ||
		die "audit_sink did not take the audit socket: $(cat "$dir/sink.err")"
	configure_kernel
}

stop_sink() {
	[[ -n $sink_pid ]] || return 0
	bench_rules -d 2>/dev/null || true
	stop_pid "$sink_pid" TERM
	sink_pid=
}

# SYSCALL records of the workload in an auditd log.
auditd_records() {
	grep -acF "exe=\"$DRIVER_EXE\"" "$1/audit.log" 2>/dev/null || true
}

# ---- measurement --------------------------------------------------------------

# Runs WARMUP unmeasured calls, then N measured ones while pid $1 (the
# agent, or empty) runs; it must own audit unless $2 is no_audit. Sets
# `result` to
# "NS LOST AGENT_CPU_TICKS KAUDITD_CPU_TICKS".
run_measured() {
	local agent=$1 uses_audit=${2:-audit} lost agent_cpu kauditd_cpu ns
	"$DRIVER" "$WARMUP" >/dev/null
	lost=$(audit_get lost)
	agent_cpu=$(cpu_ticks "$agent")
	kauditd_cpu=$(cpu_ticks "$kauditd")
	ns=$("$DRIVER" "$N")
	lost=$(($(audit_get lost) - lost))
	agent_cpu=$(($(cpu_ticks "$agent") - agent_cpu))
	kauditd_cpu=$(($(cpu_ticks "$kauditd") - kauditd_cpu))
	if [[ -n $agent && $uses_audit == audit ]] && ! owns_audit "$agent"; then
		log "pid $agent lost the audit socket during the measurement"
	fi
	result="$ns $lost $agent_cpu $kauditd_cpu"
}

# Each measure_* sets `result` to "NS LOST AGENT_CPU KAUDITD_CPU RECORDED".
# They run in the main shell, not in $(...), so that the EXIT trap knows
# which daemons to stop.
measure_baseline() {
	wait_until 5 state_is_original || die "audit state is not as found before a baseline round"
	run_measured ""
	result="$result -"
}

# The low-overhead profile: exec from BPF, audit for user events only.
measure_sysq_low() {
	local dir=$tmp/sysq_low.$1 rows
	start_sysq "$dir" --enable_bpf_events=true --enable_bpf_process_events=true
	run_measured "$sysq_pid"
	rows=$(sysq_rows "$dir" $((N + WARMUP)))
	stop_sysq
	restore_state
	result="$result $rows"
}

measure_sysq() {
	local dir=$tmp/sysq.$1 rows
	start_sysq "$dir" "${SYSQ_FLAGS[@]}"
	run_measured "$sysq_pid"
	rows=$(sysq_rows "$dir" $((N + WARMUP)))
	stop_sysq
	restore_state
	result="$result $rows"
}

# sysq with socket_events from BPF only; $2 is the config file, if any.
# `result` gets the BPF losses in place of the kernel's audit lost count.
measure_bpf() {
	local dir=$1 rows lost
	local -a fields
	shift
	start_sysq "$dir" --disable_audit --enable_bpf_events=true --events_max=100000000 "$@"
	run_measured "$sysq_pid" no_audit
	rows=$(sysq_rows "$dir" $((N + WARMUP)))
	lost=$(sysq_query "$dir" "$SYSQ_LOSS_SQL")
	stop_sysq
	read -ra fields <<<"$result"
	result="${fields[0]} $lost ${fields[2]} ${fields[3]} $rows"
}

measure_sysq_bpf() {
	measure_bpf "$tmp/sysq_bpf.$1"
}

measure_sysq_bpf_filtered() {
	local dir=$tmp/${2:-sysq}_bpf_filtered.$1
	mkdir -p "$dir"
	echo '{"bpf_filters": {"exclude_ports": [7, 9]}}' >"$dir/sysq.conf"
	measure_bpf "$dir" --config_path="$dir/sysq.conf"
}

# The same two with the binary SYSQ_PREV names, whose sysq_events may
# predate lost_bpf_busy.
measure_prev_bpf() {
	SYSQ=$SYSQ_PREV SYSQ_LOSS_SQL=${SYSQ_LOSS_SQL/ + lost_bpf_busy/} measure_bpf "$tmp/prev_bpf.$1"
}

measure_prev_bpf_filtered() {
	SYSQ=$SYSQ_PREV SYSQ_LOSS_SQL=${SYSQ_LOSS_SQL/ + lost_bpf_busy/} \
		measure_sysq_bpf_filtered "$1" prev
}

# bpftrace needs tracefs for tracepoints; mounted here if it is not.
ensure_tracefs() {
	[[ -d /sys/kernel/tracing/events/syscalls ]] && return 0
	mount -t tracefs nodev /sys/kernel/tracing || die "cannot mount tracefs for bpftrace"
	tracefs_mounted=1
}

start_bpftrace() {
	local dir=$1
	mkdir -p "$dir"
	ensure_tracefs
	"$BPFTRACE" -o "$dir/bpftrace.out" -e \
		'tracepoint:syscalls:sys_enter_connect { printf("%d %s %d\n", pid, comm, args->fd); }' \
		>"$dir/bpftrace.log" 2>&1 &
	bpftrace_pid=$!
	wait_until 30 grep -qs '^Attaching' "$dir/bpftrace.out" ||
		die "bpftrace did not attach: $(tail -n 5 "$dir/bpftrace.log")"
}

stop_bpftrace() {
	[[ -n $bpftrace_pid ]] || return 0
	stop_pid "$bpftrace_pid" INT
	bpftrace_pid=
}

# `result`: lost is what bpftrace reports losing from its perf buffers.
measure_bpftrace() {
	local dir=$tmp/bpftrace.$1 lines lost
	local -a fields
	start_bpftrace "$dir"
	run_measured "$bpftrace_pid" no_audit
	sleep 1
	stop_bpftrace
	lines=$(grep -c " $(basename "$DRIVER") " "$dir/bpftrace.out" || true)
	lost=$(cat "$dir/bpftrace.out" "$dir/bpftrace.log" |
		awk '/Lost [0-9]+ events/ { for (i = 1; i < NF; i++) if ($i == "Lost") s += $(i + 1) }
			END { print s + 0 }')
	read -ra fields <<<"$result"
	result="${fields[0]} $lost ${fields[2]} ${fields[3]} $lines"
}

# `result`: recorded is what the program counted.
measure_empty_hook() {
	local dir=$tmp/empty_hook.$1 counted
	local -a fields
	start_floor "$dir" --connect4
	run_measured "$floor_pid" no_audit
	stop_floor
	counted=$(awk '$3 == "connects" { print $4 }' "$dir/floor.out")
	read -ra fields <<<"$result"
	result="${fields[0]} 0 ${fields[2]} ${fields[3]} ${counted:-?}"
}

measure_auditd() {
	local dir=$tmp/auditd.$1
	start_auditd "$dir"
	run_measured "$auditd_pid"
	stop_auditd
	restore_state
	result="$result $(auditd_records "$dir")"
}

measure_floor() {
	local dir=$tmp/floor.$1
	start_sink "$dir"
	run_measured "$sink_pid"
	stop_sink
	restore_state
	result="$result $(tail -n 1 "$dir/sink.out")"
}

# ---- report ---------------------------------------------------------------

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2];
		else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f\n", m }'
}

# Column $2 of config $1's rows in results.
results_col() {
	awk -v c="$1" -v k="$2" '$2 == c { print $k }' "$tmp/results"
}

# Per-round ratio of config $1 to config $2 (default: the baseline) of the
# same round.
round_ratios() {
	awk -v c="$1" -v ref="${2:-baseline}" '$2 == ref { b[$1] = $3 } $2 == c { r[$1] = $3 }
		END { for (i in r) if (b[i]) print r[i] / b[i] }' "$tmp/results"
}

# Median of column $2 for config $1, times $3, divided by N.
per_call() {
	results_col "$1" "$2" | median | awk -v n="$N" -v m="$3" '{ printf "%.1f", $1 * m / n }'
}

# The target line of config $1, from TARGETS (config:reference:ratio):
# its median round ratio to the reference.
target_line() {
	local t cfg ref max r
	for t in $TARGETS; do
		IFS=: read -r cfg ref max <<<"$t"
		[[ $cfg == "$1" && " $CONFIGS " == *" $ref "* ]] || continue
		r=$(round_ratios "$cfg" "$ref" | median)
		awk -v r="$r" -v t="$max" -v ref="$ref" 'BEGIN {
			printf "<= %sx %s: %.3fx, %s  ", t, ref, r, (r <= t ? "met" : "MISSED") }'
	done
}

report() {
	local cfg base med ratio rmed target tick_us nconf
	tick_us=$((1000000 / $(getconf CLK_TCK))) # CPU time unit, in us
	nconf=$(wc -w <<<"$CONFIGS")
	echo
	echo "syscall_overhead ($WORKLOAD): $ROUNDS rounds x $nconf configs, N=$N x $OP each" \
		"(after $WARMUP warm-up), $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs"
	warn_bpf_stats
	echo
	printf '%-6s %-17s %12s %6s %9s %12s %14s\n' round config us_per_call lost recorded \
		agent_cpu_ms kauditd_cpu_ms
	sort -n -k1,1 -s "$tmp/results" | awk -v n="$N" -v t="$tick_us" \
		'{ printf "%-6s %-17s %12.2f %6s %9s %12.0f %14.0f\n", $1, $2, $3 / n / 1000, $4, $7,
			$5 * t / 1000, $6 * t / 1000 }'
	echo
	base=$(results_col baseline 3 | median)
	printf '%-17s %14s %16s %18s %14s %16s  %s\n' config median_us/call ratio_of_medians \
		median_round_ratio agent_us/call kauditd_us/call target
	for cfg in $CONFIGS; do
		med=$(results_col "$cfg" 3 | median)
		ratio=$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.3f", a / b }')
		rmed=$(if [[ $cfg == baseline ]]; then echo 1; else round_ratios "$cfg"; fi | median)
		case $cfg in
		auditd | bpftrace) target="(reference)" ;;
		empty_hook) target="(the hook's floor)" ;;
		floor) target="(kernel audit path only)" ;;
		*) target=$(target_line "$cfg") ;;
		esac
		printf '%-17s %14.2f %16s %18.3f %14s %16s  %s\n' "$cfg" \
			"$(awk -v m="$med" -v n="$N" 'BEGIN { print m / n / 1000 }')" "${ratio}x" \
			"$rmed" "$(per_call "$cfg" 5 "$tick_us")" "$(per_call "$cfg" 6 "$tick_us")" \
			"$target"
	done
	echo
	echo "ratios: to the baseline; median_round_ratio is the median over rounds of each" \
		"round's ratio. lost: the kernel's audit lost counter during the measurement;" \
		"for sysq_bpf*, every BPF and store loss counter in sysq_events; for bpftrace," \
		"the events it reports lost. recorded: calls the agent stored (sysq rows)," \
		"logged (auditd SYSCALL records, bpftrace lines) or received (floor), of" \
		"$((N + WARMUP)) made. cpu: utime+stime of the agent process" \
		"(all threads) and of kauditd during the N measured calls" \
		"(in $((tick_us / 1000)) ms ticks)."
}

# ---- main -------------------------------------------------------------------

cleanup() {
	local rc=$?
	[[ $cleaned == 0 ]] || return 0
	cleaned=1
	[[ -n $tmp ]] || exit "$rc"
	stop_sysq
	stop_auditd
	stop_sink
	stop_bpftrace
	stop_floor
	[[ $tracefs_mounted == 0 ]] || umount /sys/kernel/tracing || true
	if [[ -n ${orig_enabled:-} ]]; then
		restore_state
		echo
		echo "audit state before: $(awk '{ printf "%s=%s ", $1, $2 }' "$tmp/status.orig")"
		echo "audit state after:  $("$AUDITCTL" -s | awk '{ printf "%s=%s ", $1, $2 }')"
		echo "rules before: $(tr '\n' ';' <"$tmp/rules.orig")"
		echo "rules after:  $("$AUDITCTL" -l | tr '\n' ';')"
		if state_is_original; then
			echo "audit state restored: yes"
		else
			echo "audit state restored: NO"
		fi
	fi
	if [[ ${KEEP_TMP:-0} == 1 ]]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}

main() {
	local -a order
	read -ra order <<<"$CONFIGS"
	[[ $(id -u) == 0 ]] || die "must run as root"
	[[ -x $SYSQ ]] || die "no sysq binary at $SYSQ (give the build dir as argument)"
	[[ -x $DRIVER && -x $SINK ]] || die "no $(basename "$DRIVER") or audit_sink in $build/tools/bench"
	[[ -x $AUDITD && -x $AUDITCTL ]] || die "needs Debian's auditd package"
	[[ " $CONFIGS " != *" bpftrace "* || -x $BPFTRACE ]] || die "needs bpftrace for CONFIGS=bpftrace"
	[[ " $CONFIGS " != *" empty_hook "* || -x $FLOOR ]] || die "no hook_floor in $build/tools/bench"
	take_audit_lock
	tmp=$(mktemp -d /tmp/sysq-bench.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	audit_preflight
	kauditd=$(pgrep -x kauditd | head -n 1) || die "no kauditd thread"
	save_state
	log "audit state at start: $(audit_settings)"
	run_rounds "${order[@]}"
	report
}

main "$@"
