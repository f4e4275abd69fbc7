#!/bin/sh
# Replays one captured audit log and compares the rows with the reference.
# usage: check.sh REPLAY_TOOL CASE.log CASE.expected
set -eu
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
"$1" "$2" >"$actual"
diff -u "$3" "$actual"
