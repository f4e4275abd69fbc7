# audit_lib.sh: the kernel audit state and auditd, for the benchmarks
# that change them (syscall_overhead.sh, host_tax.sh), sourced by them.
#
# The sourcing script sets AUDITCTL, AUDITD, AUDITD_PIDFILE, BENCH_KEY,
# RULE_SYSCALLS, BACKLOG_LIMIT, BACKLOG_WAIT_TIME, LOCK and tmp (its temp dir),
# defines die and log, and calls save_state before it changes anything.
# Only rules keyed BENCH_KEY or sysq that were not there at the start are
# ever deleted, and audit is never disabled if it was found enabled.
# shellcheck shell=bash disable=SC2154

# Value of one `auditctl -s` line, e.g. audit_get enabled.
audit_get() {
	"$AUDITCTL" -s | awk -v k="$1" '$1 == k { print $2 }'
}

audit_settings() {
	local k
	for k in enabled failure pid backlog_limit backlog_wait_time lost; do
		printf '%s=%s ' "$k" "$(audit_get "$k")"
	done
	echo
}

save_state() {
	orig_enabled=$(audit_get enabled)
	orig_failure=$(audit_get failure)
	orig_backlog_limit=$(audit_get backlog_limit)
	orig_backlog_wait_time=$(audit_get backlog_wait_time)
	"$AUDITCTL" -l >"$tmp/rules.orig"
	"$AUDITCTL" -s >"$tmp/status.orig"
}

# Deletes rules that this run's agents added (key bench or sysq) and that
# were not there at the start; leaves every other rule alone.
delete_added_rules() {
	local line
	local -a words
	"$AUDITCTL" -l >"$tmp/rules.now"
	while IFS= read -r line; do
		[[ $line == "-a "* ]] || continue
		grep -qxF -- "$line" "$tmp/rules.orig" && continue
		if [[ $line != *"key=$BENCH_KEY" && $line != *"key=sysq" ]]; then
			log "leaving a rule this run did not add: $line"
			continue
		fi
		read -ra words <<<"${line/#-a /-d }"
		"$AUDITCTL" "${words[@]}" >/dev/null || log "could not delete: $line"
	done <"$tmp/rules.now"
}

# Puts enabled, failure and the backlog settings back as found.
restore_settings() {
	[[ $(audit_get failure) == "$orig_failure" ]] || "$AUDITCTL" -f "$orig_failure" >/dev/null
	[[ $(audit_get backlog_limit) == "$orig_backlog_limit" ]] ||
		"$AUDITCTL" -b "$orig_backlog_limit" >/dev/null
	[[ $(audit_get backlog_wait_time) == "$orig_backlog_wait_time" ]] ||
		"$AUDITCTL" --backlog_wait_time "$orig_backlog_wait_time" >/dev/null
	[[ $(audit_get enabled) == "$orig_enabled" ]] || "$AUDITCTL" -e "$orig_enabled" >/dev/null
}

# True when rules and settings are as found and no daemon owns audit.
state_is_original() {
	[[ $(audit_get pid) == 0 ]] || return 1
	[[ $(audit_get enabled) == "$orig_enabled" ]] || return 1
	[[ $(audit_get failure) == "$orig_failure" ]] || return 1
	[[ $(audit_get backlog_limit) == "$orig_backlog_limit" ]] || return 1
	[[ $(audit_get backlog_wait_time) == "$orig_backlog_wait_time" ]] || return 1
	"$AUDITCTL" -l | cmp -s - "$tmp/rules.orig"
}

restore_state() {
	delete_added_rules
	restore_settings
}

# True when pid $1 owns the kernel's audit socket.
owns_audit() {
	[[ $(audit_get pid) == "$1" ]]
}

# auditd.conf: Debian's, with the log and plugins in the round's temp dir.
write_auditd_conf() {
	local dir=$1
	mkdir -p "$dir/plugins.d"
	sed -e "s|^log_file *=.*|log_file = $dir/audit.log|" \
		-e "s|^plugin_dir *=.*|plugin_dir = $dir/plugins.d|" \
		/etc/audit/auditd.conf >"$dir/auditd.conf"
	chmod 0640 "$dir/auditd.conf"
}

bench_rules() {
	local op=$1 arch
	for arch in b64 b32; do
		"$AUDITCTL" "$op" always,exit -F arch="$arch" -S "$RULE_SYSCALLS" -k "$BENCH_KEY" \
			>/dev/null
	done
}

# For auditd and the floor: what sysq does itself at start-up.
configure_kernel() {
	[[ $(audit_get enabled) != 0 ]] || "$AUDITCTL" -e 1 >/dev/null
	"$AUDITCTL" -b "$BACKLOG_LIMIT" >/dev/null
	"$AUDITCTL" --backlog_wait_time "$BACKLOG_WAIT_TIME" >/dev/null
	bench_rules -a
}

start_auditd() {
	local dir=$1 enable=enable
	write_auditd_conf "$dir"
	# auditd -s enable disables audit when it exits: never when it was on.
	[[ $orig_enabled == 0 ]] || enable=nochange
	"$AUDITD" -n -s "$enable" -c "$dir" >"$dir/auditd.out" 2>&1 &
	auditd_pid=$!
	wait_until 10 owns_audit "$auditd_pid" ||
		die "auditd did not take the audit socket: $(tail -n 5 "$dir/auditd.out")"
	configure_kernel
}

stop_auditd() {
	[[ -n $auditd_pid ]] || return 0
	bench_rules -d 2>/dev/null || true
	stop_pid "$auditd_pid" TERM
	auditd_pid=
	if [[ $auditd_pidfile_existed == 0 && -e $AUDITD_PIDFILE ]]; then
		rm -f "$AUDITD_PIDFILE"
	fi
}

# Before a run changes anything: refuses audit that is locked or owned by
# a daemon, and notes whether auditd's pidfile was there already.
audit_preflight() {
	local owner
	[[ -e $AUDITD_PIDFILE ]] && auditd_pidfile_existed=1
	[[ $(audit_get enabled) != 2 ]] || die "audit is locked (enabled 2): cannot add rules"
	owner=$(audit_get pid)
	[[ $owner == 0 ]] || die "pid $owner owns the audit socket; stop it first"
}

# Holds LOCK, the flock every user of the audit socket here takes, until
# the script exits (fd 9), waiting for it if another holds it.
take_audit_lock() {
	exec 9>"$LOCK"
	if ! flock -n 9; then
		log "waiting for $LOCK (another user of the audit socket)"
		flock 9
	fi
}
