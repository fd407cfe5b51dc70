// SPDX-License-Identifier: BSD-3-Clause
/* Tests of the simulated IOMMU page table (src/addrspace/iommu.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addrspace/iommu.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define RW (AMP_IOMMU_READ | AMP_IOMMU_WRITE)
#define ALL_PG (AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M | AMP_IOMMU_PG_1G)

static struct amp_iommu *mk(unsigned ias, unsigned pgsizes)
{
	struct amp_iommu *mmu = NULL;

	assert_int_equal(amp_iommu_create(ias, pgsizes, &mmu), 0);
	assert_non_null(mmu);
	return mmu;
}

static struct amp_iommu_stats stats(struct amp_iommu *mmu)
{
	struct amp_iommu_stats st;

	amp_iommu_get_stats(mmu, &st);
	return st;
}

static void expect_stats(struct amp_iommu *mmu, uint64_t n4k, uint64_t n2m,
			 uint64_t n1g)
{
	struct amp_iommu_stats st = stats(mmu);

	assert_int_equal(st.mapped_4k, n4k);
	assert_int_equal(st.mapped_2m, n2m);
	assert_int_equal(st.mapped_1g, n1g);
}

/* iova must translate to pa, in a leaf with @rem bytes left. */
static void expect_tr(struct amp_iommu *mmu, uint64_t iova, uint64_t pa,
		      uint64_t rem)
{
	uint64_t got = 0, left = 0;
	unsigned prot = 0;

	assert_int_equal(amp_iommu_translate(mmu, iova, &got, &prot, &left), 0);
	assert_int_equal(got, pa);
	assert_int_equal(left, rem);
}

static void expect_fault(struct amp_iommu *mmu, uint64_t iova)
{
	uint64_t before = amp_iommu_fault_count(mmu), pa;

	assert_int_equal(amp_iommu_translate(mmu, iova, &pa, NULL, NULL),
			 -EFAULT);
	assert_int_equal(amp_iommu_fault_count(mmu), before + 1);
}

static void test_create_args(void **state)
{
	struct amp_iommu *mmu = NULL;

	assert_int_equal(amp_iommu_create(12, 0, &mmu), -EINVAL);
	assert_int_equal(amp_iommu_create(65, 0, &mmu), -EINVAL);
	assert_int_equal(amp_iommu_create(48, 1u << 5, &mmu), -EINVAL);
	assert_null(mmu);
	/* 4K is always included; one table page to start with. */
	mmu = mk(48, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, SZ_2M, RW), 0);
	expect_stats(mmu, 512, 0, 0);
	amp_iommu_destroy(mmu);
	amp_iommu_destroy(NULL);
}

static void test_map_4k(void **state)
{
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K);
	uint64_t pa;
	unsigned prot;

	assert_int_equal(amp_iommu_map(mmu, 0x10000, 0x200000, 4 * SZ_4K, RW),
			 0);
	expect_stats(mmu, 4, 0, 0);
	/* Root + one table per lower level. */
	assert_int_equal(stats(mmu).table_pages, 4);
	for (uint64_t off = 0; off < 4 * SZ_4K; off += 0x800)
		expect_tr(mmu, 0x10000 + off, 0x200000 + off,
			  SZ_4K - (off & (SZ_4K - 1)));
	assert_int_equal(amp_iommu_translate(mmu, 0x10123, &pa, &prot, NULL),
			 0);
	assert_int_equal(prot, RW);
	expect_fault(mmu, 0xf000);
	expect_fault(mmu, 0x14000);

	assert_int_equal(amp_iommu_unmap(mmu, 0x10000, 4 * SZ_4K), 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	expect_fault(mmu, 0x10000);
	amp_iommu_destroy(mmu);
}

