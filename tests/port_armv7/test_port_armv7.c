/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ARMv7-A cache port (firmware/boards/armv7/cache_armv7.c), on the
 * host: QEMU does not model caches, so the port is built with
 * AMP_ARMV7_RECORD and its instruction layer is this test's. Every
 * DCCMVAC / DCIMVAC / DCCIMVAC the port issues is recorded, checked
 * (line-aligned, inside the model's region) and applied to one line of
 * the write-back cache model (tests/common/cachemodel.h); every DSB is
 * recorded too. The library's hand-overs (amp_shm_sync_for_device /
 * amp_shm_sync_for_cpu) then run with the port installed through
 * amp_armv7_cache_init() -> amp_cache_set_ops(), and the test checks the
 * data each side reads through the model, and the exact sequence of
 * operations: each line of the range once, in order, then a DSB.
 * See docs/port-armv7.md.
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

#include <ampfw/armv7_cache.h>
#include <ampfw/armv7_insn.h>
#include <ampshm/ampshm.h>

#include "cachemodel.h"
#include "testutil.h"

#define SZ (16u * 1024)
#define MEM_BG 0xaa

/* ---- The recording instruction layer ---- */

enum ev_kind { EV_DCCMVAC, EV_DCIMVAC, EV_DCCIMVAC, EV_DSB, EV_DMB, EV_ISB };

struct ev {
	enum ev_kind kind;
	uintptr_t mva;
};

#define MAX_EV 4096
static struct ev evs[MAX_EV];
static size_t nev;
static struct cachemodel *model; /* the ops are applied to it */
static uint32_t fake_ctr;
static size_t model_line;

static void record(enum ev_kind k, uintptr_t mva)
{
	if (nev == MAX_EV)
		fail_msg("more than %d cache operations recorded", MAX_EV);
	evs[nev++] = (struct ev){ k, mva };
}

void amp_armv7_dc_op(enum amp_armv7_dc op, uintptr_t mva)
{
	if (mva & (model_line - 1))
		fail_msg("cache op %d at 0x%lx: not on a %zu-byte line", op,
			 (unsigned long)mva, model_line);
	switch (op) {
	case AMP_ARMV7_DCCMVAC:
		record(EV_DCCMVAC, mva);
		cm_clean(model, (void *)mva, 1);
		break;
	case AMP_ARMV7_DCIMVAC:
		record(EV_DCIMVAC, mva);
		cm_invalidate(model, (void *)mva, 1);
		break;
	case AMP_ARMV7_DCCIMVAC:
		record(EV_DCCIMVAC, mva);
		cm_flush(model, (void *)mva, 1);
		break;
	default:
		fail_msg("unknown cache op %d", op);
	}
}

void amp_armv7_dsb(void)
{
	record(EV_DSB, 0);
}

void amp_armv7_dmb(void)
{
	record(EV_DMB, 0);
}

void amp_armv7_isb(void)
{
	record(EV_ISB, 0);
}

uint32_t amp_armv7_read_ctr(void)
{
	return fake_ctr;
}

static const char *kind_name(enum ev_kind k)
{
	static const char *n[] = { "DCCMVAC", "DCIMVAC", "DCCIMVAC",
				   "DSB",     "DMB",	 "ISB" };

	return n[k];
}

/*
 * The recorded sequence must be: @kind on every line of [a, b) (both line
 * aligned) once, in ascending order, then one DSB, starting at event
 * *@pos; *@pos moves past it.
 */
static void expect_lines(size_t *pos, enum ev_kind kind, uintptr_t a,
			 uintptr_t b)
{
	for (uintptr_t l = a; l < b; l += model_line, (*pos)++) {
		if (*pos >= nev)
			fail_msg("%s of line 0x%lx missing (%zu ops recorded)",
				 kind_name(kind), (unsigned long)l, nev);
		if (evs[*pos].kind != kind || evs[*pos].mva != l)
			fail_msg("op %zu is %s 0x%lx, expected %s 0x%lx", *pos,
				 kind_name(evs[*pos].kind),
				 (unsigned long)evs[*pos].mva, kind_name(kind),
				 (unsigned long)l);
	}
}

static void expect_dsb(size_t *pos)
{
	if (*pos >= nev || evs[*pos].kind != EV_DSB)
		fail_msg("op %zu: a DSB must follow the maintenance", *pos);
	(*pos)++;
}

