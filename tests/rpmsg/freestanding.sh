#!/bin/sh
# Prove that the portable layers (src/virtio, src/rpmsg, src/handover, the
# cache-op dispatcher) compile for a bare-metal ARMv7-A firmware: freestanding, no
# libc headers. Any OS or libc dependency breaks this build. Exit 77
# (ctest SKIP_RETURN_CODE) if clang is not installed.
set -eu
src=$1
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "clang not found: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$src"/src/virtio/*.c "$src"/src/rpmsg/*.c "$src"/src/handover/*.c \
	"$src"/src/port/generic/cache.c; do
	"$CLANG" --target=armv7a-none-eabi -mno-unaligned-access \
		-ffreestanding -nostdlib -std=c11 -O2 \
		-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		-Wno-unused-parameter -Werror \
		-I"$src/include" -I"$src/src" -c "$f" -o "$out/$(basename "$f").o"
done
# Link-level check: nothing but the compiler runtime and memcpy/memset may
# be left undefined.
NM=${NM:-$(command -v llvm-nm || echo nm)}
syms=$("$NM" -u "$out"/*.o) || { echo "$NM failed"; exit 1; }
undef=$(echo "$syms" | awk '{print $2}' | sort -u | \
	grep -v -E '^(__aeabi_[a-z0-9]+|memcpy|memmove|memset|amp_.*)$' || true)
if [ -n "$undef" ]; then
	echo "unexpected external symbols: $undef"
	exit 1
fi
echo "bare-metal (armv7a-none-eabi) build of src/virtio, src/rpmsg and src/handover: OK"