static void test_map_2m(void **state)
{
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);

	assert_int_equal(amp_iommu_map(mmu, 3 * SZ_2M, 7 * SZ_2M, 2 * SZ_2M,
				       AMP_IOMMU_READ),
			 0);
	expect_stats(mmu, 0, 2, 0);
	assert_int_equal(stats(mmu).table_pages, 3);
	expect_tr(mmu, 3 * SZ_2M, 7 * SZ_2M, SZ_2M);
	expect_tr(mmu, 3 * SZ_2M + 0x12345, 7 * SZ_2M + 0x12345,
		  SZ_2M - 0x12345);
	expect_tr(mmu, 5 * SZ_2M - 1, 9 * SZ_2M - 1, 1);
	expect_fault(mmu, 5 * SZ_2M);

	/* 1 GiB with 2 MiB pages: 512 block entries. */
	assert_int_equal(amp_iommu_map(mmu, SZ_1G, 0x100000000ull, SZ_1G, RW),
			 0);
	expect_stats(mmu, 0, 514, 0);
	expect_tr(mmu, 2 * SZ_1G - SZ_4K, 0x100000000ull + SZ_1G - SZ_4K,
		  SZ_4K);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G, SZ_1G), 0);
	assert_int_equal(amp_iommu_unmap(mmu, 3 * SZ_2M, 2 * SZ_2M), 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_map_1g(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);

	assert_int_equal(amp_iommu_map(mmu, 5 * SZ_1G, 2 * SZ_1G, SZ_1G, RW),
			 0);
	expect_stats(mmu, 0, 0, 1);
	/* Root and the level holding 1 GiB blocks. */
	assert_int_equal(stats(mmu).table_pages, 2);
	expect_tr(mmu, 5 * SZ_1G + 0x1234567, 2 * SZ_1G + 0x1234567,
		  SZ_1G - 0x1234567);
	assert_int_equal(amp_iommu_unmap(mmu, 5 * SZ_1G, SZ_1G), 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);

	/* Without 1G pages, the same range takes 512 2M blocks. */
	amp_iommu_destroy(mmu);
	mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);
	assert_int_equal(amp_iommu_map(mmu, 5 * SZ_1G, 2 * SZ_1G, SZ_1G, RW),
			 0);
	expect_stats(mmu, 0, 512, 0);
	amp_iommu_destroy(mmu);
}

