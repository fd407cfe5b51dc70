/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The physical memory map (see phys.h). Few regions (DDR, a handful of
 * carveouts, RPMsg regions, imports): sorted arrays, binary search, one
 * level of nesting for containers.
 */
#include "core/phys.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/phys.h>

#include "core/error.h"

struct level {
	struct entry *e;
	size_t n, cap;
};

struct entry {
	struct amp_phys_region r;
	struct level kids; /* containers only */
};

static struct level top;
static pthread_rwlock_t phys_lock = PTHREAD_RWLOCK_INITIALIZER;

static amp_pa_t last_of(const struct amp_phys_region *r)
{
	return r->pa + (r->size - 1);
}

/* Index of the first entry of @l ending at or after @pa. */
static size_t lower(const struct level *l, amp_pa_t pa)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (last_of(&l->e[mid].r) < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Entry of @l overlapping [pa, pa+size), or NULL. */
static struct entry *overlap(const struct level *l, amp_pa_t pa, uint64_t size)
{
	size_t i = lower(l, pa);

	if (i < l->n && l->e[i].r.pa <= pa + (size - 1))
		return &l->e[i];
	return NULL;
}

/* Innermost region holding @pa, or NULL. */
static const struct amp_phys_region *find(amp_pa_t pa)
{
	struct entry *e = overlap(&top, pa, 1);
	struct entry *k;

	if (!e)
		return NULL;
	if (!(e->r.flags & AMP_PHYS_F_CONTAINER))
		return &e->r;
	k = overlap(&e->kids, pa, 1);
	return k ? &k->r : &e->r;
}

bool amp_phys_overlaps(amp_pa_t pa, uint64_t size)
{
	bool ret;

	if (!size)
		return false;
	pthread_rwlock_rdlock(&phys_lock);
	ret = overlap(&top, pa, size) != NULL;
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

static int insert(struct level *l, const struct amp_phys_region *r)
{
	size_t i;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct entry *n = realloc(l->e, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->e = n;
		l->cap = cap;
	}
	i = lower(l, r->pa);
	memmove(&l->e[i + 1], &l->e[i], (l->n - i) * sizeof(l->e[0]));
	memset(&l->e[i], 0, sizeof(l->e[i]));
	l->e[i].r = *r;
	l->n++;
	return 0;
}

static int refuse(const struct amp_phys_region *r,
		  const struct amp_phys_region *o)
{
	return amp_err(-EEXIST,
		       "phys: %s [0x%llx, 0x%llx] overlaps %s [0x%llx, "
		       "0x%llx]: every physical address has one owner",
		       r->what[0] ? r->what : "region",
		       (unsigned long long)r->pa,
		       (unsigned long long)last_of(r), o->what,
		       (unsigned long long)o->pa,
		       (unsigned long long)last_of(o));
}

int amp_phys_add(const struct amp_phys_region *r)
{
	struct entry *o;
	int ret;

	if (!r || !r->size || r->pa + (r->size - 1) < r->pa)
		return amp_err(-EINVAL, "phys: empty range or one that wraps "
					"around 2^64");
	pthread_rwlock_wrlock(&phys_lock);
	o = overlap(&top, r->pa, r->size);
	if (!(r->flags & AMP_PHYS_F_INSIDE)) {
		ret = o ? refuse(r, &o->r) : insert(&top, r);
	} else if (!o || !(o->r.flags & AMP_PHYS_F_CONTAINER) ||
		   r->pa < o->r.pa || last_of(r) > last_of(&o->r)) {
		ret = amp_err(-EINVAL, "phys: %s is not inside its container",
			      r->what);
	} else {
		struct entry *k = overlap(&o->kids, r->pa, r->size);

		ret = k ? refuse(r, &k->r) : insert(&o->kids, r);
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

static int remove_at(struct level *l, amp_pa_t pa)
{
	size_t i = lower(l, pa);

	if (i >= l->n || l->e[i].r.pa != pa)
		return -ENOENT;
	free(l->e[i].kids.e);
	memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof(l->e[0]));
	l->n--;
	return 0;
}

int amp_phys_remove(amp_pa_t pa)
{
	struct entry *o;
	int ret = -ENOENT;

	pthread_rwlock_wrlock(&phys_lock);
	o = overlap(&top, pa, 1);
	if (o && (o->r.flags & AMP_PHYS_F_CONTAINER))
		ret = remove_at(&o->kids, pa);
	if (ret && o && (!(o->r.flags & AMP_PHYS_F_CONTAINER) || !o->kids.n))
		ret = remove_at(&top, pa);
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_rw(amp_pa_t pa, void *buf, uint64_t len, bool write)
{
	char *p = buf;
	int ret = 0;

	pthread_rwlock_rdlock(&phys_lock);
	while (len) {
		const struct amp_phys_region *r = find(pa);
		uint64_t off, n;
		char *host;

		if (!r || !r->map) {
			ret = -EFAULT;
			break;
		}
		off = pa - r->pa;
		n = r->size - off < len ? r->size - off : len;
		host = (char *)r->map + off;
		if (write)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		p += n;
		pa += n;
		len -= n;
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

void *amp_phys_ptr(amp_pa_t pa, uint64_t *contig)
{
	const struct amp_phys_region *r;
	void *p = NULL;

	pthread_rwlock_rdlock(&phys_lock);
	r = find(pa);
	if (r && r->map) {
		uint64_t off = pa - r->pa;

		p = (char *)r->map + off;
		if (contig)
			*contig = r->size - off;
	}
	pthread_rwlock_unlock(&phys_lock);
	return p;
}

int amp_phys_lookup(amp_pa_t pa, struct amp_phys_region *out)
{
	const struct amp_phys_region *r;
	int ret = -ENOENT;

	pthread_rwlock_rdlock(&phys_lock);
	r = find(pa);
	if (r) {
		*out = *r;
		ret = 0;
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_next(amp_pa_t pa, struct amp_phys_region *out)
{
	int ret = -ENOENT;

	pthread_rwlock_rdlock(&phys_lock);
	for (size_t i = lower(&top, pa); i < top.n; i++) {
		const struct entry *e = &top.e[i];
		size_t k;

		if (!(e->r.flags & AMP_PHYS_F_CONTAINER)) {
			*out = e->r;
			ret = 0;
			break;
		}
		k = lower(&e->kids, pa);
		if (k < e->kids.n) {
			*out = e->kids.e[k].r;
			ret = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&phys_lock);
	return ret;
}

int amp_phys_find(amp_pa_t pa, struct amp_phys_info *info)
{
	struct amp_phys_region r;

	if (!info)
		return amp_err(-EINVAL, "phys: result required");
	if (amp_phys_lookup(pa, &r) || !r.map)
		return amp_err(-ENOENT,
			       "phys: 0x%llx is not memory ampshm "
			       "manages",
			       (unsigned long long)pa);
	info->pa = r.pa;
	info->size = r.size;
	info->fd = r.fd;
	info->fd_offset = r.fd_off;
	return 0;
}
