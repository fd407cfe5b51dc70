/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Buffer registry: open (allocate on first open), reference counting,
 * close, and the CPU-side accessors and translations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/shm_internal.h"

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static struct amp_list registry = AMP_LIST_INIT(registry);

void amp_global_lock(void)
{
	pthread_mutex_lock(&global_lock);
}

void amp_global_unlock(void)
{
	pthread_mutex_unlock(&global_lock);
}

static struct amp_shm *find_shm(const char *name)
{
	struct amp_list *n;

	amp_list_for_each(n, &registry)
	{
		struct amp_shm *s = amp_container_of(n, struct amp_shm, node);

		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

static int cmp_pa(const void *a, const void *b)
{
	const struct amp_cpu_seg *x = *(const struct amp_cpu_seg *const *)a;
	const struct amp_cpu_seg *y = *(const struct amp_cpu_seg *const *)b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

int amp_shm_index_segments(struct amp_shm *shm)
{
	shm->by_pa = malloc(shm->nsegs * sizeof(*shm->by_pa));
	if (!shm->by_pa)
		return -ENOMEM;
	for (size_t i = 0; i < shm->nsegs; i++)
		shm->by_pa[i] = &shm->segs[i];
	qsort(shm->by_pa, shm->nsegs, sizeof(*shm->by_pa), cmp_pa);
	return 0;
}

/* Flags that change what a buffer is: a reopen must ask for the same. */
#define SHAPE_FLAGS (AMP_SHM_F_CONTIG | AMP_SHM_F_HUGE | AMP_SHM_F_UNCACHED)

static void flag_names(unsigned f, char *buf, size_t len)
{
	static const char *const names[] = { "CONTIG", "HUGE", "UNCACHED",
					     "CHECK",  "EXCL", "NOCREATE" };
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 6; i++)
		if (f & (1u << i))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? "|" : "", names[i]);
	if (!n)
		snprintf(buf, len, "0");
}

const char *amp_dir_name(enum amp_dir dir)
{
	switch (dir) {
	case AMP_DIR_TO_DEVICE:
		return "TO_DEVICE";
	case AMP_DIR_FROM_DEVICE:
		return "FROM_DEVICE";
	case AMP_DIR_BIDIR:
		return "BIDIR";
	default:
		return "invalid";
	}
}

static int check_reopen(struct amp_shm *s, uint64_t size, unsigned flags)
{
	if ((flags & SHAPE_FLAGS) &&
	    (flags & SHAPE_FLAGS) != (s->flags & SHAPE_FLAGS)) {
		char want[64], have[64];

		flag_names(flags & SHAPE_FLAGS, want, sizeof(want));
		flag_names(s->flags & SHAPE_FLAGS, have, sizeof(have));
		return amp_err(-EINVAL,
			       "shm: '%s' exists with flags %s; reopened with "
			       "%s (open it with the same flags, or 0)",
			       s->name, have, want);
	}
	if (flags & AMP_SHM_F_EXCL)
		return amp_err(-EEXIST, "shm: '%s' is already allocated",
			       s->name);
	if (size > s->size)
		return amp_err(-EINVAL,
			       "shm: '%s' is 0x%llx bytes, 0x%llx "
			       "asked",
			       s->name, (unsigned long long)s->size,
			       (unsigned long long)size);
	if ((flags & AMP_SHM_F_CONTIG) && s->nsegs > 1)
		return amp_err(-EINVAL,
			       "shm: '%s' exists and is not "
			       "physically contiguous",
			       s->name);
	return 0;
}

int amp_shm_open_with(const struct amp_provider *prov, const char *subname,
		      uint64_t size, unsigned flags, const void *arg,
		      struct amp_shm **out)
{
	char name[sizeof(((struct amp_shm *)0)->name)];
	struct amp_shm *s;
	int ret;

	if (flags & ~AMP_SHM_F_ALL)
		return amp_err(-EINVAL, "shm: unknown flag bits 0x%x",
			       flags & ~AMP_SHM_F_ALL);
	if (!out)
		return amp_err(-EINVAL, "shm: result required");
	if (!subname || !*subname || strchr(subname, '/') ||
	    (size_t)snprintf(name, sizeof(name), "%s/%s", prov->name,
			     subname) >= sizeof(name))
		return amp_err(-EINVAL, "shm: bad buffer name '%s'",
			       subname ? subname : "(null)");
	amp_global_lock();
	s = find_shm(name);
	if (s) {
		ret = check_reopen(s, size, flags);
		if (!ret) {
			s->refs++;
			*out = s;
		}
		goto out;
	}
	if (flags & AMP_SHM_F_NOCREATE) {
		ret = amp_err(-ENOENT, "shm: '%s' is not allocated", name);
		goto out;
	}
	s = amp_handle_new(sizeof(*s), AMP_MAGIC_SHM);
	if (!s) {
		ret = amp_err(-ENOMEM, "shm: out of memory");
		goto out;
	}
	memcpy(s->name, name, sizeof(name));
	s->provider = prov;
	s->flags = flags & ~(AMP_SHM_F_EXCL | AMP_SHM_F_NOCREATE);
	s->refs = 1;
	amp_list_init(&s->attachments);
	pthread_mutex_init(&s->lock, NULL);
	ret = prov->alloc(s, subname, size, s->flags, arg);
	if (ret)
		goto err_free;
	ret = amp_shm_index_segments(s);
	if (ret)
		goto err_prov;
	if ((s->flags & AMP_SHM_F_CHECK) || amp_checker_env_enabled()) {
		s->flags |= AMP_SHM_F_CHECK;
		ret = amp_checker_register(s);
		if (ret)
			goto err_index;
	}
	amp_list_add_tail(&registry, &s->node);
	*out = s;
	ret = 0;
	goto out;
err_index:
	free(s->by_pa);
err_prov:
	prov->free(s);
err_free:
	pthread_mutex_destroy(&s->lock);
	amp_handle_retire(s);
out:
	amp_global_unlock();
	return ret;
}

int amp_shm_open(const char *name, size_t size, unsigned flags,
		 struct amp_shm **shm)
{
	const struct amp_provider *p;
	const char *slash;

