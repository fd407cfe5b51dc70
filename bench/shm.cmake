# Shared buffers: open/attach/detach/close cycle per provider and device,
# 4 KiB range sync cost (coherent, checker, bounce), bounce bandwidth.
amp_add_bench(bench_shm ${CMAKE_CURRENT_LIST_DIR}/bench_shm.c)
# Smoke run: everything shrunk to 16 MiB at most.
add_test(NAME bench_shm_quick COMMAND bench_shm --quick)
set_tests_properties(bench_shm_quick PROPERTIES LABELS bench TIMEOUT 120)
