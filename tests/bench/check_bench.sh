#!/bin/sh
# ampshm bench --quick on bench_iommu: the summary is printed, the JSON
# file parses and holds the run, and with gnuplot --plot draws a PNG.
# Usage: check_bench.sh AMPSHM WORKDIR
set -eu
ampshm=$1
work=$2

fail() {
	echo "check_bench: $*" >&2
	exit 1
}

rm -rf "$work"
mkdir -p "$work"
plot=""
if command -v gnuplot >/dev/null 2>&1; then
	plot="--plot $work/plots"
else
	echo "check_bench: gnuplot not installed, plots not checked"
fi

# shellcheck disable=SC2086
"$ampshm" bench --quick --json "$work/bench.json" $plot iommu \
	>"$work/out.txt" || fail "ampshm bench failed: $(cat "$work/out.txt")"
cat "$work/out.txt"

# The summary: a header, the table's rows with units, where the JSON went.
grep -q '^== iommu (quick)$' "$work/out.txt" || fail "no header"
grep -q '1 GiB through the IOMMU' "$work/out.txt" || fail "no map table"
for row in '4 KiB pages (262144)' '2 MiB blocks (512)' '1 GiB block (1)'; do
	grep -q "^    $row  *[0-9.]* us  *[0-9.]* us  *[0-9.]* ns\$" \
		"$work/out.txt" || fail "no summary row '$row'"
done
grep -q 'IOVA allocator .*alloc [0-9.]* ns' "$work/out.txt" ||
	fail "no allocator line"
grep -q "^JSON: $work/bench.json\$" "$work/out.txt" || fail "no JSON line"

# The JSON: parses, holds the quick iommu run, units in the keys.
python3 -m json.tool "$work/bench.json" >/dev/null || fail "bad JSON"
python3 - "$work/bench.json" <<'PY' || fail "unexpected JSON content"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["quick"] is True and list(doc["results"]) == ["iommu"], doc
r = doc["results"]["iommu"]
assert r["bench"] == "iommu" and r["quick"] is True
assert [m["page_size_bytes"] for m in r["iommu_map_1g"]] == [4096, 1 << 21, 1 << 30]
for m in r["iommu_map_1g"]:
    for op in ("map", "unmap"):
        assert m[op]["total_us"] > 0 and m[op]["per_page_ns"] > 0
assert r["ralloc_iova"]["alloc_per_op_ns"] > 0
PY

# The plot: the table, the script and a non-empty PNG.
if [ -n "$plot" ]; then
	for f in iommu_map.dat iommu_map.gp iommu_map.png; do
		test -s "$work/plots/$f" || fail "no $f"
	done
	magic=$(head -c 8 "$work/plots/iommu_map.png" | od -An -c | tr -d ' ')
	[ "$magic" = '211PNG\r\n032\n' ] || fail "iommu_map.png is not a PNG ($magic)"
	grep -q "^plot: $work/plots/iommu_map.png\$" "$work/out.txt" ||
		fail "no plot line"
fi

# Command-line errors: an unknown benchmark, an unknown option.
st=0
"$ampshm" bench --quick --json "$work/x.json" nosuch 2>/dev/null || st=$?
[ "$st" = 2 ] || fail "unknown benchmark: exit status $st, not 2"
st=0
"$ampshm" bench --nosuch 2>/dev/null || st=$?
[ "$st" = 2 ] || fail "unknown option: exit status $st, not 2"
"$ampshm" bench --help | grep -q 'usage: ampshm bench' || fail "no --help"
echo "check_bench: ok"
