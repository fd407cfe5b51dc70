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

#include <stdbool.h>
#include <stddef.h>

#include <ampshm/types.h>

struct amp_ralloc;
struct amp_shm;

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

/*
 * One buffer in an aperture: its range, the library's mapping of its
 * memory (what devices reach, through the physical map) and whether the
 * CPU mapping is the library's own.
 */
struct amp_aperture_buf {
	amp_pa_t pa;
	uint64_t len;
	void *devmap;
	bool own_cpu_map;
};

/*
 * Number @len bytes of @fd from @off in @ap, map them for devices
 * (registered in the physical map as @what) and for the CPU (at @cpu_va
 * if the caller has a shared mapping already, else a new one), and make
 * them @shm's one segment. Global lock held. 0 or -errno with a message;
 * nothing is left on failure.
 */
int amp_aperture_buf_init(struct amp_aperture *ap, struct amp_aperture_buf *b,
			  struct amp_shm *shm, int fd, uint64_t off,
			  uint64_t len, void *cpu_va, size_t page_size,
			  const char *what);
/* Undo amp_aperture_buf_init(). */
void amp_aperture_buf_fini(struct amp_aperture *ap, struct amp_aperture_buf *b,
			   struct amp_shm *shm);

#endif
