/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The in-VM benchmark (vmbench.c), run by vmtest after its checks: a
 * quick subset (1 and 4 MiB) in every `make check`, all sizes with
 * "ampbench=full" on the kernel command line (`make bench-vm`).
 * Returns the number of failures.
 */
#ifndef AMP_TESTS_VM_VMBENCH_H
#define AMP_TESTS_VM_VMBENCH_H

#include <stdbool.h>

int vm_bench(bool quick);

#endif
