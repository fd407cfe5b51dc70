#!/bin/sh
# The ARMv7-A cache port builds for a bare-metal ARMv7-A core (Debian's
# clang, freestanding, -Werror) and issues the real instructions: the
# disassembly must show DCCMVAC (c7, c10, 1), DCIMVAC (c7, c6, 1),
# DCCIMVAC (c7, c14, 1), DSB and the CTR read (c0, c0, 1), in ARM and in
# Thumb-2. Exit 77 (ctest SKIP_RETURN_CODE) without clang or llvm-objdump.
set -eu
src=$1
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "clang not found: skipped"; exit 77; }
OBJDUMP=${OBJDUMP:-$(command -v llvm-objdump || true)}
NM=${NM:-$(command -v llvm-nm || echo nm)}
[ -n "$OBJDUMP" ] || { echo "llvm-objdump not found: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for isa in -marm -mthumb; do
	o="$out/cache_armv7$isa.o"
	"$CLANG" --target=armv7a-none-eabi -mcpu=cortex-a15 "$isa" \
		-mno-unaligned-access -ffreestanding -fno-builtin -nostdlib \
		-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes \
		-Wmissing-prototypes -Werror \
		-I"$src/firmware/boards/armv7/include" -I"$src/include" \
		-c "$src/firmware/boards/armv7/cache_armv7.c" -o "$o"
	"$OBJDUMP" -d "$o" >"$out/dis"
	for insn in 'mcr[[:space:]]+p15, #0, r[0-9]+, c7, c10, #1' \
		    'mcr[[:space:]]+p15, #0, r[0-9]+, c7, c6, #1' \
		    'mcr[[:space:]]+p15, #0, r[0-9]+, c7, c14, #1' \
		    'dsb[[:space:]]+sy' \
		    'mrc[[:space:]]+p15, #0, r[0-9]+, c0, c0, #1'; do
		if ! grep -q -E "$insn" "$out/dis"; then
			echo "$isa: no instruction matching '$insn' in:"
			cat "$out/dis"
			exit 1
		fi
	done
	undef=$("$NM" -u "$o" | awk '{print $2}' | \
		grep -v -E '^(amp_cache_set_ops|__aeabi_[a-z0-9]+)$' || true)
	if [ -n "$undef" ]; then
		echo "$isa: unexpected external symbols: $undef"
		exit 1
	fi
done
echo "armv7a-none-eabi build of the ARMv7 cache port (ARM, Thumb-2): OK"
