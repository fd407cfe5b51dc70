/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devices and their address spaces: carveout windows (linear) and an
 * optional IOMMU, translation both ways, and the simulated device's
 * memory accesses, which fault on anything it was not given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrspace/device_internal.h"
#include "addrspace/iommu.h"
#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "mm/ralloc.h"

#define IOVA_DEFAULT_BASE 0x100000ull /* keep da 0 unmapped */

static bool win_overlap(const struct amp_window *a, const struct amp_window *b)
{
	return a->da <= b->da + (b->size - 1) && b->da <= a->da + (a->size - 1);
}

static int check_config(const struct amp_dev_config *cfg, uint64_t mask)
{
	for (size_t i = 0; i < cfg->nwindows; i++) {
		const struct amp_window *w = &cfg->windows[i];

		if (!w->size || w->da + (w->size - 1) < w->da ||
		    w->pa + (w->size - 1) < w->pa)
			return amp_err(-EINVAL,
				       "dev: window %zu is empty or "
				       "wraps around 2^64",
				       i);
		if (w->da + (w->size - 1) > mask)
			return amp_err(-EINVAL,
				       "dev: window %zu ends beyond "
				       "the device's %u-bit reach",
				       i, cfg->dma_bits ? cfg->dma_bits : 64);
		if (cfg->iommu && ((w->da | w->pa | w->size) & 0xfff))
			return amp_err(-EINVAL,
				       "dev: window %zu is not page "
				       "aligned (needed with an IOMMU)",
				       i);
		for (size_t j = 0; j < i; j++)
			if (win_overlap(w, &cfg->windows[j]))
				return amp_err(-EINVAL,
					       "dev: windows %zu and "
					       "%zu overlap",
					       j, i);
	}
	return 0;
}

static int setup_iommu(struct amp_dev *d, const struct amp_dev_config *cfg)
{
	uint64_t base = cfg->iova_base ? cfg->iova_base : IOVA_DEFAULT_BASE;
	uint64_t size = cfg->iova_size;
	int ret;

	if ((base & 0xfff) || base > d->mask)
		return amp_err(-EINVAL,
			       "dev: IOVA base 0x%llx is unaligned "
			       "or beyond the device's reach",
			       (unsigned long long)base);
	if (!size)
		size = d->mask - base + 1; /* d->mask >= base: no overflow */
	if (!size) /* 64-bit device from base 0: 2^64 bytes */
		size = UINT64_MAX - 0xfff;
	if (size & 0xfff || base + (size - 1) > d->mask ||
	    base + (size - 1) < base)
		return amp_err(-EINVAL, "dev: IOVA range is unaligned or "
					"beyond the device's reach");
	d->pgsizes = cfg->iommu_pgsizes ? cfg->iommu_pgsizes :
					  (AMP_PGSIZE_4K | AMP_PGSIZE_2M);
	ret = amp_iommu_create(d->dma_bits, d->pgsizes, &d->mmu);
	if (ret)
		return amp_err(ret, "dev: cannot create the IOMMU");
	ret = amp_ralloc_create(base, size, 4096, &d->iova);
	if (ret)
		return ret;
	/* Carveout windows are installed in the IOMMU, like remoteproc does. */
	for (size_t i = 0; i < d->nwin; i++) {
		const struct amp_window *w = &d->win[i];

		if (w->da >= base && w->da - base < size)
			amp_ralloc_reserve(d->iova, w->da, w->size);
		ret = amp_iommu_map(d->mmu, w->da, w->pa, w->size,
				    AMP_IOMMU_READ | AMP_IOMMU_WRITE);
		if (ret)
			return amp_err(ret, "dev: cannot map window %zu", i);
	}
	return 0;
}

static void dev_free(struct amp_dev *d)
{
	if (d->mmu)
		amp_iommu_destroy(d->mmu);
	if (d->iova)
		amp_ralloc_destroy(d->iova);
	pthread_mutex_destroy(&d->lock);
	free(d->win);
	free(d);
}

int amp_dev_create(const struct amp_dev_config *cfg, struct amp_dev **dev)
{
	struct amp_dev *d;
	unsigned bits;
	int ret;

	if (!cfg || !dev)
		return amp_err(-EINVAL, "dev: config and result are required");
	bits = cfg->dma_bits ? cfg->dma_bits : 64;
	if (bits < 12 || bits > 64)
		return amp_err(-EINVAL, "dev: dma_bits %u out of 12..64", bits);
	if (!cfg->iommu && !cfg->nwindows)
		return amp_err(-EINVAL, "dev: a device needs carveout windows "
					"or an IOMMU to reach memory");
	if (cfg->bounce > AMP_BOUNCE_ALWAYS)
		return amp_err(-EINVAL, "dev: bad bounce policy");
	ret = check_config(cfg, bits == 64 ? UINT64_MAX : (1ull << bits) - 1);
	if (ret)
		return ret;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "%s", cfg->name ? cfg->name : "dev");
	d->dma_bits = bits;
	d->mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	d->bounce = cfg->bounce;
	amp_list_init(&d->attachments);
	pthread_mutex_init(&d->lock, NULL);
	if (cfg->nwindows) {
		d->win = calloc(cfg->nwindows, sizeof(*d->win));
		if (!d->win) {
			dev_free(d);
			return -ENOMEM;
		}
		memcpy(d->win, cfg->windows, cfg->nwindows * sizeof(*d->win));
		d->nwin = cfg->nwindows;
	}
	if (cfg->iommu) {
		ret = setup_iommu(d, cfg);
		if (ret) {
			dev_free(d);
			return ret;
		}
	}
	*dev = d;
	return 0;
}

