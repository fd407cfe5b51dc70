// SPDX-License-Identifier: BSD-3-Clause
/*
 * Simulated IOMMU page table.
 *
 * Radix tables of 512 64-bit entries (4 KiB granule), as many levels as
 * ias_bits needs: level 0 is the root, level levels-1 holds 4 KiB pages.
 * Entry format (LPAE-like):
 *
 *   bit 0        valid
 *   bit 1        table (at a non-leaf level: 1 = next table, 0 = block;
 *                at the leaf level always 1, like an LPAE page descriptor)
 *   bit 6        readable
 *   bit 7        writable
 *   bits 12..51  output address: the PA of a page or block, or the
 *                number of the next-level table page
 *
 * Leaf entries hold physical addresses only. A table entry holds the
 * number of the next table page in the IOMMU's own table space (as a real
 * IOMMU holds the physical address of its next table), never a host
 * pointer: the table describes memory, not this process. Every table
 * keeps a count of its valid entries so that unmap can free tables that
 * become empty without scanning them.
 */
#include "addrspace/iommu.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define PT_SHIFT 12
#define PT_BITS 9
#define PT_ENTRIES (1u << PT_BITS)
#define PT_PAGE_SIZE (1ull << PT_SHIFT)
#define PA_BITS 52

#define PTE_VALID (1ull << 0)
#define PTE_TABLE (1ull << 1)
#define PTE_READ (1ull << 6)
#define PTE_WRITE (1ull << 7)
#define PTE_ADDR_MASK (((1ull << PA_BITS) - 1) & ~(PT_PAGE_SIZE - 1))

struct pt {
	uint64_t e[PT_ENTRIES];
	unsigned nvalid;
	uint64_t no; /* page number in the table space */
};

struct amp_iommu {
	unsigned ias_bits;
	unsigned levels;
	unsigned pgsizes;
	struct pt *root;
	struct pt **tbl; /* table space: page number -> table */
	uint64_t ntbl, captbl; /* slots used (high-water), capacity */
	uint64_t *free_no; /* table numbers free for reuse */
	uint64_t nfree;
	uint64_t faults;
	int fail_after; /* allocations until an injected failure, < 0: off */
	struct amp_iommu_stats st;
};

static unsigned level_shift(const struct amp_iommu *mmu, unsigned lvl)
{
	return PT_SHIFT + PT_BITS * (mmu->levels - 1 - lvl);
}

static bool is_leaf_level(const struct amp_iommu *mmu, unsigned lvl)
{
	return lvl == mmu->levels - 1;
}

/* May a block entry be used at level @lvl? */
static bool block_ok(const struct amp_iommu *mmu, unsigned lvl)
{
	unsigned shift = level_shift(mmu, lvl);

	return (shift == 21 && (mmu->pgsizes & AMP_IOMMU_PG_2M)) ||
	       (shift == 30 && (mmu->pgsizes & AMP_IOMMU_PG_1G));
}

static bool pte_is_table(const struct amp_iommu *mmu, unsigned lvl, uint64_t e)
{
	return !is_leaf_level(mmu, lvl) && (e & PTE_TABLE);
}

static struct pt *pte_table(const struct amp_iommu *mmu, uint64_t e)
{
	return mmu->tbl[(e & PTE_ADDR_MASK) >> PT_SHIFT];
}

static uint64_t *leaf_counter(struct amp_iommu *mmu, unsigned shift)
{
	switch (shift) {
	case 30:
		return &mmu->st.mapped_1g;
	case 21:
		return &mmu->st.mapped_2m;
	default:
		return &mmu->st.mapped_4k;
	}
}

static uint64_t prot_bits(unsigned prot)
{
	return ((prot & AMP_IOMMU_READ) ? PTE_READ : 0) |
	       ((prot & AMP_IOMMU_WRITE) ? PTE_WRITE : 0);
}

static unsigned pte_prot(uint64_t e)
{
	return ((e & PTE_READ) ? AMP_IOMMU_READ : 0) |
	       ((e & PTE_WRITE) ? AMP_IOMMU_WRITE : 0);
}

/* Leaf entry (page or block) at level @lvl. */
static uint64_t mk_leaf(const struct amp_iommu *mmu, unsigned lvl, uint64_t pa,
			uint64_t pbits)
{
	return pa | pbits | PTE_VALID |
	       (is_leaf_level(mmu, lvl) ? PTE_TABLE : 0);
}

