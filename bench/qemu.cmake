# Real ARM firmware under qemu-system-arm (the QEMU backend): boot,
# restart by QMP reset, recovery, round trips, in-place rate (emulated).
amp_add_bench(bench_qemu ${CMAKE_CURRENT_LIST_DIR}/bench_qemu.c
	${PROJECT_SOURCE_DIR}/tools/common/hovprobe.c
	${PROJECT_SOURCE_DIR}/tools/common/readfile.c)
target_include_directories(bench_qemu PRIVATE
	${PROJECT_SOURCE_DIR}/firmware/apps/bufproc
	${PROJECT_SOURCE_DIR}/tools/common)
target_compile_definitions(bench_qemu PRIVATE
	AMP_BENCH_FW_DIR="${PROJECT_BINARY_DIR}/firmware")
