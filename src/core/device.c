/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devices: a name, an address space (src/addrspace), the buffers attached
 * to it, and forced reclaim. The device's simulated accesses and its
 * exported runs come from its address space; translations that need the
 * attached buffers (pa -> da through an IOMMU) are answered here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/phys.h"
#include "core/shm_internal.h"

static struct amp_list devices = AMP_LIST_INIT(devices);

/* Global lock held. */
static struct amp_dev *find_dev(const char *name)
{
	struct amp_list *n;

	amp_list_for_each(n, &devices)
	{
		struct amp_dev *d = amp_container_of(n, struct amp_dev, node);

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

int amp_dev_create(const struct amp_dev_config *cfg, struct amp_dev **dev)
{
	struct amp_dev *d;
	int ret;

	if (!cfg || !dev)
		return amp_err(-EINVAL, "dev: config and result are required");
	if (cfg->bounce > AMP_BOUNCE_ALWAYS)
		return amp_err(-EINVAL, "dev: bad bounce policy %d",
			       (int)cfg->bounce);
	d = amp_handle_new(sizeof(*d), AMP_MAGIC_DEV);
	if (!d)
		return amp_err(-ENOMEM, "dev: out of memory");
	snprintf(d->name, sizeof(d->name), "%s", cfg->name ? cfg->name : "dev");
	ret = amp_as_create(cfg, d->name, &d->as);
	if (ret) {
		amp_handle_retire(d);
		return ret;
	}
	d->dma_bits = amp_as_dma_bits(d->as);
	d->bounce = cfg->bounce;
	amp_list_init(&d->attachments);
	amp_global_lock();
	if (find_dev(d->name)) {
		amp_global_unlock();
		amp_as_destroy(d->as);
		amp_handle_retire(d);
		return amp_err(-EEXIST,
			       "dev: a device named '%s' exists: names must "
			       "be unique (they name devices in reports)",
			       cfg->name ? cfg->name : "dev");
	}
	amp_list_add_tail(&devices, &d->node);
	amp_global_unlock();
	*dev = d;
	return 0;
}

int amp_dev_destroy(struct amp_dev *dev)
{
	int ret;

	amp_global_lock(); /* a racing destroy sees it dead */
	ret = AMP_CHECK_DEV(dev);
	if (!ret && dev->nattach)
		ret = amp_err(-EBUSY,
			      "dev: '%s' still has %u buffer(s) "
			      "attached",
			      dev->name, dev->nattach);
	if (!ret) {
		amp_list_del(&dev->node);
		amp_as_destroy(dev->as);
		amp_handle_retire(dev);
	}
	amp_global_unlock();
	return ret;
}

const char *amp_dev_name(const struct amp_dev *dev)
{
	return AMP_CHECK_DEV(dev) ? "(invalid device)" : dev->name;
}

uint64_t amp_dev_fault_count(const struct amp_dev *dev)
{
	return AMP_CHECK_DEV(dev) ? 0 : amp_as_fault_count(dev->as);
}

int amp_dev_da_to_pa(struct amp_dev *dev, amp_da_t da, amp_pa_t *pa)
{
	uint64_t run;
	int err = AMP_CHECK_DEV(dev);

	if (err)
		return err;
	if (!pa)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	if (amp_as_translate(dev->as, da, false, pa, &run))
		return amp_err(-EFAULT,
			       "dev: '%s' has nothing mapped at da "
			       "0x%llx",
			       dev->name, (unsigned long long)da);
	return 0;
}

int amp_dev_pa_to_da(struct amp_dev *dev, amp_pa_t pa, amp_da_t *da)
{
	struct amp_list *n;
	int ret = -ERANGE;
	int err = AMP_CHECK_DEV(dev);

	if (err)
		return err;
	if (!da)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	if (!amp_as_window_pa_to_da(dev->as, pa, da))
		return 0;
	/* Through the IOMMU: only where an attached buffer holds @pa. */
	amp_global_lock();
	amp_list_for_each(n, &dev->attachments)
	{
		struct amp_attach *a =
			amp_container_of(n, struct amp_attach, dev_node);
		uint64_t off;

		if (a->bounced)
			continue;
		if (!amp_shm_pa_to_offset(a->shm, pa, &off) &&
		    !amp_shm_offset_to_da(a->shm, dev, off, da)) {
			ret = 0;
			break;
		}
	}
	amp_global_unlock();
	if (ret)
		return amp_err(ret, "dev: '%s' cannot reach pa 0x%llx",
			       dev->name, (unsigned long long)pa);
	return 0;
}

int amp_dev_read(struct amp_dev *dev, amp_da_t da, void *buf, size_t len)
{
	int err = AMP_CHECK_DEV(dev);

	if (err)
		return err;
	if (!buf && len)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	return amp_as_access(dev->as, da, buf, len, false);
}

int amp_dev_write(struct amp_dev *dev, amp_da_t da, const void *buf, size_t len)
{
	int err = AMP_CHECK_DEV(dev);

	if (err)
		return err;
	if (!buf && len)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	return amp_as_access(dev->as, da, (void *)buf, len, true);
}

int amp_dev_ptr(struct amp_dev *dev, amp_da_t da, size_t len, void **ptr)
{
	amp_pa_t pa;
	uint64_t run, contig;
	void *host;
	int err = AMP_CHECK_DEV(dev);

	if (err)
		return err;
	if (!ptr)
		return amp_err(-EINVAL, "%s: NULL argument", __func__);
	if (amp_as_translate(dev->as, da, false, &pa, &run))
		return amp_err(-EFAULT, "dev: '%s' fault at da 0x%llx",
			       dev->name, (unsigned long long)da);
	host = amp_phys_ptr(pa, &contig);
	if (!host)
		return amp_err(-EFAULT, "dev: da 0x%llx is not memory",
			       (unsigned long long)da);
	if (len > run || len > contig)
		return amp_err(-ENOTSUP,
			       "dev: [da 0x%llx, +%zu) is not "
			       "contiguous in host memory",
			       (unsigned long long)da, len);
	*ptr = host;
	return 0;
}

int amp_dev_export(struct amp_dev *dev, amp_dev_run_fn fn, void *priv)
{
	int ret = AMP_CHECK_DEV(dev);

	if (ret)
		return ret;
	return amp_as_export(dev->as, fn, priv);
}

int amp_dev_watch(struct amp_dev *dev, amp_dev_watch_fn fn, void *priv)
{
	int ret = AMP_CHECK_DEV(dev);

	if (ret)
		return ret;
	return amp_as_watch(dev->as, fn, priv);
}

int amp_dev_unwatch(struct amp_dev *dev, amp_dev_watch_fn fn, void *priv)
{
	int ret = AMP_CHECK_DEV(dev);

	if (ret)
		return ret;
	return amp_as_unwatch(dev->as, fn, priv);
}

int amp_dev_reclaim(struct amp_dev *dev, unsigned flags, amp_reclaim_fn fn,
		    void *priv)
{
	int n = 0, ret = AMP_CHECK_DEV(dev);

	if (ret)
		return ret;
	if (flags & ~AMP_RECLAIM_DETACH)
		return amp_err(-EINVAL, "reclaim: unknown flags 0x%x",
			       flags & ~AMP_RECLAIM_DETACH);
	amp_global_lock();
	if (flags & AMP_RECLAIM_DETACH) {
		while (!amp_list_empty(&dev->attachments)) {
			struct amp_attach *a =
				amp_container_of(dev->attachments.next,
						 struct amp_attach, dev_node);

			n += amp_shm_detach_locked(a->shm, dev, true, fn, priv);
		}
	} else {
		struct amp_list *it;

		amp_list_for_each(it, &dev->attachments)
		{
			struct amp_attach *a = amp_container_of(
				it, struct amp_attach, dev_node);

			pthread_mutex_lock(&a->shm->lock);
			n += amp_sync_reclaim_locked(a, fn, priv);
			pthread_mutex_unlock(&a->shm->lock);
		}
	}
	amp_global_unlock();
	return n;
}

void amp_dev_set_owner_listener(struct amp_dev *dev,
				const struct amp_own_listener *l, void *priv)
{
	amp_global_lock();
	dev->own = l;
	dev->own_priv = priv;
	amp_global_unlock();
}
