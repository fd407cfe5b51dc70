#!/bin/sh
# Every public header compiles on its own, as C11 and as C++17, with
# warnings as errors: it includes what it needs and nothing in it is C-only.
# usage: check_headers.sh <include dir> <cc> <c++>
set -eu
inc=$1 cc=$2 cxx=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0 n=0
for h in "$inc"/ampshm/*.h; do
	name=$(basename "$h")
	printf '#include <ampshm/%s>\n#include <ampshm/%s>\nint amp_tu;\n' \
		"$name" "$name" >"$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cpp"
	if ! "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I"$inc" \
		-c "$tmp/t.c" -o "$tmp/t.o" 2>"$tmp/err"; then
		echo "C: $name"; cat "$tmp/err"; status=1
	fi
	if ! "$cxx" -std=c++17 -Wall -Wextra -Werror -I"$inc" \
		-c "$tmp/t.cpp" -o "$tmp/t.o" 2>"$tmp/err"; then
		echo "C++: $name"; cat "$tmp/err"; status=1
	fi
	n=$((n + 1))
done
[ $status = 0 ] && echo "headers: $n compile alone as C11 and C++17"
exit $status
