/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device address spaces: carveout windows (linear) and an optional IOMMU,
 * mapping and translation, and the simulated device's memory accesses,
 * which fault on anything the device was not given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrspace/as_internal.h"
#include "addrspace/iommu.h"
#include "core/error.h"
#include "core/phys.h"
#include "mm/ralloc.h"

#define IOVA_DEFAULT_BASE 0x100000ull /* keep da 0 unmapped */

static bool win_overlap(const struct amp_window *a, const struct amp_window *b)
{
	return a->da <= b->da + (b->size - 1) && b->da <= a->da + (a->size - 1);
}

static int check_windows(const struct amp_dev_config *cfg, uint64_t mask)
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

/*
 * Carveout windows live in the IOMMU's page table too, as remoteproc
 * installs carveouts: their device addresses must never be handed out as
 * IOVAs. Reserve the part of each window that lies inside the IOVA range,
 * wherever the window starts.
 */
static int reserve_window(struct amp_as *as, const struct amp_window *w,
			  uint64_t base, uint64_t size, size_t i)
{
	uint64_t lo = w->da > base ? w->da : base;
	uint64_t w_last = w->da + (w->size - 1), r_last = base + (size - 1);
	uint64_t hi = w_last < r_last ? w_last : r_last;
	int ret;

	if (lo > hi)
		return 0; /* outside the IOVA range */
	ret = amp_ralloc_reserve(as->iova, lo, hi - lo + 1);
	if (ret)
		return amp_err(ret,
			       "dev: cannot keep window %zu [0x%llx, 0x%llx] "
			       "out of the IOVA range",
			       i, (unsigned long long)w->da,
			       (unsigned long long)w_last);
	return 0;
}

static int setup_iommu(struct amp_as *as, const struct amp_dev_config *cfg)
{
	uint64_t base = cfg->iova_base ? cfg->iova_base : IOVA_DEFAULT_BASE;
	uint64_t size = cfg->iova_size;
	int ret;

	if ((base & 0xfff) || base > as->mask)
		return amp_err(-EINVAL,
			       "dev: IOVA base 0x%llx is unaligned "
			       "or beyond the device's reach",
			       (unsigned long long)base);
	if (!size)
		size = as->mask - base + 1; /* as->mask >= base: no overflow */
	if (!size) /* 64-bit device from base 0: 2^64 bytes */
		size = UINT64_MAX - 0xfff;
	if (size & 0xfff || base + (size - 1) > as->mask ||
	    base + (size - 1) < base)
		return amp_err(-EINVAL, "dev: IOVA range is unaligned or "
					"beyond the device's reach");
	as->pgsizes = cfg->iommu_pgsizes ? cfg->iommu_pgsizes :
					   (AMP_PGSIZE_4K | AMP_PGSIZE_2M);
	ret = amp_iommu_create(as->dma_bits, as->pgsizes, &as->mmu);
	if (ret)
		return amp_err(ret, "dev: cannot create the IOMMU");
	ret = amp_ralloc_create(base, size, 4096, &as->iova);
	if (ret)
		return amp_err(ret, "dev: cannot create the IOVA allocator");
	for (size_t i = 0; i < as->nwin; i++) {
		const struct amp_window *w = &as->win[i];

		ret = reserve_window(as, w, base, size, i);
		if (ret)
			return ret;
		ret = amp_iommu_map(as->mmu, w->da, w->pa, w->size,
				    AMP_IOMMU_READ | AMP_IOMMU_WRITE);
		if (ret)
			return amp_err(ret, "dev: cannot map window %zu", i);
	}
	return 0;
}

void amp_as_destroy(struct amp_as *as)
{
	if (!as)
		return;
	while (!amp_list_empty(&as->maps)) {
		struct amp_as_map_rec *m = amp_container_of(
			as->maps.next, struct amp_as_map_rec, node);

		amp_list_del(&m->node);
		free(m);
	}
	if (as->be && as->be->release)
		as->be->release(as->be_priv);
	if (as->mmu)
		amp_iommu_destroy(as->mmu);
	if (as->iova)
		amp_ralloc_destroy(as->iova);
	pthread_mutex_destroy(&as->lock);
	pthread_mutex_destroy(&as->watch_lock);
	free(as->win);
	free(as);
}