static void test_mixed_sizes(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);
	uint64_t iova = SZ_2M - 2 * SZ_4K, pa = 4 * SZ_2M - 2 * SZ_4K;
	uint64_t len = 2 * SZ_4K + SZ_2M + 3 * SZ_4K;

	/* Congruent mod 2M: 4K, 4K, one 2M block, 4K x 3. */
	assert_int_equal(amp_iommu_map(mmu, iova, pa, len, RW), 0);
	expect_stats(mmu, 5, 1, 0);
	expect_tr(mmu, iova, pa, SZ_4K);
	expect_tr(mmu, SZ_2M + 0x100, 4 * SZ_2M + 0x100, SZ_2M - 0x100);
	expect_tr(mmu, 2 * SZ_2M + 2 * SZ_4K, 5 * SZ_2M + 2 * SZ_4K, SZ_4K);
	assert_int_equal(amp_iommu_unmap(mmu, iova, len), 0);
	expect_stats(mmu, 0, 0, 0);

	/* PA not congruent with the IOVA: 4K pages only. */
	assert_int_equal(amp_iommu_map(mmu, 0, SZ_4K, 2 * SZ_2M, RW), 0);
	expect_stats(mmu, 1024, 0, 0);
	expect_tr(mmu, SZ_2M, SZ_2M + SZ_4K, SZ_4K);
	assert_int_equal(amp_iommu_unmap(mmu, 0, 2 * SZ_2M), 0);

	/* 2M, 1G, 2M, 4K. */
	iova = SZ_1G - SZ_2M;
	pa = 3 * SZ_1G - SZ_2M;
	len = SZ_2M + SZ_1G + SZ_2M + SZ_4K;
	assert_int_equal(amp_iommu_map(mmu, iova, pa, len, RW), 0);
	expect_stats(mmu, 1, 2, 1);
	expect_tr(mmu, SZ_1G + 5, 3 * SZ_1G + 5, SZ_1G - 5);
	expect_tr(mmu, 2 * SZ_1G + SZ_2M, 4 * SZ_1G + SZ_2M, SZ_4K);
	assert_int_equal(amp_iommu_unmap(mmu, iova, len), 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_overlap_eexist(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);
	const uint64_t x = 16 * SZ_2M, y = 512 * SZ_1G;
	const uint64_t px = x + 3 * SZ_2M / 2 + 2 * SZ_4K, py = y + 2 * SZ_4K;
	struct amp_iommu_stats st;

	/* Existing pages at px (x + 3M + 8K) and py (512G + 8K). */
	assert_int_equal(amp_iommu_map(mmu, px, 0x1000000, SZ_4K, RW), 0);
	assert_int_equal(amp_iommu_map(mmu, py, 0x2000000, SZ_4K, RW), 0);
	st = stats(mmu);

	/* Maps a 2M block, then meets the table holding px: undone. */
	assert_int_equal(amp_iommu_map(mmu, x, 0x4000000, 4 * SZ_2M, RW),
			 -EEXIST);
	expect_stats(mmu, 2, 0, 0);
	assert_int_equal(stats(mmu).table_pages, st.table_pages);
	expect_fault(mmu, x);
	expect_fault(mmu, x + SZ_2M);
	expect_fault(mmu, x + 3 * SZ_2M / 2);
	expect_tr(mmu, px, 0x1000000, SZ_4K);

	/* PAs that allow 4K pages only: 770 pages mapped, then undone. */
	assert_int_equal(amp_iommu_map(mmu, x, 0x4001000, 4 * SZ_2M, RW),
			 -EEXIST);
	expect_stats(mmu, 2, 0, 0);
	assert_int_equal(stats(mmu).table_pages, st.table_pages);
	expect_fault(mmu, x + SZ_2M);

	/* New tables made on the way to the clash are freed too. */
	assert_int_equal(amp_iommu_map(mmu, y - 2 * SZ_2M, 0x4000000,
				       2 * SZ_2M + 4 * SZ_4K, RW),
			 -EEXIST);
	expect_stats(mmu, 2, 0, 0);
	assert_int_equal(stats(mmu).table_pages, st.table_pages);
	expect_fault(mmu, y - SZ_2M);
	expect_fault(mmu, y);
	expect_tr(mmu, py, 0x2000000, SZ_4K);

	/* A block clashes with a block and with a page inside it. */
	assert_int_equal(amp_iommu_map(mmu, 0, 0, SZ_2M, RW), 0);
	assert_int_equal(amp_iommu_map(mmu, 0, SZ_2M, SZ_2M, RW), -EEXIST);
	assert_int_equal(amp_iommu_map(mmu, SZ_4K, SZ_4K, SZ_4K, RW), -EEXIST);
	/* And pages with a page. */
	assert_int_equal(amp_iommu_map(mmu, px - SZ_1G / 1024, 0, SZ_2M, RW),
			 -EEXIST);
	expect_stats(mmu, 2, 1, 0);
	assert_int_equal(amp_iommu_unmap(mmu, 0, SZ_2M), 0);
	assert_int_equal(amp_iommu_unmap(mmu, px, SZ_4K), 0);
	assert_int_equal(amp_iommu_unmap(mmu, py, SZ_4K), 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_split_2m(void **state)
{
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);
	const uint64_t iova = 8 * SZ_2M, pa = 0x80000000ull;
	uint64_t tp;

	assert_int_equal(amp_iommu_map(mmu, iova, pa, SZ_2M, RW), 0);
	tp = stats(mmu).table_pages;
	expect_stats(mmu, 0, 1, 0);

	assert_int_equal(amp_iommu_unmap(mmu, iova + 100 * SZ_4K, SZ_4K), 0);
	expect_stats(mmu, 511, 0, 0);
	assert_int_equal(stats(mmu).table_pages, tp + 1);
	expect_fault(mmu, iova + 100 * SZ_4K);
	expect_tr(mmu, iova + 99 * SZ_4K + 8, pa + 99 * SZ_4K + 8, SZ_4K - 8);
	expect_tr(mmu, iova + 101 * SZ_4K, pa + 101 * SZ_4K, SZ_4K);
	expect_tr(mmu, iova, pa, SZ_4K);
	expect_tr(mmu, iova + SZ_2M - SZ_4K, pa + SZ_2M - SZ_4K, SZ_4K);

	/* The rest, in two parts: the table goes away. */
	assert_int_equal(amp_iommu_unmap(mmu, iova, 100 * SZ_4K), 0);
	assert_int_equal(amp_iommu_unmap(mmu, iova + 101 * SZ_4K,
					 SZ_2M - 101 * SZ_4K),
			 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_split_1g(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);

	/* 1G block split into 2M blocks, one of them into 4K pages. */
	assert_int_equal(amp_iommu_map(mmu, SZ_1G, 0, SZ_1G, RW), 0);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G + SZ_2M + SZ_4K, SZ_4K), 0);
	expect_stats(mmu, 511, 511, 0);
	expect_tr(mmu, SZ_1G + 5 * SZ_2M + 3, 5 * SZ_2M + 3, SZ_2M - 3);
	expect_tr(mmu, SZ_1G + SZ_2M, SZ_2M, SZ_4K);
	expect_fault(mmu, SZ_1G + SZ_2M + SZ_4K);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G, SZ_1G), -ENOENT);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);

	/* Without 2M pages the split goes down to 4K pages. */
	mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_1G);
	assert_int_equal(amp_iommu_map(mmu, SZ_1G, 0, SZ_1G, RW), 0);
	expect_stats(mmu, 0, 0, 1);
	assert_int_equal(amp_iommu_unmap(mmu, 2 * SZ_1G - SZ_4K, SZ_4K), 0);
	expect_stats(mmu, 512 * 512 - 1, 0, 0);
	expect_tr(mmu, SZ_1G + 0x12345678, 0x12345678, SZ_4K - 0x678);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G, SZ_1G - SZ_4K), 0);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_unmap_enoent(void **state)
{
	struct amp_iommu *mmu = mk(39, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);

	assert_int_equal(amp_iommu_map(mmu, 0x10000, 0x10000, 2 * SZ_4K, RW),
			 0);
	assert_int_equal(amp_iommu_unmap(mmu, 0xf000, 4 * SZ_4K), -ENOENT);
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(amp_iommu_unmap(mmu, 0x10000, SZ_4K), -ENOENT);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G, SZ_1G), -ENOENT);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_faults(void **state)
{
	struct amp_iommu *mmu = mk(32, ALL_PG);
	uint64_t pa;

	assert_int_equal(amp_iommu_fault_count(mmu), 0);
	for (int i = 0; i < 5; i++)
		expect_fault(mmu, (uint64_t)i * 0x1234000);
	assert_int_equal(amp_iommu_fault_count(mmu), 5);
	/* Beyond the IOVA width is a fault as well. */
	expect_fault(mmu, 1ull << 32);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, SZ_4K, RW), 0);
	assert_int_equal(amp_iommu_translate(mmu, 0xfff, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0xfff);
	assert_int_equal(amp_iommu_fault_count(mmu), 6);
	amp_iommu_destroy(mmu);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static void test_scattered(void **state)
{
	enum { N = 300 };
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);
	const uint64_t iova = 0x7f0000000000ull - 7 * SZ_4K;
	uint64_t pages[N], off, pa, left;
	int i;

	/* Distinct pages of a 52-bit physical space, in random order. */
	for (i = 0; i < N; i++)
		pages[i] = ((rnd(1ull << 30) << 10) + (uint64_t)i) * SZ_4K;
	for (i = 0; i < N; i++)
		assert_int_equal(amp_iommu_map(mmu, iova + (uint64_t)i * SZ_4K,
					       pages[i], SZ_4K, RW),
				 0);
	expect_stats(mmu, N, 0, 0);
	for (i = 0; i < N; i++)
		expect_tr(mmu, iova + (uint64_t)i * SZ_4K + (uint64_t)i,
			  pages[i] + (uint64_t)i, SZ_4K - (uint64_t)i);
	/* Walk the range leaf by leaf, as a DMA copy would. */
	for (off = 0, i = 0; off < N * SZ_4K; off += left, i++) {
		assert_int_equal(amp_iommu_translate(mmu, iova + off, &pa, NULL,
						     &left),
				 0);
		assert_int_equal(pa, pages[i]);
	}
	assert_int_equal(i, N);
	expect_fault(mmu, iova + N * SZ_4K);
	expect_fault(mmu, iova - 1);
	assert_int_equal(amp_iommu_unmap(mmu, iova, N * SZ_4K), 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_ias_limits(void **state)
{
	struct amp_iommu *mmu = mk(32, ALL_PG);
	const uint64_t top = 1ull << 32;

	assert_int_equal(amp_iommu_map(mmu, top - SZ_4K, 0, SZ_4K, RW), 0);
	assert_int_equal(amp_iommu_map(mmu, top, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, top - 2 * SZ_4K, 0, 2 * SZ_4K, RW),
			 -EEXIST);
	assert_int_equal(amp_iommu_map(mmu, top - SZ_4K, 0, 2 * SZ_4K, RW),
			 -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, top + SZ_4K, RW), -EINVAL);
	assert_int_equal(amp_iommu_unmap(mmu, top, SZ_4K), -EINVAL);
	expect_tr(mmu, top - 1, SZ_4K - 1, 1);
	expect_fault(mmu, top);
	assert_int_equal(amp_iommu_unmap(mmu, top - SZ_4K, SZ_4K), 0);
	/* The whole 4 GiB space with 1G blocks. */
	assert_int_equal(amp_iommu_map(mmu, 0, 0, top, RW), 0);
	expect_stats(mmu, 0, 0, 4);
	amp_iommu_destroy(mmu);

	/* 64-bit IOVAs: six levels, up to the last page of the space. */
	mmu = mk(64, ALL_PG);
	assert_int_equal(amp_iommu_map(mmu, 0 - SZ_4K, 0x1000, SZ_4K, RW), 0);
	assert_int_equal(stats(mmu).table_pages, 6);
	expect_tr(mmu, UINT64_MAX, 0x1fff, 1);
	assert_int_equal(amp_iommu_map(mmu, 0 - SZ_1G, 0, SZ_1G, RW), -EEXIST);
	assert_int_equal(amp_iommu_map(mmu, 0 - SZ_4K, 0, 2 * SZ_4K, RW),
			 -EINVAL);
	assert_int_equal(amp_iommu_unmap(mmu, 0 - SZ_4K, SZ_4K), 0);
	assert_int_equal(amp_iommu_map(mmu, 0 - SZ_1G, 0, SZ_1G, RW), 0);
	expect_stats(mmu, 0, 0, 1);
	amp_iommu_destroy(mmu);

	/* A tiny one-level table. */
	mmu = mk(13, ALL_PG);
	assert_int_equal(amp_iommu_map(mmu, 0, 0x5000, 2 * SZ_4K, RW), 0);
	assert_int_equal(amp_iommu_map(mmu, 2 * SZ_4K, 0, SZ_4K, RW), -EINVAL);
	expect_tr(mmu, SZ_4K, 0x6000, SZ_4K);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_bad_args_and_pa(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);
	const uint64_t pa_top = 1ull << 52;
	unsigned prot = 0;
	uint64_t pa;

	assert_int_equal(amp_iommu_map(mmu, 0x800, 0, SZ_4K, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, 0x800, SZ_4K, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, 0x800, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, 0, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, 0, SZ_4K, 1u << 7), -EINVAL);
	assert_int_equal(amp_iommu_unmap(mmu, 0x800, SZ_4K), -EINVAL);
	assert_int_equal(amp_iommu_unmap(mmu, 0, 0), -EINVAL);
	/* PAs up to 52 bits. */
	assert_int_equal(amp_iommu_map(mmu, 0, pa_top, SZ_4K, RW), -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, 0, pa_top - SZ_4K, 2 * SZ_4K, RW),
			 -EINVAL);
	assert_int_equal(amp_iommu_map(mmu, SZ_1G, pa_top - SZ_1G, SZ_1G,
				       AMP_IOMMU_READ),
			 0);
	assert_int_equal(
		amp_iommu_translate(mmu, 2 * SZ_1G - 1, &pa, &prot, NULL), 0);
	assert_int_equal(pa, pa_top - 1);
	assert_int_equal(prot, AMP_IOMMU_READ);
	assert_int_equal(amp_iommu_map(mmu, 0, pa_top - SZ_4K, SZ_4K,
				       AMP_IOMMU_WRITE),
			 0);
	assert_int_equal(amp_iommu_translate(mmu, 5, &pa, &prot, NULL), 0);
	assert_int_equal(pa, pa_top - SZ_4K + 5);
	assert_int_equal(prot, AMP_IOMMU_WRITE);
	/* Output arguments are optional. */
	assert_int_equal(amp_iommu_translate(mmu, 5, NULL, NULL, NULL), 0);
	expect_stats(mmu, 1, 0, 1);
	amp_iommu_destroy(mmu);
}

