// SPDX-License-Identifier: BSD-3-Clause
/*
 * Shared-memory benchmark. Prints one JSON document:
 *
 *  - "cycle": open+attach+detach+close of 4 KiB .. 1 GiB buffers from each
 *    provider (sysmem scattered, sysmem contiguous, static, user memfd),
 *    against a device behind an IOMMU and a device with a carveout window;
 *    median and min ns per full cycle, and the buffer's physical segments.
 *    "attach_detach": attach+detach alone, 1 GiB scattered, IOMMU.
 *  - "sync_4k": cost of a 4 KiB BIDIR sync_for_device + sync_for_cpu pair
 *    in the middle of a 4 KiB and of a 1 GiB buffer, coherent, with the
 *    ownership checker and bounced; the 1 GiB / 4 KiB ratio (goal ~1.0).
 *  - "bounce_bandwidth": whole-buffer bounce copies of 256 MiB, both ways,
 *    against a plain memcpy (goal: ratio >= 0.8).
 *
 * --quick shrinks everything (16 MiB at most, few repetitions): a smoke
 * run for ctest. --summary and --plot-data DIR (shm_cycle.dat, shm_sync.dat,
 * shm_bounce.dat): see bench_opt.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>

#include "bench_opt.h"

#define SZ_4K 0x1000ull
#define SZ_64K 0x10000ull
#define SZ_1M 0x100000ull
#define SZ_16M 0x1000000ull
#define SZ_256M 0x10000000ull
#define SZ_1G 0x40000000ull

/* Default simulated DDR (sysmem.c): [0x80000000, 0x180000000). */
#define DDR_PA 0x80000000ull
#define DDR_SIZE 0x100000000ull
/* Static region, clear of the DDR. */
#define STATIC_PA 0x200000000ull
#define STATIC_SIZE SZ_1G
/* Carveout window: identity map from the DDR base to the static end. */
#define WIN_PA DDR_PA
#define WIN_SIZE (STATIC_PA + STATIC_SIZE - DDR_PA)
#define CARVEOUT_BITS 36

#define quick (bopt.quick)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_shm: %s: %s (%s)\n", what, strerror(-err),
		amp_last_error());
	exit(1);
}

#define CHECK(expr)                     \
	do {                            \
		int _r = (expr);        \
		if (_r < 0)             \
			die(#expr, _r); \
	} while (0)

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p)
		die("calloc", -ENOMEM);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Repetitions: at least @min, then more until @max or the time budget. */
struct reps {
	int min, max;
	double budget_ns;
};

static struct reps reps_for(uint64_t size)
{
	struct reps r = { .min = 5, .budget_ns = 0.3e9 };

	if (size <= SZ_64K)
		r.max = 20000;
	else if (size <= SZ_1M)
		r.max = 5000;
	else if (size <= SZ_16M)
		r.max = 1000;
	else if (size <= SZ_256M)
		r.max = 200;
	else
		r.max = 50;
	if (quick) {
		r.min = 3;
		r.max = r.max < 50 ? r.max : 50;
		r.budget_ns = 0.02e9;
	}
	return r;
}

/* ---------------------------------------------------------------------
 * Providers and devices
 */

enum prov_kind { P_SYSMEM, P_STATIC, P_USER };

struct provider {
	const char *name; /* JSON name */
	enum prov_kind kind;
	unsigned flags;
	const char *flags_str;
};

static const struct provider providers[] = {
	{ "sysmem_scattered", P_SYSMEM, 0, "0" },
	{ "sysmem_contig", P_SYSMEM, AMP_SHM_F_CONTIG, "AMP_SHM_F_CONTIG" },
	{ "static", P_STATIC, 0, "0" },
	{ "user_memfd", P_USER, 0, "0" },
};
#define NPROV (sizeof(providers) / sizeof(providers[0]))

static int user_fd = -1;

static int open_buf(const struct provider *p, uint64_t size,
		    struct amp_shm **shm)
{
	switch (p->kind) {
	case P_SYSMEM:
		return amp_shm_open("sysmem/bench", size, p->flags, shm);
	case P_STATIC:
		return amp_shm_open("static/bench", size, p->flags, shm);
	default:
		return amp_shm_import_fd("user/bench", user_fd, 0, size,
					 p->flags, shm);
	}
}

