# Userspace remoteproc on the simulated core: start to first RPMsg
# message, crash detected, crash recovered (needs build/firmware).
amp_add_bench(bench_rproc ${CMAKE_CURRENT_LIST_DIR}/bench_rproc.c)
target_compile_definitions(bench_rproc PRIVATE
	AMP_BENCH_FW_DIR="${PROJECT_BINARY_DIR}/firmware")