static void test_tables_freed(void **state)
{
	struct amp_iommu *mmu = mk(48, ALL_PG);
	uint64_t tp0 = stats(mmu).table_pages;
	uint64_t iova[64], len[64];

	/* Mappings of every kind all over the space, then unmap them all. */
	for (int i = 0; i < 64; i++) {
		iova[i] = ((uint64_t)i << 40) + rnd(1ull << 20) * SZ_4K;
		len[i] = (rnd(4) == 0 ? SZ_1G : 0) + rnd(1024) * SZ_4K + SZ_4K;
		assert_int_equal(amp_iommu_map(mmu, iova[i],
					       iova[i] & ((1ull << 40) - 1),
					       len[i], RW),
				 0);
	}
	assert_true(stats(mmu).table_pages > tp0);
	for (int i = 0; i < 64; i += 2)
		assert_int_equal(amp_iommu_unmap(mmu, iova[i], len[i]), 0);
	for (int i = 1; i < 64; i += 2) {
		/* In two halves, splitting blocks where needed. */
		uint64_t h = len[i] / SZ_4K / 2 * SZ_4K;

		if (h) {
			assert_int_equal(amp_iommu_unmap(mmu, iova[i], h), 0);
		}
		assert_int_equal(amp_iommu_unmap(mmu, iova[i] + h, len[i] - h),
				 0);
	}
	expect_stats(mmu, 0, 0, 0);
	assert_int_equal(stats(mmu).table_pages, tp0);
	amp_iommu_destroy(mmu);
}