enum { D_IOMMU, D_CARVEOUT, NDEV };
static const char *const dev_names[NDEV] = { "iommu", "carveout" };
static struct amp_dev *devs[NDEV];
static struct amp_dev *bounce_dev;

static void create_devices(void)
{
	static const struct amp_window win = { .da = WIN_PA,
					       .pa = WIN_PA,
					       .size = WIN_SIZE };
	struct amp_dev_config iommu = { .name = "iommu",
					.dma_bits = 48,
					.iommu = true };
	struct amp_dev_config carveout = { .name = "carveout",
					   .dma_bits = CARVEOUT_BITS,
					   .windows = &win,
					   .nwindows = 1 };
	struct amp_dev_config bounce = { .name = "bounce",
					 .dma_bits = 48,
					 .iommu = true,
					 .bounce = AMP_BOUNCE_ALWAYS };

	CHECK(amp_dev_create(&iommu, &devs[D_IOMMU]));
	CHECK(amp_dev_create(&carveout, &devs[D_CARVEOUT]));
	CHECK(amp_dev_create(&bounce, &bounce_dev));
}

/* ---------------------------------------------------------------------
 * 1. open+attach+detach+close
 */

struct cycle_result {
	const struct provider *prov;
	int dev;
	uint64_t size;
	size_t segs, dev_segs;
	bool bounced;
	int reps;
	double median_ns, min_ns;
};

static const uint64_t all_sizes[] = { SZ_4K,  SZ_64K,  SZ_1M,
				      SZ_16M, SZ_256M, SZ_1G };
#define NSIZES (sizeof(all_sizes) / sizeof(all_sizes[0]))

static size_t nsizes(void)
{
	return quick ? 4 : NSIZES; /* up to 16 MiB */
}

static void bench_cycle(struct cycle_result *res)
{
	struct amp_dev *dev = devs[res->dev];
	struct reps r = reps_for(res->size);
	const struct amp_sg *sg;
	const struct amp_cpu_seg *segs;
	struct amp_shm *shm;
	double *t = xcalloc((size_t)r.max, sizeof(*t));
	double start;
	int n;

	/* Untimed first cycle: warms up, and tells what the buffer is. */
	CHECK(open_buf(res->prov, res->size, &shm));
	CHECK(amp_shm_cpu_sg(shm, &segs, &res->segs));
	CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &res->dev_segs));
	res->bounced = amp_shm_is_bounced(shm, dev);
	CHECK(amp_shm_detach(shm, dev));
	CHECK(amp_shm_close(shm));

	start = now_ns();
	for (n = 0; n < r.max; n++) {
		double t0 = now_ns();

		if (n >= r.min && t0 - start > r.budget_ns)
			break;
		CHECK(open_buf(res->prov, res->size, &shm));
		CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
		CHECK(amp_shm_detach(shm, dev));
		CHECK(amp_shm_close(shm));
		t[n] = now_ns() - t0;
	}
	res->reps = n;
	res->median_ns = median(t, (size_t)n);
	res->min_ns = t[0];
	free(t);
}

/* attach+detach alone, the buffer opened once. */
struct attach_result {
	uint64_t size;
	size_t segs;
	int reps;
	double median_ns, min_ns;
};

static void bench_attach_detach(struct attach_result *res)
{
	struct amp_dev *dev = devs[D_IOMMU];
	struct reps r = reps_for(res->size);
	const struct amp_cpu_seg *segs;
	struct amp_shm *shm;
	double *t, start;
	int n;

	r.max *= 4;
	t = xcalloc((size_t)r.max, sizeof(*t));
	CHECK(amp_shm_open("sysmem/bench", res->size, 0, &shm));
	CHECK(amp_shm_cpu_sg(shm, &segs, &res->segs));
	CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
	CHECK(amp_shm_detach(shm, dev));
	start = now_ns();
	for (n = 0; n < r.max; n++) {
		double t0 = now_ns();

		if (n >= r.min && t0 - start > r.budget_ns)
			break;
		CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
		CHECK(amp_shm_detach(shm, dev));
		t[n] = now_ns() - t0;
	}
	CHECK(amp_shm_close(shm));
	res->reps = n;
	res->median_ns = median(t, (size_t)n);
	res->min_ns = t[0];
	free(t);
}

