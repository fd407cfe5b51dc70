/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ownership hand-over (DMA-API sense) by byte range: the state machine,
 * the cache maintenance each direction needs, bounce copies, and the
 * ownership checker's page protection.
 *
 * Everything here costs O(range + log(ranges owned)), never O(buffer).
 */
#include <errno.h>
#include <string.h>

#include <ampshm/cache.h>

#include "addrspace/device_internal.h"
#include "core/error.h"
#include "core/shm_internal.h"

/* Common checks. Called with shm->lock held. */
static int sync_check(struct amp_shm *shm, struct amp_dev *dev,
		      enum amp_dir dir, uint64_t off, uint64_t *len,
		      struct amp_attach **out, const char *what)
{
	struct amp_attach *a = amp_shm_find_attach(shm, dev);

	if (!a)
		return amp_err(-ENOTCONN, "%s: '%s' is not attached to '%s'",
			       what, shm->name, dev->name);
	if (dir < AMP_DIR_TO_DEVICE || dir > AMP_DIR_BIDIR || (dir & ~a->dir))
		return amp_err(-EINVAL,
			       "%s: direction %d is not within the "
			       "attachment's direction %d",
			       what, (int)dir, (int)a->dir);
	if (!*len && off < shm->size)
		*len = shm->size - off;
	if (!*len || !amp_range_ok(off, *len, shm->size))
		return amp_err(-ERANGE,
			       "%s: [0x%llx, +0x%llx) is not inside "
			       "'%s' (0x%llx bytes)",
			       what, (unsigned long long)off,
			       (unsigned long long)*len, shm->name,
			       (unsigned long long)shm->size);
	*out = a;
	return 0;
}

static bool device_owns_any(struct amp_shm *shm)
{
	struct amp_list *n;

	amp_list_for_each(n, &shm->attachments)
	{
		struct amp_attach *a =
			amp_container_of(n, struct amp_attach, shm_node);

		if (a->owned.n)
			return true;
	}
	return false;
}

/* Clean or clean+invalidate whole lines around [p, p+len). */
static void whole_lines(void (*op)(void *, size_t), char *p, uint64_t len)
{
	uintptr_t line = amp_cache_line_size();
	uintptr_t a = (uintptr_t)p & ~(line - 1);
	uintptr_t b = ((uintptr_t)p + len + line - 1) & ~(line - 1);

	op((void *)a, b - a);
}

static bool needs_maintenance(const struct amp_shm *shm,
			      const struct amp_attach *a)
{
	/* A bounce buffer is ordinary cached memory. */
	return a->bounced || !(shm->flags & AMP_SHM_F_UNCACHED);
}

int amp_shm_sync_for_device(struct amp_shm *shm, struct amp_dev *dev,
			    enum amp_dir dir, uint64_t offset, uint64_t len)
{
	struct amp_attach *a;
	bool first;
	char *p;
	int ret;

	if (!shm || !dev)
		return amp_err(-EINVAL, "sync_for_device: buffer and device "
					"required");
	pthread_mutex_lock(&shm->lock);
	ret = sync_check(shm, dev, dir, offset, &len, &a, "sync_for_device");
	if (ret)
		goto out;
	/* Only a provider hook cares whether this is the first range out. */
	first = shm->provider->begin_device && !device_owns_any(shm);
	ret = amp_rangeset_add(&a->owned, offset, offset + len, dir);
	if (ret == -EBUSY) {
		const struct amp_range *r =
			&a->owned.r[amp_rangeset_lower(&a->owned, offset)];

		amp_err(ret,
			"sync_for_device: '%s' already owns "
			"[0x%llx, 0x%llx) of '%s'",
			dev->name, (unsigned long long)r->start,
			(unsigned long long)r->end, shm->name);
	}
	if (ret)
		goto out;
	p = (a->bounced ? (char *)a->bounce.va : (char *)shm->va) + offset;
	/* Every direction seeds the device's copy (as Linux's swiotlb does):
	 * bytes a FROM_DEVICE transfer leaves unwritten come back unchanged
	 * instead of as stale bounce contents. */
	if (a->bounced)
		memcpy(p, (char *)shm->va + offset, len);
	if (needs_maintenance(shm, a)) {
		switch (dir) {
		case AMP_DIR_TO_DEVICE:
			whole_lines(amp_cache_clean, p, len);
			break;
		case AMP_DIR_FROM_DEVICE:
			/* Drop lines that could be evicted over the device's
			 * data; lines shared with bytes outside the range are
			 * cleaned+invalidated instead. */
			amp_cache_invalidate_range(p, len);
			break;
		default:
			whole_lines(amp_cache_flush, p, len);
			break;
		}
	}
	if (shm->checked)
		amp_checker_protect(shm, a, offset, len);
	if (first)
		shm->provider->begin_device(shm, dir);
out:
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

int amp_shm_sync_for_cpu(struct amp_shm *shm, struct amp_dev *dev,
			 enum amp_dir dir, uint64_t offset, uint64_t len)
{
	struct amp_attach *a;
	char *p;
	int ret;

	if (!shm || !dev)
		return amp_err(-EINVAL, "sync_for_cpu: buffer and device "
					"required");
	pthread_mutex_lock(&shm->lock);
	ret = sync_check(shm, dev, dir, offset, &len, &a, "sync_for_cpu");
	if (ret)
		goto out;
	ret = amp_rangeset_covered(&a->owned, offset, offset + len, dir);
	if (ret == -EPERM) {
		amp_err(ret,
			"sync_for_cpu: part of [0x%llx, +0x%llx) of '%s' "
			"is not owned by '%s'",
			(unsigned long long)offset, (unsigned long long)len,
			shm->name, dev->name);
		goto out;
	}
	if (ret) {
		amp_err(ret,
			"sync_for_cpu: [0x%llx, +0x%llx) of '%s' was "
			"handed to '%s' with another direction",
			(unsigned long long)offset, (unsigned long long)len,
			shm->name, dev->name);
		goto out;
	}
	ret = amp_rangeset_remove(&a->owned, offset, offset + len);
	if (ret)
		goto out;
	if (shm->checked)
		amp_checker_unprotect(shm, a, offset, len);
	if (shm->provider->begin_cpu && !device_owns_any(shm))
		shm->provider->begin_cpu(shm, dir);
	if (dir & AMP_DIR_FROM_DEVICE) {
		p = (a->bounced ? (char *)a->bounce.va : (char *)shm->va) +
		    offset;
		if (needs_maintenance(shm, a))
			amp_cache_invalidate_range(p, len);
		if (a->bounced)
			memcpy((char *)shm->va + offset, p, len);
	}
out:
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

int amp_shm_owner(struct amp_shm *shm, struct amp_dev *dev, uint64_t offset)
{
	struct amp_attach *a;
	int ret;

	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	if (!a)
		ret = amp_err(-ENOTCONN, "'%s' is not attached to '%s'",
			      shm->name, dev->name);
	else if (offset >= shm->size)
		ret = amp_err(-ERANGE, "offset past the end of '%s'",
			      shm->name);
	else
		ret = amp_rangeset_find(&a->owned, offset) ? AMP_OWNER_DEVICE :
							     AMP_OWNER_CPU;
	pthread_mutex_unlock(&shm->lock);
	return ret;
}