int amp_as_create(const struct amp_dev_config *cfg, const char *name,
		  struct amp_as **out)
{
	struct amp_as *as;
	unsigned bits = cfg->dma_bits ? cfg->dma_bits : 64;
	int ret;

	if (bits < 12 || bits > 64)
		return amp_err(-EINVAL, "dev: dma_bits %u out of 12..64", bits);
	if (!cfg->iommu && !cfg->nwindows)
		return amp_err(-EINVAL, "dev: a device needs carveout windows "
					"or an IOMMU to reach memory");
	if (cfg->nwindows && !cfg->windows)
		return amp_err(-EINVAL, "dev: %zu windows but no array",
			       cfg->nwindows);
	ret = check_windows(cfg, bits == 64 ? UINT64_MAX : (1ull << bits) - 1);
	if (ret)
		return ret;
	as = calloc(1, sizeof(*as));
	if (!as)
		return amp_err(-ENOMEM, "dev: out of memory");
	snprintf(as->name, sizeof(as->name), "%s", name);
	as->dma_bits = bits;
	as->mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	amp_list_init(&as->maps);
	pthread_mutex_init(&as->lock, NULL);
	pthread_mutex_init(&as->watch_lock, NULL);
	if (cfg->nwindows) {
		as->win = calloc(cfg->nwindows, sizeof(*as->win));
		if (!as->win) {
			amp_as_destroy(as);
			return amp_err(-ENOMEM, "dev: out of memory");
		}
		memcpy(as->win, cfg->windows, cfg->nwindows * sizeof(*as->win));
		as->nwin = cfg->nwindows;
	}
	if (cfg->iommu) {
		ret = setup_iommu(as, cfg);
		if (ret) {
			amp_as_destroy(as);
			return ret;
		}
	}
	*out = as;
	return 0;
}

unsigned amp_as_dma_bits(const struct amp_as *as)
{
	return as->dma_bits;
}

bool amp_as_has_iommu(const struct amp_as *as)
{
	return as->mmu != NULL;
}

void *amp_as_backend_priv(struct amp_as *as, const struct amp_as_backend *be)
{
	return as->be == be ? as->be_priv : NULL;
}

int amp_as_set_backend(struct amp_as *as, const struct amp_as_backend *be,
		       void *priv)
{
	int ret = 0;

	if (!as->mmu)
		return amp_err(-EINVAL, "dev: '%s' has no IOMMU to back",
			       as->name);
	pthread_mutex_lock(&as->lock);
	if (as->be || !amp_list_empty(&as->maps)) {
		ret = amp_err(-EBUSY,
			      "dev: '%s' already has mappings or a backend",
			      as->name);
	} else {
		as->be = be;
		as->be_priv = priv;
	}
	pthread_mutex_unlock(&as->lock);
	return ret;
}

uint64_t amp_as_fault_count(const struct amp_as *as)
{
	uint64_t n = atomic_load(&as->faults);

	if (as->mmu)
		n += amp_iommu_fault_count(as->mmu);
	return n;
}

/* Window holding [pa, pa+len), or NULL. */
static const struct amp_window *window_of_pa(const struct amp_as *as,
					     amp_pa_t pa, uint64_t len)
{
	for (size_t i = 0; i < as->nwin; i++) {
		const struct amp_window *w = &as->win[i];

		if (pa >= w->pa && pa - w->pa < w->size &&
		    len <= w->size - (pa - w->pa))
			return w;
	}
	return NULL;
}

int amp_as_window_pa_to_da(const struct amp_as *as, amp_pa_t pa, amp_da_t *da)
{
	const struct amp_window *w = window_of_pa(as, pa, 1);

	if (!w)
		return -ERANGE;
	*da = w->da + (pa - w->pa);
	return 0;
}