/* ---------------------------------------------------------------------
 * 2. 4 KiB range sync
 */

enum { M_COHERENT, M_CHECKER, M_BOUNCE, NMODES };
static const char *const mode_names[NMODES] = { "coherent", "checker",
						"bounce" };

struct sync_result {
	uint64_t size, offset;
	bool bounced, checked;
	long pairs;
	double median_ns, min_ns; /* per pair, over batches */
};

static void bench_sync(int mode, struct sync_result *res)
{
	struct amp_dev *dev = mode == M_BOUNCE ? bounce_dev : devs[D_IOMMU];
	unsigned flags = mode == M_CHECKER ? AMP_SHM_F_CHECK : 0;
	const int batches = quick ? 21 : 301, per = quick ? 16 : 64;
	double *t = xcalloc((size_t)batches, sizeof(*t));
	struct amp_shm *shm;
	uint64_t off;

	/* A 4 KiB range in the middle (page aligned; the whole 4 KiB buffer). */
	off = (res->size / 2) & ~(SZ_4K - 1);
	if (off + SZ_4K > res->size)
		off = 0;
	res->offset = off;
	CHECK(amp_shm_open("sysmem/sync", res->size, flags, &shm));
	CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
	res->bounced = amp_shm_is_bounced(shm, dev);
	res->checked = amp_shm_flags(shm) & AMP_SHM_F_CHECK;
	/* The CPU writes the range, as it would before handing it over. */
	memset((char *)amp_shm_va(shm) + off, 0xa5, SZ_4K);
	for (int i = 0; i < 100; i++) {
		CHECK(amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, off,
					      SZ_4K));
		CHECK(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, off,
					   SZ_4K));
	}
	for (int b = 0; b < batches; b++) {
		double t0 = now_ns();

		for (int i = 0; i < per; i++) {
			CHECK(amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR,
						      off, SZ_4K));
			CHECK(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, off,
						   SZ_4K));
		}
		t[b] = (now_ns() - t0) / per;
	}
	CHECK(amp_shm_detach(shm, dev));
	CHECK(amp_shm_close(shm));
	res->pairs = (long)batches * per;
	res->median_ns = median(t, (size_t)batches);
	res->min_ns = t[0];
	free(t);
}

/* ---------------------------------------------------------------------
 * 3. Bounce bandwidth vs memcpy
 */

struct bw_result {
	uint64_t size;
	int best_of;
	double to_dev_ns, from_dev_ns, memcpy_ns, memcpy_shared_ns;
	bool verified;
};

