# RPMsg receive path under a peer that writes anything anywhere in the
# shared memory (issue #3).
amp_add_fuzzer(fuzz_rpmsg_rx ${CMAKE_CURRENT_LIST_DIR}/fuzz_rpmsg_rx.c)