static void expect_end(size_t pos)
{
	if (pos != nev)
		fail_msg(
			"%zu unexpected ops after op %zu (the first: %s 0x%lx)",
			nev - pos, pos, kind_name(evs[pos].kind),
			(unsigned long)evs[pos].mva);
}

/* ---- Fixture: a buffer, a device, the model, the port ---- */

struct fix {
	struct amp_dev *dev;
	struct amp_shm *shm;
	char *va;
	size_t line;
};

static int setup_line(void **state, size_t line)
{
	static struct fix f;
	static unsigned seq;
	struct amp_dev_config cfg = { .iommu = true };
	char name[32], dname[16];

	/* Fresh names: a failed test may leak its device and buffer. */
	snprintf(dname, sizeof(dname), "a15_%u", seq);
	snprintf(name, sizeof(name), "sysmem/armv7_%u", seq++);
	cfg.name = dname;
	memset(&f, 0, sizeof(f));
	if (amp_dev_create(&cfg, &f.dev) || amp_shm_open(name, SZ, 0, &f.shm) ||
	    amp_shm_attach(f.shm, f.dev, AMP_DIR_BIDIR, NULL, NULL))
		return -1;
	f.va = amp_shm_va(f.shm);
	memset(f.va, MEM_BG, SZ);
	model = cm_create(line);
	if (!model || cm_add_region(model, f.va, SZ))
		return -1;
	model_line = line;
	f.line = line;
	if (amp_armv7_cache_init(line) != line || amp_cache_line_size() != line)
		return -1;
	nev = 0;
	*state = &f;
	return 0;
}

static int setup64(void **state)
{
	return setup_line(state, 64); /* Cortex-A15 */
}

static int setup32(void **state)
{
	return setup_line(state, 32); /* Cortex-A9, Cortex-A5 */
}

