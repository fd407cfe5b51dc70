// SPDX-License-Identifier: BSD-3-Clause
/*
 * Range allocator over a 64-bit space.
 *
 * The free space is a sorted array of disjoint, non-adjacent extents. An
 * extent is stored as its first and its LAST byte (inclusive), so that a
 * space ending at 2^64 needs no 65-bit arithmetic. Lookups by address are
 * binary searches; allocations scan the extents (first fit) and never look
 * at individual bytes, so every operation is O(log n) or O(n) in the number
 * of free extents, whatever the size of the space.
 */
#include "mm/ralloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct ext {
	uint64_t start;
	uint64_t last; /* inclusive */
};

struct amp_ralloc {
	uint64_t base;
	uint64_t last; /* last byte of the space (inclusive) */
	uint64_t granule;
	uint64_t free_bytes;
	struct ext *ext; /* sorted by start, disjoint, never adjacent */
	size_t n;
	size_t cap;
};

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Round @x up to a multiple of @a (a power of two); false on overflow. */
static bool round_up(uint64_t x, uint64_t a, uint64_t *out)
{
	uint64_t r = (x + (a - 1)) & ~(a - 1);

	if (r < x)
		return false;
	*out = r;
	return true;
}

static uint64_t ext_len(const struct ext *e)
{
	/* Cannot overflow: a whole 2^64 space is rejected at creation. */
	return e->last - e->start + 1;
}