/* A table-space number for a new table page (0 stays unused). */
static int tbl_slot(struct amp_iommu *mmu, uint64_t *no)
{
	if (mmu->nfree) {
		*no = mmu->free_no[--mmu->nfree];
		return 0;
	}
	if (mmu->ntbl == mmu->captbl) {
		uint64_t cap = mmu->captbl ? mmu->captbl * 2 : 64;
		struct pt **t = realloc(mmu->tbl, cap * sizeof(*t));
		uint64_t *f;

		if (!t)
			return -ENOMEM;
		mmu->tbl = t;
		f = realloc(mmu->free_no, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		mmu->free_no = f;
		mmu->captbl = cap;
	}
	if (!mmu->ntbl)
		mmu->ntbl = 1;
	*no = mmu->ntbl++;
	return 0;
}

static struct pt *pt_alloc(struct amp_iommu *mmu)
{
	struct pt *p;
	uint64_t no;

	if (mmu->fail_after >= 0 && mmu->fail_after-- == 0)
		return NULL;
	if (tbl_slot(mmu, &no))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		mmu->free_no[mmu->nfree++] = no;
		return NULL;
	}
	p->no = no;
	mmu->tbl[no] = p;
	mmu->st.table_pages++;
	return p;
}

/* Table entry pointing at table @c. */
static uint64_t mk_table(const struct pt *c)
{
	return (c->no << PT_SHIFT) | PTE_VALID | PTE_TABLE;
}

static void pt_free(struct amp_iommu *mmu, struct pt *t)
{
	mmu->tbl[t->no] = NULL;
	mmu->free_no[mmu->nfree++] = t->no;
	free(t);
	mmu->st.table_pages--;
}

/* Free @t and everything below it (level @lvl), updating the stats. */
static void pt_free_tree(struct amp_iommu *mmu, struct pt *t, unsigned lvl)
{
	unsigned shift = level_shift(mmu, lvl);

	for (unsigned i = 0; i < PT_ENTRIES && t->nvalid; i++) {
		uint64_t e = t->e[i];

		if (!(e & PTE_VALID))
			continue;
		if (pte_is_table(mmu, lvl, e))
			pt_free_tree(mmu, pte_table(mmu, e), lvl + 1);
		else
			(*leaf_counter(mmu, shift))--;
		t->e[i] = 0;
		t->nvalid--;
	}
	pt_free(mmu, t);
}

int amp_iommu_create(unsigned ias_bits, unsigned pgsizes,
		     struct amp_iommu **out)
{
	const unsigned all = AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M |
			     AMP_IOMMU_PG_1G;
	struct amp_iommu *mmu;

	if (!out || ias_bits <= PT_SHIFT || ias_bits > 64)
		return amp_err(-EINVAL, "iommu: ias_bits %u out of 13..64",
			       ias_bits);
	if (pgsizes & ~all)
		return amp_err(-EINVAL, "iommu: unknown page sizes 0x%x",
			       pgsizes);

	mmu = calloc(1, sizeof(*mmu));
	if (!mmu)
		return -ENOMEM;
	mmu->ias_bits = ias_bits;
	mmu->levels = (ias_bits - PT_SHIFT + PT_BITS - 1) / PT_BITS;
	mmu->pgsizes = pgsizes | AMP_IOMMU_PG_4K;
	mmu->fail_after = -1;
	mmu->root = pt_alloc(mmu);
	if (!mmu->root) {
		free(mmu->tbl);
		free(mmu->free_no);
		free(mmu);
		return -ENOMEM;
	}
	*out = mmu;
	return 0;
}

void amp_iommu_destroy(struct amp_iommu *mmu)
{
	if (!mmu)
		return;
	pt_free_tree(mmu, mmu->root, 0);
	free(mmu->tbl);
	free(mmu->free_no);
	free(mmu);
}

/* Is [iova, iova+len) inside the IOVA space? (len > 0) */
static bool in_ias(const struct amp_iommu *mmu, uint64_t iova, uint64_t len)
{
	uint64_t last = mmu->ias_bits == 64 ? UINT64_MAX :
					      (1ull << mmu->ias_bits) - 1;

	return iova <= last && last - iova >= len - 1;
}

/*
 * Map [iova, iova+len) -> pa in table @t at level @lvl. The range lies
 * inside the span of @t. *done counts the bytes mapped, in IOVA order, so
 * that the caller can undo them.
 */
