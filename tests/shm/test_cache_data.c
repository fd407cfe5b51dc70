/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Range syncs, checked by the data: the CPU reads and writes through a
 * write-back data-cache model (tests/common/cachemodel.h) installed as the
 * port's cache operations, the device reads and writes memory through its
 * own address space (amp_dev_read/amp_dev_write at its device addresses).
 * A missing or wrong maintenance operation shows up as wrong bytes, on
 * either side. See docs/cache-model.md.
 *
 * EXPECTED TO FAIL until the core fix lands (their failure messages say
 * "DEFECT 1" or "DEFECT 2"):
 * - from_device_zeroed_buffer (defect 1): a FROM_DEVICE hand-over
 *   invalidates the CPU's dirty lines, so bytes the CPU wrote before the
 *   hand-over and the device did not overwrite are lost. Since Linux 5.19
 *   arm64 cleans at hand-over and invalidates at sync_for_cpu.
 * - misaligned_from_device_refused and misaligned_take_back_refused
 *   (defect 2): FROM_DEVICE and BIDIR ranges that do not start and end on
 *   a cache line boundary are accepted; a line shared by CPU-owned and
 *   device-owned bytes lets the CPU's stale copy of that line be written
 *   over what the device wrote (by an eviction or by the edge line's
 *   clean+invalidate). They must be refused with -EINVAL, as Linux's
 *   ARCH_DMA_MINALIGN and dma-debug do.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#include "cachemodel.h"
#include "testutil.h"

#define SZ (16u * 1024) /* four pages */
#define HALF (SZ / 2)
#define MEM_BG 0xaa /* what memory holds before each test */

struct fix {
	struct amp_dev *dev;
	struct amp_shm *shm;
	struct cachemodel *m;
	char *va;
	bool bounce;
};

static const char *dir_name(enum amp_dir dir)
{
	return dir == AMP_DIR_TO_DEVICE	  ? "TO_DEVICE" :
	       dir == AMP_DIR_FROM_DEVICE ? "FROM_DEVICE" :
					    "BIDIR";
}

/* A fresh device and buffer per test, so that a failed test (which may
 * leave a range owned by the device) does not spoil the next one. */
static int fix_setup(struct fix *f, bool bounce)
{
	static unsigned seq;
	struct amp_dev_config cfg = { .name = "dsp", .iommu = true };
	char name[32];

	if (bounce)
		cfg.bounce = AMP_BOUNCE_ALWAYS;
	snprintf(name, sizeof(name), "sysmem/cachedata%u", seq++);
	memset(f, 0, sizeof(*f));
	f->bounce = bounce;
	if (amp_dev_create(&cfg, &f->dev) ||
	    amp_shm_open(name, SZ, 0, &f->shm) ||
	    amp_shm_attach(f->shm, f->dev, AMP_DIR_BIDIR, NULL, NULL) ||
	    amp_shm_is_bounced(f->shm, f->dev) != bounce)
		return -1;
	f->va = amp_shm_va(f->shm);
	/* Memory, before the CPU cache holds anything. */
	memset(f->va, MEM_BG, SZ);
	return 0;
}

static int setup(void **state)
{
	static struct fix f;

	if (fix_setup(&f, false))
		return -1;
	f.m = cm_create(64);
	if (!f.m || cm_add_region(f.m, f.va, SZ))
		return -1;
	cm_install(f.m);
	*state = &f;
	return 0;
}

static int setup_bounce(void **state)
{
	static struct fix f;

	if (fix_setup(&f, true))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	int ret;

	cm_uninstall();
	cm_destroy(f->m);
	f->m = NULL;
	ret = amp_shm_detach(f->shm, f->dev);
	/* A failed test may leave a range with the device: leak that buffer
	 * (the test has already failed) rather than fail again here. */
	if (ret == -EBUSY)
		return 0;
	return ret || amp_shm_close(f->shm) || amp_dev_destroy(f->dev);
}

