// SPDX-License-Identifier: BSD-3-Clause
/* Tests of the range allocator (src/mm/ralloc.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mm/ralloc.h"

#define PG 0x1000ull

static struct amp_ralloc *mk(uint64_t base, uint64_t size, uint64_t granule)
{
	struct amp_ralloc *r = NULL;

	assert_int_equal(amp_ralloc_create(base, size, granule, &r), 0);
	assert_non_null(r);
	return r;
}

static void test_create_args(void **state)
{
	struct amp_ralloc *r = NULL;

	assert_int_equal(amp_ralloc_create(0, 0, PG, &r), -EINVAL);
	assert_int_equal(amp_ralloc_create(0, PG, 3, &r), -EINVAL);
	assert_int_equal(amp_ralloc_create(0, PG, 0, &r), -EINVAL);
	assert_int_equal(amp_ralloc_create(0x800, PG, PG, &r), -EINVAL);
	assert_int_equal(amp_ralloc_create(0, PG + 1, PG, &r), -EINVAL);
	/* Beyond 2^64. */
	assert_int_equal(amp_ralloc_create(UINT64_MAX - PG + 1, 2 * PG, PG, &r),
			 -EINVAL);
	assert_null(r);
}

static void test_first_fit(void **state)
{
	struct amp_ralloc *r = mk(0x10000, 16 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_free_bytes(r), 16 * PG);
	assert_int_equal(amp_ralloc_largest(r), 16 * PG);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x10000);
	assert_int_equal(amp_ralloc_alloc(r, 2 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x11000);
	/* Sizes are rounded up to the granule. */
	assert_int_equal(amp_ralloc_alloc(r, 1, 0, 0, &a), 0);
	assert_int_equal(a, 0x13000);
	assert_int_equal(amp_ralloc_free_bytes(r), 12 * PG);
	/* A hole at the bottom is reused first. */
	assert_int_equal(amp_ralloc_free(r, 0x10000, PG), 0);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x10000);
	/* ... but not when too small. */
	assert_int_equal(amp_ralloc_free(r, 0x10000, PG), 0);
	assert_int_equal(amp_ralloc_alloc(r, 2 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x14000);
	assert_int_equal(amp_ralloc_alloc(r, 0, 0, 0, &a), -EINVAL);
	amp_ralloc_destroy(r);
}

static void test_topdown(void **state)
{
	struct amp_ralloc *r = mk(0x10000, 16 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_alloc(r, PG, 0, AMP_RALLOC_TOPDOWN, &a), 0);
	assert_int_equal(a, 0x1f000);
	assert_int_equal(amp_ralloc_alloc(r, 3 * PG, 0, AMP_RALLOC_TOPDOWN, &a),
			 0);
	assert_int_equal(a, 0x1c000);
	/* Bottom-up still starts at the bottom. */
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x10000);
	/* Top-down aligned: highest aligned address that fits. */
	assert_int_equal(
		amp_ralloc_alloc(r, PG, 0x8000, AMP_RALLOC_TOPDOWN, &a), 0);
	assert_int_equal(a, 0x18000);
	amp_ralloc_destroy(r);
}

static void test_alignment(void **state)
{
	struct amp_ralloc *r = mk(0x11000, 64 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_alloc(r, PG, 0x4000, 0, &a), 0);
	assert_int_equal(a, 0x14000);
	/* Alignment is absolute, not relative to base. */
	assert_int_equal(amp_ralloc_alloc(r, 5 * PG, 0x10000, 0, &a), 0);
	assert_int_equal(a, 0x20000);
	/* The gap below the aligned piece is still free. */
	assert_int_equal(amp_ralloc_alloc(r, 3 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x11000);
	assert_int_equal(amp_ralloc_alloc(r, 11 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x15000);
	/* Smaller than the granule: the granule. */
	assert_int_equal(amp_ralloc_alloc(r, PG, 16, 0, &a), 0);
	assert_int_equal(a, 0x25000);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0x3000, 0, &a), -EINVAL);
	/* No 0x40000-aligned address with 0x40000 bytes in the space. */
	assert_int_equal(amp_ralloc_alloc(r, 0x40000, 0x40000, 0, &a), -ENOSPC);
	amp_ralloc_destroy(r);
}

