/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in for upstream libmetal: the same global names as the
 * proposal's calls, with upstream's (different) signatures. Linked into
 * the same program as ampshm, nothing may clash.
 */
#include <stddef.h>

struct metal_io_region;

int metal_shmem_open(const char *name, size_t size,
		     struct metal_io_region **io);
int metal_shmem_open(const char *name, size_t size, struct metal_io_region **io)
{
	(void)name;
	(void)size;
	(void)io;
	return -1;
}

void *metal_io_virt(struct metal_io_region *io, unsigned long offset);
void *metal_io_virt(struct metal_io_region *io, unsigned long offset)
{
	(void)io;
	(void)offset;
	return NULL;
}

int metal_shm_provider_register(void *provider);
int metal_shm_provider_register(void *provider)
{
	(void)provider;
	return -1;
}