static int map_level(struct amp_iommu *mmu, struct pt *t, unsigned lvl,
		     uint64_t iova, uint64_t pa, uint64_t len, uint64_t pbits,
		     uint64_t *done)
{
	const unsigned shift = level_shift(mmu, lvl);
	const uint64_t sz = 1ull << shift;
	const bool blocks = block_ok(mmu, lvl);
	int ret;

	if (is_leaf_level(mmu, lvl)) {
		/* Tight loop: one entry per 4 KiB page. */
		unsigned i = (iova >> shift) & (PT_ENTRIES - 1);
		uint64_t n = len >> shift;

		for (uint64_t k = 0; k < n; k++, i++) {
			if (t->e[i] & PTE_VALID) {
				t->nvalid += k;
				mmu->st.mapped_4k += k;
				*done += k << shift;
				return -EEXIST;
			}
			t->e[i] = (pa + (k << shift)) | pbits | PTE_VALID |
				  PTE_TABLE;
		}
		t->nvalid += n;
		mmu->st.mapped_4k += n;
		*done += len;
		return 0;
	}

	while (len) {
		unsigned i = (iova >> shift) & (PT_ENTRIES - 1);
		uint64_t off = iova & (sz - 1);
		uint64_t chunk = sz - off < len ? sz - off : len;
		uint64_t e = t->e[i];
		struct pt *c;

		if (blocks && !off && chunk == sz && !(pa & (sz - 1))) {
			/*
			 * A valid table entry means something below is
			 * mapped: tables are freed as soon as they empty.
			 */
			if (e & PTE_VALID)
				return -EEXIST;
			t->e[i] = mk_leaf(mmu, lvl, pa, pbits);
			t->nvalid++;
			(*leaf_counter(mmu, shift))++;
			*done += sz;
		} else {
			if (!(e & PTE_VALID)) {
				c = pt_alloc(mmu);
				if (!c)
					return -ENOMEM;
				t->e[i] = mk_table(c);
				t->nvalid++;
			} else if (!(e & PTE_TABLE)) {
				return -EEXIST;
			} else {
				c = pte_table(mmu, e);
			}
			ret = map_level(mmu, c, lvl + 1, iova, pa, chunk, pbits,
					done);
			if (!c->nvalid) {
				/* Fresh table left empty by a failure. */
				pt_free(mmu, c);
				t->e[i] = 0;
				t->nvalid--;
			}
			if (ret)
				return ret;
		}
		iova += chunk;
		pa += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Fill a new table at level @lvl for a block of the level above that
 * mapped @pa with @pbits: next-level blocks if allowed, pages at the leaf
 * level, else tables filled the same way.
 */
static struct pt *split_fill(struct amp_iommu *mmu, unsigned lvl, uint64_t pa,
			     uint64_t pbits)
{
	const unsigned shift = level_shift(mmu, lvl);
	struct pt *t = pt_alloc(mmu);

	if (!t)
		return NULL;
	if (is_leaf_level(mmu, lvl) || block_ok(mmu, lvl)) {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			t->e[i] = mk_leaf(mmu, lvl, pa + ((uint64_t)i << shift),
					  pbits);
		t->nvalid = PT_ENTRIES;
		*leaf_counter(mmu, shift) += PT_ENTRIES;
		return t;
	}
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		struct pt *c = split_fill(mmu, lvl + 1,
					  pa + ((uint64_t)i << shift), pbits);

		if (!c) {
			pt_free_tree(mmu, t, lvl);
			return NULL;
		}
		t->e[i] = mk_table(c);
		t->nvalid++;
	}
	return t;
}

/*
 * Unmap [iova, iova+len) inside table @t at level @lvl. Sets *missing if
 * some page was not mapped. Only splitting a block can fail (-ENOMEM).
 */
static int unmap_level(struct amp_iommu *mmu, struct pt *t, unsigned lvl,
		       uint64_t iova, uint64_t len, bool *missing)
{
	const unsigned shift = level_shift(mmu, lvl);
	const uint64_t sz = 1ull << shift;
	int ret = 0;

	if (is_leaf_level(mmu, lvl)) {
		unsigned i = (iova >> shift) & (PT_ENTRIES - 1);
		uint64_t n = len >> shift, cleared = 0;

		for (uint64_t k = 0; k < n; k++, i++) {
			if (t->e[i] & PTE_VALID) {
				t->e[i] = 0;
				cleared++;
			} else {
				*missing = true;
			}
		}
		t->nvalid -= cleared;
		mmu->st.mapped_4k -= cleared;
		return 0;
	}

	while (len) {
		unsigned i = (iova >> shift) & (PT_ENTRIES - 1);
		uint64_t off = iova & (sz - 1);
		uint64_t chunk = sz - off < len ? sz - off : len;
		uint64_t e = t->e[i];
		struct pt *c;

		if (!(e & PTE_VALID)) {
			*missing = true;
		} else if (!(e & PTE_TABLE) && chunk == sz) {
			t->e[i] = 0;
			t->nvalid--;
			(*leaf_counter(mmu, shift))--;
		} else {
			if (!(e & PTE_TABLE)) {
				/* Block partly covered: split it first. */
				c = split_fill(mmu, lvl + 1, e & PTE_ADDR_MASK,
					       e & (PTE_READ | PTE_WRITE));
				if (!c)
					return -ENOMEM;
				t->e[i] = mk_table(c);
				(*leaf_counter(mmu, shift))--;
			} else {
				c = pte_table(mmu, e);
			}
			ret = unmap_level(mmu, c, lvl + 1, iova, chunk,
					  missing);
			if (!c->nvalid) {
				pt_free(mmu, c);
				t->e[i] = 0;
				t->nvalid--;
			}
			if (ret)
				return ret;
		}
		iova += chunk;
		len -= chunk;
	}
	return 0;
}

int amp_iommu_map(struct amp_iommu *mmu, uint64_t iova, uint64_t pa,
		  uint64_t len, unsigned prot)
{
	uint64_t done = 0;
	bool missing = false;
	int ret;

	if ((iova | pa | len) & (PT_PAGE_SIZE - 1) || !len)
		return amp_err(
			-EINVAL,
			"iommu: map of 0x%llx+0x%llx: unaligned or empty",
			(unsigned long long)iova, (unsigned long long)len);
	if (prot & ~(AMP_IOMMU_READ | AMP_IOMMU_WRITE))
		return amp_err(-EINVAL, "iommu: bad prot 0x%x", prot);
	if (!in_ias(mmu, iova, len))
		return amp_err(-EINVAL,
			       "iommu: IOVA 0x%llx+0x%llx beyond %u bits",
			       (unsigned long long)iova,
			       (unsigned long long)len, mmu->ias_bits);
	if (pa >> PA_BITS || len - 1 > (1ull << PA_BITS) - 1 - pa)
		return amp_err(-EINVAL,
			       "iommu: PA 0x%llx+0x%llx beyond %u bits",
			       (unsigned long long)pa, (unsigned long long)len,
			       PA_BITS);

	ret = map_level(mmu, mmu->root, 0, iova, pa, len, prot_bits(prot),
			&done);
	if (ret) {
		/*
		 * Undo: what was mapped is [iova, iova+done), whole entries
		 * created by this call, so this unmap splits nothing and
		 * cannot fail.
		 */
		if (done)
			unmap_level(mmu, mmu->root, 0, iova, done, &missing);
		if (ret == -EEXIST)
			return amp_err(
				ret,
				"iommu: map of 0x%llx+0x%llx overlaps a mapping",
				(unsigned long long)iova,
				(unsigned long long)len);
	}
	return ret;
}

int amp_iommu_unmap(struct amp_iommu *mmu, uint64_t iova, uint64_t len)
{
	bool missing = false;
	int ret;

	if ((iova | len) & (PT_PAGE_SIZE - 1) || !len)
		return amp_err(
			-EINVAL,
			"iommu: unmap of 0x%llx+0x%llx: unaligned or empty",
			(unsigned long long)iova, (unsigned long long)len);
	if (!in_ias(mmu, iova, len))
		return amp_err(-EINVAL,
			       "iommu: IOVA 0x%llx+0x%llx beyond %u bits",
			       (unsigned long long)iova,
			       (unsigned long long)len, mmu->ias_bits);

	ret = unmap_level(mmu, mmu->root, 0, iova, len, &missing);
	if (ret)
		return ret;
	if (missing)
		return amp_err(
			-ENOENT,
			"iommu: unmap of 0x%llx+0x%llx: some pages were not mapped",
			(unsigned long long)iova, (unsigned long long)len);
	return 0;
}

int amp_iommu_translate(struct amp_iommu *mmu, uint64_t iova, uint64_t *pa,
			unsigned *prot, uint64_t *leaf_remaining)
{
	struct pt *t = mmu->root;

	if (!in_ias(mmu, iova, 1))
		goto fault;
	for (unsigned lvl = 0; lvl < mmu->levels; lvl++) {
		const unsigned shift = level_shift(mmu, lvl);
		const uint64_t sz = 1ull << shift;
		uint64_t e = t->e[(iova >> shift) & (PT_ENTRIES - 1)];

		if (!(e & PTE_VALID))
			goto fault;
		if (pte_is_table(mmu, lvl, e)) {
			t = pte_table(mmu, e);
			continue;
		}
		if (pa)
			*pa = (e & PTE_ADDR_MASK) + (iova & (sz - 1));
		if (prot)
			*prot = pte_prot(e);
		if (leaf_remaining)
			*leaf_remaining = sz - (iova & (sz - 1));
		return 0;
	}
fault:
	mmu->faults++;
	return -EFAULT;
}

uint64_t amp_iommu_fault_count(const struct amp_iommu *mmu)
{
	return mmu->faults;
}

void amp_iommu_fail_alloc_after(struct amp_iommu *mmu, int n)
{
	mmu->fail_after = n < 0 ? -1 : n;
}

void amp_iommu_get_stats(const struct amp_iommu *mmu,
			 struct amp_iommu_stats *st)
{
	*st = mmu->st;
}