static void test_upto(void **state)
{
	struct amp_ralloc *r = mk(0, 32 * PG, PG);
	uint64_t a, got;

	/* Free pieces: [0,1) [2,5) [6,32) in pages. */
	assert_int_equal(amp_ralloc_reserve(r, 1 * PG, PG), 0);
	assert_int_equal(amp_ralloc_reserve(r, 5 * PG, PG), 0);

	/* First piece of at least 2 pages, up to 8: pages 2..4. */
	assert_int_equal(
		amp_ralloc_alloc_upto(r, 8 * PG, 2 * PG, 0, 0, &a, &got), 0);
	assert_int_equal(a, 2 * PG);
	assert_int_equal(got, 3 * PG);
	/* min of one page takes page 0. */
	assert_int_equal(amp_ralloc_alloc_upto(r, 8 * PG, PG, 0, 0, &a, &got),
			 0);
	assert_int_equal(a, 0);
	assert_int_equal(got, PG);
	/* Capped at max. */
	assert_int_equal(amp_ralloc_alloc_upto(r, 8 * PG, PG, 0, 0, &a, &got),
			 0);
	assert_int_equal(a, 6 * PG);
	assert_int_equal(got, 8 * PG);
	/* Top-down: max from the top. */
	assert_int_equal(amp_ralloc_alloc_upto(r, 4 * PG, PG, 0,
					       AMP_RALLOC_TOPDOWN, &a, &got),
			 0);
	assert_int_equal(a, 28 * PG);
	assert_int_equal(got, 4 * PG);
	/* Now [14,28) free: top-down with max 20 takes all 14. */
	assert_int_equal(amp_ralloc_alloc_upto(r, 20 * PG, 2 * PG, 0,
					       AMP_RALLOC_TOPDOWN, &a, &got),
			 0);
	assert_int_equal(a, 14 * PG);
	assert_int_equal(got, 14 * PG);
	assert_int_equal(amp_ralloc_free_bytes(r), 0);
	assert_int_equal(amp_ralloc_alloc_upto(r, 2 * PG, PG, 0, 0, &a, &got),
			 -ENOSPC);
	/* got is a multiple of the granule; max < min is invalid. */
	assert_int_equal(amp_ralloc_free(r, 6 * PG, 8 * PG), 0);
	assert_int_equal(
		amp_ralloc_alloc_upto(r, 3 * PG + 5, PG, 0, 0, &a, &got), 0);
	assert_int_equal(got, 3 * PG);
	assert_int_equal(amp_ralloc_alloc_upto(r, PG, 2 * PG, 0, 0, &a, &got),
			 -EINVAL);
	/* Aligned: [9,14) free, 4-page alignment gives 12..13. */
	assert_int_equal(
		amp_ralloc_alloc_upto(r, 8 * PG, PG, 4 * PG, 0, &a, &got), 0);
	assert_int_equal(a, 12 * PG);
	assert_int_equal(got, 2 * PG);
	amp_ralloc_destroy(r);
}

