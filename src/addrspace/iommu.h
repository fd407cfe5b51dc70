/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated IOMMU: a multi-level page table (4 KiB granule, 512 entries a
 * level, like ARM LPAE / x86-64) mapping IOVA pages to physical pages,
 * with 2 MiB and 1 GiB block entries. The device layer uses it to give a
 * device a contiguous IOVA range over scattered pages, and to fault on
 * anything unmapped.
 *
 * Not thread-safe: callers lock.
 */
#ifndef AMP_ADDRSPACE_IOMMU_H
#define AMP_ADDRSPACE_IOMMU_H

#include <stdint.h>

struct amp_iommu;

#define AMP_IOMMU_READ (1u << 0)
#define AMP_IOMMU_WRITE (1u << 1)

/* Page sizes, same bits as AMP_PGSIZE_* in <ampshm/device.h>. */
#define AMP_IOMMU_PG_4K (1u << 0)
#define AMP_IOMMU_PG_2M (1u << 1)
#define AMP_IOMMU_PG_1G (1u << 2)

struct amp_iommu_stats {
	uint64_t mapped_4k;   /* leaf entries currently in use, by size */
	uint64_t mapped_2m;
	uint64_t mapped_1g;
	uint64_t table_pages; /* page-table pages allocated */
};

/*
 * Create an IOMMU translating @ias_bits-bit IOVAs (12 < ias_bits <= 64;
 * tables have as many levels as the width needs) with the page sizes in
 * @pgsizes (AMP_IOMMU_PG_*, 4K always included).
 */
int amp_iommu_create(unsigned ias_bits, unsigned pgsizes,
		     struct amp_iommu **out);

/* Destroy, freeing every table. */
void amp_iommu_destroy(struct amp_iommu *mmu);

/*
 * Map [iova, iova+len) to [pa, pa+len). iova, pa and len must be 4 KiB
 * aligned. Uses the largest allowed page size that the alignment of iova
 * and pa and the remaining length permit, at each step. -EINVAL for bad
 * alignment or a range beyond ias_bits, -EEXIST if any page is already
 * mapped (nothing is left mapped on failure), -ENOMEM.
 */
int amp_iommu_map(struct amp_iommu *mmu, uint64_t iova, uint64_t pa,
		  uint64_t len, unsigned prot);

/*
 * Unmap [iova, iova+len) (4 KiB aligned). A block entry partly inside the
 * range is split first. Returns 0, -ENOENT if some page of the range was
 * not mapped (the mapped ones are still unmapped), -EINVAL, or -ENOMEM if
 * a table for splitting a block cannot be allocated (that block is left
 * mapped; pages of the range before it are already unmapped).
 */
int amp_iommu_unmap(struct amp_iommu *mmu, uint64_t iova, uint64_t len);

/*
 * Walk the table: physical address of @iova, with the protection bits and
 * how many bytes from @iova the same leaf entry covers (so a caller can
 * copy page-run by page-run). -EFAULT if unmapped (the fault is counted).
 */
int amp_iommu_translate(struct amp_iommu *mmu, uint64_t iova, uint64_t *pa,
			unsigned *prot, uint64_t *leaf_remaining);

uint64_t amp_iommu_fault_count(const struct amp_iommu *mmu);

/*
 * Testing aid: let @n more table-page allocations succeed, then make the
 * next one fail (once) as if out of memory. A negative @n disables it.
 */
void amp_iommu_fail_alloc_after(struct amp_iommu *mmu, int n);
void amp_iommu_get_stats(const struct amp_iommu *mmu,
			 struct amp_iommu_stats *st);

#endif /* AMP_ADDRSPACE_IOMMU_H */
