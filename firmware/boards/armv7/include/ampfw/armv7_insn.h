/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ARMv7-A instruction layer of the cache port: one data-cache
 * maintenance instruction on the line holding @mva, the barriers, and the
 * Cache Type Register. Inline assembly on ARM; with AMP_ARMV7_RECORD
 * (host unit tests) plain declarations that the test defines, to record
 * and check what the port issues (tests/port_armv7).
 */
#ifndef AMPFW_ARMV7_INSN_H
#define AMPFW_ARMV7_INSN_H

#include <ampfw/armv7_cache.h>

#ifdef AMP_ARMV7_RECORD

void amp_armv7_dc_op(enum amp_armv7_dc op, uintptr_t mva);
void amp_armv7_dsb(void);
void amp_armv7_dmb(void);
void amp_armv7_isb(void);
uint32_t amp_armv7_read_ctr(void);

#elif defined(__arm__)

static inline void amp_armv7_dc_op(enum amp_armv7_dc op, uintptr_t mva)
{
	switch (op) {
	case AMP_ARMV7_DCCMVAC:
		__asm__ volatile("mcr p15, 0, %0, c7, c10, 1" ::"r"(mva)
				 : "memory");
		break;
	case AMP_ARMV7_DCIMVAC:
		__asm__ volatile("mcr p15, 0, %0, c7, c6, 1" ::"r"(mva)
				 : "memory");
		break;
	case AMP_ARMV7_DCCIMVAC:
		__asm__ volatile("mcr p15, 0, %0, c7, c14, 1" ::"r"(mva)
				 : "memory");
		break;
	}
}

/* Full-system barriers: maintenance and accesses complete (DSB), ordered
 * (DMB), instruction stream resynchronised (ISB). */
static inline void amp_armv7_dsb(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static inline void amp_armv7_dmb(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

static inline void amp_armv7_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline uint32_t amp_armv7_read_ctr(void)
{
	uint32_t ctr;

	__asm__ volatile("mrc p15, 0, %0, c0, c0, 1" : "=r"(ctr));
	return ctr;
}

#else
#error "ARMv7 cache port: build for ARM, or define AMP_ARMV7_RECORD"
#endif

#endif /* AMPFW_ARMV7_INSN_H */