static void test_enomem_undo(void **state)
{
	static const int when[] = { 0, 1, 2, 3, 100, 513, 514 };
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M);
	const uint64_t iova = 512 * SZ_1G - SZ_2M;
	struct amp_iommu_stats st;

	/* Something already there, next to where the tables will go. */
	assert_int_equal(amp_iommu_map(mmu, iova - SZ_4K, 0, SZ_4K, RW), 0);
	st = stats(mmu);
	/* 4K pages only (PA not congruent): about 515 new tables needed. */
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		amp_iommu_fail_alloc_after(mmu, when[i]);
		assert_int_equal(amp_iommu_map(mmu, iova, 0x1000 + SZ_4K,
					       SZ_1G + SZ_2M, RW),
				 -ENOMEM);
		expect_stats(mmu, 1, 0, 0);
		assert_int_equal(stats(mmu).table_pages, st.table_pages);
		expect_fault(mmu, iova);
		expect_fault(mmu, iova + SZ_1G);
	}
	/* The injected failure is one-shot. */
	amp_iommu_fail_alloc_after(mmu, 1000);
	assert_int_equal(
		amp_iommu_map(mmu, iova, 0x1000 + SZ_4K, SZ_1G + SZ_2M, RW), 0);
	expect_stats(mmu, 1 + (SZ_1G + SZ_2M) / SZ_4K, 0, 0);
	amp_iommu_fail_alloc_after(mmu, -1);
	assert_int_equal(
		amp_iommu_unmap(mmu, iova - SZ_4K, SZ_1G + SZ_2M + SZ_4K), 0);
	assert_int_equal(stats(mmu).table_pages, 1);
	amp_iommu_destroy(mmu);
}

