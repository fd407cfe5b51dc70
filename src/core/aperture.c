/* SPDX-License-Identifier: BSD-3-Clause */
#include "core/aperture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "mm/ralloc.h"
#include "port/linux/mem.h"

#define HUGE_2M (2ull << 20)

static int aperture_init(struct amp_aperture *ap)
{
	struct amp_phys_region pr = { .pa = ap->pa,
				      .size = ap->size,
				      .fd = -1,
				      .flags = AMP_PHYS_F_CONTAINER };
	int ret;

	if (ap->ra)
		return 0;
	snprintf(pr.what, sizeof(pr.what), "%s", ap->what);
	ret = amp_phys_add(&pr);
	if (ret)
		return ret;
	ret = amp_ralloc_create(ap->pa, ap->size, 4096, &ap->ra);
	if (ret) {
		amp_phys_remove(ap->pa);
		return amp_err(ret, "cannot create the %s", ap->what);
	}
	return 0;
}

int amp_aperture_alloc(struct amp_aperture *ap, uint64_t size, amp_pa_t *pa)
{
	int ret = aperture_init(ap);

	if (ret)
		return ret;
	if (amp_ralloc_alloc(ap->ra, size, size >= HUGE_2M ? HUGE_2M : 0, 0,
			     pa))
		return amp_err(-ENOSPC, "the %s is full (0x%llx bytes asked)",
			       ap->what, (unsigned long long)size);
	return 0;
}

void amp_aperture_free(struct amp_aperture *ap, amp_pa_t pa, uint64_t size)
{
	if (ap->ra)
		amp_ralloc_free(ap->ra, pa, size);
}

int amp_aperture_buf_init(struct amp_aperture *ap, struct amp_aperture_buf *b,
			  struct amp_shm *shm, int fd, uint64_t off,
			  uint64_t len, void *cpu_va, size_t page_size,
			  const char *what)
{
	struct amp_phys_region pr = {
		.size = len, .fd = fd, .fd_off = off, .flags = AMP_PHYS_F_INSIDE
	};
	int ret;

	*b = (struct amp_aperture_buf){ .len = len };
	ret = amp_aperture_alloc(ap, len, &b->pa);
	if (ret)
		return ret;
	ret = amp_linux_map_fd(fd, off, len, &b->devmap);
	if (ret) {
		amp_err(ret, "%s: cannot map its memory", what);
		goto err_pa;
	}
	if (cpu_va) {
		shm->va = cpu_va;
	} else {
		struct amp_map_piece p = { fd, off, len };

		ret = amp_linux_map_pieces(&p, 1, len, 0, &shm->va);
		if (ret) {
			amp_err(ret, "%s: cannot map it for the CPU", what);
			goto err_devmap;
		}
		b->own_cpu_map = true;
	}
	pr.pa = b->pa;
	pr.map = b->devmap;
	snprintf(pr.what, sizeof(pr.what), "%s", what);
	ret = amp_phys_add(&pr);
	if (ret)
		goto err_cpumap;
	shm->segs = calloc(1, sizeof(*shm->segs));
	if (!shm->segs) {
		ret = amp_err(-ENOMEM, "%s: out of memory", what);
		goto err_phys;
	}
	shm->segs[0] = (struct amp_cpu_seg){ shm->va, b->pa, len, 0 };
	shm->nsegs = 1;
	shm->size = len;
	shm->page_size = page_size;
	return 0;
err_phys:
	amp_phys_remove(b->pa);
err_cpumap:
	if (b->own_cpu_map)
		amp_linux_unmap(shm->va, len);
	shm->va = NULL;
err_devmap:
	amp_linux_unmap(b->devmap, len);
err_pa:
	amp_aperture_free(ap, b->pa, len);
	return ret;
}

void amp_aperture_buf_fini(struct amp_aperture *ap, struct amp_aperture_buf *b,
			   struct amp_shm *shm)
{
	amp_phys_remove(b->pa);
	if (b->own_cpu_map)
		amp_linux_unmap(shm->va, b->len);
	amp_linux_unmap(b->devmap, b->len);
	amp_aperture_free(ap, b->pa, b->len);
	free(shm->segs);
	shm->segs = NULL;
	shm->nsegs = 0;
}