/* Replace the fixture's model by an empty one with @line-byte lines. */
static void use_line_size(struct fix *f, size_t line)
{
	cm_uninstall();
	cm_destroy(f->m);
	f->m = cm_create(line);
	assert_non_null(f->m);
	assert_int_equal(cm_add_region(f->m, f->va, SZ), 0);
	cm_install(f->m);
	assert_int_equal(amp_cache_line_size(), line);
}

static amp_da_t da_of(struct fix *f, uint64_t off)
{
	amp_da_t da;

	assert_int_equal(amp_shm_offset_to_da(f->shm, f->dev, off, &da), 0);
	return da;
}

static void dev_write(struct fix *f, uint64_t off, const void *src, size_t len)
{
	assert_int_equal(amp_dev_write(f->dev, da_of(f, off), src, len), 0);
}

static void dev_read(struct fix *f, uint64_t off, void *dst, size_t len)
{
	assert_int_equal(amp_dev_read(f->dev, da_of(f, off), dst, len), 0);
}

static void dev_memset(struct fix *f, uint64_t off, int c, size_t len)
{
	static unsigned char b[SZ];

	assert_true(len <= SZ);
	memset(b, c, len);
	dev_write(f, off, b, len);
}

static void cpu_write(struct fix *f, uint64_t off, const void *src, size_t len)
{
	if (f->m)
		cm_write(f->m, f->va + off, src, len);
	else
		memcpy(f->va + off, src, len);
}

static void cpu_memset(struct fix *f, uint64_t off, int c, size_t len)
{
	if (f->m)
		cm_memset(f->m, f->va + off, c, len);
	else
		memset(f->va + off, c, len);
}

static void cpu_read(struct fix *f, uint64_t off, void *dst, size_t len)
{
	if (f->m)
		cm_read(f->m, f->va + off, dst, len);
	else
		memcpy(dst, f->va + off, len);
}

/* Compare what @who sees at [off, off+len) with @want; on the first
 * difference fail with @why. */
static void expect(const char *who, uint64_t off, const unsigned char *got,
		   const unsigned char *want, size_t len, const char *why)
{
	for (size_t i = 0; i < len; i++)
		if (got[i] != want[i])
			fail_msg("%s reads 0x%02x at offset 0x%llx, expected "
				 "0x%02x: %s",
				 who, got[i], (unsigned long long)(off + i),
				 want[i], why);
}

static void cpu_expect(struct fix *f, uint64_t off, const void *want,
		       size_t len, const char *why)
{
	static unsigned char got[SZ];

	assert_true(len <= SZ);
	cpu_read(f, off, got, len);
	expect("the CPU", off, got, want, len, why);
}

static void dev_expect(struct fix *f, uint64_t off, const void *want,
		       size_t len, const char *why)
{
	static unsigned char got[SZ];

	assert_true(len <= SZ);
	dev_read(f, off, got, len);
	expect("the device", off, got, want, len, why);
}

static void cpu_expect_byte(struct fix *f, uint64_t off, int c, size_t len,
			    const char *why)
{
	static unsigned char want[SZ];

	assert_true(len <= SZ);
	memset(want, c, len);
	cpu_expect(f, off, want, len, why);
}

static void dev_expect_byte(struct fix *f, uint64_t off, int c, size_t len,
			    const char *why)
{
	static unsigned char want[SZ];

	assert_true(len <= SZ);
	memset(want, c, len);
	dev_expect(f, off, want, len, why);
}

static const unsigned char *pattern(uint32_t seed, size_t len)
{
	static unsigned char p[4][SZ];
	static unsigned k;
	unsigned char *b = p[k++ % 4];

	assert_true(len <= SZ);
	tu_fill(b, len, seed);
	return b;
}

static void to_dev(struct fix *f, enum amp_dir dir, uint64_t off, uint64_t len)
{
	int ret = amp_shm_sync_for_device(f->shm, f->dev, dir, off, len);

	if (ret)
		fail_msg("sync_for_device(%s, 0x%llx, 0x%llx) = %d: %s",
			 dir_name(dir), (unsigned long long)off,
			 (unsigned long long)len, ret, amp_last_error());
}

