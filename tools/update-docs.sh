#!/bin/bash
# Regenerates the generated blocks of docs/ (flag and table references)
# from a built sysq binary, so they match the code.
#   tools/update-docs.sh [SYSQ_BINARY]      default: build/sysq
set -euo pipefail
cd "$(dirname "$0")/.."
sysq=${1:-build/sysq}
regenerate() { # FILE "help flags"
    local file=$1 args=$2 tmp
    tmp=$(mktemp)
    # shellcheck disable=SC2086
    "$sysq" $args >"$tmp.gen"
    awk -v begin="<!-- BEGIN GENERATED: sysq $args -->" -v gen="$tmp.gen" '
        $0 == begin { print; while ((getline line < gen) > 0) print line; skip = 1; next }
        /^<!-- END GENERATED -->$/ { skip = 0 }
        !skip { print }
    ' "$file" >"$tmp"
    mv "$tmp" "$file"
    rm -f "$tmp.gen"
}
regenerate docs/configuration.md "help flags"
regenerate docs/configuration.md "help osquery-flags"
regenerate docs/tables.md "help tables"