	if (!name || !shm)
		return amp_err(-EINVAL, "shm: name and result are required");
	if (*name == '/') /* libmetal style "/provider/name" */
		name++;
	slash = strchr(name, '/');
	if (!slash)
		return amp_err(-EINVAL, "shm: '%s' is not \"provider/name\"",
			       name);
	amp_global_lock();
	p = amp_provider_find(name, (size_t)(slash - name));
	amp_global_unlock();
	if (p)
		return amp_shm_open_with(p, slash + 1, size, flags, NULL, shm);
	return amp_err(-ENOENT,
		       "shm: no provider '%.*s' (built in: static, sysmem, "
		       "user; others with amp_shm_provider_register())",
		       (int)(slash - name), name);
}

void amp_shm_get_locked(struct amp_shm *shm)
{
	shm->refs++;
}

void amp_shm_put_locked(struct amp_shm *shm)
{
	if (--shm->refs)
		return;
	/* Attachments hold references: none is left here. */
	amp_list_del(&shm->node);
	if (shm->checked)
		amp_checker_unregister(shm);
	free(shm->by_pa);
	shm->provider->free(shm);
	pthread_mutex_destroy(&shm->lock);
	amp_handle_retire(shm);
}

int amp_shm_close(struct amp_shm *shm)
{
	int ret;

	amp_global_lock(); /* a racing close is seen dead here */
	ret = AMP_CHECK_SHM(shm);
	if (ret) {
		amp_global_unlock();
		return ret;
	}
	amp_shm_put_locked(shm);
	amp_global_unlock();
	return 0;
}

const char *amp_shm_name(const struct amp_shm *shm)
{
	return AMP_CHECK_SHM(shm) ? "(invalid buffer)" : shm->name;
}

uint64_t amp_shm_size(const struct amp_shm *shm)
{
	return AMP_CHECK_SHM(shm) ? 0 : shm->size;
}

unsigned amp_shm_refcount(const struct amp_shm *shm)
{
	return AMP_CHECK_SHM(shm) ? 0 : shm->refs;
}

unsigned amp_shm_flags(const struct amp_shm *shm)
{
	return AMP_CHECK_SHM(shm) ? 0 : shm->flags;
}

void *amp_shm_va(const struct amp_shm *shm)
{
	return AMP_CHECK_SHM(shm) ? NULL : shm->va;
}

int amp_shm_cpu_sg(const struct amp_shm *shm, const struct amp_cpu_seg **segs,
		   size_t *nsegs)
{
	int ret = AMP_CHECK_SHM(shm);

	if (ret)
		return ret;
	if (!segs || !nsegs)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	*segs = shm->segs;
	*nsegs = shm->nsegs;
	return 0;
}

/* Segment holding buffer offset @off (binary search). */
static const struct amp_cpu_seg *seg_of(const struct amp_shm *shm, uint64_t off)
{
	size_t lo = 0, hi = shm->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct amp_cpu_seg *s = &shm->segs[mid];

		if (off < s->offset)
			hi = mid;
		else if (off - s->offset >= s->len)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

int amp_shm_offset_to_pa(const struct amp_shm *shm, uint64_t offset,
			 amp_pa_t *pa, uint64_t *contig)
{
	const struct amp_cpu_seg *s;
	int ret = AMP_CHECK_SHM(shm);

	if (ret)
		return ret;
	if (!pa)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	s = seg_of(shm, offset);
	if (!s)
		return amp_err(-ERANGE,
			       "shm: offset 0x%llx is past the end "
			       "of '%s'",
			       (unsigned long long)offset, shm->name);
	*pa = s->pa + (offset - s->offset);
	if (contig)
		*contig = s->len - (offset - s->offset);
	return 0;
}

int amp_shm_pa_to_offset(const struct amp_shm *shm, amp_pa_t pa,
			 uint64_t *offset)
{
	size_t lo = 0, hi;
	int ret = AMP_CHECK_SHM(shm);

	if (ret)
		return ret;
	if (!offset)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	hi = shm->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct amp_cpu_seg *s = shm->by_pa[mid];

		if (pa < s->pa) {
			hi = mid;
		} else if (pa - s->pa >= s->len) {
			lo = mid + 1;
		} else {
			*offset = s->offset + (pa - s->pa);
			return 0;
		}
	}
	return amp_err(-ERANGE, "shm: pa 0x%llx is not in '%s'",
		       (unsigned long long)pa, shm->name);
}

int amp_shm_va_to_offset(const struct amp_shm *shm, const void *va,
			 uint64_t *offset)
{
	uintptr_t a = (uintptr_t)va, b;
	int ret = AMP_CHECK_SHM(shm);

	if (ret)
		return ret;
	if (!offset)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	b = (uintptr_t)shm->va;
	if (a < b || a - b >= shm->size)
		return amp_err(-ERANGE, "shm: %p is not in '%s'", va,
			       shm->name);
	*offset = a - b;
	return 0;
}
