# Remoteproc firmware images: the ELF and resource-table parsers, the
# layout checks, the loader and the setters. Runs half as long as the
# default (10 s with AMP_FUZZ_SECONDS at 20).
math(EXPR AMP_FUZZ_RPROC_SECONDS "(${AMP_FUZZ_SECONDS} + 1) / 2")
amp_add_fuzzer(fuzz_rproc_image ${CMAKE_CURRENT_LIST_DIR}/fuzz_rproc_image.c
	       SECONDS ${AMP_FUZZ_RPROC_SECONDS})
