#!/bin/sh
# The remote-only build of the portable layers (AMP_RPMSG_REMOTE_ONLY,
# src/virtio/role.h), as the firmware and `make size` build them, for a
# bare-metal Cortex-M4: it compiles freestanding, defines the remote's
# API, and neither defines nor references any of the host's (virtio
# driver's) code; nothing is left undefined but memcpy/memmove/memset,
# the cache dispatcher and the compiler runtime. (The firmware images
# built this way run against the host in the remoteproc tests.) Exit 77
# (ctest SKIP_RETURN_CODE) if clang is not installed.
set -eu
src=$1
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "clang not found: skipped"; exit 77; }
NM=${NM:-$(command -v llvm-nm || echo nm)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in "$src"/src/virtio/*.c "$src"/src/rpmsg/*.c; do
	"$CLANG" --target=thumbv7em-none-eabi -mcpu=cortex-m4 -mthumb \
		-ffreestanding -nostdlib -std=c11 -Os \
		-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		-Wno-unused-parameter -Werror -DAMP_RPMSG_REMOTE_ONLY \
		-I"$src/include" -I"$src/src" -c "$f" -o "$out/$(basename "$f").o"
done
"$NM" --defined-only "$out"/*.o | awk 'NF == 3 {print $3}' | sort -u \
	>"$out/defined"
"$NM" -u "$out"/*.o | awk 'NF >= 2 {print $2}' | sort -u >"$out/undefined"
status=0
host=$(grep -E '^amp_(vq_driver_|rpmsg_host_init)' "$out/defined" \
	"$out/undefined" || true)
if [ -n "$host" ]; then
	echo "host code in the remote-only build: $host"
	status=1
fi
for f in amp_rpmsg_remote_init amp_rpmsg_remote_init_rsc \
	 amp_rpmsg_create_ept amp_rpmsg_sendto amp_rpmsg_poll \
	 amp_vq_device_get_avail amp_vq_device_put_used; do
	grep -qx "$f" "$out/defined" || { echo "missing: $f"; status=1; }
done
undef=$(comm -23 "$out/undefined" "$out/defined" | grep -v -E \
	'^(__aeabi_[a-z0-9]+|memcpy|memmove|memset|amp_cache_[a-z_]+)$' || true)
if [ -n "$undef" ]; then
	echo "unexpected external symbols: $undef"
	status=1
fi
[ $status = 0 ] && echo "remote-only (AMP_RPMSG_REMOTE_ONLY) build of src/virtio and src/rpmsg: no host code: OK"
exit $status