/* Index of the first extent whose start is > @addr. */
static size_t upper_bound(const struct amp_ralloc *r, uint64_t addr)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->ext[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int reserve_slot(struct amp_ralloc *r)
{
	struct ext *e;
	size_t cap;

	if (r->n < r->cap)
		return 0;
	cap = r->cap ? r->cap * 2 : 16;
	e = realloc(r->ext, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	r->ext = e;
	r->cap = cap;
	return 0;
}

static int insert_at(struct amp_ralloc *r, size_t i, uint64_t start,
		     uint64_t last)
{
	int ret = reserve_slot(r);

	if (ret)
		return ret;
	memmove(&r->ext[i + 1], &r->ext[i], (r->n - i) * sizeof(r->ext[0]));
	r->ext[i].start = start;
	r->ext[i].last = last;
	r->n++;
	return 0;
}

static void remove_at(struct amp_ralloc *r, size_t i)
{
	memmove(&r->ext[i], &r->ext[i + 1], (r->n - i - 1) * sizeof(r->ext[0]));
	r->n--;
}

/*
 * Take [a, e] (inclusive) out of free extent @i, which contains it.
 * Only the middle case needs a new slot and can fail with -ENOMEM.
 */
static int carve(struct amp_ralloc *r, size_t i, uint64_t a, uint64_t e)
{
	struct ext *x = &r->ext[i];

	if (a == x->start && e == x->last) {
		remove_at(r, i);
	} else if (a == x->start) {
		x->start = e + 1;
	} else if (e == x->last) {
		x->last = a - 1;
	} else {
		uint64_t old_last = x->last;
		int ret = insert_at(r, i + 1, e + 1, old_last);

		if (ret)
			return ret;
		r->ext[i].last = a - 1;
	}
	r->free_bytes -= e - a + 1;
	return 0;
}

int amp_ralloc_create(uint64_t base, uint64_t size, uint64_t granule,
		      struct amp_ralloc **out)
{
	struct amp_ralloc *r;

	if (!out || !is_pow2(granule) || !size)
		return amp_err(-EINVAL, "ralloc: bad size or granule");
	if ((base & (granule - 1)) || (size & (granule - 1)))
		return amp_err(-EINVAL,
			       "ralloc: base/size not multiples of granule");
	if (size - 1 > UINT64_MAX - base)
		return amp_err(-EINVAL, "ralloc: space beyond 2^64");

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->base = base;
	r->last = base + (size - 1);
	r->granule = granule;
	if (insert_at(r, 0, r->base, r->last)) {
		free(r);
		return -ENOMEM;
	}
	r->free_bytes = size;
	*out = r;
	return 0;
}

void amp_ralloc_destroy(struct amp_ralloc *r)
{
	if (!r)
		return;
	free(r->ext);
	free(r);
}

/* Normalise @align (0 = granule, rounded up to the granule). */
static int fix_align(const struct amp_ralloc *r, uint64_t *align)
{
	if (!*align)
		*align = r->granule;
	if (!is_pow2(*align))
		return amp_err(-EINVAL, "ralloc: alignment not a power of two");
	if (*align < r->granule)
		*align = r->granule;
	return 0;
}

/*
 * Lowest address of extent @x where @size bytes aligned to @align fit;
 * false if they do not.
 */
static bool fit_low(const struct ext *x, uint64_t size, uint64_t align,
		    uint64_t *addr)
{
	uint64_t a;

	if (!round_up(x->start, align, &a) || a > x->last)
		return false;
	if (x->last - a < size - 1)
		return false;
	*addr = a;
	return true;
}

/* Highest such address. */
static bool fit_high(const struct ext *x, uint64_t size, uint64_t align,
		     uint64_t *addr)
{
	uint64_t a;

	if (x->last - x->start < size - 1)
		return false;
	a = (x->last - (size - 1)) & ~(align - 1);
	if (a < x->start)
		return false;
	*addr = a;
	return true;
}

int amp_ralloc_alloc(struct amp_ralloc *r, uint64_t size, uint64_t align,
		     unsigned flags, uint64_t *addr)
{
	uint64_t a = 0;
	size_t i;
	int ret;

	if (!size || !addr)
		return amp_err(-EINVAL, "ralloc: zero-sized allocation");
	ret = fix_align(r, &align);
	if (ret)
		return ret;
	if (!round_up(size, r->granule, &size))
		return -ENOSPC;

	if (flags & AMP_RALLOC_TOPDOWN) {
		for (i = r->n; i-- > 0;)
			if (fit_high(&r->ext[i], size, align, &a))
				break;
		if (i == (size_t)-1)
			return -ENOSPC;
	} else {
		for (i = 0; i < r->n; i++)
			if (fit_low(&r->ext[i], size, align, &a))
				break;
		if (i == r->n)
			return -ENOSPC;
	}
	ret = carve(r, i, a, a + (size - 1));
	if (ret)
		return ret;
	*addr = a;
	return 0;
}

int amp_ralloc_alloc_upto(struct amp_ralloc *r, uint64_t max, uint64_t min,
			  uint64_t align, unsigned flags, uint64_t *addr,
			  uint64_t *got)
{
	uint64_t a = 0, n = 0;
	size_t i;
	int ret;

	if (!addr || !got)
		return -EINVAL;
	ret = fix_align(r, &align);
	if (ret)
		return ret;
	if (!min)
		min = r->granule;
	if (!round_up(min, r->granule, &min))
		return -ENOSPC;
	max &= ~(r->granule - 1);
	if (max < min)
		return amp_err(-EINVAL, "ralloc: max < min");

	if (flags & AMP_RALLOC_TOPDOWN) {
		for (i = r->n; i-- > 0;) {
			const struct ext *x = &r->ext[i];

			/* All of @max at the top of the extent, if it fits. */
			if (fit_high(x, max, align, &a)) {
				n = max;
				break;
			}
			/* Else the whole aligned extent, if >= min. */
			if (fit_low(x, min, align, &a)) {
				n = x->last - a + 1;
				break;
			}
		}
		if (i == (size_t)-1)
			return -ENOSPC;
	} else {
		for (i = 0; i < r->n; i++) {
			const struct ext *x = &r->ext[i];

			if (fit_low(x, min, align, &a)) {
				/* Bytes from a to the end, capped at max. */
				n = x->last - a >= max - 1 ? max :
							     x->last - a + 1;
				break;
			}
		}
		if (i == r->n)
			return -ENOSPC;
	}
	ret = carve(r, i, a, a + (n - 1));
	if (ret)
		return ret;
	*addr = a;
	*got = n;
	return 0;
}

/*
 * Check and normalise [addr, addr+size) to inclusive [*a, *e]; @outward
 * rounds a partial granule outward instead of rejecting it.
 */
static int range_of(const struct amp_ralloc *r, uint64_t addr, uint64_t size,
		    bool outward, uint64_t *a, uint64_t *e)
{
	uint64_t g = r->granule;

	if (!size)
		return amp_err(-EINVAL, "ralloc: empty range");
	if (addr & (g - 1)) {
		if (!outward)
			return amp_err(-EINVAL,
				       "ralloc: address not granule aligned");
		if (size > UINT64_MAX - (addr & (g - 1)))
			return amp_err(-EINVAL, "ralloc: range beyond 2^64");
		size += addr & (g - 1);
		addr &= ~(g - 1);
	}
	if (!round_up(size, g, &size))
		return amp_err(-EINVAL, "ralloc: range beyond 2^64");
	if (addr < r->base || addr > r->last || r->last - addr < size - 1)
		return amp_err(-EINVAL,
			       "ralloc: range 0x%llx+0x%llx outside the space",
			       (unsigned long long)addr,
			       (unsigned long long)size);
	*a = addr;
	*e = addr + (size - 1);
	return 0;
}

int amp_ralloc_reserve(struct amp_ralloc *r, uint64_t addr, uint64_t size)
{
	uint64_t a, e;
	size_t i;
	int ret;

	ret = range_of(r, addr, size, true, &a, &e);
	if (ret)
		return ret;
	i = upper_bound(r, a);
	if (i == 0 || r->ext[i - 1].last < e)
		return amp_err(-EBUSY, "ralloc: 0x%llx+0x%llx is not free",
			       (unsigned long long)addr,
			       (unsigned long long)size);
	return carve(r, i - 1, a, e);
}

int amp_ralloc_free(struct amp_ralloc *r, uint64_t addr, uint64_t size)
{
	uint64_t a, e;
	bool join_prev, join_next;
	size_t i;
	int ret;

	ret = range_of(r, addr, size, false, &a, &e);
	if (ret)
		return ret;
	i = upper_bound(r, a); /* ext[i-1].start <= a < ext[i].start */
	if ((i > 0 && r->ext[i - 1].last >= a) ||
	    (i < r->n && r->ext[i].start <= e))
		return amp_err(-EINVAL,
			       "ralloc: free of 0x%llx+0x%llx: already free",
			       (unsigned long long)addr,
			       (unsigned long long)size);

	/* No overflow: ext[i-1].last < a and e < ext[i].start. */
	join_prev = i > 0 && r->ext[i - 1].last + 1 == a;
	join_next = i < r->n && r->ext[i].start == e + 1;
	if (join_prev && join_next) {
		r->ext[i - 1].last = r->ext[i].last;
		remove_at(r, i);
	} else if (join_prev) {
		r->ext[i - 1].last = e;
	} else if (join_next) {
		r->ext[i].start = a;
	} else {
		ret = insert_at(r, i, a, e);
		if (ret)
			return ret;
	}
	r->free_bytes += e - a + 1;
	return 0;
}

uint64_t amp_ralloc_free_bytes(const struct amp_ralloc *r)
{
	return r->free_bytes;
}

uint64_t amp_ralloc_largest(const struct amp_ralloc *r)
{
	uint64_t best = 0;

	for (size_t i = 0; i < r->n; i++)
		if (ext_len(&r->ext[i]) > best)
			best = ext_len(&r->ext[i]);
	return best;
}
