/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pseudo-physical aperture: memory whose real physical pages user space
 * cannot know (imports of the application's memory, dma-heap buffers) is
 * numbered in a range of the physical map reserved as a container, one
 * sub-region per buffer. Like real user pages, only an IOMMU or a bounce
 * copy reaches it.
 */
#ifndef AMP_CORE_APERTURE_H
#define AMP_CORE_APERTURE_H

#include <ampshm/types.h>

struct amp_ralloc;

struct amp_aperture {
	amp_pa_t pa;
	uint64_t size;
	const char *what; /* "user aperture", ... */
	struct amp_ralloc *ra; /* set up on first use */
};

/*
 * A range of @size bytes (2 MiB aligned from 2 MiB on, for IOMMU blocks),
 * registering the aperture on first use. Global lock held. 0 or -errno
 * with a message.
 */
int amp_aperture_alloc(struct amp_aperture *ap, uint64_t size, amp_pa_t *pa);
void amp_aperture_free(struct amp_aperture *ap, amp_pa_t pa, uint64_t size);

#endif
