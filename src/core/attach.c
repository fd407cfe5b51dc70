/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Attaching buffers to devices: map them into the device's address space
 * (or give it a bounce copy), and the offset <-> device address
 * translations of an attachment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/shm_internal.h"

struct amp_attach *amp_shm_find_attach(struct amp_shm *shm, struct amp_dev *dev)
{
	struct amp_list *n;

	amp_list_for_each(n, &shm->attachments)
	{
		struct amp_attach *a =
			amp_container_of(n, struct amp_attach, shm_node);

		if (a->dev == dev)
			return a;
	}
	return NULL;
}

static struct amp_sg *phys_sg(const struct amp_shm *shm)
{
	struct amp_sg *sg = calloc(shm->nsegs, sizeof(*sg));

	for (size_t i = 0; sg && i < shm->nsegs; i++)
		sg[i] = (struct amp_sg){ shm->segs[i].pa, shm->segs[i].len };
	return sg;
}

/* Undo map_for_device(). */
static void unmap_for_device(struct amp_attach *a)
{
	amp_as_unmap(a->dev->as, a->iova, a->iova_len);
	amp_bounce_teardown(a);
	free(a->da_sg);
}

static int map_for_device(struct amp_attach *a)
{
	struct amp_dev *dev = a->dev;
	struct amp_sg *psg;
	int ret;

	if (dev->bounce == AMP_BOUNCE_ALWAYS)
		return amp_bounce_setup(a);
	psg = phys_sg(a->shm);
	if (!psg)
		return amp_err(-ENOMEM, "attach: out of memory");
	ret = amp_as_map(dev->as, psg, a->shm->nsegs, a->dir, &a->da_sg,
			 &a->nda, &a->iova, &a->iova_len);
	free(psg);
	if (ret != -ERANGE)
		return ret;
	if (dev->bounce == AMP_BOUNCE_NEVER)
		return amp_err(-ERANGE,
			       "attach: '%s' cannot reach '%s' (no "
			       "window covers it within %u address "
			       "bits) and bouncing is disabled",
			       dev->name, a->shm->name, dev->dma_bits);
	return amp_bounce_setup(a);
}

int amp_shm_attach(struct amp_shm *shm, struct amp_dev *dev, enum amp_dir dir,
		   const struct amp_sg **sg, size_t *nsg)
{
	struct amp_attach *a;
	uint64_t off = 0;
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	if (dir < AMP_DIR_TO_DEVICE || dir > AMP_DIR_BIDIR)
		return amp_err(-EINVAL,
			       "attach: bad direction %d (TO_DEVICE 1, "
			       "FROM_DEVICE 2, BIDIR 3)",
			       (int)dir);
	amp_global_lock();
	if (amp_shm_find_attach(shm, dev)) {
		ret = amp_err(-EALREADY,
			      "attach: '%s' is already attached to "
			      "'%s'",
			      shm->name, dev->name);
		goto out;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		ret = amp_err(-ENOMEM, "attach: out of memory");
		goto out;
	}
	a->shm = shm;
	a->dev = dev;
	a->dir = dir;
	amp_rangeset_init(&a->owned);
	ret = map_for_device(a);
	if (ret) {
		free(a);
		goto out;
	}
	a->da_off = malloc(a->nda * sizeof(*a->da_off));
	if (!a->da_off) {
		ret = amp_err(-ENOMEM, "attach: out of memory");
		goto unmap;
	}
	for (size_t i = 0; i < a->nda; i++) {
		a->da_off[i] = off;
		off += a->da_sg[i].len;
	}
	/* The device's driver (the hand-over protocol) may refuse it. */
	if (dev->own && dev->own->attach) {
		ret = dev->own->attach(a, dev->own_priv);
		if (ret)
			goto unmap;
	}
	pthread_mutex_lock(&shm->lock);
	amp_list_add_tail(&shm->attachments, &a->shm_node);
	shm->nattach++;
	pthread_mutex_unlock(&shm->lock);
	amp_list_add_tail(&dev->attachments, &a->dev_node);
	dev->nattach++;
	amp_shm_get_locked(shm); /* the mapping keeps the buffer alive */
	if (sg)
		*sg = a->da_sg;
	if (nsg)
		*nsg = a->nda;
	goto out;
unmap:
	free(a->da_off);
	unmap_for_device(a);
	free(a);
out:
	amp_global_unlock();
	return ret;
}

