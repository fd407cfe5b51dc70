// SPDX-License-Identifier: BSD-3-Clause
/*
 * The ARM generic timer, virtual view (CNTVCT, CNTV_CVAL, CNTV_CTL): the
 * board's clock for wait() timeouts, and its wake-up (PPI 27) at a
 * deadline. QEMU's virt machine runs it at 62.5 MHz; the frequency is
 * read from CNTFRQ.
 *
 * No 64-bit division instruction exists and no compiler runtime is
 * linked: the one 64-by-32 division the conversions need is done here,
 * bit by bit (called once per wait).
 */
#include "qemu_virt.h"

#define CTL_ENABLE (1u << 0)
#define CTL_IMASK (1u << 1)

#define DEFAULT_HZ 62500000u /* QEMU's, should CNTFRQ read 0 */

static uint32_t khz = DEFAULT_HZ / 1000u; /* ticks per millisecond */

/* @n / @d, remainder in *@rem: restoring division, one bit a step. */
static uint64_t div_u64_u32(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1u);
		if (r >= d) {
			r -= d;
			q |= (uint64_t)1 << i;
		}
	}
	*rem = (uint32_t)r;
	return q;
}

void qv_timer_init(void)
{
	uint32_t hz;

	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(hz));
	if (hz >= 1000u)
		khz = hz / 1000u;
	qv_timer_disarm();
}

uint64_t qv_timer_now(void)
{
	uint64_t v;

	/* the ISB keeps the read from being done early */
	__asm__ volatile("isb\n\tmrrc p15, 1, %Q0, %R0, c14"
			 : "=r"(v)::"memory");
	return v;
}

uint64_t qv_timer_us_to_ticks(uint32_t us)
{
	/* ms and the rest apart: no product overflows 32 bits but one */
	return (uint64_t)(us / 1000u) * khz + (us % 1000u) * khz / 1000u;
}

uint32_t qv_timer_ticks_to_us(uint64_t ticks)
{
	uint32_t rest;
	uint64_t ms = div_u64_u32(ticks, khz, &rest);

	if (ms >= UINT32_MAX / 1000u)
		return UINT32_MAX;
	/* rest < khz < 2^32 / 1000 for any clock below 4 GHz */
	return (uint32_t)ms * 1000u + rest * 1000u / khz;
}

void qv_timer_arm(uint64_t deadline)
{
	__asm__ volatile("mcrr p15, 3, %Q0, %R0, c14" ::"r"(deadline)
			 : "memory");
	__asm__ volatile("mcr p15, 0, %0, c14, c3, 1" ::"r"(CTL_ENABLE)
			 : "memory");
	__asm__ volatile("isb" ::: "memory");
}

void qv_timer_disarm(void)
{
	__asm__ volatile("mcr p15, 0, %0, c14, c3, 1" ::"r"(CTL_IMASK)
			 : "memory");
	__asm__ volatile("isb" ::: "memory");
}
