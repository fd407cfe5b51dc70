#!/bin/sh
# ampshm inspect on generated images: the fields of a good one, the clear
# error and exit status of malformed ones.
# usage: cli_test.sh <ampshm> <rproc_mkimage>
set -eu
ampshm=$1 mkimage=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mkimage" "$tmp"

fail() {
	echo "FAIL: $*"
	exit 1
}
has() { # has FILE PATTERN
	grep -qF -- "$2" "$1" || { cat "$1"; fail "'$2' not in the output"; }
}

"$ampshm" --help >"$tmp/out" || fail "ampshm --help"
has "$tmp/out" "inspect"
"$ampshm" inspect --help >"$tmp/out" || fail "inspect --help"
has "$tmp/out" "--json"
if "$ampshm" nosuchcmd 2>"$tmp/err"; then fail "unknown command accepted"; fi
has "$tmp/err" "unknown command 'nosuchcmd'"

"$ampshm" inspect "$tmp/fw32.elf" >"$tmp/out" || fail "inspect fw32.elf"
cat "$tmp/out"
has "$tmp/out" "class:   ELF32"
has "$tmp/out" "machine: 40 (ARM)"
has "$tmp/out" "entry:   0x10000"
has "$tmp/out" "LOAD    0x80       0x10000            0x10000            0x100      0x100      R-X"
has "$tmp/out" ".resource_table"
has "$tmp/out" "resource table: .resource_table at da 0x20000"
has "$tmp/out" "carveout   @0x1c    'fw' da 0x10000 pa any len 0x100000"
has "$tmp/out" "trace      @0x54    'trace0' da 0x80000 len 0x1000"
has "$tmp/out" "vdev       @0x84    id 7 (rpmsg)"
has "$tmp/out" "vring 1: da 0x94000 align 4096 num 256 notifyid 1 size 0x2806"
has "$tmp/out" "layout:  ok"

"$ampshm" inspect --json "$tmp/fw64.elf" >"$tmp/out" || fail "inspect --json fw64.elf"
cat "$tmp/out"
has "$tmp/out" '"class": 64'
has "$tmp/out" '"machine_name": "AArch64"'
has "$tmp/out" '"kind": "carveout64", "type": 356'
has "$tmp/out" '"da": "0x100000000", "pa": "0x880000000", "len": "0x10000000"'
has "$tmp/out" '"layout": "ok"'
if command -v python3 >/dev/null; then
	python3 -m json.tool "$tmp/out" >/dev/null || fail "invalid JSON"
fi

"$ampshm" inspect "$tmp/fw_vendor.elf" >"$tmp/out" || fail "inspect fw_vendor.elf"
has "$tmp/out" "vendor     @0x54    type 200 len 16 (skipped)"
has "$tmp/out" "unknown    @0x64    type 9 (ignored)"
has "$tmp/out" "machine: 243 (RISC-V)"
# The segment at 0x1000 is inside no carveout: a layout warning...
has "$tmp/out" "layout:  segment 0 [0x1000,0x1400) is not inside a carveout"
# ...an error with --strict, fine once the memory is declared.
if "$ampshm" inspect --strict "$tmp/fw_vendor.elf" >/dev/null 2>&1; then
	fail "--strict accepted a layout failure"
fi
"$ampshm" inspect --strict --mem 0x1000:0x1000 "$tmp/fw_vendor.elf" \
	>/dev/null || fail "--mem not honoured"

if "$ampshm" inspect "$tmp/bad_phdrs.elf" >"$tmp/out" 2>"$tmp/err"; then
	fail "bad_phdrs.elf accepted"
fi
cat "$tmp/err"
has "$tmp/err" "e_phoff 0x34 + e_phnum 2 * 32 = 0x74 beyond the image (0x64 bytes)"

if "$ampshm" inspect "$tmp/bad_rsc.elf" >"$tmp/out" 2>"$tmp/err"; then
	fail "bad_rsc.elf accepted"
fi
has "$tmp/err" "entry 1 (trace): name is not NUL-terminated"

if "$ampshm" inspect "$tmp/missing.elf" 2>"$tmp/err"; then
	fail "missing file accepted"
fi
has "$tmp/err" "No such file"
echo "cli: all checks passed"