static void test_split_enomem(void **state)
{
	struct amp_iommu *mmu = mk(48, AMP_IOMMU_PG_4K | AMP_IOMMU_PG_1G);
	struct amp_iommu_stats st;

	assert_int_equal(amp_iommu_map(mmu, SZ_1G, 0, SZ_1G, RW), 0);
	st = stats(mmu);
	/* Splitting the 1G block needs 513 tables (no 2M pages here). */
	for (int n = 0; n < 513; n += 32) {
		amp_iommu_fail_alloc_after(mmu, n);
		assert_int_equal(amp_iommu_unmap(mmu, SZ_1G + SZ_2M, SZ_4K),
				 -ENOMEM);
		expect_stats(mmu, 0, 0, 1);
		assert_int_equal(stats(mmu).table_pages, st.table_pages);
		expect_tr(mmu, SZ_1G + SZ_2M, SZ_2M, SZ_1G - SZ_2M);
	}
	amp_iommu_fail_alloc_after(mmu, -1);
	assert_int_equal(amp_iommu_unmap(mmu, SZ_1G + SZ_2M, SZ_4K), 0);
	expect_stats(mmu, 512 * 512 - 1, 0, 0);
	amp_iommu_destroy(mmu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_map_4k),
		cmocka_unit_test(test_map_2m),
		cmocka_unit_test(test_map_1g),
		cmocka_unit_test(test_mixed_sizes),
		cmocka_unit_test(test_overlap_eexist),
		cmocka_unit_test(test_split_2m),
		cmocka_unit_test(test_split_1g),
		cmocka_unit_test(test_unmap_enoent),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_scattered),
		cmocka_unit_test(test_ias_limits),
		cmocka_unit_test(test_bad_args_and_pa),
		cmocka_unit_test(test_tables_freed),
		cmocka_unit_test(test_enomem_undo),
		cmocka_unit_test(test_split_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