static void test_reserve(void **state)
{
	struct amp_ralloc *r = mk(0x100000, 16 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_reserve(r, 0x100000 + 4 * PG, 2 * PG), 0);
	assert_int_equal(amp_ralloc_reserve(r, 0x100000 + 5 * PG, 2 * PG),
			 -EBUSY);
	assert_int_equal(amp_ralloc_reserve(r, 0x100000 + 3 * PG, 2 * PG),
			 -EBUSY);
	/* Outside the space. */
	assert_int_equal(amp_ralloc_reserve(r, 0x100000 - PG, 2 * PG), -EINVAL);
	assert_int_equal(amp_ralloc_reserve(r, 0x100000 + 15 * PG, 2 * PG),
			 -EINVAL);
	/* Unaligned reservations round outward. */
	assert_int_equal(amp_ralloc_reserve(r, 0x100000 + 8 * PG + 10, 10), 0);
	assert_int_equal(amp_ralloc_free_bytes(r), 13 * PG);
	assert_int_equal(amp_ralloc_largest(r), 7 * PG);
	assert_int_equal(amp_ralloc_alloc(r, 5 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x100000 + 9 * PG);
	assert_int_equal(amp_ralloc_alloc(r, 4 * PG, 0, 0, &a), 0);
	assert_int_equal(a, 0x100000);
	amp_ralloc_destroy(r);
}

static void test_free_coalesce(void **state)
{
	struct amp_ralloc *r = mk(0, 8 * PG, PG);
	uint64_t a[4], x;

	for (int i = 0; i < 4; i++) {
		assert_int_equal(amp_ralloc_alloc(r, 2 * PG, 0, 0, &a[i]), 0);
		assert_int_equal(a[i], (uint64_t)i * 2 * PG);
	}
	assert_int_equal(amp_ralloc_free(r, a[1], 2 * PG), 0);
	assert_int_equal(amp_ralloc_free(r, a[3], 2 * PG), 0);
	assert_int_equal(amp_ralloc_largest(r), 2 * PG);
	/* Joins both neighbours. */
	assert_int_equal(amp_ralloc_free(r, a[2], 2 * PG), 0);
	assert_int_equal(amp_ralloc_largest(r), 6 * PG);
	/* Joins the next one. */
	assert_int_equal(amp_ralloc_free(r, a[0], 2 * PG), 0);
	assert_int_equal(amp_ralloc_largest(r), 8 * PG);
	assert_int_equal(amp_ralloc_free_bytes(r), 8 * PG);
	assert_int_equal(amp_ralloc_alloc(r, 8 * PG, 0, 0, &x), 0);
	assert_int_equal(x, 0);

	/* Freeing part of an allocation, then the rest. */
	assert_int_equal(amp_ralloc_free(r, 3 * PG, 2 * PG), 0);
	assert_int_equal(amp_ralloc_largest(r), 2 * PG);
	assert_int_equal(amp_ralloc_free(r, 0, 3 * PG), 0);
	assert_int_equal(amp_ralloc_free(r, 5 * PG, 3 * PG), 0);
	assert_int_equal(amp_ralloc_largest(r), 8 * PG);
	amp_ralloc_destroy(r);
}

static void test_bad_free(void **state)
{
	struct amp_ralloc *r = mk(0x10000, 8 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_alloc(r, 4 * PG, 0, 0, &a), 0);
	assert_int_equal(amp_ralloc_free(r, a, 2 * PG), 0);
	/* Double free, whole or in part. */
	assert_int_equal(amp_ralloc_free(r, a, 2 * PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, a + PG, 2 * PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, a + 2 * PG, 3 * PG), -EINVAL);
	/* Out of range. */
	assert_int_equal(amp_ralloc_free(r, 0x10000 - PG, PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, 0x18000, PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, 0x10000 + 3 * PG, UINT64_MAX),
			 -EINVAL);
	/* Unaligned address, empty range. */
	assert_int_equal(amp_ralloc_free(r, a + 2 * PG + 1, PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, a + 2 * PG, 0), -EINVAL);
	/* Nothing changed by the failures. */
	assert_int_equal(amp_ralloc_free_bytes(r), 6 * PG);
	assert_int_equal(amp_ralloc_free(r, a + 2 * PG, 2 * PG), 0);
	assert_int_equal(amp_ralloc_free_bytes(r), 8 * PG);
	amp_ralloc_destroy(r);
}

static void test_enospc(void **state)
{
	struct amp_ralloc *r = mk(0, 4 * PG, PG);
	uint64_t a;

	assert_int_equal(amp_ralloc_alloc(r, 5 * PG, 0, 0, &a), -ENOSPC);
	assert_int_equal(amp_ralloc_alloc(r, UINT64_MAX, 0, 0, &a), -ENOSPC);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), 0);
	assert_int_equal(amp_ralloc_alloc(r, 3 * PG, 0, 0, &a), 0);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), -ENOSPC);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, AMP_RALLOC_TOPDOWN, &a),
			 -ENOSPC);
	assert_int_equal(amp_ralloc_free_bytes(r), 0);
	assert_int_equal(amp_ralloc_largest(r), 0);
	amp_ralloc_destroy(r);
}

