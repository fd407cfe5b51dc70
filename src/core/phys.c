/* SPDX-License-Identifier: BSD-3-Clause */
#include "core/phys.h"

#include <errno.h>

#include <ampshm/phys.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Few regions (DDR, a handful of carveouts, imports): a sorted array. */
static struct amp_phys_region *regions;
static size_t nregions, capregions;
static pthread_rwlock_t phys_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Index of the first region ending after @pa. */
static size_t lower(amp_pa_t pa)
{
	size_t lo = 0, hi = nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (regions[mid].pa + (regions[mid].size - 1) < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool overlaps_locked(amp_pa_t pa, uint64_t size)
{
	size_t i = lower(pa);

	return i < nregions && regions[i].pa <= pa + (size - 1);
}

bool amp_phys_overlaps(amp_pa_t pa, uint64_t size)
{
	bool ret;

	pthread_rwlock_rdlock(&phys_lock);
	ret = overlaps_locked(pa, size);
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_add(const struct amp_phys_region *r)
{
	size_t i;
	int ret = 0;

	if (!r->size || r->pa + (r->size - 1) < r->pa)
		return -EINVAL;
	pthread_rwlock_wrlock(&phys_lock);
	if (overlaps_locked(r->pa, r->size)) {
		ret = -EEXIST;
		goto out;
	}
	if (nregions == capregions) {
		size_t cap = capregions ? capregions * 2 : 8;
		struct amp_phys_region *n = realloc(regions, cap * sizeof(*n));

		if (!n) {
			ret = -ENOMEM;
			goto out;
		}
		regions = n;
		capregions = cap;
	}
	i = lower(r->pa);
	memmove(&regions[i + 1], &regions[i],
		(nregions - i) * sizeof(regions[0]));
	regions[i] = *r;
	nregions++;
out:
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_remove(amp_pa_t pa)
{
	size_t i;
	int ret = -ENOENT;

	pthread_rwlock_wrlock(&phys_lock);
	i = lower(pa);
	if (i < nregions && regions[i].pa == pa) {
		memmove(&regions[i], &regions[i + 1],
			(nregions - i - 1) * sizeof(regions[0]));
		nregions--;
		ret = 0;
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

void *amp_phys_ptr(amp_pa_t pa, uint64_t *contig)
{
	void *p = NULL;
	size_t i;

	pthread_rwlock_rdlock(&phys_lock);
	i = lower(pa);
	if (i < nregions && regions[i].pa <= pa && regions[i].map) {
		uint64_t off = pa - regions[i].pa;

		p = (char *)regions[i].map + off;
		if (contig)
			*contig = regions[i].size - off;
	}
	pthread_rwlock_unlock(&phys_lock);
	return p;
}

int amp_phys_lookup(amp_pa_t pa, struct amp_phys_region *out)
{
	size_t i;
	int ret = -ENOENT;

	pthread_rwlock_rdlock(&phys_lock);
	i = lower(pa);
	if (i < nregions && regions[i].pa <= pa) {
		*out = regions[i];
		ret = 0;
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_find(amp_pa_t pa, struct amp_phys_info *info)
{
	struct amp_phys_region r;

	if (!info || amp_phys_lookup(pa, &r) || pa - r.pa >= r.size)
		return -ENOENT;
	info->pa = r.pa;
	info->size = r.size;
	info->fd = r.fd;
	info->fd_offset = r.fd_off;
	return 0;
}