static void to_cpu(struct fix *f, enum amp_dir dir, uint64_t off, uint64_t len)
{
	int ret = amp_shm_sync_for_cpu(f->shm, f->dev, dir, off, len);

	if (ret)
		fail_msg("sync_for_cpu(%s, 0x%llx, 0x%llx) = %d: %s",
			 dir_name(dir), (unsigned long long)off,
			 (unsigned long long)len, ret, amp_last_error());
}

/* ---- The model itself ---- */

static void model_rules(void **state)
{
	struct fix *f = *state;
	struct cachemodel *m = f->m;
	unsigned char b[64];
	char *p = f->va + 4096;

	assert_int_equal(cm_line_size(m), 64);
	/* Write-allocate: the write stays in the cache, memory is stale. */
	cm_memset(m, p + 10, 0x11, 4);
	assert_true(cm_line_valid(m, p) && cm_line_dirty(m, p));
	assert_int_equal((unsigned char)p[10], MEM_BG);
	cm_read(m, p + 8, b, 8);
	assert_int_equal(b[1], MEM_BG); /* the rest of the line: filled */
	assert_int_equal(b[2], 0x11);
	/* Clean writes the whole line back and keeps it, clean. */
	cm_clean(m, p + 63, 1);
	assert_int_equal((unsigned char)p[10], 0x11);
	assert_true(cm_line_valid(m, p) && !cm_line_dirty(m, p));
	/* Invalidate loses dirty data, whatever part of the line it names. */
	cm_memset(m, p, 0x22, 64);
	cm_invalidate(m, p + 32, 1);
	assert_false(cm_line_valid(m, p));
	cm_read(m, p + 10, b, 1);
	assert_int_equal(b[0], 0x11);
	assert_int_equal((unsigned char)p[0], MEM_BG);
	/* A valid line hides later changes to memory (a stale line) until it
	 * is invalidated; a prefetch does not refresh a valid line. */
	p[0] = 0x33;
	cm_prefetch(m, p, 64);
	cm_read(m, p, b, 1);
	assert_int_equal(b[0], MEM_BG);
	cm_invalidate(m, p, 64);
	cm_prefetch(m, p, 64);
	p[0] = 0x44;
	cm_read(m, p, b, 1);
	assert_int_equal(b[0], 0x33);
	/* Flush = clean + invalidate. */
	cm_memset(m, p, 0x55, 2);
	cm_flush(m, p, 1);
	assert_false(cm_line_valid(m, p));
	assert_int_equal((unsigned char)p[1], 0x55);
	/* Eviction writes every dirty line back and drops everything. */
	cm_memset(m, p + 200, 0x66, 100); /* two lines... */
	cm_memset(m, f->va, 0x77, 1); /* ...and another page */
	assert_int_equal(cm_dirty_lines(m, f->va, SZ), 3);
	cm_evict_all(m);
	assert_int_equal(cm_dirty_lines(m, f->va, SZ), 0);
	assert_false(cm_line_valid(m, p + 200));
	assert_int_equal((unsigned char)p[299], 0x66);
	assert_int_equal((unsigned char)p[300], MEM_BG);
	assert_int_equal((unsigned char)f->va[0], 0x77);
	/* Maintenance outside every region is ignored. */
	cm_clean(m, b, sizeof(b));
	cm_invalidate(m, b, sizeof(b));
	cm_flush(m, b, sizeof(b));
	/* Regions must be whole lines and not overlap. */
	assert_int_equal(cm_add_region(m, b + 1, 64), -EINVAL);
	assert_int_equal(cm_add_region(m, f->va + 4096, 4096), -EINVAL);
}

