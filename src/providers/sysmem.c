/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "sysmem" provider: application-processor system memory.
 *
 * On a Linux host the DDR is simulated: one memfd (sparse, optionally on
 * 2 MiB huge pages) numbered from a physical base. The default layout,
 * 4 GiB from 0x80000000, straddles the 4 GiB line like a real SoC's DDR:
 * its low 2 GiB are reachable by 32-bit devices, the rest is not.
 * Ordinary buffers are taken from the top down (high memory first, the
 * way Linux keeps low memory for devices that need it); bounce buffers for
 * narrow devices come from the bottom up.
 *
 * Contiguous buffers (AMP_SHM_F_CONTIG) are one physical range, like CMA.
 * Other buffers are built from pieces of at most 2 MiB taken from
 * wherever memory is free, like the system dma-buf heap: physically
 * scattered, virtually contiguous for the CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/error.h"
#include "core/parse.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "mm/ralloc.h"
#include "port/linux/mem.h"

#define SYSMEM_DEFAULT_PA 0x80000000ull
#define SYSMEM_DEFAULT_SIZE (4ull << 30)
#define PIECE_MAX AMP_HUGE_2M

static struct {
	pthread_mutex_t lock;
	bool ready;
	struct amp_sysmem_config cfg;
	int fd;
	size_t page_size;
	void *map; /* the whole DDR: the devices' view */
	struct amp_ralloc *ra;
	bool configured; /* by amp_sysmem_configure() */
} ddr = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cfg = { .pa = SYSMEM_DEFAULT_PA, .size = SYSMEM_DEFAULT_SIZE },
	.fd = -1,
};

/*
 * AMPSHM_SYSMEM_SIZE (bytes, or with a K/M/G suffix) sizes the simulated
 * DDR when the application did not configure it.
 */
static int env_size(void)
{
	const char *e = getenv("AMPSHM_SYSMEM_SIZE");
	uint64_t v;

	if (!e || !*e || ddr.configured)
		return 0;
	if (amp_parse_size(e, &v) || !v || (v & 0xfff) || v > (1ull << 46))
		return amp_err(-EINVAL,
			       "sysmem: AMPSHM_SYSMEM_SIZE='%s' is not a page "
			       "multiple between 4K and 64T",
			       e);
	ddr.cfg.size = v;
	return 0;
}

static int ddr_init_locked(void)
{
	struct amp_phys_region r = { 0 };
	int fd, ret;

	if (ddr.ready)
		return 0;
	ret = env_size();
	if (ret)
		return ret;
	fd = amp_linux_memfd("ampshm-sysmem", ddr.cfg.size, ddr.cfg.huge,
			     &ddr.page_size);
	if (fd < 0)
		return amp_err(fd,
			       "sysmem: cannot create the 0x%llx-byte file of "
			       "the simulated DDR: shrink it with "
			       "amp_sysmem_configure() or AMPSHM_SYSMEM_SIZE "
			       "(e.g. 512M)",
			       (unsigned long long)ddr.cfg.size);
	ret = amp_linux_map_fd(fd, 0, ddr.cfg.size, &ddr.map);
	if (ret) {
		amp_err(ret,
			"sysmem: cannot reserve 0x%llx bytes of address space "
			"for the simulated DDR at pa 0x%llx (a limit such as "
			"ulimit -v?): shrink it with amp_sysmem_configure() "
			"or AMPSHM_SYSMEM_SIZE (e.g. 512M)",
			(unsigned long long)ddr.cfg.size,
			(unsigned long long)ddr.cfg.pa);
		goto err_fd;
	}
	ret = amp_ralloc_create(ddr.cfg.pa, ddr.cfg.size, ddr.page_size,
				&ddr.ra);
	if (ret)
		goto err_map;
	r.pa = ddr.cfg.pa;
	r.size = ddr.cfg.size;
	r.map = ddr.map;
	r.fd = fd;
	r.fd_off = 0;
	snprintf(r.what, sizeof(r.what), "sysmem");
	ret = amp_phys_add(&r); /* names the region in the way */
	if (ret)
		goto err_ra;
	ddr.fd = fd;
	ddr.ready = true;
	return 0;
err_ra:
	amp_ralloc_destroy(ddr.ra);
err_map:
	amp_linux_unmap(ddr.map, ddr.cfg.size);
err_fd:
	close(fd);
	return ret;
}