int amp_dev_destroy(struct amp_dev *dev)
{
	int ret = 0;

	if (!dev)
		return -EINVAL;
	amp_global_lock();
	if (dev->nattach)
		ret = amp_err(-EBUSY,
			      "dev: '%s' still has %u buffer(s) "
			      "attached",
			      dev->name, dev->nattach);
	amp_global_unlock();
	if (!ret)
		dev_free(dev);
	return ret;
}

const char *amp_dev_name(const struct amp_dev *dev)
{
	return dev->name;
}

uint64_t amp_dev_fault_count(const struct amp_dev *dev)
{
	uint64_t n = atomic_load(&dev->faults);

	if (dev->mmu)
		n += amp_iommu_fault_count(dev->mmu);
	return n;
}

/* Window holding [pa, pa+len), or NULL. */
static const struct amp_window *window_of_pa(const struct amp_dev *d,
					     amp_pa_t pa, uint64_t len)
{
	for (size_t i = 0; i < d->nwin; i++) {
		const struct amp_window *w = &d->win[i];

		if (pa >= w->pa && pa - w->pa < w->size &&
		    len <= w->size - (pa - w->pa))
			return w;
	}
	return NULL;
}

/*
 * Translate @da for an access of @want bytes: physical address and how
 * many bytes from there are contiguous. Called with d->lock held.
 */
static int translate(struct amp_dev *d, amp_da_t da, bool write, amp_pa_t *pa,
		     uint64_t *run)
{
	if (d->mmu) {
		unsigned prot;
		int ret = amp_iommu_translate(d->mmu, da, pa, &prot, run);

		if (ret)
			return -EFAULT;
		if (!(prot & (write ? AMP_IOMMU_WRITE : AMP_IOMMU_READ))) {
			atomic_fetch_add(&d->faults, 1);
			return -EACCES;
		}
		return 0;
	}
	for (size_t i = 0; i < d->nwin; i++) {
		const struct amp_window *w = &d->win[i];

		if (da >= w->da && da - w->da < w->size) {
			*pa = w->pa + (da - w->da);
			*run = w->size - (da - w->da);
			return 0;
		}
	}
	atomic_fetch_add(&d->faults, 1);
	return -EFAULT;
}

int amp_dev_da_to_pa(struct amp_dev *dev, amp_da_t da, amp_pa_t *pa)
{
	uint64_t run;
	int ret;

	pthread_mutex_lock(&dev->lock);
	ret = translate(dev, da, false, pa, &run);
	pthread_mutex_unlock(&dev->lock);
	if (ret)
		return amp_err(-EFAULT,
			       "dev: '%s' has nothing mapped at da "
			       "0x%llx",
			       dev->name, (unsigned long long)da);
	return 0;
}

