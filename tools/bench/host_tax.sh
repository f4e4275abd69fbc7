#!/bin/bash
# host_tax.sh: what an agent costs the syscalls it does not report.
#
#   tools/bench/host_tax.sh [BUILD_DIR]        (default: build)
#
# An agent's benchmarks usually time the calls it records. The host pays
# for every other syscall too, and that is the cost that gets an agent
# removed from a fleet. This times three things no agent here reports:
#   getppid   the cheapest syscall: per-syscall work shows as a large ratio
#   read      a 1-byte read() from /dev/zero: a typical small syscall
#   walk      `find TREE -name x` (TREE: /usr), a file walk of many syscalls
# under each configuration, interleaved in rounds (the order rotates every
# round), and reports medians and each round's ratio to the two baselines
# of the same round:
#   baseline    no agent, the kernel's audit state as found (printed; once
#               audit has been enabled on a boot, every new task carries an
#               audit context even after it is disabled again)
#   never_task  no agent, audit enabled with one `-a never,task` rule, so
#               no new task gets an audit context: the best baseline
#   floor       never_task plus counting BPF programs on
#               tp_btf/sched_process_exec and cgroup/connect4 (hook_floor):
#               the least a BPF agent watching exec and connect can cost
#   sys_exit    never_task plus an empty program on tp_btf/sys_exit: what
#               any hook on every syscall's return costs
#   sysq        `sysq daemon` with its defaults (audit exec rules)
#   sysq_low    `sysq daemon --enable_bpf_events=true
#               --enable_bpf_process_events=true`, the low-overhead profile
#   auditd      Debian's auditd with exec rules (-S execve,execveat, b64
#               and b32), as sysq's defaults install
# and, when SYSQ_PREV names another build's sysq binary (the previous
# commit's, say), side by side in the same rounds:
#   prev        that sysq with its defaults
#   prev_bpf    that sysq with --enable_bpf_events=true
#   sysq_bpf    this sysq with --enable_bpf_events=true
# Beside the times it reports each agent's resident memory (VmHWM, the
# peak) and the memory of the BPF maps it holds.
#
# Environment: ROUNDS (7), N_GETPPID (2000000), N_READ (1000000),
# TREE (/usr), CONFIGS (all of the above), SYSQ_PREV, KEEP_TMP=1 keeps the
# temp dir.
#
# The audit state is saved at start and restored on exit, as
# syscall_overhead.sh does (audit_lib.sh); the run holds the flock on
# /tmp/sysq-audit.lock that every user of the audit socket here takes. A
# tool, not a test: it prints tables and exits 0 unless it cannot run.
set -euo pipefail

ROUNDS=${ROUNDS:-7}
N_GETPPID=${N_GETPPID:-2000000}
N_READ=${N_READ:-1000000}
TREE=${TREE:-/usr}
SYSQ_PREV=${SYSQ_PREV:-}
CONFIGS=${CONFIGS:-baseline never_task floor sys_exit sysq sysq_low auditd${SYSQ_PREV:+ prev prev_bpf sysq_bpf}}
LOCK=/tmp/sysq-audit.lock
AUDITCTL=/usr/sbin/auditctl
AUDITD=/usr/sbin/auditd
AUDITD_PIDFILE=/var/run/auditd.pid
BENCH_KEY=bench
RULE_SYSCALLS=execve,execveat
BACKLOG_LIMIT=4096
BACKLOG_WAIT_TIME=0
# The low-overhead profile's targets against the best baseline.
LOW_TARGET=1.03

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
SYSQ=$build/sysq
LOOP=$build/tools/bench/syscall_loop
FLOOR=$build/tools/bench/hook_floor
# shellcheck source=tools/bench/bench_lib.sh
. "$repo/tools/bench/bench_lib.sh"
# shellcheck source=tools/bench/audit_lib.sh
. "$repo/tools/bench/audit_lib.sh"

tmp=
sysq_pid=
auditd_pid=
floor_pid=
never_task_added=0
auditd_pidfile_existed=0
cleaned=0

die() {
	echo "host_tax: $*" >&2
	exit 1
}

log() {
	echo "# $*" >&2
}

# ---- the never,task rule ----------------------------------------------------

# Audit on, and no new task gets an audit context. The rule has no key
# (the kernel takes none on the task list), so this run remembers that it
# added it.
never_task_on() {
	[[ $(audit_get enabled) != 0 ]] || "$AUDITCTL" -e 1 >/dev/null
	if ! "$AUDITCTL" -l | grep -qxF -- "-a never,task"; then
		"$AUDITCTL" -a never,task >/dev/null
		never_task_added=1
	fi
}

never_task_off() {
	if [[ $never_task_added == 1 ]]; then
		"$AUDITCTL" -d never,task >/dev/null || log "could not delete -a never,task"
		never_task_added=0
	fi
	restore_settings
}