static void bench_bounce_bw(struct bw_result *res)
{
	const uint64_t size = res->size;
	struct amp_dev *dev = bounce_dev;
	const struct amp_sg *sg;
	struct amp_shm *shm;
	char *va, *src, *dst, head[64], tail[64];
	int fd;

	res->to_dev_ns = res->from_dev_ns = res->memcpy_ns = 1e30;
	res->memcpy_shared_ns = 1e30;
	CHECK(amp_shm_open("sysmem/bw", size, 0, &shm));
	CHECK(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, NULL));
	if (!amp_shm_is_bounced(shm, dev))
		die("bounce device did not bounce", -EINVAL);
	va = amp_shm_va(shm);
	memset(va, 0x3c, size);
	/* Untimed round: faults in both copies. */
	for (int i = -1; i < res->best_of; i++) {
		double t0, t1, t2, t3;

		t0 = now_ns();
		CHECK(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
					      size));
		t1 = now_ns();
		CHECK(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0,
					   size));
		CHECK(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, 0,
					      size));
		t2 = now_ns();
		CHECK(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE, 0,
					   size));
		t3 = now_ns();
		if (i < 0)
			continue;
		if (t1 - t0 < res->to_dev_ns)
			res->to_dev_ns = t1 - t0;
		if (t3 - t2 < res->from_dev_ns)
			res->from_dev_ns = t3 - t2;
	}
	/* The device's copy and the CPU's must agree. */
	CHECK(amp_dev_read(dev, sg[0].addr, head, sizeof(head)));
	CHECK(amp_dev_read(dev, sg[0].addr + size - sizeof(tail), tail,
			   sizeof(tail)));
	res->verified = !memcmp(va, head, sizeof(head)) &&
			!memcmp(va + size - sizeof(tail), tail, sizeof(tail)) &&
			va[size / 2] == 0x3c;
	CHECK(amp_shm_detach(shm, dev));
	CHECK(amp_shm_close(shm));

	/* Plain memcpy between two pre-faulted private buffers. */
	src = malloc(size);
	dst = malloc(size);
	if (!src || !dst)
		die("malloc", -ENOMEM);
	memset(src, 0x3c, size);
	memset(dst, 0, size);
	for (int i = -1; i < res->best_of; i++) {
		double t0 = now_ns();

		memcpy(dst, src, size);
		t0 = now_ns() - t0;
		if (i >= 0 && t0 < res->memcpy_ns)
			res->memcpy_ns = t0;
	}
	if (dst[size / 2] != 0x3c)
		res->verified = false;
	free(src);
	free(dst);

	/*
	 * Reference: memcpy between two shared memfd mappings, the kind of
	 * memory both bounce copies are (4 KiB shmem pages).
	 */
	fd = memfd_create("bench-bw", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)(2 * size)))
		die("memfd", -errno);
	src = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (src == MAP_FAILED)
		die("mmap", -errno);
	dst = src + size;
	memset(src, 0x3c, size);
	memset(dst, 0, size);
	for (int i = -1; i < res->best_of; i++) {
		double t0 = now_ns();

		memcpy(dst, src, size);
		t0 = now_ns() - t0;
		if (i >= 0 && t0 < res->memcpy_shared_ns)
			res->memcpy_shared_ns = t0;
	}
	munmap(src, 2 * size);
	close(fd);
}

/* ---------------------------------------------------------------------
 * Output
 */

static const char *size_str(uint64_t size)
{
	static char buf[8][16];
	static int k;
	char *s = buf[k++ % 8];

	if (size >= SZ_1G)
		snprintf(s, 16, "%" PRIu64 "G", (uint64_t)(size / SZ_1G));
	else if (size >= SZ_1M)
		snprintf(s, 16, "%" PRIu64 "M", (uint64_t)(size / SZ_1M));
	else
		snprintf(s, 16, "%" PRIu64 "K", size / 1024);
	return s;
}

static double mbps(uint64_t bytes, double ns)
{
	return (double)bytes / ns * 1e3; /* 1e6 bytes per second */
}

/* Cycle results come provider by provider, device by device, size by size. */
static void summary(const struct cycle_result *cyc, size_t ncyc, size_t ns,
		    const struct attach_result *ad,
		    struct sync_result sync[NMODES][2],
		    const struct bw_result *bw)
{
	char name[40];

	bench_sum("  open+attach+detach+close, median us per cycle\n");
	bench_sum("    %-27s", "provider / device");
	for (size_t s = 0; s < ns; s++)
		bench_sum(" %7s", size_str(all_sizes[s]));
	for (size_t i = 0; i < ncyc; i++) {
		if (i % ns == 0) {
			snprintf(name, sizeof(name), "%s / %s%s",
				 cyc[i].prov->name, dev_names[cyc[i].dev],
				 cyc[i].bounced ? " (b)" : "");
			bench_sum("\n    %-27s", name);
		}
		bench_sum(" %7.1f", cyc[i].median_ns / 1e3);
	}
	bench_sum("\n    (b): bounced, user memory is out of the carveout's "
		  "reach\n");
	bench_sum("  attach+detach alone, %s scattered, IOMMU: %.1f us\n",
		  size_str(ad->size), ad->median_ns / 1e3);
	snprintf(name, sizeof(name), "%s buffer", size_str(sync[0][1].size));
	bench_sum("  4 KiB range sync pair (for device + for cpu), median ns\n"
		  "    %-24s %13s %13s %6s\n",
		  "mode", "4K buffer", name, "ratio");
	for (int m = 0; m < NMODES; m++)
		bench_sum("    %-24s %13.1f %13.1f %6.2f\n", mode_names[m],
			  sync[m][0].median_ns, sync[m][1].median_ns,
			  sync[m][1].median_ns / sync[m][0].median_ns);
	bench_sum("  bounce copies of %s, MB/s: to device %.0f, from device "
		  "%.0f, memcpy %.0f\n",
		  size_str(bw->size), mbps(bw->size, bw->to_dev_ns),
		  mbps(bw->size, bw->from_dev_ns),
		  mbps(bw->size, bw->memcpy_ns));
}

