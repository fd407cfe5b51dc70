/* SPDX-License-Identifier: BSD-3-Clause */
/* The libmetal-proposal calls, on top of the amp_shm API. */
#include <errno.h>
#include <stdlib.h>

#include <ampshm/metal_shm.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/shm_internal.h"

/* The CPU list lives at the end of the registry entry's provider data. */
struct cpu_list {
	struct metal_scatter_list list;
	struct metal_sg sgs[];
};

int metal_shmem_open(const char *name, size_t size, unsigned int flags,
		     struct metal_generic_shmem **result)
{
	unsigned f = (flags & METAL_SHM_NOTCACHED) ? AMP_SHM_F_UNCACHED : 0;

	return amp_shm_open(name, size, f, result);
}

int metal_shmem_close(struct metal_generic_shmem *shmem)
{
	return amp_shm_close(shmem);
}

struct metal_scatter_list *metal_shmem_mmap(struct metal_generic_shmem *shmem,
					    size_t size)
{
	struct cpu_list *l;
	size_t n = 0;
	uint64_t done = 0;

	if (!shmem || size > shmem->size)
		return NULL;
	if (!size)
		size = shmem->size;
	l = malloc(sizeof(*l) + shmem->nsegs * sizeof(l->sgs[0]));
	if (!l)
		return NULL;
	for (size_t i = 0; i < shmem->nsegs && done < size; i++, n++) {
		uint64_t len = shmem->segs[i].len;

		if (len > size - done)
			len = size - done;
		l->sgs[n] = (struct metal_sg){ shmem->segs[i].va,
					       shmem->segs[i].pa, len };
		done += len;
	}
	l->list.nents = (int)n;
	l->list.sgs = l->sgs;
	return &l->list;
}

void metal_shmem_munmap(struct metal_generic_shmem *shmem,
			struct metal_scatter_list *sg)
{
	free(sg); /* the list is the first member of struct cpu_list */
}

struct metal_scatter_list *metal_shm_attach(struct metal_generic_shmem *shmem,
					    struct metal_device *dev,
					    unsigned int direction)
{
	const struct amp_sg *sg;
	struct cpu_list *l;
	struct amp_attach *a;
	size_t n;

	if (amp_shm_attach(shmem, dev, (enum amp_dir)direction, &sg, &n))
		return NULL;
	l = malloc(sizeof(*l) + n * sizeof(l->sgs[0]));
	if (!l) {
		amp_shm_detach(shmem, dev);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		l->sgs[i] = (struct metal_sg){ NULL, sg[i].addr,
					       (size_t)sg[i].len };
	l->list.nents = (int)n;
	l->list.sgs = l->sgs;
	pthread_mutex_lock(&shmem->lock);
	a = amp_shm_find_attach(shmem, dev);
	a->compat_sg = l; /* freed by detach */
	pthread_mutex_unlock(&shmem->lock);
	return &l->list;
}

void metal_shm_detach(struct metal_generic_shmem *shmem,
		      struct metal_device *dev)
{
	amp_shm_detach(shmem, dev);
}

int metal_shm_sync_for_device(struct metal_generic_shmem *shmem,
			      struct metal_device *dev, unsigned int direction)
{
	return amp_shm_sync_for_device(shmem, dev, (enum amp_dir)direction, 0,
				       0);
}

int metal_shm_sync_for_cpu(struct metal_generic_shmem *shmem,
			   unsigned int direction)
{
	struct amp_list *n;
	int ret = 0;

	if (!shmem)
		return -EINVAL;
	/* The proposal has no device here: take back every owned range. */
	for (;;) {
		struct amp_dev *dev = NULL;
		struct amp_range r = { 0 };

		pthread_mutex_lock(&shmem->lock);
		amp_list_for_each(n, &shmem->attachments)
		{
			struct amp_attach *a = amp_container_of(
				n, struct amp_attach, shm_node);

			if (a->owned.n) {
				dev = a->dev;
				r = a->owned.r[0];
				break;
			}
		}
		pthread_mutex_unlock(&shmem->lock);
		if (!dev)
			return ret;
		ret = amp_shm_sync_for_cpu(shmem, dev, (enum amp_dir)r.tag,
					   r.start, r.end - r.start);
		if (ret)
			return ret;
	}
}