# ---- agents ---------------------------------------------------------------------

# Peak resident memory of pid $1, in KiB.
rss_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# Memory of the BPF maps pid $1 holds, in KiB: the memlock of each map
# whose descriptor it has open (/proc/PID/fdinfo), each map counted once.
bpf_map_kb() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '$1 == "memlock:" { m = $2 } $1 == "map_id:" && !seen[$2]++ { kb += m / 1024 }
			END { printf "%d\n", kb }'
}

# ---- measurement --------------------------------------------------------------

# One `find TREE -name x`, in ns.
walk_ns() {
	local start end
	start=$(date +%s%N)
	find "$TREE" -name x >/dev/null 2>&1 || true
	end=$(date +%s%N)
	echo $((end - start))
}

# Times the three workloads while pid $1 (the agent, or empty) runs, and
# sets `result` to "GETPPID_NS READ_NS WALK_NS RSS_KB BPF_KB".
run_measured() {
	local agent=$1 getppid read walk
	find "$TREE" -name x >/dev/null 2>&1 || true # warm the dentry cache
	getppid=$("$LOOP" getppid "$N_GETPPID")
	read=$("$LOOP" read "$N_READ")
	walk=$(walk_ns)
	if [[ -n $agent ]]; then
		result="$getppid $read $walk $(rss_kb "$agent") $(bpf_map_kb "$agent")"
	else
		result="$getppid $read $walk - -"
	fi
}

measure_baseline() {
	wait_until 5 state_is_original || die "audit state is not as found before a baseline round"
	run_measured ""
}

measure_never_task() {
	never_task_on
	run_measured ""
	never_task_off
}

measure_floor() {
	never_task_on
	start_floor "$tmp/floor.$1" --exec --connect4
	run_measured "$floor_pid"
	stop_floor
	never_task_off
}

measure_sys_exit() {
	never_task_on
	start_floor "$tmp/sys_exit.$1" --sys-exit
	run_measured "$floor_pid"
	stop_floor
	never_task_off
}

# sysq with every path in a temp dir and the flags that follow; SYSQ_BIN
# picks the binary (this build's by default).
measure_sysq_with() {
	local dir=$1
	shift
	SYSQ=${SYSQ_BIN:-$build/sysq} start_sysq "$dir" --config_path= --logger_path="$dir" "$@"
	run_measured "$sysq_pid"
	stop_sysq
	restore_state
}

measure_sysq() {
	measure_sysq_with "$tmp/sysq.$1"
}

measure_sysq_low() {
	measure_sysq_with "$tmp/sysq_low.$1" --enable_bpf_events=true \
		--enable_bpf_process_events=true
}

measure_sysq_bpf() {
	measure_sysq_with "$tmp/sysq_bpf.$1" --enable_bpf_events=true
}

measure_prev() {
	SYSQ_BIN=$SYSQ_PREV measure_sysq_with "$tmp/prev.$1"
}

measure_prev_bpf() {
	SYSQ_BIN=$SYSQ_PREV measure_sysq_with "$tmp/prev_bpf.$1" --enable_bpf_events=true
}

measure_auditd() {
	start_auditd "$tmp/auditd.$1"
	run_measured "$auditd_pid"
	stop_auditd
	restore_state
}

# ---- report ---------------------------------------------------------------

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit }
		if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.6f\n", m }'
}

# Column $2 (3 getppid, 4 read, 5 walk, 6 rss, 7 bpf) of config $1.
results_col() {
	awk -v c="$1" -v k="$2" '$2 == c && $k != "-" { print $k }' "$tmp/results"
}

# Median over rounds of config $1's column $2 over reference $3's.
round_ratio() {
	awk -v c="$1" -v k="$2" -v ref="$3" '$2 == ref { b[$1] = $k } $2 == c { r[$1] = $k }
		END { for (i in r) if (b[i]) print r[i] / b[i] }' "$tmp/results" | median
}

ratio_cell() {
	[[ " $CONFIGS " == *" $3 "* ]] || {
		echo "-"
		return
	}
	awk -v r="$(round_ratio "$1" "$2" "$3")" 'BEGIN { printf "%.3fx", r }'
}