static void plot_data(const struct cycle_result *cyc, size_t ncyc, size_t ns,
		      struct sync_result sync[NMODES][2],
		      const struct sync_result *ctl, size_t nctl,
		      const struct bw_result *bw)
{
	char head[1024] = "size_bytes";
	size_t len = strlen(head);
	FILE *f;

	/* Cycle: one column per provider/device pair, in us. */
	for (size_t i = 0; i < ncyc; i += ns)
		len += (size_t)snprintf(head + len, sizeof(head) - len,
					" %s/%s%s", cyc[i].prov->name,
					dev_names[cyc[i].dev],
					cyc[i].bounced ? "(bounced)" : "");
	f = bench_dat("shm_cycle", head);
	for (size_t s = 0; f && s < ns; s++) {
		fprintf(f, "%" PRIu64, all_sizes[s]);
		for (size_t i = s; i < ncyc; i += ns)
			fprintf(f, " %.3f", cyc[i].median_ns / 1e3);
		fprintf(f, "\n");
	}
	bench_dat_close(f);

	/* Sync: ns per pair vs buffer size; the checker has more sizes. */
	f = bench_dat("shm_sync", "size_bytes coherent checker bounce");
	for (int k = 0; f && k < 2; k++) {
		fprintf(f, "%" PRIu64, sync[0][k].size);
		for (int m = 0; m < NMODES; m++)
			fprintf(f, " %.1f", sync[m][k].median_ns);
		fprintf(f, "\n");
		for (size_t i = 0; !k && i < nctl; i++)
			if (ctl[i].size < sync[0][1].size)
				fprintf(f, "%" PRIu64 " - %.1f -\n",
					ctl[i].size, ctl[i].median_ns);
	}
	bench_dat_close(f);

	f = bench_dat("shm_bounce", "copy mbps");
	if (f)
		fprintf(f,
			"\"to device\" %.0f\n\"from device\" %.0f\n"
			"memcpy %.0f\n\"memcpy (memfd)\" %.0f\n",
			mbps(bw->size, bw->to_dev_ns),
			mbps(bw->size, bw->from_dev_ns),
			mbps(bw->size, bw->memcpy_ns),
			mbps(bw->size, bw->memcpy_shared_ns));
	bench_dat_close(f);
}