int amp_sysmem_configure(const struct amp_sysmem_config *cfg)
{
	int ret = 0;

	if (!cfg)
		return amp_err(-EINVAL, "sysmem: NULL configuration");
	pthread_mutex_lock(&ddr.lock);
	if (ddr.ready) {
		ret = amp_err(-EBUSY, "sysmem: already in use, configure it "
				      "before the first buffer");
	} else if (!cfg->size || (cfg->size & 0xfff) || (cfg->pa & 0xfff) ||
		   cfg->pa + (cfg->size - 1) < cfg->pa) {
		ret = amp_err(-EINVAL, "sysmem: base and size must be page "
				       "aligned and fit in 64 bits");
	} else {
		ddr.cfg = *cfg;
		ddr.configured = true;
	}
	pthread_mutex_unlock(&ddr.lock);
	return ret;
}

uint64_t amp_sysmem_free_bytes(void)
{
	uint64_t n;

	pthread_mutex_lock(&ddr.lock);
	n = ddr_init_locked() ? 0 : amp_ralloc_free_bytes(ddr.ra);
	pthread_mutex_unlock(&ddr.lock);
	return n;
}

static int alloc_contig_locked(uint64_t size, uint64_t align, unsigned how,
			       amp_pa_t *pa)
{
	if (amp_ralloc_alloc(ddr.ra, size, align,
			     (how & AMP_SYSMEM_LOW) ? 0 : AMP_RALLOC_TOPDOWN,
			     pa))
		return amp_err(-ENOMEM,
			       "sysmem: no contiguous 0x%llx bytes "
			       "free (largest piece 0x%llx)",
			       (unsigned long long)size,
			       (unsigned long long)amp_ralloc_largest(ddr.ra));
	return 0;
}

int amp_sysmem_alloc_contig(uint64_t size, uint64_t align, unsigned how,
			    amp_pa_t *pa)
{
	int ret;

	pthread_mutex_lock(&ddr.lock);
	ret = ddr_init_locked();
	if (!ret)
		ret = alloc_contig_locked(size, align, how, pa);
	pthread_mutex_unlock(&ddr.lock);
	return ret;
}

/* Freed memory reads as zero again, and its pages go back. */
static void free_range_locked(amp_pa_t pa, uint64_t size)
{
	amp_linux_discard(ddr.fd, pa - ddr.cfg.pa, size);
	amp_ralloc_free(ddr.ra, pa, size);
}

void amp_sysmem_free_range(amp_pa_t pa, uint64_t size)
{
	pthread_mutex_lock(&ddr.lock);
	free_range_locked(pa, size);
	pthread_mutex_unlock(&ddr.lock);
}

int amp_sysmem_map(amp_pa_t pa, uint64_t size, void **va)
{
	struct amp_map_piece p = { ddr.fd, pa - ddr.cfg.pa, size };

	return amp_linux_map_pieces(&p, 1, size, 0, va);
}

