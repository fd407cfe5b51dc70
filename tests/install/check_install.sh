#!/bin/sh
# Install ampshm into a fresh prefix (and through DESTDIR), then build every
# example against the *installed* library twice, through pkg-config and
# through find_package(ampshm), and run them. A broken install fails here.
# Also builds ampshm as a subproject (add_subdirectory), which must not need
# cmocka or build the tests.
# usage: check_install.sh <build dir> <source dir> <work dir>
set -eu
build=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
# DESTDIR installs under it too.
DESTDIR=$work/destdir cmake --install "$build" --prefix /opt/ampshm \
	>"$work/destdir.log"
test -f "$work/destdir/opt/ampshm/include/ampshm/ampshm.h"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags ampshm)
libs=$(pkg-config --libs ampshm)
rpath="-Wl,-rpath,$prefix/lib"
run() {
	echo "== $*"
	"$@"
}

# 1. pkg-config, shared library
mkdir -p "$work/pc"
for ex in shm_device; do
	cc -std=c11 -Wall -Werror $cflags "$src/examples/$ex/main.c" $libs \
		$rpath -o "$work/pc/$ex"
	run "$work/pc/$ex"
done
cc -std=c11 -Wall -Werror $cflags "$src/examples/rpmsg_echo/host.c" $libs \
	$rpath -o "$work/pc/rpmsg_echo_host"
cc -std=c11 -Wall -Werror $cflags "$src/examples/rpmsg_echo/remote.c" $libs \
	$rpath -o "$work/pc/rpmsg_echo_remote"
run "$work/pc/rpmsg_echo_host" "$work/pc/rpmsg_echo_remote"
# ... and static (pkg-config --static)
cc -std=c11 -Wall -Werror $cflags "$src/examples/shm_device/main.c" \
	-L"$prefix/lib" -l:libampshm.a $(pkg-config --static --libs-only-other ampshm) \
	-o "$work/pc/shm_device_static"
run "$work/pc/shm_device_static"

# 2. find_package(ampshm)
cmake -S "$src/examples" -B "$work/cm" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_BUILD_RPATH="$prefix/lib" >"$work/cm.log"
cmake --build "$work/cm" >>"$work/cm.log"
run "$work/cm/shm_device/shm_device"
run "$work/cm/rpmsg_echo/rpmsg_echo_host" \
	"$work/cm/rpmsg_echo/rpmsg_echo_remote"

# 3. as a subproject, without cmocka or tests
cmake -S "$src/tests/install/subproject" -B "$work/sub" \
	-DAMPSHM_SOURCE_DIR="$src" >"$work/sub.log"
if grep -qi cmocka "$work/sub/CMakeCache.txt"; then
	echo "the subproject build looked for cmocka"
	exit 1
fi
cmake --build "$work/sub" >>"$work/sub.log"
run "$work/sub/shm_device"
echo "install: pkg-config, find_package and subproject builds all ran"
