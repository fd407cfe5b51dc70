/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A set of disjoint byte ranges [start, end), each tagged with a value,
 * kept sorted: the ranges of a buffer a device owns, with the direction it
 * was handed over with. Lookups are O(log n) in the number of ranges and
 * independent of the buffer size.
 */
#ifndef AMP_CORE_RANGESET_H
#define AMP_CORE_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct amp_range {
	uint64_t start, end;
	unsigned tag;
};

struct amp_rangeset {
	struct amp_range *r;
	size_t n, cap;
};

void amp_rangeset_init(struct amp_rangeset *s);
void amp_rangeset_fini(struct amp_rangeset *s);

/* Index of the first range whose end is > @start (n if none). */
size_t amp_rangeset_lower(const struct amp_rangeset *s, uint64_t start);

/* The range holding @off, or NULL. */
const struct amp_range *amp_rangeset_find(const struct amp_rangeset *s,
					  uint64_t off);

bool amp_rangeset_overlaps(const struct amp_rangeset *s, uint64_t start,
			   uint64_t end);

/*
 * 0 if [start, end) is entirely covered by ranges tagged @tag; -EPERM if a
 * byte of it is not covered; -EINVAL if covered but with another tag.
 */
int amp_rangeset_covered(const struct amp_rangeset *s, uint64_t start,
			 uint64_t end, unsigned tag);

/* Add [start, end) (must not overlap); merges with same-tag neighbours. */
int amp_rangeset_add(struct amp_rangeset *s, uint64_t start, uint64_t end,
		     unsigned tag);

/* Remove [start, end) from whatever ranges hold it, splitting them. */
int amp_rangeset_remove(struct amp_rangeset *s, uint64_t start, uint64_t end);

#endif
