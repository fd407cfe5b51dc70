# RPMsg between two processes (issue #3): round trip and streaming.
amp_add_bench(bench_rpmsg ${CMAKE_CURRENT_LIST_DIR}/bench_rpmsg.c)
