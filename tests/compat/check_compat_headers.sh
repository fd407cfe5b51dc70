#!/bin/sh
# Every header of the libmetal compat directory compiles on its own, as
# C11 and as C++17, included by its proposal name (<metal/x.h>) with the
# compat directory on the include path.
# usage: check_compat_headers.sh <include dir> <cc> <c++>
set -eu
inc=$1 cc=$2 cxx=$3
compat=$inc/ampshm/metal-compat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0 n=0
for h in "$compat"/metal/*.h; do
	name=metal/$(basename "$h")
	printf '#include <%s>\n#include <%s>\nint amp_tu;\n' "$name" "$name" \
		>"$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cpp"
	if ! "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I"$inc" \
		-I"$compat" -c "$tmp/t.c" -o "$tmp/t.o" 2>"$tmp/err"; then
		echo "C: $name"; cat "$tmp/err"; status=1
	fi
	if ! "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -I"$inc" \
		-I"$compat" -c "$tmp/t.cpp" -o "$tmp/t.o" 2>"$tmp/err"; then
		echo "C++: $name"; cat "$tmp/err"; status=1
	fi
	n=$((n + 1))
done
[ $status = 0 ] && echo "metal compat headers: $n compile alone as C11 and C++17"
exit $status