static void model_installed(void **state)
{
	struct fix *f = *state;
	unsigned char b[1];

	/* The library's entry points reach the model, on whole lines. */
	assert_int_equal(amp_cache_line_size(), 64);
	cm_memset(f->m, f->va + 100, 0x12, 1);
	amp_cache_clean(f->va + 127, 1);
	assert_int_equal((unsigned char)f->va[100], 0x12);
	cm_memset(f->m, f->va + 100, 0x13, 1);
	amp_cache_invalidate(f->va + 64, 64);
	cm_read(f->m, f->va + 100, b, 1);
	assert_int_equal(b[0], 0x12);
	cm_memset(f->m, f->va + 100, 0x14, 1);
	amp_cache_flush(f->va + 64, 1);
	assert_false(cm_line_valid(f->m, f->va + 100));
	assert_int_equal((unsigned char)f->va[100], 0x14);
	/* Another line size is the library's line size; uninstalling
	 * restores the coherent default. */
	use_line_size(f, 128);
	cm_uninstall();
	assert_int_equal(amp_cache_line_size(), 64);
	cm_install(f->m);
}

/* ---- Hand-overs, checked by the data ---- */

static void to_device_cleans(void **state)
{
	struct fix *f = *state;
	const unsigned char *a = pattern(1, 8192);

	/* The CPU's data sits in dirty lines: memory is stale. */
	cpu_write(f, 4096, a, 8192);
	dev_expect_byte(f, 4096, MEM_BG, 8192,
			"the model must keep CPU writes in the cache");
	to_dev(f, AMP_DIR_TO_DEVICE, 4096, 8192);
	dev_expect(f, 4096, a, 8192,
		   "TO_DEVICE hand-over must clean the range");
	/* The device only reads: outside the range memory is untouched. */
	dev_expect_byte(f, 0, MEM_BG, 4096, "outside the range");
	to_cpu(f, AMP_DIR_TO_DEVICE, 4096, 8192);
	cpu_expect(f, 4096, a, 8192, "the CPU's data after the take-back");
}

static void from_device_zeroed_buffer(void **state)
{
	struct fix *f = *state;
	const unsigned char *d = pattern(2, HALF);

	/* EXPECTED TO FAIL until the core fix (defect 1). Memory holds old
	 * contents (MEM_BG); the CPU zeroes the buffer (dirty lines) and
	 * hands all of it to the device, which writes only the first half.
	 * The second half must read as the CPU's zeros: the hand-over must
	 * clean (arm64 since Linux 5.19), not invalidate. */
	cpu_memset(f, 0, 0, SZ);
	to_dev(f, AMP_DIR_FROM_DEVICE, 0, 0);
	dev_write(f, 0, d, HALF);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 0, 0);
	cpu_expect(f, 0, d, HALF, "the device's data (first half)");
	cpu_expect_byte(f, HALF, 0, HALF,
			"DEFECT 1: the CPU zeroed the second half before the "
			"FROM_DEVICE hand-over and the device did not write "
			"it; the hand-over invalidated the CPU's dirty lines "
			"instead of cleaning them, so old memory shows "
			"through");
}

static void from_device_speculative_fill(void **state)
{
	struct fix *f = *state;
	const unsigned char *d = pattern(3, SZ);

	cpu_memset(f, 0, 0x01, SZ);
	to_dev(f, AMP_DIR_FROM_DEVICE, 0, SZ);
	/* While the device owns the range, the hardware speculatively
	 * fills lines from memory that the device then overwrites. */
	cm_prefetch(f->m, f->va, SZ);
	dev_write(f, 0, d, SZ);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 0, SZ);
	cpu_expect(f, 0, d, SZ,
		   "sync_for_cpu(FROM_DEVICE) must invalidate lines filled "
		   "while the device owned the range");
}

static void from_device_eviction(void **state)
{
	struct fix *f = *state;
	const unsigned char *d = pattern(4, 8192);

	/* The CPU dirties lines, then hands them over. */
	cpu_memset(f, 4096, 0x02, 8192);
	to_dev(f, AMP_DIR_FROM_DEVICE, 4096, 8192);
	cm_evict_all(f->m);
	dev_write(f, 4096, d, 8192);
	/* An eviction after the device wrote is the hazard: a dirty line
	 * left by the hand-over would be written over the device's data. */
	cm_evict_all(f->m);
	dev_expect(f, 4096, d, 8192,
		   "a line left dirty by the FROM_DEVICE hand-over was "
		   "evicted over the device's data");
	to_cpu(f, AMP_DIR_FROM_DEVICE, 4096, 8192);
	cpu_expect(f, 4096, d, 8192, "the device's data after take-back");
}

