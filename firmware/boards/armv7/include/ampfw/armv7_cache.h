/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARMv7-A data-cache maintenance for the coprocessor side: the port's
 * cache operations (struct amp_cache_ops) by virtual address, to the
 * point of coherency, and the barriers. See docs/port-armv7.md.
 *
 * Two layers:
 * - the instruction layer (armv7_insn.h): one maintenance instruction on
 *   one line (amp_armv7_dc_op), the barriers, the Cache Type Register.
 *   On ARM it is inline assembly; a host test defines AMP_ARMV7_RECORD
 *   and supplies its own functions, which record the operations;
 * - the port (cache_armv7.c): every line of a range, then a DSB, as
 *   amp_cache_ops; amp_armv7_cache_init() installs it.
 *
 * Freestanding: no libc.
 */
#ifndef AMPFW_ARMV7_CACHE_H
#define AMPFW_ARMV7_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* The data-cache maintenance instructions by MVA (CP15 c7). */
enum amp_armv7_dc {
	AMP_ARMV7_DCCMVAC, /* clean to the point of coherency */
	AMP_ARMV7_DCIMVAC, /* invalidate to the point of coherency */
	AMP_ARMV7_DCCIMVAC, /* clean and invalidate to the PoC */
};

/* The smallest data-cache line, in bytes, from a CTR value (DminLine). */
static inline size_t amp_armv7_ctr_dline(uint32_t ctr)
{
	return (size_t)4 << ((ctr >> 16) & 0xfu);
}

/*
 * Install the ARMv7 operations as the port's cache operations
 * (amp_cache_set_ops) with lines of @line_size bytes, or, if 0, the
 * smallest line the Cache Type Register reports (the safe stride).
 * Returns the line size in force.
 */
size_t amp_armv7_cache_init(size_t line_size);

/* The operations themselves (priv unused), usable directly. */
void amp_armv7_dcache_clean(void *va, size_t len, void *priv);
void amp_armv7_dcache_invalidate(void *va, size_t len, void *priv);
void amp_armv7_dcache_flush(void *va, size_t len, void *priv);

#endif /* AMPFW_ARMV7_CACHE_H */
