// SPDX-License-Identifier: BSD-3-Clause
/*
 * ARMv7-A data-cache maintenance by virtual address, as the port's cache
 * operations: every line the range touches gets the instruction, then
 * one DSB makes the maintenance complete before the caller goes on (the
 * doorbell that hands the buffer over, or the first read of the device's
 * data). See docs/port-armv7.md.
 *
 * invalidate never loses a neighbour's data: a first or last line that the
 * range only partly covers is cleaned and invalidated instead (the
 * library's own edge rule, amp_cache_invalidate_range(), already sends
 * whole lines; this is the port's own guard, as Linux's v7_dma_inv_range).
 */
#include <ampfw/armv7_cache.h>
#include <ampfw/armv7_insn.h>
#include <ampshm/cache.h>

static size_t dline = 64;

/* Issue @op on every line of [va, va+len); no barrier. */
static void each_line(enum amp_armv7_dc op, uintptr_t start, uintptr_t end)
{
	uintptr_t a;

	for (a = start & ~(uintptr_t)(dline - 1); a < end; a += dline)
		amp_armv7_dc_op(op, a);
}

void amp_armv7_dcache_clean(void *va, size_t len, void *priv)
{
	(void)priv;
	if (!len)
		return;
	each_line(AMP_ARMV7_DCCMVAC, (uintptr_t)va, (uintptr_t)va + len);
	amp_armv7_dsb();
}

void amp_armv7_dcache_invalidate(void *va, size_t len, void *priv)
{
	uintptr_t mask = dline - 1;
	uintptr_t start = (uintptr_t)va, end = start + len;

	(void)priv;
	if (!len)
		return;
	if (start & mask) {
		/* Shared first line: keep the neighbour's dirty bytes. */
		amp_armv7_dc_op(AMP_ARMV7_DCCIMVAC, start & ~mask);
		start = (start | mask) + 1;
	}
	if (end & mask && start < end) {
		amp_armv7_dc_op(AMP_ARMV7_DCCIMVAC, end & ~mask);
		end &= ~mask;
	}
	if (start < end)
		each_line(AMP_ARMV7_DCIMVAC, start, end);
	amp_armv7_dsb();
}

void amp_armv7_dcache_flush(void *va, size_t len, void *priv)
{
	(void)priv;
	if (!len)
		return;
	each_line(AMP_ARMV7_DCCIMVAC, (uintptr_t)va, (uintptr_t)va + len);
	amp_armv7_dsb();
}

size_t amp_armv7_cache_init(size_t line_size)
{
	struct amp_cache_ops ops = {
		.clean = amp_armv7_dcache_clean,
		.invalidate = amp_armv7_dcache_invalidate,
		.flush = amp_armv7_dcache_flush,
	};

	if (!line_size || (line_size & (line_size - 1)))
		line_size = amp_armv7_ctr_dline(amp_armv7_read_ctr());
	dline = line_size;
	ops.line_size = line_size;
	amp_cache_set_ops(&ops);
	return line_size;
}