static void test_top_of_space(void **state)
{
	const uint64_t tb = 1ull << 40;
	struct amp_ralloc *r = mk(0 - tb, tb, PG); /* ends at 2^64 */
	uint64_t a, got;

	assert_int_equal(amp_ralloc_alloc(r, PG, 0, AMP_RALLOC_TOPDOWN, &a), 0);
	assert_int_equal(a, UINT64_MAX - PG + 1);
	assert_int_equal(amp_ralloc_alloc(r, 1ull << 30, 1ull << 30,
					  AMP_RALLOC_TOPDOWN, &a),
			 0);
	assert_int_equal(a, 0 - (1ull << 30) * 2);
	assert_int_equal(amp_ralloc_free(r, UINT64_MAX - PG + 1, PG), 0);
	/* A free reaching 2^64 and beyond it. */
	assert_int_equal(amp_ralloc_free(r, UINT64_MAX - PG + 1, PG), -EINVAL);
	assert_int_equal(amp_ralloc_free(r, UINT64_MAX - PG + 1, 2 * PG),
			 -EINVAL);
	assert_int_equal(amp_ralloc_reserve(r, UINT64_MAX - PG + 1, 2 * PG),
			 -EINVAL);
	assert_int_equal(amp_ralloc_free(r, a, 1ull << 30), 0);
	assert_int_equal(amp_ralloc_largest(r), tb);
	/* The whole space, then nothing. */
	assert_int_equal(amp_ralloc_alloc(r, tb, 0, 0, &a), 0);
	assert_int_equal(a, 0 - tb);
	assert_int_equal(amp_ralloc_free_bytes(r), 0);
	assert_int_equal(amp_ralloc_free(r, a, tb), 0);
	/* alloc_upto reaching the top. */
	assert_int_equal(amp_ralloc_reserve(r, 0 - tb, tb - 3 * PG), 0);
	assert_int_equal(amp_ralloc_alloc_upto(r, 8 * PG, PG, 0, 0, &a, &got),
			 0);
	assert_int_equal(a, 0 - 3 * PG);
	assert_int_equal(got, 3 * PG);
	amp_ralloc_destroy(r);

	/* Largest possible spaces: 2^63 at the top, 2^64 - granule. */
	r = mk(1ull << 63, 1ull << 63, PG);
	assert_int_equal(amp_ralloc_free_bytes(r), 1ull << 63);
	assert_int_equal(amp_ralloc_alloc(r, 1ull << 62, 1ull << 62,
					  AMP_RALLOC_TOPDOWN, &a),
			 0);
	assert_int_equal(a, 3ull << 62);
	assert_int_equal(amp_ralloc_alloc(r, 1ull << 62, 0, 0, &a), 0);
	assert_int_equal(a, 1ull << 63);
	assert_int_equal(amp_ralloc_alloc(r, PG, 0, 0, &a), -ENOSPC);
	amp_ralloc_destroy(r);

	r = mk(0, 0 - PG, PG);
	assert_int_equal(amp_ralloc_largest(r), 0 - PG);
	assert_int_equal(
		amp_ralloc_alloc(r, PG, 1ull << 63, AMP_RALLOC_TOPDOWN, &a), 0);
	assert_int_equal(a, 1ull << 63);
	assert_int_equal(amp_ralloc_alloc(r, (1ull << 63) + PG, 0, 0, &a),
			 -ENOSPC);
	assert_int_equal(amp_ralloc_alloc(r, 1ull << 63, 0, 0, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(amp_ralloc_alloc(r, (1ull << 63) - 2 * PG, 0,
					  AMP_RALLOC_TOPDOWN, &a),
			 0);
	assert_int_equal(a, (1ull << 63) + PG);
	assert_int_equal(amp_ralloc_free_bytes(r), 0);
	amp_ralloc_destroy(r);
}

static void test_large_space_many_pieces(void **state)
{
	/* A 48-bit space; cost must not depend on its size. */
	struct amp_ralloc *r = mk(1ull << 32, (1ull << 48) - (1ull << 32), PG);
	uint64_t a[2048];

	for (int i = 0; i < 2048; i++)
		assert_int_equal(amp_ralloc_alloc(r, (uint64_t)(i % 7 + 1) * PG,
						  0, AMP_RALLOC_TOPDOWN, &a[i]),
				 0);
	for (int i = 0; i < 2048; i += 2)
		assert_int_equal(amp_ralloc_free(r, a[i],
						 (uint64_t)(i % 7 + 1) * PG),
				 0);
	for (int i = 1; i < 2048; i += 2)
		assert_int_equal(amp_ralloc_free(r, a[i],
						 (uint64_t)(i % 7 + 1) * PG),
				 0);
	assert_int_equal(amp_ralloc_largest(r), (1ull << 48) - (1ull << 32));
	amp_ralloc_destroy(r);
}

/* ---- randomized test against a byte-map model ---- */

#define M_BASE 0x4000u
#define M_SIZE 1024u
#define M_GRAN 4u

static uint8_t used[M_SIZE]; /* one per byte of the space */
static uint64_t rng = 88172645463325252ull;
/* How often each outcome happened, to show the test covers them. */
static unsigned n_alloc_ok, n_alloc_fail, n_upto_ok, n_upto_fail, n_free_ok,
	n_range_ok, n_range_fail;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static uint64_t m_round(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

static bool m_free_run(uint64_t a, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (used[a - M_BASE + i])
			return false;
	return true;
}

static void m_set(uint64_t a, uint64_t n, uint8_t v)
{
	memset(&used[a - M_BASE], v, n);
}

/* Maximal free runs, as [start, end) in absolute addresses. */
static int m_runs(uint64_t *s, uint64_t *e)
{
	int n = 0;

	for (uint64_t i = 0; i < M_SIZE;) {
		if (used[i]) {
			i++;
			continue;
		}
		s[n] = M_BASE + i;
		while (i < M_SIZE && !used[i])
			i++;
		e[n++] = M_BASE + i;
	}
	return n;
}

static void m_check(struct amp_ralloc *r)
{
	uint64_t s[M_SIZE], e[M_SIZE], fb = 0, big = 0;
	int n = m_runs(s, e);

	for (int i = 0; i < n; i++) {
		fb += e[i] - s[i];
		if (e[i] - s[i] > big)
			big = e[i] - s[i];
	}
	assert_int_equal(amp_ralloc_free_bytes(r), fb);
	assert_int_equal(amp_ralloc_largest(r), big);
}

static void m_alloc(struct amp_ralloc *r)
{
	uint64_t size = rnd(64) + 1, align = rnd(8) ? 0 : 1ull << rnd(8);
	unsigned flags = rnd(2) ? AMP_RALLOC_TOPDOWN : 0;
	uint64_t al = align < M_GRAN ? M_GRAN : align,
		 sz = m_round(size, M_GRAN);
	uint64_t a, want = 0;
	bool found = false;

	if (flags) {
		for (uint64_t x = (M_BASE + M_SIZE - sz) / al * al;
		     x >= M_BASE && !found; x -= al)
			if (m_free_run(x, sz)) {
				want = x;
				found = true;
			}
	} else {
		for (uint64_t x = m_round(M_BASE, al);
		     x + sz <= M_BASE + M_SIZE && !found; x += al)
			if (m_free_run(x, sz)) {
				want = x;
				found = true;
			}
	}
	if (!found) {
		assert_int_equal(amp_ralloc_alloc(r, size, align, flags, &a),
				 -ENOSPC);
		n_alloc_fail++;
		return;
	}
	assert_int_equal(amp_ralloc_alloc(r, size, align, flags, &a), 0);
	assert_int_equal(a, want);
	m_set(a, sz, 1);
	n_alloc_ok++;
}

static void m_alloc_upto(struct amp_ralloc *r)
{
	uint64_t s[M_SIZE], e[M_SIZE];
	int n = m_runs(s, e);
	uint64_t min = m_round(rnd(32) + 1, M_GRAN);
	uint64_t max = min + M_GRAN * rnd(16);
	uint64_t align = rnd(4) ? 0 : 1ull << rnd(7);
	uint64_t al = align < M_GRAN ? M_GRAN : align;
	unsigned flags = rnd(2) ? AMP_RALLOC_TOPDOWN : 0;
	uint64_t a, got, wa = 0, wgot = 0;
	int i;

	if (flags) {
		for (i = n - 1; i >= 0; i--) {
			uint64_t x = e[i] >= max ? (e[i] - max) / al * al : 0;

			if (e[i] >= max && x >= s[i]) {
				wa = x;
				wgot = max;
				break;
			}
			x = m_round(s[i], al);
			if (x < e[i] && e[i] - x >= min) {
				wa = x;
				wgot = e[i] - x;
				break;
			}
		}
	} else {
		for (i = 0; i < n; i++) {
			uint64_t x = m_round(s[i], al);

			if (x < e[i] && e[i] - x >= min) {
				wa = x;
				wgot = e[i] - x < max ? e[i] - x : max;
				break;
			}
		}
	}
	if (!wgot) {
		assert_int_equal(amp_ralloc_alloc_upto(r, max, min, align,
						       flags, &a, &got),
				 -ENOSPC);
		n_upto_fail++;
		return;
	}
	assert_int_equal(
		amp_ralloc_alloc_upto(r, max, min, align, flags, &a, &got), 0);
	assert_int_equal(a, wa);
	assert_int_equal(got, wgot);
	m_set(a, got, 1);
	n_upto_ok++;
}

/* Free part of a used run, starting at a random used granule. */
static void m_free_used(struct amp_ralloc *r)
{
	uint64_t start = rnd(M_SIZE / M_GRAN) * M_GRAN, n;

	for (n = 0; n < M_SIZE / M_GRAN && !used[start]; n++)
		start = (start + M_GRAN) % M_SIZE;
	if (!used[start])
		return;
	for (n = 0; start + n < M_SIZE && used[start + n] && n < 96;)
		n += M_GRAN;
	n = m_round(rnd(n) + 1, M_GRAN);
	assert_int_equal(amp_ralloc_free(r, M_BASE + start, n), 0);
	m_set(M_BASE + start, n, 0);
	n_free_ok++;
}

/* A random range: free or reserve, which may fail. */
static void m_random_range(struct amp_ralloc *r, bool reserve)
{
	uint64_t a = M_BASE - 64 + rnd(M_SIZE + 128) / M_GRAN * M_GRAN;
	uint64_t n = rnd(48) + 1, sz = m_round(n, M_GRAN);
	bool inside = a >= M_BASE && a + sz <= M_BASE + M_SIZE;
	uint64_t cnt = 0;
	int expect;

	if (inside)
		for (uint64_t i = 0; i < sz; i++)
			cnt += used[a - M_BASE + i];
	if (reserve) {
		expect = !inside ? -EINVAL : cnt ? -EBUSY : 0;
		assert_int_equal(amp_ralloc_reserve(r, a, n), expect);
		if (!expect)
			m_set(a, sz, 1);
		else
			n_range_fail++;
	} else {
		expect = inside && cnt == sz ? 0 : -EINVAL;
		assert_int_equal(amp_ralloc_free(r, a, n), expect);
		if (!expect)
			m_set(a, sz, 0);
		else
			n_range_fail++;
	}
	n_range_ok += !expect;
}

static void test_random_vs_model(void **state)
{
	struct amp_ralloc *r = mk(M_BASE, M_SIZE, M_GRAN);

	memset(used, 0, sizeof(used));
	for (int op = 0; op < 20000; op++) {
		switch (rnd(10)) {
		case 0:
		case 1:
		case 2:
			m_alloc(r);
			break;
		case 3:
		case 4:
			m_alloc_upto(r);
			break;
		case 5:
		case 6:
		case 7:
			m_free_used(r);
			break;
		case 8:
			m_random_range(r, true);
			break;
		default:
			m_random_range(r, false);
			break;
		}
		m_check(r);
	}
	print_message("alloc %u/%u upto %u/%u free %u range %u/%u (ok/fail)\n",
		      n_alloc_ok, n_alloc_fail, n_upto_ok, n_upto_fail,
		      n_free_ok, n_range_ok, n_range_fail);
	assert_true(n_alloc_ok > 1000 && n_alloc_fail > 100);
	assert_true(n_upto_ok > 1000 && n_upto_fail > 100);
	assert_true(n_free_ok > 2000 && n_range_ok > 50 && n_range_fail > 500);
	amp_ralloc_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_first_fit),
		cmocka_unit_test(test_topdown),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_upto),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_free_coalesce),
		cmocka_unit_test(test_bad_free),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_top_of_space),
		cmocka_unit_test(test_large_space_many_pieces),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