/* Called with as->lock held. */
static int translate_locked(struct amp_as *as, amp_da_t da, bool write,
			    amp_pa_t *pa, uint64_t *run)
{
	if (as->mmu) {
		unsigned prot;
		int ret = amp_iommu_translate(as->mmu, da, pa, &prot, run);

		if (ret)
			return -EFAULT;
		if (!(prot & (write ? AMP_IOMMU_WRITE : AMP_IOMMU_READ))) {
			atomic_fetch_add(&as->faults, 1);
			return -EACCES;
		}
		return 0;
	}
	for (size_t i = 0; i < as->nwin; i++) {
		const struct amp_window *w = &as->win[i];

		if (da >= w->da && da - w->da < w->size) {
			*pa = w->pa + (da - w->da);
			*run = w->size - (da - w->da);
			return 0;
		}
	}
	atomic_fetch_add(&as->faults, 1);
	return -EFAULT;
}

int amp_as_translate(struct amp_as *as, amp_da_t da, bool write, amp_pa_t *pa,
		     uint64_t *run)
{
	int ret;

	pthread_mutex_lock(&as->lock);
	ret = translate_locked(as, da, write, pa, run);
	pthread_mutex_unlock(&as->lock);
	return ret;
}

int amp_as_access(struct amp_as *as, amp_da_t da, void *buf, size_t len,
		  bool write)
{
	char *p = buf;
	int ret = 0;

	if (len && da + (len - 1) < da)
		return amp_err(-EFAULT, "dev: '%s' access wraps around 2^64",
			       as->name);
	/* The page table cannot change under a copy in flight. */
	pthread_mutex_lock(&as->lock);
	while (len) {
		amp_pa_t pa;
		uint64_t run;
		size_t n;

		ret = translate_locked(as, da, write, &pa, &run);
		if (ret) {
			ret = amp_err(-EFAULT, "dev: '%s' %s %s at da 0x%llx",
				      as->name, write ? "write" : "read",
				      ret == -EACCES ? "not permitted" :
						       "fault",
				      (unsigned long long)da);
			break;
		}
		n = len < run ? len : (size_t)run;
		if (amp_phys_rw(pa, p, n, write)) {
			atomic_fetch_add(&as->faults, 1);
			ret = amp_err(-EFAULT,
				      "dev: '%s' da 0x%llx -> pa "
				      "0x%llx is not memory",
				      as->name, (unsigned long long)da,
				      (unsigned long long)pa);
			break;
		}
		p += n;
		da += n;
		len -= n;
	}
	pthread_mutex_unlock(&as->lock);
	return ret;
}

static int map_windows(struct amp_as *as, const struct amp_sg *pa, size_t n,
		       struct amp_sg *out, size_t *nout)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct amp_window *w =
			window_of_pa(as, pa[i].addr, pa[i].len);
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

static unsigned dir_prot(enum amp_dir dir)
{
	/* The device may only access the buffer in the attached directions. */
	return ((dir & AMP_DIR_TO_DEVICE) ? AMP_DEV_PROT_READ : 0) |
	       ((dir & AMP_DIR_FROM_DEVICE) ? AMP_DEV_PROT_WRITE : 0);
}

static int map_iommu(struct amp_as *as, const struct amp_sg *pa, size_t n,
		     enum amp_dir dir, struct amp_as_map_rec **rec)
{
	uint64_t total = 0, align = 0, done = 0;
	unsigned prot = dir_prot(dir), iprot = 0;
	struct amp_as_map_rec *m;
	amp_da_t base;
	int ret;

