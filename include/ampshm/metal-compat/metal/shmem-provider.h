/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal/shmem-provider.h
 * @brief The shared-memory proposal's providers, registered as ampshm
 *        providers (ampshm compatibility layer).
 *
 * A provider registered with metal_shm_provider_register() serves
 * metal_shmem_open("/<provider name>/<buffer>") (and amp_shm_open()).
 * Its @c alloc is called once per buffer, on its first open, and must
 * describe memory ampshm can map itself:
 * - @c shm->id: a file descriptor holding the bytes from offset 0 (a
 *   memfd, a file on tmpfs or hugetlbfs, a dma-buf, /dev/mem...), owned by
 *   the provider (its @c free closes it);
 * - @c shm->sg: the regions in file order, @c physmap giving the physical
 *   address of each page (or of the whole region when @c page_shift is 64
 *   or more); every address and length page aligned;
 * - @c shm->ops (optional): @c sync_for_device / @c sync_for_cpu are
 *   called after each hand-over (the device argument is the device of a
 *   metal_shm_* call, NULL for a hand-over made with the ampshm API);
 *   @c mmap / @c munmap are not called: the CPU mapping is ampshm's.
 * Its @c free is called when the buffer's last reference goes.
 */
#ifndef AMPSHM_METAL_COMPAT_SHMEM_PROVIDER_H
#define AMPSHM_METAL_COMPAT_SHMEM_PROVIDER_H

#include <stddef.h>
#include <stdlib.h>

#include <ampshm/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct metal_generic_shmem;
struct metal_shm_provider;

/**
 * @brief Allocate (or find) the memory of @p shm.
 * @param provider the provider
 * @param shm the buffer: @c name, @c flags and @c provider are set; fill
 *        @c id, @c sg, @c size and optionally @c ops
 * @param size bytes asked
 * @return 0, or a negative errno
 */
typedef int (*metal_shm_alloc)(struct metal_shm_provider *provider,
			       struct metal_generic_shmem *shm, size_t size);

/**
 * @brief Give back what the provider's alloc took for @p shm.
 * @param provider the provider
 * @param shm the buffer
 */
typedef void (*metal_shm_free)(struct metal_shm_provider *provider,
			       struct metal_generic_shmem *shm);

/** A provider of shared memory. */
struct metal_shm_provider {
	const char *name; /**< name: 1..15 characters, no '/' */
	void *priv; /**< the provider's own data */
	metal_shm_alloc alloc; /**< allocation */
	metal_shm_free free; /**< release */
	void *amp_reserved; /**< ampshm's bookkeeping: leave it alone */
};

/** Initializer of a struct metal_shm_provider. */
#define METAL_SHM_PROVIDER_DEFINE(_name, _priv, _alloc, _free) \
	{                                                      \
		_name, _priv, _alloc, _free, NULL              \
	}

/** Define a struct metal_shm_provider called @p _provider. */
#define METAL_SHM_PROVIDER_DECLARE(_provider, _name, _priv, _alloc, _free) \
	struct metal_shm_provider _provider =                              \
		METAL_SHM_PROVIDER_DEFINE(_name, _priv, _alloc, _free);

/**
 * @brief Register @p provider as an ampshm provider under its name.
 *
 * Registering the same structure twice is not an error.
 * @return 0; -EINVAL (no name, bad name, no alloc or free); -EEXIST (the
 *         name is taken by another provider, built-in ones included).
 */
/* clang-format off */
AMP_API int amp_metal_shm_provider_register(
	struct metal_shm_provider *provider);
/* clang-format on */

/**
 * @brief Unregister @p provider.
 *
 * The proposal's call returns nothing: a refusal (buffers from it still
 * open: -EBUSY) is recorded for amp_last_error() and returned here.
 * @return 0; -ENOENT (not registered); -EBUSY.
 */
/* clang-format off */
AMP_API int amp_metal_shm_provider_unregister(
	struct metal_shm_provider *provider);
/* clang-format on */

/** @brief The provider registered under @p name, or NULL. */
/* clang-format off */
AMP_API struct metal_shm_provider *amp_metal_shmem_get_provider(
	const char *name);
/* clang-format on */

/** @brief The proposal's name for amp_metal_shm_provider_register(). */
static inline int
metal_shm_provider_register(struct metal_shm_provider *provider)
{
	return amp_metal_shm_provider_register(provider);
}

/** @brief The proposal's name for amp_metal_shm_provider_unregister(). */
static inline void
metal_shm_provider_unregister(struct metal_shm_provider *provider)
{
	(void)amp_metal_shm_provider_unregister(provider);
}

/** @brief The proposal's name for amp_metal_shmem_get_provider(). */
static inline struct metal_shm_provider *
metal_shmem_get_provider(const char *name)
{
	return amp_metal_shmem_get_provider(name);
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_COMPAT_SHMEM_PROVIDER_H */