/* sync_for_device(@dir, off, len) must be refused with -EINVAL and change
 * nothing; if it is accepted, take the range back and fail. */
static void expect_refused(struct fix *f, enum amp_dir dir, uint64_t off,
			   uint64_t len)
{
	int ret = amp_shm_sync_for_device(f->shm, f->dev, dir, off, len);

	if (ret == 0) {
		amp_shm_sync_for_cpu(f->shm, f->dev, dir, off, len);
		fail_msg("DEFECT 2: sync_for_device(%s, 0x%llx, 0x%llx) "
			 "returned 0 with %zu-byte lines; a FROM_DEVICE or "
			 "BIDIR range that does not start and end on a line "
			 "boundary must be refused with -EINVAL",
			 dir_name(dir), (unsigned long long)off,
			 (unsigned long long)len, amp_cache_line_size());
	}
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, off), AMP_OWNER_CPU);
}

static void misaligned_from_device_refused(void **state)
{
	struct fix *f = *state;
	static const enum amp_dir dirs[] = { AMP_DIR_FROM_DEVICE,
					     AMP_DIR_BIDIR };

	/* EXPECTED TO FAIL until the core fix (defect 2). The CPU has dirty
	 * bytes next to each range, in the edge lines: a refused hand-over
	 * must not lose them either. */
	cpu_memset(f, 4032, 0x03, 256);
	for (size_t i = 0; i < 2; i++) {
		expect_refused(f, dirs[i], 4100, 100); /* both ends */
		expect_refused(f, dirs[i], 4100, 60); /* inside a line */
		expect_refused(f, dirs[i], 4100, 4092); /* start only */
		expect_refused(f, dirs[i], 4096, 100); /* end only */
		expect_refused(f, dirs[i], 4100, 0); /* to the end */
	}
	cpu_expect_byte(f, 4032, 0x03, 256,
			"a refused hand-over lost the CPU's dirty bytes");
	/* The rule follows the port's line size. */
	use_line_size(f, 128);
	expect_refused(f, AMP_DIR_FROM_DEVICE, 64, 128);
	expect_refused(f, AMP_DIR_BIDIR, 128, 64);
	to_dev(f, AMP_DIR_FROM_DEVICE, 128, 128);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 128, 128);
}

static void misaligned_take_back_refused(void **state)
{
	struct fix *f = *state;
	int ret;

	/* EXPECTED TO FAIL until the core fix (defect 2). Taking back part of
	 * an aligned FROM_DEVICE range at a misaligned boundary would leave
	 * a line shared by a CPU-owned and a device-owned part: a CPU write to
	 * its part dirties the line, whose eviction writes the CPU's stale
	 * copy over the device's part. */
	to_dev(f, AMP_DIR_FROM_DEVICE, 4096, 4096);
	ret = amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_FROM_DEVICE, 4096,
				   100);
	if (ret == 0) {
		to_cpu(f, AMP_DIR_FROM_DEVICE, 4196, 4096 - 100);
		fail_msg("DEFECT 2: sync_for_cpu(FROM_DEVICE, 0x1000, 0x64) "
			 "of part of a device-owned range returned 0; a "
			 "take-back that does not end on a line boundary "
			 "must be refused with -EINVAL");
	}
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 4096), AMP_OWNER_DEVICE);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 4100, 4092),
			 -EINVAL);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 4096, 4096);
}

