/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Range allocator: hands out aligned [addr, addr+size) ranges of a 64-bit
 * space. Used for physical pages of the simulated system memory (contiguous
 * and scattered allocations) and for IOVA ranges of an IOMMU.
 *
 * Not thread-safe: callers lock.
 *
 * The free space is kept as a sorted array of extents, so any call that
 * splits a free extent in two (an aligned allocation inside a free piece,
 * a reservation, a free that joins no neighbour) may also fail with
 * -ENOMEM when that array has to grow; nothing is changed then.
 */
#ifndef AMP_MM_RALLOC_H
#define AMP_MM_RALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct amp_ralloc;

/* Allocate from the top of the space down instead of bottom up. */
#define AMP_RALLOC_TOPDOWN (1u << 0)

/*
 * Create an allocator for [base, base+size), all free. @granule is the
 * allocation unit (a power of two): sizes and alignments are rounded up to
 * it. Returns 0, -EINVAL, -ENOMEM.
 */
int amp_ralloc_create(uint64_t base, uint64_t size, uint64_t granule,
		      struct amp_ralloc **out);
void amp_ralloc_destroy(struct amp_ralloc *r);

/*
 * First fit (or last fit with AMP_RALLOC_TOPDOWN) of @size bytes aligned to
 * @align (a power of two, >= granule, 0 = granule). Returns 0 and *addr,
 * or -ENOSPC.
 */
int amp_ralloc_alloc(struct amp_ralloc *r, uint64_t size, uint64_t align,
		     unsigned flags, uint64_t *addr);

/*
 * Best-effort piece for scattered allocations: the first free piece (from
 * the bottom, or from the top with AMP_RALLOC_TOPDOWN) of at least @min
 * bytes aligned to @align; it takes up to @max bytes of it. Returns 0 with
 * *addr and *got (min <= *got <= max, a multiple of the granule), or
 * -ENOSPC.
 */
int amp_ralloc_alloc_upto(struct amp_ralloc *r, uint64_t max, uint64_t min,
			  uint64_t align, unsigned flags, uint64_t *addr,
			  uint64_t *got);

/*
 * Mark [addr, addr+size) used (rounded outward to the granule). -EBUSY if
 * any of it is not free, -EINVAL if any of it is outside the space.
 */
int amp_ralloc_reserve(struct amp_ralloc *r, uint64_t addr, uint64_t size);

/*
 * Give [addr, addr+size) back (it may be part of an earlier allocation).
 * -EINVAL if any of it is outside the space or already free (double free).
 */
int amp_ralloc_free(struct amp_ralloc *r, uint64_t addr, uint64_t size);

/* Bytes free, and the size of the largest free piece. */
uint64_t amp_ralloc_free_bytes(const struct amp_ralloc *r);
uint64_t amp_ralloc_largest(const struct amp_ralloc *r);

#endif /* AMP_MM_RALLOC_H */
