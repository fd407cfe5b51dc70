// SPDX-License-Identifier: BSD-3-Clause
/*
 * IOMMU page-table and IOVA-allocator benchmark. Prints one JSON document:
 *
 *  - map and unmap of 1 GiB with 4 KiB, 2 MiB and 1 GiB pages (best of N
 *    repetitions; table pages are allocated by every map and freed by every
 *    unmap, as in real use);
 *  - ralloc alloc/free cost for IOVA-like use: a 48-bit space, top-down,
 *    thousands of live ranges of 4 KiB..256 KiB.
 *
 * Options (bench_opt.h): --quick (fewer repetitions), --summary,
 * --plot-data DIR (iommu_map.dat: cost vs page size).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addrspace/iommu.h"
#include "bench_opt.h"
#include "mm/ralloc.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_iommu: %s: %s\n", what, strerror(-err));
	exit(1);
}

struct map_result {
	const char *name;
	uint64_t pgsize;
	uint64_t pages;
	int reps;
	double map_ns; /* best total */
	double unmap_ns; /* best total */
};

static void bench_map(struct map_result *res, unsigned pgsizes)
{
	const uint64_t iova = 4 * SZ_1G, pa = 8 * SZ_1G, len = SZ_1G;
	struct amp_iommu_stats st;
	struct amp_iommu *mmu;
	int ret;

	ret = amp_iommu_create(48, pgsizes, &mmu);
	if (ret)
		die("amp_iommu_create", ret);
	res->pages = len / res->pgsize;
	res->map_ns = res->unmap_ns = 1e30;
	for (int i = 0; i < res->reps; i++) {
		double t0, t1, t2;

		t0 = now_ns();
		ret = amp_iommu_map(mmu, iova, pa, len,
				    AMP_IOMMU_READ | AMP_IOMMU_WRITE);
		t1 = now_ns();
		if (ret)
			die("amp_iommu_map", ret);
		amp_iommu_get_stats(mmu, &st);
		if (st.mapped_4k + st.mapped_2m + st.mapped_1g != res->pages)
			die("unexpected page size", -EINVAL);
		ret = amp_iommu_unmap(mmu, iova, len);
		t2 = now_ns();
		if (ret)
			die("amp_iommu_unmap", ret);
		if (t1 - t0 < res->map_ns)
			res->map_ns = t1 - t0;
		if (t2 - t1 < res->unmap_ns)
			res->unmap_ns = t2 - t1;
	}
	amp_iommu_destroy(mmu);
}

