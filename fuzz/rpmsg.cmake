# RPMsg under a peer that writes anything anywhere in the shared region
# (issue #3), and the attach paths over fuzzed resource tables. The two
# share the fuzz time of one target.
math(EXPR AMP_FUZZ_RPMSG_SECONDS "(${AMP_FUZZ_SECONDS} + 1) / 2")
amp_add_fuzzer(fuzz_rpmsg_rx ${CMAKE_CURRENT_LIST_DIR}/fuzz_rpmsg_rx.c
	       SECONDS ${AMP_FUZZ_RPMSG_SECONDS})
amp_add_fuzzer(fuzz_rpmsg_attach ${CMAKE_CURRENT_LIST_DIR}/fuzz_rpmsg_attach.c
	       SECONDS ${AMP_FUZZ_RPMSG_SECONDS})
