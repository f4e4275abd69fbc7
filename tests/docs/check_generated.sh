#!/bin/sh
# Checks that a generated block in a Markdown file matches the command that
# generates it. A block looks like:
#   <!-- BEGIN GENERATED: sysq help flags -->
#   ...
#   <!-- END GENERATED -->
# usage: check_generated.sh SYSQ_BINARY FILE.md "help flags"
set -eu
sysq=$1 file=$2 args=$3
expected=$(mktemp) actual=$(mktemp)
trap 'rm -f "$expected" "$actual"' EXIT
# shellcheck disable=SC2086
"$sysq" $args >"$actual"
awk -v begin="<!-- BEGIN GENERATED: sysq $args -->" '
    $0 == begin { inside = 1; next }
    /^<!-- END GENERATED -->$/ { inside = 0 }
    inside { print }
' "$file" >"$expected"
if ! diff -u "$expected" "$actual"; then
    echo "$file is out of date: regenerate the block with \`sysq $args\`" >&2
    exit 1
fi