static void print_op(const char *name, double total_ns, uint64_t pages,
		     const char *sep)
{
	printf("      \"%s\": {\"total_us\": %.3f, \"per_page_ns\": %.2f, "
	       "\"pages_per_s\": %.0f}%s\n",
	       name, total_ns / 1e3, total_ns / (double)pages,
	       (double)pages * 1e9 / total_ns, sep);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

struct ralloc_result {
	unsigned live;
	unsigned churn_ops;
	int reps;
	double alloc_ns; /* per op, filling an empty space */
	double free_ns; /* per op, random order */
	double churn_ns; /* per free+alloc pair at steady state */
};

static void bench_ralloc(struct ralloc_result *res)
{
	const uint64_t base = 1ull << 32, size = (1ull << 48) - base;
	uint64_t *addr = calloc(res->live, sizeof(*addr));
	uint64_t *len = calloc(res->live, sizeof(*len));
	unsigned *order = calloc(res->live, sizeof(*order));
	struct amp_ralloc *r;
	int ret;

	if (!addr || !len || !order)
		die("calloc", -ENOMEM);
	res->alloc_ns = res->free_ns = res->churn_ns = 1e30;
	for (int rep = 0; rep < res->reps; rep++) {
		double t0, t1, t2, t3;
		unsigned i;

		ret = amp_ralloc_create(base, size, SZ_4K, &r);
		if (ret)
			die("amp_ralloc_create", ret);
		for (i = 0; i < res->live; i++) {
			len[i] = (rnd(64) + 1) * SZ_4K;
			order[i] = i;
		}
		for (i = res->live - 1; i > 0; i--) {
			unsigned j = (unsigned)rnd(i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}

		t0 = now_ns();
		for (i = 0; i < res->live; i++) {
			ret = amp_ralloc_alloc(r, len[i], 0, AMP_RALLOC_TOPDOWN,
					       &addr[i]);
			if (ret)
				die("amp_ralloc_alloc", ret);
		}
		t1 = now_ns();
		/* Steady state: free a random live range, allocate again. */
		for (i = 0; i < res->churn_ops; i++) {
			unsigned k = (unsigned)rnd(res->live);

			ret = amp_ralloc_free(r, addr[k], len[k]);
			if (ret)
				die("amp_ralloc_free", ret);
			len[k] = (rnd(64) + 1) * SZ_4K;
			ret = amp_ralloc_alloc(r, len[k], 0, AMP_RALLOC_TOPDOWN,
					       &addr[k]);
			if (ret)
				die("amp_ralloc_alloc", ret);
		}
		t2 = now_ns();
		for (i = 0; i < res->live; i++) {
			unsigned k = order[i];

			ret = amp_ralloc_free(r, addr[k], len[k]);
			if (ret)
				die("amp_ralloc_free", ret);
		}
		t3 = now_ns();
		if (amp_ralloc_free_bytes(r) != size)
			die("leak in ralloc", -EINVAL);
		amp_ralloc_destroy(r);

		if ((t1 - t0) / res->live < res->alloc_ns)
			res->alloc_ns = (t1 - t0) / res->live;
		if ((t2 - t1) / res->churn_ops < res->churn_ns)
			res->churn_ns = (t2 - t1) / res->churn_ops;
		if ((t3 - t2) / res->live < res->free_ns)
			res->free_ns = (t3 - t2) / res->live;
	}
	free(addr);
	free(len);
	free(order);
}

static const char *const pg_desc[] = { "4 KiB pages", "2 MiB blocks",
				       "1 GiB block" };

static void summary(const struct map_result *m, size_t n,
		    const struct ralloc_result *ra)
{
	bench_sum("  1 GiB through the IOMMU\n    %-26s %12s %12s %12s\n",
		  "mapped with", "map", "unmap", "map per page");
	for (size_t i = 0; i < n; i++) {
		char what[40];

		snprintf(what, sizeof(what), "%s (%llu)", pg_desc[i],
			 (unsigned long long)m[i].pages);
		bench_sum("    %-26s %9.2f us %9.2f us %9.2f ns\n", what,
			  m[i].map_ns / 1e3, m[i].unmap_ns / 1e3,
			  m[i].map_ns / (double)m[i].pages);
	}
	bench_sum("  IOVA allocator (48-bit, %u live ranges): alloc %.1f ns, "
		  "free %.1f ns, free+alloc %.1f ns\n",
		  ra->live, ra->alloc_ns, ra->free_ns, ra->churn_ns);
}

static void plot_data(const struct map_result *m, size_t n)
{
	FILE *f = bench_dat("iommu_map", "page_size_bytes map_per_page_ns "
					 "unmap_per_page_ns map_total_us "
					 "unmap_total_us");

	for (size_t i = 0; f && i < n; i++)
		fprintf(f, "%llu %.3f %.3f %.3f %.3f\n",
			(unsigned long long)m[i].pgsize,
			m[i].map_ns / (double)m[i].pages,
			m[i].unmap_ns / (double)m[i].pages, m[i].map_ns / 1e3,
			m[i].unmap_ns / 1e3);
	bench_dat_close(f);
}

int main(int argc, char **argv)
{
	struct map_result m[] = {
		{ .name = "4K", .pgsize = SZ_4K, .reps = 10 },
		{ .name = "2M", .pgsize = SZ_2M, .reps = 200 },
		{ .name = "1G", .pgsize = SZ_1G, .reps = 1000 },
	};
	const unsigned pg[] = {
		AMP_IOMMU_PG_4K,
		AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M,
		AMP_IOMMU_PG_4K | AMP_IOMMU_PG_2M | AMP_IOMMU_PG_1G,
	};
	struct ralloc_result ra = { .live = 4096,
				    .churn_ops = 100000,
				    .reps = 5 };
	const size_t n = sizeof(m) / sizeof(m[0]);
	size_t i;

	bench_parse(argc, argv, false);
	if (bopt.quick) {
		for (i = 0; i < n; i++)
			m[i].reps = m[i].reps / 10 > 2 ? m[i].reps / 10 : 2;
		ra.churn_ops = 10000;
		ra.reps = 2;
	}
	for (i = 0; i < n; i++)
		bench_map(&m[i], pg[i]);
	bench_ralloc(&ra);

	printf("{\n  \"bench\": \"iommu\",\n  \"quick\": %s,\n"
	       "  \"iommu_map_1g\": [\n",
	       bopt.quick ? "true" : "false");
	for (i = 0; i < n; i++) {
		printf("    {\"page_size\": \"%s\", \"page_size_bytes\": %llu, "
		       "\"size_bytes\": %llu, \"pages\": %llu, "
		       "\"best_of\": %d,\n",
		       m[i].name, (unsigned long long)m[i].pgsize,
		       (unsigned long long)SZ_1G,
		       (unsigned long long)m[i].pages, m[i].reps);
		print_op("map", m[i].map_ns, m[i].pages, ",");
		print_op("unmap", m[i].unmap_ns, m[i].pages, "");
		printf("    }%s\n", i + 1 < n ? "," : "");
	}
	printf("  ],\n");
	printf("  \"ralloc_iova\": {\"space_bits\": 48, "
	       "\"granule_bytes\": 4096, \"flags\": \"topdown\", "
	       "\"sizes\": \"4K..256K\", \"live\": %u, \"best_of\": %d,\n"
	       "    \"alloc_per_op_ns\": %.1f, \"free_per_op_ns\": %.1f, "
	       "\"churn_free_alloc_per_pair_ns\": %.1f}\n}\n",
	       ra.live, ra.reps, ra.alloc_ns, ra.free_ns, ra.churn_ns);
	summary(m, n, &ra);
	plot_data(m, n);
	return 0;
}