report_times() {
	local cfg
	printf '%-11s %11s %9s %10s %9s %9s %10s %9s %9s %10s %8s %7s\n' config getppid_ns \
		/baseline /never_task read_ns /baseline /never_task walk_s /baseline /never_task \
		rss_MiB bpf_MiB
	for cfg in $CONFIGS; do
		printf '%-11s %11.1f %9s %10s %9.1f %9s %10s %9.3f %9s %10s %8s %7s\n' "$cfg" \
			"$(results_col "$cfg" 3 | median)" "$(ratio_cell "$cfg" 3 baseline)" \
			"$(ratio_cell "$cfg" 3 never_task)" "$(results_col "$cfg" 4 | median)" \
			"$(ratio_cell "$cfg" 4 baseline)" "$(ratio_cell "$cfg" 4 never_task)" \
			"$(results_col "$cfg" 5 | median | awk '{ print $1 / 1e9 }')" \
			"$(ratio_cell "$cfg" 5 baseline)" "$(ratio_cell "$cfg" 5 never_task)" \
			"$(results_col "$cfg" 6 | median | awk '$1 != "-" { printf "%.1f", $1 / 1024 }')" \
			"$(results_col "$cfg" 7 | median | awk '$1 != "-" { printf "%.1f", $1 / 1024 }')"
	done
}

# The targets: the low-overhead profile within LOW_TARGET of the best
# baseline; sysq's defaults no worse than auditd with the same rules.
report_targets() {
	local k name r
	for k in 3:getppid 4:read 5:walk; do
		name=${k#*:}
		if [[ " $CONFIGS " == *" sysq_low "* && " $CONFIGS " == *" never_task "* ]]; then
			r=$(round_ratio sysq_low "${k%%:*}" never_task)
			awk -v r="$r" -v t="$LOW_TARGET" -v n="$name" 'BEGIN {
				printf "sysq_low %-8s <= %sx never_task: %.3fx, %s\n", n, t, r,
					(r <= t ? "met" : "MISSED") }'
		fi
		if [[ " $CONFIGS " == *" sysq "* && " $CONFIGS " == *" auditd "* ]]; then
			r=$(round_ratio sysq "${k%%:*}" auditd)
			awk -v r="$r" -v n="$name" 'BEGIN {
				printf "sysq     %-8s <= auditd (same rules): %.3fx, %s\n", n, r,
					(r <= 1.03 ? "met" : "MISSED") }'
		fi
	done
}

report() {
	echo
	echo "host_tax: $ROUNDS rounds x $(wc -w <<<"$CONFIGS") configs; getppid x $N_GETPPID," \
		"read x $N_READ, find $TREE; $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs," \
		"load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "audit state of 'baseline': $(awk '$1 == "enabled" || $1 == "pid" {
		printf "%s=%s ", $1, $2 }' "$tmp/status.orig")rules: $(tr '\n' ';' <"$tmp/rules.orig")"
	warn_bpf_stats
	echo
	report_times
	echo
	report_targets
	echo
	echo "ns: median over rounds of the median per-call time; ratios: median over rounds" \
		"of each round's ratio to that round's baseline. rss: the agent's peak resident" \
		"memory; bpf: the memlock of the BPF maps it holds (the ring buffers included)."
}

# ---- main -------------------------------------------------------------------

cleanup() {
	local rc=$?
	[[ $cleaned == 0 ]] || return 0
	cleaned=1
	[[ -n $tmp ]] || exit "$rc"
	stop_sysq
	stop_auditd
	stop_floor
	if [[ -n ${orig_enabled:-} ]]; then
		never_task_off
		restore_state
		if state_is_original; then
			echo "audit state restored: yes"
		else
			echo "audit state restored: NO ($(audit_settings); rules: $("$AUDITCTL" -l | tr '\n' ';'))"
		fi
	fi
	if [[ ${KEEP_TMP:-0} == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
	exit "$rc"
}

# Drops configs this build cannot run, saying why.
usable_configs() {
	local cfg out=
	for cfg in $CONFIGS; do
		if [[ $cfg == sysq_low ]] && ! "$SYSQ" daemon --flagfile= --config_path= \
			--enable_bpf_process_events=false --config_check >/dev/null 2>&1; then
			log "skipping sysq_low: this sysq has no --enable_bpf_process_events"
			continue
		fi
		out+="$cfg "
	done
	echo "${out% }"
}

main() {
	local -a order
	[[ $(id -u) == 0 ]] || die "must run as root"
	[[ -x $SYSQ && -x $LOOP && -x $FLOOR ]] ||
		die "needs sysq, tools/bench/syscall_loop and hook_floor in $build"
	[[ -x $AUDITD && -x $AUDITCTL ]] || die "needs Debian's auditd package"
	[[ -z $SYSQ_PREV || -x $SYSQ_PREV ]] || die "SYSQ_PREV=$SYSQ_PREV is not an executable"
	CONFIGS=$(usable_configs)
	read -ra order <<<"$CONFIGS"
	take_audit_lock
	tmp=$(mktemp -d /tmp/sysq-hosttax.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	audit_preflight
	save_state
	log "audit state at start: $(audit_settings)"
	run_rounds "${order[@]}"
	report
}

main "$@"
