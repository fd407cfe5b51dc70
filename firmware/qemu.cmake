# The qemu-virt board (firmware/boards/qemu-virt): the sample firmware
# built as real bare-metal ARMv7-A images (Cortex-A15) for QEMU's "virt"
# machine, which the remoteproc core's QEMU backend runs under
# qemu-system-arm. Cross-compiled with clang and linked with ld.lld
# whatever the host compiler is; skipped (a STATUS message) without them.
#
# Targets (in ALL): fw_bufproc_qemu and fw_echo_qemu, building
#   ${AMPFW_QEMU_DIR}/fw_bufproc_qemu.elf and ${AMPFW_QEMU_DIR}/fw_echo_qemu.elf
# with AMPFW_QEMU_DIR = ${CMAKE_BINARY_DIR}/firmware. AMPFW_QEMU_DIR,
# AMPFW_QEMU_BUFPROC_ELF and AMPFW_QEMU_ECHO_ELF are set in the top-level
# scope too (empty when skipped); `if(TARGET fw_bufproc_qemu)` tells
# whether they are built.
#
# Included from firmware/CMakeLists.txt after the sanitizer/fuzzer early
# return (nothing instrumented can run on the core) and before the
# host-processor check (this build does not depend on the host's ISA).

set(AMPFW_QEMU_DIR "" PARENT_SCOPE)
set(AMPFW_QEMU_BUFPROC_ELF "" PARENT_SCOPE)
set(AMPFW_QEMU_ECHO_ELF "" PARENT_SCOPE)

find_program(AMPFW_QEMU_CLANG NAMES clang clang-19 clang-18 clang-17
	     clang-16 clang-15 clang-14
	     DOC "clang for the qemu-virt firmware (armv7a-none-eabi)")
find_program(AMPFW_QEMU_LLD NAMES ld.lld ld.lld-19 ld.lld-18 ld.lld-17
	     ld.lld-16 ld.lld-15 ld.lld-14
	     DOC "ld.lld for the qemu-virt firmware")
if(NOT AMPFW_QEMU_CLANG OR NOT AMPFW_QEMU_LLD)
	message(STATUS "firmware: clang or ld.lld not found; the qemu-virt "
		"images (fw_bufproc_qemu, fw_echo_qemu) are not built")
	return()
endif()

set(AMPFW_QEMU_DIR ${CMAKE_BINARY_DIR}/firmware)
set(AMPFW_QEMU_OBJ ${CMAKE_CURRENT_BINARY_DIR}/qemu-virt)
set(AMPFW_QEMU_BOARD ${CMAKE_CURRENT_SOURCE_DIR}/boards/qemu-virt)
set(AMPFW_QEMU_LD ${AMPFW_QEMU_BOARD}/qemu_virt.ld)

# Bare metal, MMU off (so no unaligned accesses), soft float (no FPU is
# enabled), no compiler runtime: the few EABI helpers are in
# boards/armv7/aeabi_mem.c. Remote only: no host-side RPMsg/virtio code.
set(AMPFW_QEMU_CFLAGS --target=armv7a-none-eabi -mcpu=cortex-a15 -marm
    -mfloat-abi=soft -mfpu=none -mno-unaligned-access
    -ffreestanding -fno-builtin -nostdlib -std=c11 -O2 -g
    -fno-pie -fno-stack-protector -fno-exceptions -fno-unwind-tables
    -fno-asynchronous-unwind-tables
    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wno-unused-parameter -Werror
    -DAMP_RPMSG_REMOTE_ONLY
    -I${CMAKE_CURRENT_SOURCE_DIR}/include
    -I${AMPFW_QEMU_BOARD}/include
    -I${CMAKE_CURRENT_SOURCE_DIR}/boards/armv7/include
    -I${PROJECT_SOURCE_DIR}/include
    -I${PROJECT_SOURCE_DIR}/src)

