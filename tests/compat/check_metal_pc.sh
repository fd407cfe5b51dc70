#!/bin/sh
# Install ampshm, build a program written against the libmetal proposal
# with `pkg-config ampshm-metal`, and link it together with a stand-in for
# a real libmetal (same names, upstream signatures): shared and static.
# usage: check_metal_pc.sh <build dir> <source dir> <work dir> <cc>
set -eu
build=$1 src=$2 work=$3 cc=$4
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
test -f "$prefix/include/ampshm/metal-compat/metal/shmem.h"
libdir=$(dirname "$(find "$prefix" -name ampshm-metal.pc | head -n 1)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cflags=$(pkg-config --cflags ampshm-metal)
libs=$(pkg-config --libs ampshm-metal)
"$cc" -std=c11 -Wall -Wextra -Werror -c "$src/tests/compat/fake_libmetal.c" \
	-o "$work/fake_libmetal.o"
"$cc" -std=c11 -Wall -Wextra -Werror $cflags \
	"$src/tests/compat/metal_pc_prog.c" "$work/fake_libmetal.o" $libs \
	-Wl,-rpath,"$libdir" -o "$work/prog"
"$work/prog"
"$cc" -std=c11 -Wall -Wextra -Werror $cflags \
	"$src/tests/compat/metal_pc_prog.c" "$work/fake_libmetal.o" \
	-L"$libdir" -l:libampshm.a \
	$(pkg-config --static --libs-only-other ampshm-metal) \
	-o "$work/prog_static"
"$work/prog_static"