static void misaligned_to_device(void **state)
{
	struct fix *f = *state;
	const unsigned char *a = pattern(5, 10);
	unsigned char c = 0x04;

	/* 128-byte lines: [130, 140) lies in line [128, 256). The CPU also
	 * has dirty bytes outside the range in that line (129 and 250, the
	 * latter in another 64-byte line) and in the next line (256). */
	use_line_size(f, 128);
	cpu_write(f, 130, a, 10);
	cpu_write(f, 129, &c, 1);
	cpu_write(f, 250, &c, 1);
	cpu_write(f, 256, &c, 1);
	to_dev(f, AMP_DIR_TO_DEVICE, 130, 10);
	dev_expect(f, 130, a, 10, "misaligned TO_DEVICE range");
	/* Cleaning whole lines writes the neighbours too: harmless. */
	dev_expect(f, 129, &c, 1, "the range's first line is cleaned whole");
	dev_expect(f, 250, &c, 1, "lines are the port's 128 bytes, not 64");
	to_cpu(f, AMP_DIR_TO_DEVICE, 130, 10);
	/* Nothing the CPU wrote is lost. */
	cpu_expect(f, 130, a, 10, "the range after the take-back");
	cpu_expect(f, 129, &c, 1, "a dirty byte before the range");
	cpu_expect(f, 250, &c, 1, "a dirty byte after the range");
	cpu_expect(f, 256, &c, 1, "a dirty byte in the next line");
}

static void partial_take_backs(void **state)
{
	struct fix *f = *state;
	const uint64_t off = 8192, line = 64;
	const unsigned char *d = pattern(6, 4 * line);
	unsigned char c[2 * 64];

	/* Four lines to the device; stale lines are filled meanwhile. */
	cpu_memset(f, off, 0x05, 4 * line);
	to_dev(f, AMP_DIR_FROM_DEVICE, off, 4 * line);
	cm_prefetch(f->m, f->va + off, 4 * line);
	dev_write(f, off, d, 4 * line);
	/* Lines 0-1 come back first. */
	to_cpu(f, AMP_DIR_FROM_DEVICE, off, 2 * line);
	cpu_expect(f, off, d, 2 * line, "lines 0-1 after their take-back");
	/* The CPU writes lines 0-1 while the device still owns 2-3. */
	memset(c, 0x06, sizeof(c));
	cpu_write(f, off, c, sizeof(c));
	to_cpu(f, AMP_DIR_FROM_DEVICE, off + 2 * line, 2 * line);
	cpu_expect(f, off + 2 * line, d + 2 * line, 2 * line,
		   "lines 2-3 after their take-back");
	cpu_expect(f, off, c, sizeof(c),
		   "the take-back of lines 2-3 lost the CPU's write to "
		   "lines 0-1");
	/* And memory ends up with both once the lines are evicted. */
	cm_evict_all(f->m);
	dev_expect(f, off, c, sizeof(c), "lines 0-1 after eviction");
	dev_expect(f, off + 2 * line, d + 2 * line, 2 * line,
		   "lines 2-3 after eviction");
}

static void neighbours_of_device_range(void **state)
{
	struct fix *f = *state;
	const unsigned char *d = pattern(7, 4096);
	unsigned char c = 0x07;

	/* The CPU writes the lines right before and after an aligned
	 * device-owned range while the device owns it: the take-back must
	 * neither lose the CPU's bytes nor put them over the device's. */
	to_dev(f, AMP_DIR_FROM_DEVICE, 4096, 4096);
	cpu_write(f, 4095, &c, 1);
	cpu_write(f, 8192, &c, 1);
	dev_write(f, 4096, d, 4096);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 4096, 4096);
	cpu_expect(f, 4096, d, 4096, "the device's range");
	cpu_expect(f, 4095, &c, 1, "the CPU's byte before the range");
	cpu_expect(f, 8192, &c, 1, "the CPU's byte after the range");
	cm_evict_all(f->m);
	dev_expect(f, 4096, d, 4096, "the device's range after eviction");
}

static void bidir_round_trip(void **state)
{
	struct fix *f = *state;
	const unsigned char *a = pattern(8, 8192);
	const unsigned char *d = pattern(9, 4096);

	cpu_write(f, 0, a, 8192);
	to_dev(f, AMP_DIR_BIDIR, 0, 8192);
	dev_expect(f, 0, a, 8192, "BIDIR hand-over must clean the range");
	/* Stale lines enter the cache while the device owns the range. */
	cm_prefetch(f->m, f->va, SZ);
	dev_write(f, 0, d, 4096);
	to_cpu(f, AMP_DIR_BIDIR, 0, 8192);
	cpu_expect(f, 0, d, 4096, "the device's data after the take-back");
	cpu_expect(f, 4096, a + 4096, 4096,
		   "the CPU's data the device did not overwrite");
}