file(GLOB AMPFW_QEMU_COMMON_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/rpmsg/*.c ${PROJECT_SOURCE_DIR}/src/virtio/*.c
     ${AMPFW_QEMU_BOARD}/*.c ${AMPFW_QEMU_BOARD}/*.S)
list(APPEND AMPFW_QEMU_COMMON_SOURCES
     ${PROJECT_SOURCE_DIR}/src/handover/wire.c
     ${PROJECT_SOURCE_DIR}/src/port/generic/cache.c
     ${CMAKE_CURRENT_SOURCE_DIR}/lib/fw_rpmsg.c
     ${CMAKE_CURRENT_SOURCE_DIR}/lib/fw_libc.c
     ${CMAKE_CURRENT_SOURCE_DIR}/lib/fw_hov.c
     ${CMAKE_CURRENT_SOURCE_DIR}/boards/armv7/cache_armv7.c
     ${CMAKE_CURRENT_SOURCE_DIR}/boards/armv7/aeabi_mem.c)

# ampfw_qemu_objects(<outvar> <subdir> <source>... [DEFS <define>...]):
# one object per source under ${AMPFW_QEMU_OBJ}/<subdir>, with its
# header dependencies from a depfile.
function(ampfw_qemu_objects outvar subdir)
	cmake_parse_arguments(A "" "" "DEFS" ${ARGN})
	set(defs)
	foreach(d IN LISTS A_DEFS)
		list(APPEND defs -D${d})
	endforeach()
	set(objs)
	file(MAKE_DIRECTORY ${AMPFW_QEMU_OBJ}/${subdir})
	foreach(src IN LISTS A_UNPARSED_ARGUMENTS)
		file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${src})
		string(REPLACE "/" "_" name ${rel})
		set(obj ${AMPFW_QEMU_OBJ}/${subdir}/${name}.o)
		add_custom_command(OUTPUT ${obj}
			COMMAND ${AMPFW_QEMU_CLANG} ${AMPFW_QEMU_CFLAGS} ${defs}
				-MD -MF ${obj}.d -c ${src} -o ${obj}
			DEPENDS ${src}
			DEPFILE ${obj}.d
			COMMENT "qemu-virt: compiling ${rel}"
			VERBATIM)
		list(APPEND objs ${obj})
	endforeach()
	set(${outvar} ${objs} PARENT_SCOPE)
endfunction()

# ampfw_add_qemu_firmware(<name> <app source> [DEFS <define>...]):
# ${AMPFW_QEMU_DIR}/<name>.elf, target <name>, in ALL. Each image
# compiles its own objects (a second or so): objects shared between two
# targets would have their rules run by both, in parallel.
function(ampfw_add_qemu_firmware name app)
	ampfw_qemu_objects(objs ${name} ${AMPFW_QEMU_COMMON_SOURCES} ${app}
			   ${ARGN})
	set(elf ${AMPFW_QEMU_DIR}/${name}.elf)
	add_custom_command(OUTPUT ${elf}
		COMMAND ${AMPFW_QEMU_LLD} -T ${AMPFW_QEMU_LD} --build-id=none
			-z max-page-size=4096 -z noexecstack -o ${elf} ${objs}
		DEPENDS ${objs} ${AMPFW_QEMU_LD}
		COMMENT "qemu-virt: linking ${name}.elf"
		VERBATIM)
	add_custom_target(${name} ALL DEPENDS ${elf})
endfunction()

ampfw_add_qemu_firmware(fw_bufproc_qemu
	${CMAKE_CURRENT_SOURCE_DIR}/apps/bufproc/bufproc.c)
ampfw_add_qemu_firmware(fw_echo_qemu ${CMAKE_CURRENT_SOURCE_DIR}/apps/echo/echo.c)

set(AMPFW_QEMU_DIR ${AMPFW_QEMU_DIR} PARENT_SCOPE)
set(AMPFW_QEMU_BUFPROC_ELF ${AMPFW_QEMU_DIR}/fw_bufproc_qemu.elf PARENT_SCOPE)
set(AMPFW_QEMU_ECHO_ELF ${AMPFW_QEMU_DIR}/fw_echo_qemu.elf PARENT_SCOPE)
