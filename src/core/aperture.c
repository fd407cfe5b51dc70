/* SPDX-License-Identifier: BSD-3-Clause */
#include "core/aperture.h"

#include <errno.h>
#include <stdio.h>

#include "core/error.h"
#include "core/phys.h"
#include "mm/ralloc.h"

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