int amp_shm_detach_locked(struct amp_shm *shm, struct amp_dev *dev, bool force,
			  amp_reclaim_fn fn, void *priv)
{
	struct amp_attach *a;
	int ret = 0, n = 0;

	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	if (!a) {
		ret = amp_err(-ENOTCONN, "detach: '%s' is not attached to '%s'",
			      shm->name, dev->name);
	} else if (a->owned.n && !force) {
		ret = amp_err(-EBUSY,
			      "detach: '%s' still owns [0x%llx, 0x%llx)"
			      " of '%s': sync it for the CPU first",
			      dev->name,
			      (unsigned long long)a->owned.r[0].start,
			      (unsigned long long)a->owned.r[0].end, shm->name);
	} else {
		n = amp_sync_reclaim_locked(a, fn, priv);
		amp_list_del(&a->shm_node);
		shm->nattach--;
	}
	pthread_mutex_unlock(&shm->lock);
	if (ret)
		return ret;
	if (dev->own && dev->own->detach)
		dev->own->detach(a, force, dev->own_priv);
	amp_list_del(&a->dev_node);
	dev->nattach--;
	unmap_for_device(a);
	amp_rangeset_fini(&a->owned);
	free(a->da_off);
	free(a);
	amp_shm_put_locked(shm);
	return n;
}

int amp_shm_detach(struct amp_shm *shm, struct amp_dev *dev)
{
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	amp_global_lock();
	ret = amp_shm_detach_locked(shm, dev, false, NULL, NULL);
	amp_global_unlock();
	return ret < 0 ? ret : 0;
}

bool amp_shm_is_bounced(struct amp_shm *shm, struct amp_dev *dev)
{
	struct amp_attach *a;
	bool b;

	if (AMP_CHECK_SHM(shm) || AMP_CHECK_DEV(dev))
		return false;
	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	b = a && a->bounced;
	pthread_mutex_unlock(&shm->lock);
	return b;
}

/* Index of the device segment holding buffer offset @off. */
static size_t da_index(const struct amp_attach *a, uint64_t off)
{
	size_t lo = 0, hi = a->nda;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->da_off[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int amp_shm_offset_to_da(struct amp_shm *shm, struct amp_dev *dev,
			 uint64_t offset, amp_da_t *da)
{
	struct amp_attach *a;
	int ret = 0;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	if (!da)
		return amp_err(-EINVAL, "%s: result required", __func__);
	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	if (!a) {
		ret = amp_err(-ENOTCONN, "'%s' is not attached to '%s'",
			      shm->name, dev->name);
	} else if (offset >= shm->size) {
		ret = amp_err(-ERANGE, "offset 0x%llx is past the end of '%s'",
			      (unsigned long long)offset, shm->name);
	} else {
		size_t i = da_index(a, offset);

		*da = a->da_sg[i].addr + (offset - a->da_off[i]);
	}
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

int amp_shm_da_to_offset(struct amp_shm *shm, struct amp_dev *dev, amp_da_t da,
			 uint64_t *offset)
{
	struct amp_attach *a;
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	if (!offset)
		return amp_err(-EINVAL, "%s: result required", __func__);
	ret = -ERANGE;
	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	for (size_t i = 0; a && i < a->nda; i++) {
		if (da >= a->da_sg[i].addr &&
		    da - a->da_sg[i].addr < a->da_sg[i].len) {
			*offset = a->da_off[i] + (da - a->da_sg[i].addr);
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&shm->lock);
	if (!a)
		return amp_err(-ENOTCONN, "'%s' is not attached to '%s'",
			       shm->name, dev->name);
	if (ret)
		return amp_err(ret, "da 0x%llx is not in '%s' for '%s'",
			       (unsigned long long)da, shm->name, dev->name);
	return 0;
}
