#!/bin/sh
# The shared library exports exactly the functions the public headers
# mark AMP_API, and every global symbol of the library (exported or not)
# carries the amp_ or metal_ prefix, so that it cannot clash with the
# program or another library when linked statically.
# usage: check_exports.sh <libampshm.so> <libampshm.a> <include dir>
set -eu
so=$1 a=$2 inc=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$so" | awk '$2 ~ /[TDBRW]/ {print $3}' | sort -u \
	>"$tmp/exported"
# AMP_API declarations: the name before the first '(' on the line.
grep -rh '^AMP_API' "$inc" | sed -E 's/\(.*//; s/.*[ *]//' | sort -u \
	>"$tmp/declared"

status=0
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
if [ -n "$extra" ]; then
	echo "exported but not declared AMP_API in a public header:"
	echo "$extra" | sed 's/^/  /'
	status=1
fi
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -n "$missing" ]; then
	echo "declared AMP_API but not exported (not defined?):"
	echo "$missing" | sed 's/^/  /'
	status=1
fi
nm -g --defined-only "$a" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u \
	>"$tmp/globals"
bad=$(grep -Ev '^(amp_|metal_)' "$tmp/globals" || true)
if [ -n "$bad" ]; then
	echo "global symbols without the amp_/metal_ prefix:"
	echo "$bad" | sed 's/^/  /'
	status=1
fi
n=$(wc -l <"$tmp/exported")
[ $status = 0 ] && echo "exports: $n functions, all declared AMP_API; all globals prefixed"
exit $status