static int teardown(void **state)
{
	struct fix *f = *state;
	int ret;

	amp_cache_set_ops(NULL);
	cm_destroy(model);
	model = NULL;
	ret = amp_shm_detach(f->shm, f->dev);
	/* A failed test may leave a range with the device: leak that buffer
	 * (the test has already failed) rather than fail again here. */
	if (ret == -EBUSY)
		return 0;
	return ret || amp_shm_close(f->shm) || amp_dev_destroy(f->dev);
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

static void sync_dev(struct fix *f, enum amp_dir dir, uint64_t off,
		     uint64_t len)
{
	int ret = amp_shm_sync_for_device(f->shm, f->dev, dir, off, len);

	if (ret)
		fail_msg("sync_for_device = %d: %s", ret, amp_last_error());
}

static void sync_cpu(struct fix *f, enum amp_dir dir, uint64_t off,
		     uint64_t len)
{
	int ret = amp_shm_sync_for_cpu(f->shm, f->dev, dir, off, len);

	if (ret)
		fail_msg("sync_for_cpu = %d: %s", ret, amp_last_error());
}

static void expect_bytes(const char *who, const unsigned char *got,
			 const unsigned char *want, size_t len, const char *why)
{
	for (size_t i = 0; i < len; i++)
		if (got[i] != want[i])
			fail_msg("%s reads 0x%02x at +%zu, expected 0x%02x: %s",
				 who, got[i], i, want[i], why);
}

static uintptr_t line_down(struct fix *f, uint64_t off)
{
	return (uintptr_t)(f->va + off) & ~(uintptr_t)(f->line - 1);
}

static uintptr_t line_up(struct fix *f, uint64_t off)
{
	return ((uintptr_t)(f->va + off) + f->line - 1) &
	       ~(uintptr_t)(f->line - 1);
}

/* ---- The tests ---- */

static void ctr_line_size(void **state)
{
	(void)state;
	assert_int_equal(amp_armv7_ctr_dline(0x8444c004u), 64); /* A15 */
	assert_int_equal(amp_armv7_ctr_dline(0x83338003u), 32); /* A9 */
	fake_ctr = 0x8444c004u;
	assert_int_equal(amp_armv7_cache_init(0), 64);
	assert_int_equal(amp_cache_line_size(), 64);
	fake_ctr = 0x83338003u;
	assert_int_equal(amp_armv7_cache_init(0), 32);
	assert_int_equal(amp_armv7_cache_init(48), 32); /* not a power of 2 */
	assert_int_equal(amp_armv7_cache_init(128), 128);
	amp_cache_set_ops(NULL);
}

/* The port's operations, called directly: the lines, and the DSB. */
static void ops_cover_exact_lines(void **state)
{
	struct fix *f = *state;
	static const struct {
		uint64_t off, len;
	} r[] = { { 0, 1 },  { 0, 64 },	   { 5, 1 },	 { 31, 2 },
		  { 63, 2 }, { 100, 300 }, { 128, 256 }, { 4095, 4098 },
		  { 0, SZ }, { SZ - 1, 1 } };

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		uintptr_t s = (uintptr_t)(f->va + r[i].off);
		uintptr_t e = s + r[i].len;
		uintptr_t a = line_down(f, r[i].off);
		uintptr_t b = line_up(f, r[i].off + r[i].len);
		size_t pos = 0;

		nev = 0;
		amp_armv7_dcache_clean(f->va + r[i].off, r[i].len, NULL);
		expect_lines(&pos, EV_DCCMVAC, a, b);
		expect_dsb(&pos);
		amp_armv7_dcache_flush(f->va + r[i].off, r[i].len, NULL);
		expect_lines(&pos, EV_DCCIMVAC, a, b);
		expect_dsb(&pos);
		/* invalidate: whole lines inside, partial edges cleaned too */
		amp_armv7_dcache_invalidate(f->va + r[i].off, r[i].len, NULL);
		if ((s & (f->line - 1)) || (e & (f->line - 1))) {
			uintptr_t in_a = line_up(f, r[i].off);
			uintptr_t in_b = line_down(f, r[i].off + r[i].len);

			if (in_a >= in_b) {
				expect_lines(&pos, EV_DCCIMVAC, a, b);
			} else {
				if (a != in_a)
					expect_lines(&pos, EV_DCCIMVAC, a,
						     in_a);
				if (b != in_b) {
					expect_lines(&pos, EV_DCCIMVAC, in_b,
						     b);
				}
				expect_lines(&pos, EV_DCIMVAC, in_a, in_b);
			}
		} else {
			expect_lines(&pos, EV_DCIMVAC, a, b);
		}
		expect_dsb(&pos);
		expect_end(pos);
	}
	/* Nothing at all for an empty range (not even a barrier). */
	nev = 0;
	amp_armv7_dcache_clean(f->va, 0, NULL);
	amp_armv7_dcache_invalidate(f->va, 0, NULL);
	amp_armv7_dcache_flush(f->va, 0, NULL);
	expect_end(0);
}

/* A partial edge line of an invalidate keeps the neighbour's dirty data. */
static void invalidate_edges_keep_neighbours(void **state)
{
	struct fix *f = *state;
	unsigned char got[8];

	cm_memset(model, f->va, 0x11, 2 * f->line); /* CPU's, dirty */
	memset(f->va + 8, 0x22, f->line); /* device's, in memory */
	amp_armv7_dcache_invalidate(f->va + 8, f->line, NULL);
	cm_read(model, f->va, got, 8);
	expect_bytes("the CPU", got,
		     (const unsigned char *)"\x11\x11\x11\x11"
					    "\x11\x11\x11\x11",
		     8, "the neighbour's dirty bytes");
}

/* TO_DEVICE: the CPU's dirty lines reach memory through DCCMVAC + DSB. */
static void to_device(void **state)
{
	struct fix *f = *state;
	static unsigned char p[SZ], got[SZ];
	const uint64_t off = 3 * f->line + 7, len = 1000;
	size_t pos = 0;

	tu_fill(p, len, 1);
	cm_write(model, f->va + off, p, len);
	dev_read(f, off, got, len);
	assert_int_equal(got[0], MEM_BG); /* still in the cache only */
	nev = 0;
	sync_dev(f, AMP_DIR_TO_DEVICE, off, len);
	dev_read(f, off, got, len);
	expect_bytes("the device", got, p, len, "the CPU's data, cleaned");
	/* Taking a TO_DEVICE range back needs no maintenance at all. */
	sync_cpu(f, AMP_DIR_TO_DEVICE, off, len);
	assert_int_equal(cm_dirty_lines(model, f->va, SZ), 0);
	expect_lines(&pos, EV_DCCMVAC, line_down(f, off),
		     line_up(f, off + len));
	expect_dsb(&pos);
	expect_end(pos);
}