	for (size_t i = 0; i < n; i++) {
		if ((pa[i].addr | pa[i].len) & 0xfff)
			return amp_err(-EINVAL,
				       "dev: segment %zu is not page "
				       "aligned",
				       i);
		if (total + pa[i].len < total)
			return amp_err(-EINVAL, "dev: segments overflow");
		total += pa[i].len;
	}
	m = malloc(sizeof(*m) + n * sizeof(m->pa[0]));
	if (!m)
		return amp_err(-ENOMEM, "dev: out of memory");
	if ((as->pgsizes & AMP_PGSIZE_1G) && total >= (1ull << 30))
		align = 1ull << 30;
	else if ((as->pgsizes & AMP_PGSIZE_2M) && total >= (2ull << 20))
		align = 2ull << 20;
	if (amp_ralloc_alloc(as->iova, total, align, 0, &base) &&
	    (!align || amp_ralloc_alloc(as->iova, total, 0, 0, &base))) {
		free(m);
		return amp_err(-ENOSPC,
			       "dev: '%s' has no 0x%llx bytes of IOVA "
			       "space left",
			       as->name, (unsigned long long)total);
	}
	if (prot & AMP_DEV_PROT_READ)
		iprot |= AMP_IOMMU_READ;
	if (prot & AMP_DEV_PROT_WRITE)
		iprot |= AMP_IOMMU_WRITE;
	for (size_t i = 0; i < n; i++) {
		ret = amp_iommu_map(as->mmu, base + done, pa[i].addr, pa[i].len,
				    iprot);
		if (ret) {
			if (done)
				amp_iommu_unmap(as->mmu, base, done);
			amp_ralloc_free(as->iova, base, total);
			free(m);
			return amp_err(ret, "dev: IOMMU map failed");
		}
		done += pa[i].len;
	}
	if (as->be) {
		ret = as->be->map(as->be_priv, base, pa, n, prot);
		if (ret) {
			amp_iommu_unmap(as->mmu, base, total);
			amp_ralloc_free(as->iova, base, total);
			free(m);
			return ret;
		}
	}
	m->iova = base;
	m->len = total;
	m->prot = prot;
	m->npa = n;
	memcpy(m->pa, pa, n * sizeof(*pa));
	amp_list_add_tail(&as->maps, &m->node);
	*rec = m;
	return 0;
}

int amp_as_map(struct amp_as *as, const struct amp_sg *pa, size_t n,
	       enum amp_dir dir, struct amp_sg **da, size_t *nda,
	       amp_da_t *iova, uint64_t *iova_len)
{
	struct amp_sg *out = calloc(n ? n : 1, sizeof(*out));
	struct amp_as_map_rec *rec = NULL;
	int ret;

	if (!out)
		return amp_err(-ENOMEM, "dev: out of memory");
	*iova = 0;
	*iova_len = 0;
	pthread_mutex_lock(&as->lock);
	if (as->mmu) {
		ret = map_iommu(as, pa, n, dir, &rec);
		if (!ret) {
			out[0] = (struct amp_sg){ rec->iova, rec->len };
			*nda = 1;
			*iova = rec->iova;
			*iova_len = rec->len;
		}
	} else {
		ret = map_windows(as, pa, n, out, nda);
	}
	pthread_mutex_unlock(&as->lock);
	if (ret) {
		free(out);
		return ret;
	}
	if (rec)
		amp_as_notify(as, rec, true);
	*da = out;
	return 0;
}

void amp_as_unmap(struct amp_as *as, amp_da_t iova, uint64_t len)
{
	struct amp_as_map_rec *m = NULL;
	struct amp_list *n;

	if (!as->mmu || !len)
		return;
	pthread_mutex_lock(&as->lock);
	amp_list_for_each(n, &as->maps)
	{
		struct amp_as_map_rec *r =
			amp_container_of(n, struct amp_as_map_rec, node);

		if (r->iova == iova && r->len == len) {
			m = r;
			break;
		}
	}
	pthread_mutex_unlock(&as->lock);
	/* Watchers let go of the run before the device loses it. */
	if (m)
		amp_as_notify(as, m, false);
	pthread_mutex_lock(&as->lock);
	if (m)
		amp_list_del(&m->node);
	if (as->be)
		as->be->unmap(as->be_priv, iova, len);
	amp_iommu_unmap(as->mmu, iova, len);
	amp_ralloc_free(as->iova, iova, len);
	pthread_mutex_unlock(&as->lock);
	free(m);
}
