/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The physical memory map: which host mapping holds each range of
 * physical (bus) addresses. Providers register the memory they manage
 * (simulated DDR, static regions, imported user memory); the device layer
 * uses it to perform a simulated device's accesses, and a remote process
 * can be given the same (fd, offset) pieces to map.
 */
#ifndef AMP_CORE_PHYS_H
#define AMP_CORE_PHYS_H

#include <stdbool.h>
#include <ampshm/types.h>

struct amp_phys_region {
	amp_pa_t pa;
	uint64_t size;
	void *map; /* host mapping of the whole range (device view) */
	int fd; /* file holding it, or -1 */
	uint64_t fd_off; /* offset of pa in fd */
	char what[40]; /* for reports */
};

/* -EEXIST if [pa, pa+size) overlaps a registered range. */
int amp_phys_add(const struct amp_phys_region *r);
int amp_phys_remove(amp_pa_t pa);
bool amp_phys_overlaps(amp_pa_t pa, uint64_t size);

/*
 * Host pointer for physical address @pa and the number of bytes from there
 * that stay within the same region (*contig), or NULL if @pa is not memory.
 */
void *amp_phys_ptr(amp_pa_t pa, uint64_t *contig);

/* Copy of the region holding @pa (for passing to another process). */
int amp_phys_lookup(amp_pa_t pa, struct amp_phys_region *out);

#endif