/*
 * FROM_DEVICE on a buffer the CPU zeroed: the hand-over cleans (so the
 * zeros are in memory and no dirty line is evicted later over the
 * device's data), the take-back invalidates (so the CPU sees the device's
 * bytes, not its stale lines); the half the device did not write reads as
 * zeros.
 */
static void from_device_zeroed(void **state)
{
	struct fix *f = *state;
	static unsigned char p[SZ], got[SZ], zero[SZ];
	const uint64_t half = SZ / 2;
	uintptr_t a = (uintptr_t)f->va, b = a + SZ;
	size_t pos = 0;

	cm_memset(model, f->va, 0, SZ);
	nev = 0;
	sync_dev(f, AMP_DIR_FROM_DEVICE, 0, SZ);
	/* The device writes half; the CPU's lines go stale, the hardware
	 * fetches and evicts lines meanwhile. */
	tu_fill(p, half, 2);
	cm_prefetch(model, f->va, SZ);
	dev_write(f, 0, p, half);
	cm_evict_all(model);
	cm_prefetch(model, f->va, SZ);
	dev_write(f, 0, p, half);
	sync_cpu(f, AMP_DIR_FROM_DEVICE, 0, SZ);
	cm_read(model, f->va, got, SZ);
	expect_bytes("the CPU", got, p, half, "the device's data");
	expect_bytes("the CPU", got + half, zero, half,
		     "the zeros the CPU wrote before the hand-over");
	/* Hand-over: clean every line, DSB; take-back: invalidate, DSB. */
	expect_lines(&pos, EV_DCCMVAC, a, b);
	expect_dsb(&pos);
	expect_lines(&pos, EV_DCIMVAC, a, b);
	expect_dsb(&pos);
	expect_end(pos);
}

/* Stale lines the CPU fetched while the device owned the range are
 * dropped at take-back, for a piece of the buffer, and BIDIR. */
static void bidir_round_trip(void **state)
{
	struct fix *f = *state;
	static unsigned char p[SZ], q[SZ], got[SZ];
	const uint64_t off = 4 * f->line, len = 16 * f->line;
	uintptr_t a = line_down(f, off), b = line_up(f, off + len);
	size_t pos = 0;

	tu_fill(p, len, 3);
	tu_fill(q, len, 4);
	cm_write(model, f->va + off, p, len);
	nev = 0;
	sync_dev(f, AMP_DIR_BIDIR, off, len);
	dev_read(f, off, got, len);
	expect_bytes("the device", got, p, len, "the CPU's data");
	cm_prefetch(model, f->va, SZ); /* valid, soon stale */
	dev_write(f, off, q, len);
	/* The neighbours stay the CPU's: it writes next to the range. */
	cm_memset(model, f->va + off - 1, 0x5a, 1);
	cm_memset(model, f->va + off + len, 0x5b, 1);
	sync_cpu(f, AMP_DIR_BIDIR, off, len);
	cm_read(model, f->va + off, got, len);
	expect_bytes("the CPU", got, q, len, "the device's data");
	cm_read(model, f->va + off - 1, got, 1);
	assert_int_equal(got[0], 0x5a);
	cm_read(model, f->va + off + len, got, 1);
	assert_int_equal(got[0], 0x5b);
	expect_lines(&pos, EV_DCCMVAC, a, b);
	expect_dsb(&pos);
	expect_lines(&pos, EV_DCIMVAC, a, b);
	expect_dsb(&pos);
	expect_end(pos);
}

#define T(fn)                                                   \
	cmocka_unit_test_setup_teardown(fn, setup64, teardown), \
		cmocka_unit_test_setup_teardown(fn, setup32, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctr_line_size),
		T(ops_cover_exact_lines),
		T(invalidate_edges_keep_neighbours),
		T(to_device),
		T(from_device_zeroed),
		T(bidir_round_trip),
	};

	unsetenv("AMPSHM_CHECK");
	return cmocka_run_group_tests_name("armv7 cache port", tests, NULL,
					   NULL);
}