int amp_dev_pa_to_da(struct amp_dev *dev, amp_pa_t pa, amp_da_t *da)
{
	const struct amp_window *w = window_of_pa(dev, pa, 1);
	struct amp_list *n;
	int ret = -ERANGE;

	if (w) {
		*da = w->da + (pa - w->pa);
		return 0;
	}
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

/* The simulated device's accesses, run by run. */
static int dev_access(struct amp_dev *d, amp_da_t da, void *buf, size_t len,
		      bool write)
{
	char *p = buf;
	int ret = 0;

	if (da + len < da && len)
		return amp_err(-EFAULT, "dev: access wraps around 2^64");
	pthread_mutex_lock(&d->lock);
	while (len) {
		amp_pa_t pa;
		uint64_t run, contig;
		size_t n;
		char *host;

		ret = translate(d, da, write, &pa, &run);
		if (ret) {
			amp_err(-EFAULT, "dev: '%s' %s fault at da 0x%llx",
				d->name, write ? "write" : "read",
				(unsigned long long)da);
			ret = -EFAULT;
			break;
		}
		host = amp_phys_ptr(pa, &contig);
		if (!host) {
			atomic_fetch_add(&d->faults, 1);
			ret = amp_err(-EFAULT,
				      "dev: '%s' da 0x%llx -> pa "
				      "0x%llx is not memory",
				      d->name, (unsigned long long)da,
				      (unsigned long long)pa);
			break;
		}
		n = len;
		if (n > run)
			n = (size_t)run;
		if (n > contig)
			n = (size_t)contig;
		if (write)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		p += n;
		da += n;
		len -= n;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int amp_dev_read(struct amp_dev *dev, amp_da_t da, void *buf, size_t len)
{
	return dev_access(dev, da, buf, len, false);
}

int amp_dev_write(struct amp_dev *dev, amp_da_t da, const void *buf, size_t len)
{
	return dev_access(dev, da, (void *)buf, len, true);
}

int amp_dev_ptr(struct amp_dev *dev, amp_da_t da, size_t len, void **ptr)
{
	amp_pa_t pa;
	uint64_t run, contig;
	void *host;
	int ret;

	pthread_mutex_lock(&dev->lock);
	ret = translate(dev, da, false, &pa, &run);
	pthread_mutex_unlock(&dev->lock);
	if (ret)
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

static int map_windows(struct amp_dev *d, const struct amp_sg *pa, size_t n,
		       struct amp_sg *out, size_t *nout)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct amp_window *w =
			window_of_pa(d, pa[i].addr, pa[i].len);
		amp_da_t da;

		if (!w)
			return -ERANGE;
		da = w->da + (pa[i].addr - w->pa);
		if (k && out[k - 1].addr + out[k - 1].len == da)
			out[k - 1].len += pa[i].len;
		else
			out[k++] = (struct amp_sg){ da, pa[i].len };
	}
	*nout = k;
	return 0;
}

static int map_iommu(struct amp_dev *d, const struct amp_sg *pa, size_t n,
		     enum amp_dir dir, struct amp_sg *out, amp_da_t *iova,
		     uint64_t *iova_len)
{
	uint64_t total = 0, align = 0, done = 0;
	unsigned prot = 0;
	amp_da_t base;
	int ret;

	for (size_t i = 0; i < n; i++) {
		if ((pa[i].addr | pa[i].len) & 0xfff)
			return amp_err(-EINVAL,
				       "dev: segment %zu is not page "
				       "aligned",
				       i);
		total += pa[i].len;
	}
	if ((d->pgsizes & AMP_PGSIZE_1G) && total >= (1ull << 30))
		align = 1ull << 30;
	else if ((d->pgsizes & AMP_PGSIZE_2M) && total >= (2ull << 20))
		align = 2ull << 20;
	if (amp_ralloc_alloc(d->iova, total, align, 0, &base) &&
	    (!align || amp_ralloc_alloc(d->iova, total, 0, 0, &base)))
		return amp_err(-ENOSPC,
			       "dev: '%s' has no 0x%llx bytes of IOVA "
			       "space left",
			       d->name, (unsigned long long)total);
	/* The device may only access the buffer in the attached directions. */
	if (dir & AMP_DIR_TO_DEVICE)
		prot |= AMP_IOMMU_READ;
	if (dir & AMP_DIR_FROM_DEVICE)
		prot |= AMP_IOMMU_WRITE;
	for (size_t i = 0; i < n; i++) {
		ret = amp_iommu_map(d->mmu, base + done, pa[i].addr, pa[i].len,
				    prot);
		if (ret) {
			if (done)
				amp_iommu_unmap(d->mmu, base, done);
			amp_ralloc_free(d->iova, base, total);
			return amp_err(ret, "dev: IOMMU map failed");
		}
		done += pa[i].len;
	}
	out[0] = (struct amp_sg){ base, total };
	*iova = base;
	*iova_len = total;
	return 0;
}

int amp_dev_map(struct amp_dev *dev, const struct amp_sg *pa, size_t n,
		enum amp_dir dir, struct amp_sg **da, size_t *nda,
		amp_da_t *iova, uint64_t *iova_len)
{
	struct amp_sg *out = calloc(n ? n : 1, sizeof(*out));
	int ret;

	if (!out)
		return -ENOMEM;
	*iova = 0;
	*iova_len = 0;
	pthread_mutex_lock(&dev->lock);
	if (dev->mmu) {
		ret = map_iommu(dev, pa, n, dir, out, iova, iova_len);
		*nda = 1;
	} else {
		ret = map_windows(dev, pa, n, out, nda);
	}
	pthread_mutex_unlock(&dev->lock);
	if (ret) {
		free(out);
		return ret;
	}
	*da = out;
	return 0;
}

void amp_dev_unmap(struct amp_dev *dev, amp_da_t iova, uint64_t len)
{
	if (!dev->mmu || !len)
		return;
	pthread_mutex_lock(&dev->lock);
	amp_iommu_unmap(dev->mmu, iova, len);
	amp_ralloc_free(dev->iova, iova, len);
	pthread_mutex_unlock(&dev->lock);
}