static int cmp_seg_pa(const void *a, const void *b)
{
	const struct amp_cpu_seg *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/*
 * Give a buffer's pieces back. Scattered pieces are often neighbours in
 * physical memory (in another order than in the buffer): sorted and merged,
 * a 1 GiB buffer goes back in a few calls instead of one per piece.
 */
static void free_segs(struct amp_shm *shm)
{
	size_t i = 0;

	qsort(shm->segs, shm->nsegs, sizeof(*shm->segs), cmp_seg_pa);
	pthread_mutex_lock(&ddr.lock);
	while (i < shm->nsegs) {
		amp_pa_t pa = shm->segs[i].pa;
		uint64_t len = shm->segs[i].len;

		for (i++; i < shm->nsegs && shm->segs[i].pa == pa + len; i++)
			len += shm->segs[i].len;
		free_range_locked(pa, len);
	}
	pthread_mutex_unlock(&ddr.lock);
	free(shm->segs);
	shm->segs = NULL;
	shm->nsegs = 0;
}

/* Scattered allocation: pieces of up to 2 MiB, from the top down. */
static int alloc_scattered(struct amp_shm *shm, uint64_t size)
{
	uint64_t done = 0;
	size_t cap = 0;

	while (done < size) {
		uint64_t want = size - done, pa, got;
		uint64_t max = want < PIECE_MAX ? want : PIECE_MAX;
		int ret;

		ret = amp_ralloc_alloc_upto(ddr.ra, max, max,
					    max == PIECE_MAX ? PIECE_MAX : 0,
					    AMP_RALLOC_TOPDOWN, &pa, &got);
		if (ret) /* fragmented: take any piece */
			ret = amp_ralloc_alloc_upto(ddr.ra, max, ddr.page_size,
						    0, AMP_RALLOC_TOPDOWN, &pa,
						    &got);
		if (ret)
			return amp_err(-ENOMEM,
				       "sysmem: out of memory "
				       "(0x%llx of 0x%llx bytes found)",
				       (unsigned long long)done,
				       (unsigned long long)size);
		if (shm->nsegs &&
		    shm->segs[shm->nsegs - 1].pa +
				    shm->segs[shm->nsegs - 1].len ==
			    pa) {
			shm->segs[shm->nsegs - 1].len += got;
		} else {
			if (shm->nsegs == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct amp_cpu_seg *s =
					realloc(shm->segs, ncap * sizeof(*s));

				if (!s) {
					amp_ralloc_free(ddr.ra, pa, got);
					return -ENOMEM;
				}
				shm->segs = s;
				cap = ncap;
			}
			shm->segs[shm->nsegs++] = (struct amp_cpu_seg){
				.pa = pa, .len = got, .offset = done
			};
		}
		done += got;
	}
	return 0;
}

static int sysmem_alloc(struct amp_shm *shm, const char *subname, uint64_t size,
			unsigned flags, const void *arg)
{
	struct amp_map_piece *pieces;
	int ret;

	if (!size)
		return amp_err(-EINVAL, "sysmem: a new buffer needs a size");
	pthread_mutex_lock(&ddr.lock);
	ret = ddr_init_locked();
	if (ret)
		goto out;
	/* Huge: whole 2 MiB pieces, so the CPU and an IOMMU can both use
	 * 2 MiB mappings. */
	size = amp_align_up(size, (flags & AMP_SHM_F_HUGE) ? AMP_HUGE_2M :
							     ddr.page_size);
	if (!size || size > ddr.cfg.size) {
		ret = amp_err(-ENOMEM,
			      "sysmem: a buffer larger than system memory "
			      "(0x%llx bytes) cannot be allocated",
			      (unsigned long long)ddr.cfg.size);
		goto out;
	}
	if (flags & AMP_SHM_F_CONTIG) {
		amp_pa_t pa;
		uint64_t align = size >= AMP_HUGE_2M ? AMP_HUGE_2M : 0;

		ret = alloc_contig_locked(size, align, 0, &pa);
		if (ret)
			goto out;
		shm->segs = calloc(1, sizeof(*shm->segs));
		if (!shm->segs) {
			amp_ralloc_free(ddr.ra, pa, size);
			ret = -ENOMEM;
			goto out;
		}
		shm->segs[0] = (struct amp_cpu_seg){ .pa = pa, .len = size };
		shm->nsegs = 1;
	} else {
		ret = alloc_scattered(shm, size);
		if (ret) {
			pthread_mutex_unlock(&ddr.lock);
			free_segs(shm);
			return ret;
		}
	}
	pthread_mutex_unlock(&ddr.lock);

	pieces = calloc(shm->nsegs, sizeof(*pieces));
	if (!pieces) {
		free_segs(shm);
		return -ENOMEM;
	}
	for (size_t i = 0; i < shm->nsegs; i++)
		pieces[i] = (struct amp_map_piece){
			ddr.fd, shm->segs[i].pa - ddr.cfg.pa, shm->segs[i].len
		};
	ret = amp_linux_map_pieces(pieces, shm->nsegs, size,
				   size >= AMP_HUGE_2M ? AMP_HUGE_2M : 0,
				   &shm->va);
	free(pieces);
	if (ret) {
		free_segs(shm);
		return amp_err(ret,
			       "sysmem: cannot map the 0x%llx-byte buffer for "
			       "the CPU (address space limit?)",
			       (unsigned long long)size);
	}
	for (size_t i = 0; i < shm->nsegs; i++)
		shm->segs[i].va = (char *)shm->va + shm->segs[i].offset;
	if (flags & AMP_SHM_F_HUGE)
		amp_linux_advise_huge(shm->va, size);
	shm->size = size;
	shm->page_size = ddr.page_size;
	return 0;
out:
	pthread_mutex_unlock(&ddr.lock);
	return ret;
}

static void sysmem_free(struct amp_shm *shm)
{
	amp_linux_unmap(shm->va, shm->size);
	free_segs(shm);
}

const struct amp_provider amp_provider_sysmem = {
	.name = "sysmem",
	.alloc = sysmem_alloc,
	.free = sysmem_free,
};
