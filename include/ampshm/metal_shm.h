/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal_shm.h
 * @brief The libmetal shared-memory proposal's calls, for a program that
 *        uses ampshm's include path only.
 *
 * Same as including <metal/shmem.h> with
 * `-I<prefix>/include/ampshm/metal-compat` (see docs/libmetal-compat.md):
 * struct metal_generic_shmem, struct metal_device (made from an ampshm
 * device with amp_metal_device_create()), struct metal_scatter_list of
 * struct metal_io_region, the metal_shm_* / metal_shmem_* calls and the
 * provider registration. Do not include it together with a real
 * libmetal's headers.
 */
#ifndef AMPSHM_METAL_SHM_H
#define AMPSHM_METAL_SHM_H

#include <ampshm/shm.h>
#include <ampshm/metal-compat/metal/shmem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Same as metal_shmem_open() (the spelling of early drafts). */
static inline int metal_shm_open(const char *name, size_t size,
				 unsigned int flags,
				 struct metal_generic_shmem **result)
{
	return metal_shmem_open(name, size, flags, result);
}

/** @brief Same as metal_shmem_close() (the spelling of early drafts). */
static inline int metal_shm_close(struct metal_generic_shmem *shmem)
{
	return metal_shmem_close(shmem);
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_SHM_H */
