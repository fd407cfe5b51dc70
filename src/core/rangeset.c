/* SPDX-License-Identifier: BSD-3-Clause */
#include "core/rangeset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void amp_rangeset_init(struct amp_rangeset *s)
{
	s->r = NULL;
	s->n = s->cap = 0;
}

void amp_rangeset_fini(struct amp_rangeset *s)
{
	free(s->r);
	amp_rangeset_init(s);
}

size_t amp_rangeset_lower(const struct amp_rangeset *s, uint64_t start)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct amp_range *amp_rangeset_find(const struct amp_rangeset *s,
					  uint64_t off)
{
	size_t i = amp_rangeset_lower(s, off);

	if (i < s->n && s->r[i].start <= off)
		return &s->r[i];
	return NULL;
}

bool amp_rangeset_overlaps(const struct amp_rangeset *s, uint64_t start,
			   uint64_t end)
{
	size_t i = amp_rangeset_lower(s, start);

	return i < s->n && s->r[i].start < end;
}

int amp_rangeset_covered(const struct amp_rangeset *s, uint64_t start,
			 uint64_t end, unsigned tag)
{
	size_t i = amp_rangeset_lower(s, start);
	uint64_t pos = start;
	int ret = 0;

	for (; pos < end; i++) {
		if (i >= s->n || s->r[i].start > pos)
			return -EPERM;
		if (s->r[i].tag != tag)
			ret = -EINVAL;
		pos = s->r[i].end;
	}
	return ret;
}

static int grow(struct amp_rangeset *s, size_t need)
{
	struct amp_range *r;
	size_t cap;

	if (need <= s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 8;
	while (cap < need)
		cap *= 2;
	r = realloc(s->r, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->r = r;
	s->cap = cap;
	return 0;
}

static void insert_at(struct amp_rangeset *s, size_t i,
		      const struct amp_range *r)
{
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(*r));
	s->r[i] = *r;
	s->n++;
}

static void delete_at(struct amp_rangeset *s, size_t i)
{
	memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(s->r[0]));
	s->n--;
}

int amp_rangeset_add(struct amp_rangeset *s, uint64_t start, uint64_t end,
		     unsigned tag)
{
	size_t i;
	bool left, right;
	struct amp_range nr = { start, end, tag };

	if (start >= end)
		return -EINVAL;
	i = amp_rangeset_lower(s, start);
	if (i < s->n && s->r[i].start < end)
		return -EBUSY; /* overlaps s->r[i] */
	left = i > 0 && s->r[i - 1].end == start && s->r[i - 1].tag == tag;
	right = i < s->n && s->r[i].start == end && s->r[i].tag == tag;
	if (left && right) {
		s->r[i - 1].end = s->r[i].end;
		delete_at(s, i);
	} else if (left) {
		s->r[i - 1].end = end;
	} else if (right) {
		s->r[i].start = start;
	} else {
		if (grow(s, s->n + 1))
			return -ENOMEM;
		insert_at(s, i, &nr);
	}
	return 0;
}

int amp_rangeset_remove(struct amp_rangeset *s, uint64_t start, uint64_t end)
{
	size_t i = amp_rangeset_lower(s, start);

	while (i < s->n && s->r[i].start < end) {
		struct amp_range *r = &s->r[i];

		if (r->start < start && r->end > end) {
			/* Split in two. */
			struct amp_range tail = { end, r->end, r->tag };

			if (grow(s, s->n + 1))
				return -ENOMEM;
			r = &s->r[i];
			r->end = start;
			insert_at(s, i + 1, &tail);
			return 0;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			return 0;
		} else {
			delete_at(s, i);
		}
	}
	return 0;
}
