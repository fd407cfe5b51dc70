/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The physical memory map: the one authority over physical (bus)
 * addresses. Every range of physical addresses ampshm knows is registered
 * here, with the host mapping and the (file, offset) that hold its bytes:
 * the simulated DDR, static regions, the user-import aperture and each
 * import inside it, and every RPMsg/vdev shared region. A new range that
 * overlaps a registered one is refused with a message naming both.
 *
 * A region registered as a container (AMP_PHYS_F_CONTAINER) reserves its
 * range for its owner, who registers sub-regions inside it (the user
 * aperture and its imports); lookups return the innermost region.
 *
 * Device address spaces translate da -> pa; only this map turns a pa into
 * bytes.
 */
#ifndef AMP_CORE_PHYS_H
#define AMP_CORE_PHYS_H

#include <stdbool.h>
#include <ampshm/types.h>

/* The range is reserved for sub-regions; it holds no bytes itself. */
#define AMP_PHYS_F_CONTAINER (1u << 0)
/* A sub-region: it must lie inside a container (its owner's). */
#define AMP_PHYS_F_INSIDE (1u << 1)

struct amp_phys_region {
	amp_pa_t pa;
	uint64_t size;
	void *map; /* host mapping of the whole range (device view), or NULL */
	int fd; /* file holding it, or -1 */
	uint64_t fd_off; /* offset of pa in fd */
	unsigned flags; /* AMP_PHYS_F_* */
	char what[40]; /* for reports: "sysmem", "static/fw", "rpmsg", ... */
};

/*
 * Register a region. -EEXIST (with a message naming the region it would
 * overlap) if [pa, pa+size) overlaps a registered top-level region, or,
 * for a region inside a container, one of the container's sub-regions.
 */
int amp_phys_add(const struct amp_phys_region *r);
/* Unregister the region that starts at @pa (innermost first). */
int amp_phys_remove(amp_pa_t pa);
bool amp_phys_overlaps(amp_pa_t pa, uint64_t size);

/*
 * Copy @len bytes between @buf and physical memory at @pa, under the
 * map's lock (so a region cannot be unmapped during the copy). The range
 * may span adjacent regions. -EFAULT if any byte is not memory.
 */
int amp_phys_rw(amp_pa_t pa, void *buf, uint64_t len, bool write);

/*
 * Host pointer for physical address @pa and the number of bytes from there
 * that stay within the same region (*contig), or NULL if @pa is not memory.
 * The pointer stays valid only while the region stays registered: callers
 * must hold what keeps it (an attachment holds its buffer).
 */
void *amp_phys_ptr(amp_pa_t pa, uint64_t *contig);

/*
 * Copy of the first region that holds bytes (not a container) and ends at
 * or after @pa: the region holding @pa, or the next one above it.
 * -ENOENT if none.
 */
int amp_phys_next(amp_pa_t pa, struct amp_phys_region *out);

/* Copy of the innermost region holding @pa (for passing to a process). */
int amp_phys_lookup(amp_pa_t pa, struct amp_phys_region *out);

#endif
