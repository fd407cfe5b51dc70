# The hand-over protocol on a simulated core (bufproc firmware): round
# trip against buffer size, against RPMsg, in-place bandwidth.
amp_add_bench(bench_handover ${CMAKE_CURRENT_LIST_DIR}/bench_handover.c
	${PROJECT_SOURCE_DIR}/tools/common/hovprobe.c
	${PROJECT_SOURCE_DIR}/tools/common/readfile.c)
target_include_directories(bench_handover PRIVATE
	${PROJECT_SOURCE_DIR}/firmware/apps/bufproc
	${PROJECT_SOURCE_DIR}/tools/common)
target_compile_definitions(bench_handover PRIVATE
	AMP_BENCH_FW_DIR="${PROJECT_BINARY_DIR}/firmware")
