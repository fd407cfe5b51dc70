/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the tests. */
#ifndef AMP_TESTUTIL_H
#define AMP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Fill @len bytes with a pattern derived from @seed; check it back. */
void tu_fill(void *buf, size_t len, uint32_t seed);
int tu_check(const void *buf, size_t len, uint32_t seed);

/*
 * Run @fn(arg) in a forked child with stderr captured into @err (up to
 * @errlen bytes, NUL terminated). Returns the raw wait status.
 */
int tu_run_child(void (*fn)(void *), void *arg, char *err, size_t errlen);

#endif
