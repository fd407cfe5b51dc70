# Remoteproc firmware images: the ELF and resource-table parsers, the
# layout checks, the loader and the setters. Runs half as long as the
# other fuzzers (10 s with the default AMP_FUZZ_SECONDS of 20).
set(amp_fuzz_seconds_saved ${AMP_FUZZ_SECONDS})
math(EXPR AMP_FUZZ_SECONDS "(${AMP_FUZZ_SECONDS} + 1) / 2")
amp_add_fuzzer(fuzz_rproc_image ${CMAKE_CURRENT_LIST_DIR}/fuzz_rproc_image.c)
unset(AMP_FUZZ_SECONDS)
if(NOT AMP_FUZZ_SECONDS EQUAL amp_fuzz_seconds_saved)
	set(AMP_FUZZ_SECONDS ${amp_fuzz_seconds_saved})
endif()
