/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal/io.h
 * @brief The part of libmetal's I/O regions that the shared-memory
 *        proposal's scatter lists use (ampshm compatibility layer).
 *
 * An I/O region describes a run of bytes as the CPU sees it (@c virt) and
 * as the bus sees it (@c physmap, one address per page). The accessors
 * below are static inline: nothing here becomes a symbol that could clash
 * with a real libmetal linked into the same program.
 *
 * Differences from libmetal: addresses (metal_phys_addr_t) are 64-bit on
 * every host, and a region carries a pointer to its (unused) operations
 * instead of a copy of them.
 */
#ifndef AMPSHM_METAL_COMPAT_IO_H
#define AMPSHM_METAL_COMPAT_IO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A bus (physical or device) address: always 64-bit. */
typedef uint64_t metal_phys_addr_t;

/** Offset returned when an address is not inside a region. */
#define METAL_BAD_OFFSET ((unsigned long)-1)
/** Bus address returned for an offset outside a region. */
#define METAL_BAD_PHYS ((metal_phys_addr_t)-1)
/** CPU address of a region the CPU cannot reach. */
#define METAL_BAD_VA ((void *)-1)

/** I/O operations of libmetal; not supported here (always NULL). */
struct metal_io_ops;

/** A run of bytes seen by the CPU and by a bus. */
struct metal_io_region {
	void *virt; /**< CPU address of the first byte, or METAL_BAD_VA */
	const metal_phys_addr_t *physmap; /**< bus address of each page */
	size_t size; /**< bytes */
	unsigned long page_shift; /**< log2 of the page size of physmap;
				       64 or more: one entry for everything */
	metal_phys_addr_t page_mask; /**< bytes of an address inside a page */
	unsigned int mem_flags; /**< memory attributes (informational) */
	const struct metal_io_ops *ops; /**< always NULL in ampshm */
};

/**
 * @brief Fill in an I/O region.
 * @param io region to fill
 * @param virt CPU address of the first byte (METAL_BAD_VA if none)
 * @param physmap bus address of each page (kept, not copied)
 * @param size bytes
 * @param page_shift log2 of the page size of @p physmap, or
 *        (unsigned)-1 for a region that is contiguous on the bus
 * @param mem_flags memory attributes, kept as given
 * @param ops must be NULL (custom I/O operations are not supported)
 */
static inline void metal_io_init(struct metal_io_region *io, void *virt,
				 const metal_phys_addr_t *physmap, size_t size,
				 unsigned int page_shift,
				 unsigned int mem_flags,
				 const struct metal_io_ops *ops)
{
	io->virt = virt;
	io->physmap = physmap;
	io->size = size;
	io->page_shift = page_shift;
	io->page_mask = page_shift >= 64 ?
				~(metal_phys_addr_t)0 :
				((metal_phys_addr_t)1 << page_shift) - 1;
	io->mem_flags = mem_flags;
	io->ops = ops;
}

/** @brief Size of @p io in bytes. */
static inline size_t metal_io_region_size(struct metal_io_region *io)
{
	return io->size;
}

/**
 * @brief CPU address of byte @p offset of @p io.
 * @return the address, or NULL if @p offset is outside the region or the
 *         CPU cannot reach it.
 */
static inline void *metal_io_virt(struct metal_io_region *io,
				  unsigned long offset)
{
	if (io->virt == METAL_BAD_VA || !io->virt || offset >= io->size)
		return NULL;
	return (void *)((uintptr_t)io->virt + offset);
}

/**
 * @brief Offset in @p io of CPU address @p virt.
 * @return the offset, or METAL_BAD_OFFSET if @p virt is not in the region.
 */
static inline unsigned long metal_io_virt_to_offset(struct metal_io_region *io,
						    void *virt)
{
	uintptr_t base = (uintptr_t)io->virt, p = (uintptr_t)virt;

	if (io->virt == METAL_BAD_VA || !io->virt || p < base ||
	    p - base >= io->size)
		return METAL_BAD_OFFSET;
	return (unsigned long)(p - base);
}

/**
 * @brief Bus address of byte @p offset of @p io.
 * @return the address, or METAL_BAD_PHYS outside the region.
 */
static inline metal_phys_addr_t metal_io_phys(struct metal_io_region *io,
					      unsigned long offset)
{
	unsigned long page;

	if (!io->physmap || offset >= io->size)
		return METAL_BAD_PHYS;
	page = io->page_shift >= 64 ? 0 : offset >> io->page_shift;
	return io->physmap[page] + (offset & io->page_mask);
}

/**
 * @brief Offset in @p io of bus address @p phys.
 * @return the offset, or METAL_BAD_OFFSET if no byte of the region has
 *         that address.
 */
static inline unsigned long metal_io_phys_to_offset(struct metal_io_region *io,
						    metal_phys_addr_t phys)
{
	size_t psize, npages;

	if (!io->physmap || !io->size)
		return METAL_BAD_OFFSET;
	psize = io->page_shift >= 64 ? io->size : (size_t)1 << io->page_shift;
	npages = (io->size + psize - 1) / psize;
	for (size_t i = 0; i < npages; i++) {
		metal_phys_addr_t start = io->physmap[i];
		size_t len = io->size - i * psize < psize ?
				     io->size - i * psize :
				     psize;

		if (phys >= start && phys - start < len)
			return (unsigned long)(i * psize + (phys - start));
	}
	return METAL_BAD_OFFSET;
}

/** @brief CPU address of bus address @p phys, or NULL. */
static inline void *metal_io_phys_to_virt(struct metal_io_region *io,
					  metal_phys_addr_t phys)
{
	return metal_io_virt(io, metal_io_phys_to_offset(io, phys));
}

/** @brief Bus address of CPU address @p virt, or METAL_BAD_PHYS. */
static inline metal_phys_addr_t
metal_io_virt_to_phys(struct metal_io_region *io, void *virt)
{
	return metal_io_phys(io, metal_io_virt_to_offset(io, virt));
}

/**
 * @brief Copy @p len bytes at @p offset of @p io to @p dst (CPU side).
 * @return @p len, or -34 (-ERANGE) if the range is outside the region.
 */
static inline int metal_io_block_read(struct metal_io_region *io,
				      unsigned long offset, void *dst, int len)
{
	void *src = metal_io_virt(io, offset);

	if (!src || len < 0 || (size_t)len > io->size - offset)
		return -34;
	memcpy(dst, src, (size_t)len);
	return len;
}

/**
 * @brief Copy @p len bytes from @p src to @p offset of @p io (CPU side).
 * @return @p len, or -34 (-ERANGE) if the range is outside the region.
 */
static inline int metal_io_block_write(struct metal_io_region *io,
				       unsigned long offset, const void *src,
				       int len)
{
	void *dst = metal_io_virt(io, offset);

	if (!dst || len < 0 || (size_t)len > io->size - offset)
		return -34;
	memcpy(dst, src, (size_t)len);
	return len;
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_COMPAT_IO_H */
