#!/bin/sh
# The portable coprocessor side (firmware/lib) and the sample firmware
# (firmware/apps) compile for a bare-metal ARMv7-A core as they are, with
# the RPMsg/virtio layers they use: freestanding, no libc headers, and
# nothing left undefined but the compiler runtime. The apps are built
# against two memory maps: the simulated core's and the qemu-virt
# board's, whose C files (and the ARMv7 ones) are compiled too. As the
# firmware builds them: the remote's code only (AMP_RPMSG_REMOTE_ONLY,
# src/virtio/role.h), so a remote that referenced the host's code would
# be caught here. The real qemu-virt images are linked by
# firmware/qemu.cmake. Exit 77 (ctest
# SKIP_RETURN_CODE) if clang is not installed.
set -eu
src=$1
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "clang not found: skipped"; exit 77; }
NM=${NM:-$(command -v llvm-nm || echo nm)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# cc <board> <file>...: compile against boards/<board>/include
cc() {
	board=$1
	shift
	for f in "$@"; do
		"$CLANG" --target=armv7a-none-eabi -mno-unaligned-access \
			-ffreestanding -fno-builtin -nostdlib -std=c11 -O2 \
			-Wall -Wextra -Wshadow -Wstrict-prototypes \
			-Wmissing-prototypes -Wno-unused-parameter -Werror \
			-DAMP_RPMSG_REMOTE_ONLY \
			-I"$src/firmware/include" \
			-I"$src/firmware/boards/$board/include" \
			-I"$src/firmware/boards/armv7/include" \
			-I"$src/include" -I"$src/src" -c "$f" \
			-o "$out/${board}_$(basename "$(dirname "$f")")_$(basename "$f").o"
	done
}
cc sim "$src"/firmware/lib/*.c "$src"/firmware/apps/*/*.c \
	"$src"/src/virtio/*.c "$src"/src/rpmsg/*.c \
	"$src"/src/handover/wire.c "$src"/src/port/generic/cache.c
cc qemu-virt "$src"/firmware/apps/*/*.c "$src"/firmware/boards/qemu-virt/*.c \
	"$src"/firmware/boards/armv7/*.c
"$NM" --defined-only "$out"/*.o 2>/dev/null | awk 'NF == 3 {print $3}' | \
	sort -u >"$out/defined"
"$NM" -u "$out"/*.o 2>/dev/null | awk 'NF >= 2 {print $2}' | sort -u | \
	comm -23 - "$out/defined" >"$out/undefined"
undef=$(grep -v -E '^(__aeabi_[a-z0-9]+|ampfw_main)$' "$out/undefined" || true)
if [ -n "$undef" ]; then
	echo "unexpected external symbols: $undef"
	exit 1
fi
echo "bare-metal (armv7a-none-eabi) build of firmware/lib, firmware/apps and the qemu-virt board: OK"
