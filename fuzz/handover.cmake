# The hand-over protocol (issue #8): both sides' decoders and the tables of
# what was shared, over arbitrary message sequences. A quarter of the
# default fuzz time (5 s with AMP_FUZZ_SECONDS at 20).
math(EXPR AMP_FUZZ_HOV_SECONDS "(${AMP_FUZZ_SECONDS} + 3) / 4")
amp_add_fuzzer(fuzz_handover ${CMAKE_CURRENT_LIST_DIR}/fuzz_handover.c
	       SECONDS ${AMP_FUZZ_HOV_SECONDS})
