/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounce mode: a device that cannot reach a buffer (or is configured to
 * always bounce) works on its own copy, in memory it can reach, which only
 * the hand-overs bring up to date. The copies read and write the buffer
 * through the physical map's mapping of its memory, never through its CPU
 * mapping, which the ownership checker may have made inaccessible (the
 * bounce copy's own mapping is the library's and never protected).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "port/linux/mem.h"

/*
 * Bounce buffer the device can reach: high memory first, then low memory
 * (the part a narrow device can address).
 */
int amp_bounce_setup(struct amp_attach *a)
{
	static const unsigned how[] = { 0, AMP_SYSMEM_LOW };
	uint64_t size = a->shm->size;
	int ret = -ERANGE, err = 0;

	for (size_t i = 0; i < 2 && ret; i++) {
		struct amp_sg sg;
		amp_pa_t pa;

		err = amp_sysmem_alloc_contig(size, 0, how[i], &pa);
		if (err)
			continue;
		sg = (struct amp_sg){ pa, size };
		ret = amp_as_map(a->dev->as, &sg, 1, a->dir, &a->da_sg, &a->nda,
				 &a->iova, &a->iova_len);
		if (ret) {
			amp_sysmem_free_range(pa, size);
			if (ret != -ERANGE)
				return ret; /* e.g. IOVA space full */
			continue;
		}
		a->bounce.pa = pa;
		a->bounce.size = size;
		ret = amp_sysmem_map(pa, size, &a->bounce.va);
		if (ret) {
			amp_as_unmap(a->dev->as, a->iova, a->iova_len);
			free(a->da_sg);
			amp_sysmem_free_range(pa, size);
			return amp_err(ret, "attach: cannot map the bounce "
					    "buffer");
		}
	}
	if (ret && err && err != -ENOMEM)
		return err;
	if (ret)
		return amp_err(err ? err : -ERANGE,
			       "attach: no memory '%s' can reach for a "
			       "0x%llx-byte bounce buffer",
			       a->dev->name, (unsigned long long)size);
	a->bounced = true;
	return 0;
}

void amp_bounce_teardown(struct amp_attach *a)
{
	if (!a->bounced)
		return;
	amp_linux_unmap(a->bounce.va, a->bounce.size);
	amp_sysmem_free_range(a->bounce.pa, a->bounce.size);
	a->bounced = false;
}

/* Copy [off, off+len) between the buffer and its bounce copy. The caller
 * checked the range, so a failure here means the buffer has no CPU
 * mapping there: say so rather than hand over stale bytes. */
static int bounce_copy(struct amp_attach *a, uint64_t off, uint64_t len,
		       bool to_device)
{
	while (len) {
		uint64_t contig, c_buf = 0, n;
		char *buf, *dev;
		amp_pa_t pa;

		buf = amp_shm_offset_to_pa(a->shm, off, &pa, &contig) ?
			      NULL :
			      amp_phys_ptr(pa, &c_buf);
		if (!buf)
			return amp_err(-EFAULT,
				       "bounce: '%s' has no CPU mapping at "
				       "offset 0x%llx",
				       a->shm->name, (unsigned long long)off);
		/* The bounce copy's own mapping is never protected. */
		dev = (char *)a->bounce.va + off;
		n = len < contig ? len : contig;
		n = n < c_buf ? n : c_buf;
		if (to_device)
			memcpy(dev, buf, n);
		else
			memcpy(buf, dev, n);
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Every direction seeds the device's copy (as Linux's swiotlb does): bytes
 * a FROM_DEVICE transfer leaves unwritten come back unchanged instead of
 * as stale bounce contents.
 */
static int bounce_to_device(const struct amp_sync *s, void *priv)
{
	(void)priv;
	if (!s->a->bounced)
		return 0;
	return bounce_copy(s->a, s->off, s->len, true);
}

static int bounce_to_cpu(const struct amp_sync *s, void *priv)
{
	(void)priv;
	if (!s->a->bounced || !(s->dir & AMP_DIR_FROM_DEVICE))
		return 0;
	return bounce_copy(s->a, s->off, s->len, false);
}

const struct amp_own_listener amp_bounce_listener = {
	.name = "bounce",
	.to_device = bounce_to_device,
	.to_cpu = bounce_to_cpu,
};
