/* SPDX-License-Identifier: BSD-3-Clause */
/* Numbers written by people: config files, environment, command lines. */
#ifndef AMP_CORE_PARSE_H
#define AMP_CORE_PARSE_H

#include <stdint.h>

/*
 * "0x1000", "4096", "64K", "256M", "2G" (K/M/G are powers of 2, either
 * case): 0 and *out; -EINVAL if it is not such a number; -ERANGE if it
 * does not fit in 64 bits.
 */
int amp_parse_size(const char *s, uint64_t *out);

#endif