int main(int argc, char **argv)
{
	struct cycle_result *cyc;
	struct attach_result ad = { 0 };
	struct sync_result sync[NMODES][2];
	struct sync_result ctl[] = { { .size = SZ_64K }, { .size = SZ_16M } };
	const struct amp_cpu_seg *seg0;
	struct amp_shm *probe;
	amp_pa_t top_pa;
	size_t nseg0;
	struct bw_result bw = { .best_of = 5 };
	size_t ncyc = 0, ns;
	double t_start = now_ns();

	bench_parse(argc, argv, false);
	ns = nsizes();
	ad.size = quick ? SZ_16M : SZ_1G;
	bw.size = quick ? SZ_16M : SZ_256M;

	create_devices();
	CHECK(amp_static_region_add("bench", STATIC_PA, STATIC_SIZE, 0, NULL,
				    0));
	user_fd = memfd_create("bench-user", MFD_CLOEXEC);
	if (user_fd < 0 || ftruncate(user_fd, (off_t)SZ_1G))
		die("memfd", -errno);

	/* Where sysmem hands out memory (top-down from the DDR end). */
	CHECK(amp_shm_open("sysmem/probe", SZ_4K, 0, &probe));
	CHECK(amp_shm_cpu_sg(probe, &seg0, &nseg0));
	top_pa = seg0[0].pa;
	CHECK(amp_shm_close(probe));

	/* 1. */
	cyc = xcalloc(NPROV * NDEV * ns, sizeof(*cyc));
	for (size_t p = 0; p < NPROV; p++)
		for (int d = 0; d < NDEV; d++)
			for (size_t s = 0; s < ns; s++) {
				struct cycle_result *c = &cyc[ncyc++];

				c->prov = &providers[p];
				c->dev = d;
				c->size = all_sizes[s];
				bench_cycle(c);
				/* Only user memory is out of a window's reach. */
				if (c->bounced != (d == D_CARVEOUT &&
						   c->prov->kind == P_USER))
					die("unexpected bounce", -EINVAL);
			}
	bench_attach_detach(&ad);

	/* 2. */
	for (int m = 0; m < NMODES; m++) {
		sync[m][0] = (struct sync_result){ .size = SZ_4K };
		sync[m][1] =
			(struct sync_result){ .size = quick ? SZ_16M : SZ_1G };
		bench_sync(m, &sync[m][0]);
		bench_sync(m, &sync[m][1]);
	}
	/* Checker: is the extra cost size-dependent, or a VMA split? */
	for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++)
		bench_sync(M_CHECKER, &ctl[i]);

	/* 3. */
	bench_bounce_bw(&bw);

	CHECK(amp_static_region_remove("bench"));
	close(user_fd);
	for (int d = 0; d < NDEV; d++)
		CHECK(amp_dev_destroy(devs[d]));
	CHECK(amp_dev_destroy(bounce_dev));

	printf("{\n  \"bench\": \"shm\",\n  \"quick\": %s,\n",
	       quick ? "true" : "false");
	printf("  \"setup\": {\n"
	       "    \"sysmem\": {\"pa\": \"0x%llx\", \"size_bytes\": %llu, "
	       "\"first_4k_buffer_pa\": \"0x%" PRIx64 "\"},\n"
	       "    \"static\": {\"region\": \"bench\", \"pa\": \"0x%llx\", "
	       "\"size_bytes\": %llu},\n"
	       "    \"user\": {\"fd\": \"memfd\", \"size_bytes\": %llu},\n"
	       "    \"devices\": {\n"
	       "      \"iommu\": {\"dma_bits\": 48, \"iommu\": true, "
	       "\"pgsizes\": \"4K|2M\"},\n"
	       "      \"carveout\": {\"dma_bits\": %d, \"window\": {\"da\": "
	       "\"0x%llx\", \"pa\": \"0x%llx\", \"size_bytes\": %llu}, "
	       "\"bounce\": \"if_needed\"},\n"
	       "      \"bounce\": {\"dma_bits\": 48, \"iommu\": true, "
	       "\"bounce\": \"always\"}\n    }\n  },\n",
	       DDR_PA, DDR_SIZE, top_pa, STATIC_PA, STATIC_SIZE, SZ_1G,
	       CARVEOUT_BITS, WIN_PA, WIN_PA, WIN_SIZE);

	printf("  \"cycle\": {\n    \"what\": \"open+attach(BIDIR)+detach+"
	       "close\",\n    \"note\": \"user memory is unreachable through "
	       "a carveout: user_memfd on carveout is measured bounced "
	       "(bounce policy if_needed), bounced=true\",\n"
	       "    \"results\": [\n");
	for (size_t i = 0; i < ncyc; i++) {
		const struct cycle_result *c = &cyc[i];

		printf("      {\"provider\": \"%s\", \"flags\": \"%s\", "
		       "\"device\": \"%s\", \"size_bytes\": %" PRIu64 ", "
		       "\"size_str\": \"%s\", \"segments\": %zu, "
		       "\"device_segments\": %zu, \"bounced\": %s, "
		       "\"reps\": %d, \"median_ns\": %.0f, \"min_ns\": %.0f}%s\n",
		       c->prov->name, c->prov->flags_str, dev_names[c->dev],
		       c->size, size_str(c->size), c->segs, c->dev_segs,
		       c->bounced ? "true" : "false", c->reps, c->median_ns,
		       c->min_ns, i + 1 < ncyc ? "," : "");
	}
	printf("    ]\n  },\n");
	printf("  \"attach_detach\": {\"what\": \"attach(BIDIR)+detach, buffer "
	       "opened once\", \"provider\": \"sysmem_scattered\", "
	       "\"device\": \"iommu\", \"size_bytes\": %" PRIu64 ", "
	       "\"segments\": %zu, \"reps\": %d, \"median_ns\": %.0f, "
	       "\"min_ns\": %.0f},\n",
	       ad.size, ad.segs, ad.reps, ad.median_ns, ad.min_ns);

	printf("  \"sync_4k\": {\n    \"what\": \"sync_for_device+sync_for_cpu "
	       "(BIDIR) of 4 KiB in the middle of a sysmem scattered buffer, "
	       "ns per pair, median and min over batches\",\n"
	       "    \"modes\": {\n");
	for (int m = 0; m < NMODES; m++) {
		printf("      \"%s\": {\"device\": \"%s\",\n", mode_names[m],
		       m == M_BOUNCE ? "bounce" : "iommu");
		for (int k = 0; k < 2; k++) {
			const struct sync_result *s = &sync[m][k];

			printf("        \"%s\": {\"size_bytes\": %" PRIu64 ", "
			       "\"offset_bytes\": %" PRIu64
			       ", \"bounced\": %s, "
			       "\"checked\": %s, \"pairs\": %ld, "
			       "\"median_ns\": %.1f, \"min_ns\": %.1f},\n",
			       k ? "large" : "small", s->size, s->offset,
			       s->bounced ? "true" : "false",
			       s->checked ? "true" : "false", s->pairs,
			       s->median_ns, s->min_ns);
		}
		printf("        \"ratio_large_small\": %.3f",
		       sync[m][1].median_ns / sync[m][0].median_ns);
		if (m == M_CHECKER) {
			printf(",\n        \"control\": {\"note\": \"same "
			       "sync on other sizes: tells a dependence on "
			       "the buffer size from the cost of mprotect "
			       "splitting and re-merging the CPU mapping "
			       "when the 4 KiB range is not all of it (on "
			       "the 4 KiB buffer it is)\"");
			for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]);
			     i++)
				printf(", \"%s\": {\"offset_bytes\": %" PRIu64
				       ", \"median_ns\": %.1f}",
				       size_str(ctl[i].size), ctl[i].offset,
				       ctl[i].median_ns);
			printf("}");
		}
		printf("}%s\n", m + 1 < NMODES ? "," : "");
	}
	printf("    }\n  },\n");

	printf("  \"bounce_bandwidth\": {\"size_bytes\": %" PRIu64
	       ", \"best_of\": %d, "
	       "\"verified\": %s,\n"
	       "    \"to_device_mbps\": %.0f, \"from_device_mbps\": %.0f, "
	       "\"memcpy_mbps\": %.0f,\n"
	       "    \"ratio_to_device_memcpy\": %.3f, "
	       "\"ratio_from_device_memcpy\": %.3f,\n"
	       "    \"memcpy_shared_memfd_mbps\": %.0f},\n",
	       bw.size, bw.best_of, bw.verified ? "true" : "false",
	       mbps(bw.size, bw.to_dev_ns), mbps(bw.size, bw.from_dev_ns),
	       mbps(bw.size, bw.memcpy_ns), bw.memcpy_ns / bw.to_dev_ns,
	       bw.memcpy_ns / bw.from_dev_ns,
	       mbps(bw.size, bw.memcpy_shared_ns));
	printf("  \"total_s\": %.1f\n}\n", (now_ns() - t_start) / 1e9);
	summary(cyc, ncyc, ns, &ad, sync, &bw);
	plot_data(cyc, ncyc, ns, sync, ctl, sizeof(ctl) / sizeof(ctl[0]), &bw);
	free(cyc);
	return 0;
}