/* ---- Bounce mode: the device has its own copy; no model (the library's
 * own copies are CPU accesses the model cannot see, and the CPU's buffer is
 * never seen by the device). What test_bounce.c does not cover. ---- */

static void bounce_bidir_both_ways(void **state)
{
	struct fix *f = *state;
	const unsigned char *a = pattern(10, 8192);
	const unsigned char *d = pattern(11, 4096);

	cpu_write(f, 0, a, 8192);
	to_dev(f, AMP_DIR_BIDIR, 0, 8192);
	dev_expect(f, 0, a, 8192, "BIDIR hand-over copies to the device");
	dev_write(f, 0, d, 4096);
	cpu_expect(f, 0, a, 4096, "before the take-back: the CPU's copy");
	to_cpu(f, AMP_DIR_BIDIR, 0, 8192);
	cpu_expect(f, 0, d, 4096, "BIDIR take-back copies the device's data");
	cpu_expect(f, 4096, a + 4096, 4096, "bytes the device left alone");
}

static void bounce_partial_take_backs(void **state)
{
	struct fix *f = *state;
	const unsigned char *d = pattern(12, 8192);

	to_dev(f, AMP_DIR_FROM_DEVICE, 0, 8192);
	dev_write(f, 0, d, 8192);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 4096, 4096);
	cpu_expect(f, 4096, d + 4096, 4096, "the half taken back");
	cpu_expect_byte(f, 0, MEM_BG, 4096,
			"the half the device still owns is not copied yet");
	cpu_memset(f, 4096, 0x08, 64);
	to_cpu(f, AMP_DIR_FROM_DEVICE, 0, 4096);
	cpu_expect(f, 0, d, 4096, "the second half taken back");
	cpu_expect_byte(f, 4096, 0x08, 64,
			"the second take-back copied over the first half");
}

static void bounce_to_device_not_copied_back(void **state)
{
	struct fix *f = *state;
	const unsigned char *a = pattern(13, 4096);

	/* The device writes into a range it was given to read: the
	 * TO_DEVICE take-back copies nothing back. */
	cpu_write(f, 0, a, 4096);
	to_dev(f, AMP_DIR_TO_DEVICE, 0, 4096);
	dev_memset(f, 0, 0x09, 4096);
	to_cpu(f, AMP_DIR_TO_DEVICE, 0, 4096);
	cpu_expect(f, 0, a, 4096, "TO_DEVICE take-back must not copy back");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TB(fn) cmocka_unit_test_setup_teardown(fn, setup_bounce, teardown)

int main(void)
{
	const struct CMUnitTest model[] = {
		T(model_rules),
		T(model_installed),
		T(to_device_cleans),
		T(from_device_zeroed_buffer), /* defect 1 */
		T(from_device_speculative_fill),
		T(from_device_eviction),
		T(misaligned_from_device_refused), /* defect 2 */
		T(misaligned_take_back_refused), /* defect 2 */
		T(misaligned_to_device),
		T(partial_take_backs),
		T(neighbours_of_device_range),
		T(bidir_round_trip),
	};
	const struct CMUnitTest bounce[] = {
		TB(bounce_bidir_both_ways),
		TB(bounce_partial_take_backs),
		TB(bounce_to_device_not_copied_back),
	};
	int failed;

	/* The model's fills and evictions are hardware accesses to ranges
	 * the device owns: the ownership checker would trap them. */
	unsetenv("AMPSHM_CHECK");
	failed = cmocka_run_group_tests_name("cache model", model, NULL, NULL);
	failed += cmocka_run_group_tests_name("bounce", bounce, NULL, NULL);
	return failed;
}
