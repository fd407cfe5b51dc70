/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal/shmem.h
 * @brief The 2019 libmetal shared-memory proposal's calls, implemented by
 *        ampshm (compatibility layer).
 *
 * Build code written for the proposal with
 * `-I<prefix>/include/ampshm/metal-compat` (or `pkg-config ampshm-metal`)
 * and link it with -lampshm. The calls keep the proposal's names as static
 * inline functions over ampshm's exported amp_metal_* functions, so a real
 * libmetal can be linked into the same program without a symbol clash.
 *
 * Where ampshm differs from the proposal (reference counting, the sync
 * directions, detach errors, 64-bit addresses) see docs/libmetal-compat.md.
 * In short:
 * - every open, every mapping and every attachment holds a reference: the
 *   buffer lives until the last of them is dropped;
 * - metal_shm_sync_for_device() hands the whole buffer to the device
 *   (DMA-API meaning: the CPU keeps off it); metal_shm_sync_for_cpu()
 *   takes back everything handed over, each hand-over with the direction
 *   it was made with;
 * - metal_shm_detach() first takes back what the device still owns; a
 *   detach that fails is reported by amp_metal_shm_detach_result() and
 *   amp_last_error().
 */
#ifndef AMPSHM_METAL_COMPAT_SHMEM_H
#define AMPSHM_METAL_COMPAT_SHMEM_H

#include <stddef.h>

#include <ampshm/export.h>
#include <ampshm/error.h>

#include "device.h"
#include "io.h"
#include "scatterlist.h"
#include "shmem-provider.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Directions, seen from the device
 *  @{ */
#define METAL_SHM_DIR_DEV_R 1U /**< the device reads (DMA_TO_DEVICE) */
#define METAL_SHM_DIR_DEV_W 2U /**< the device writes (DMA_FROM_DEVICE) */
#define METAL_SHM_DIR_DEV_RW 3U /**< both (DMA_BIDIRECTIONAL) */
/** @} */

/** Open flag: the CPU mapping is not cached (AMP_SHM_F_UNCACHED). */
#define METAL_SHM_NOTCACHED 1U

struct metal_generic_shmem;

/** A provider's hooks for its buffers (see <metal/shmem-provider.h>). */
struct metal_shm_ops {
	/** Called after the buffer went to @p dev (may be NULL). */
	int (*sync_for_device)(struct metal_generic_shmem *shm,
			       struct metal_device *dev,
			       unsigned int direction);
	/** Called after the buffer came back to the CPU. */
	int (*sync_for_cpu)(struct metal_generic_shmem *shm,
			    unsigned int direction);
	/** Not called by ampshm (the CPU mapping is ampshm's). */
	int (*mmap)(struct metal_generic_shmem *shm, size_t size,
		    struct metal_scatter_list *sg);
	/** Not called by ampshm. */
	void (*munmap)(struct metal_generic_shmem *shm,
		       struct metal_scatter_list *sg);
};

struct amp_shm;

/** A shared buffer, as the proposal's calls see it. */
struct metal_generic_shmem {
	char name[64]; /**< name, as opened ("/provider/name") */
	struct metal_scatter_list sg; /**< CPU view (one region per
					   physically contiguous piece);
					   for a buffer of a proposal
					   provider, what its alloc set */
	size_t size; /**< size in bytes */
	unsigned int flags; /**< METAL_SHM_NOTCACHED or 0 */
	struct metal_shm_ops *ops; /**< provider hooks, or NULL */
	int id; /**< provider's file descriptor, or -1 */
	int refcount; /**< opens, mappings and attachments made through
			   these calls (informational) */
	struct metal_shm_provider *provider; /**< proposal provider, or NULL */
	struct amp_shm *amp_shm; /**< the ampshm buffer (NULL until the
				      first open returns) */
};

/**
 * @brief Open a buffer, allocating it on its first open.
 *
 * Every open returns the same handle for the same buffer and takes a
 * reference, dropped by amp_metal_shmem_close().
 * @param name "/provider/name" or "provider/name" (at most 63 bytes)
 * @param size bytes; 0 or at most the size on later opens
 * @param flags METAL_SHM_NOTCACHED or 0
 * @param[out] result the buffer
 * @return 0; -EINVAL; -ENAMETOOLONG; -ENOENT (unknown provider); -ENOMEM;
 *         any error of amp_shm_open().
 */
AMP_API int amp_metal_shmem_open(const char *name, size_t size,
				 unsigned int flags,
				 struct metal_generic_shmem **result);

/**
 * @brief Drop the reference of one open.
 *
 * Mappings and attachments hold their own references: the buffer stays
 * until they are gone too.
 * @return 0; -EINVAL (not an open buffer, or no open left).
 */
AMP_API int amp_metal_shmem_close(struct metal_generic_shmem *shmem);

/**
 * @brief CPU view of the first @p size bytes (0: all), as a scatter list
 *        with one region per physically contiguous piece.
 *
 * The list holds a reference on the buffer until amp_metal_shmem_munmap().
 * @return the list, or NULL (error in amp_last_error()).
 */
/* clang-format off */
AMP_API struct metal_scatter_list *amp_metal_shmem_mmap(
	struct metal_generic_shmem *shmem, size_t size);
/* clang-format on */

/** @brief Release a list from amp_metal_shmem_mmap() and its reference. */
AMP_API void amp_metal_shmem_munmap(struct metal_generic_shmem *shmem,
				    struct metal_scatter_list *sg);

/**
 * @brief Map the buffer for a device.
 *
 * The list's regions have the device addresses in @c physmap and the CPU
 * address of the same bytes in @c virt. The CPU owns the buffer after.
 * @param direction METAL_SHM_DIR_* the device may use
 * @return the list (valid until detach), or NULL (amp_last_error()).
 */
/* clang-format off */
AMP_API struct metal_scatter_list *amp_metal_shm_attach(
	struct metal_generic_shmem *shmem, struct metal_device *dev,
	unsigned int direction);
/* clang-format on */

/**
 * @brief Unmap the buffer from a device, taking back first what the
 *        device still owns.
 * @return 0; -ENOTCONN (not attached to @p dev); -EBUSY (the device owns
 *         a range handed over with the ampshm API); -EINVAL; the error of
 *         the take-back (the buffer is detached all the same).
 */
AMP_API int amp_metal_shm_detach(struct metal_generic_shmem *shmem,
				 struct metal_device *dev);

/**
 * @brief Result of the last detach of @p shmem (0 or a negative errno).
 *
 * The proposal's detach returns nothing; this is how its caller learns
 * that it failed. Valid while the caller holds a reference.
 */
AMP_API int amp_metal_shm_detach_result(struct metal_generic_shmem *shmem);

/**
 * @brief Hand the whole buffer to @p dev (the CPU keeps off it until
 *        metal_shm_sync_for_cpu()).
 * @return 0; -ENOTCONN (not attached); -EBUSY (already handed over);
 *         -EINVAL (bad direction, or one the attachment does not allow).
 */
AMP_API int amp_metal_shm_sync_for_device(struct metal_generic_shmem *shmem,
					  struct metal_device *dev,
					  unsigned int direction);

/**
 * @brief Take the buffer back from every device it was handed to.
 *
 * Each hand-over is taken back with the direction it was made with, not
 * with @p direction: what the device was allowed to do decides what must
 * be done to see its data (a device write handed over with
 * METAL_SHM_DIR_DEV_W is read back even if @p direction says
 * METAL_SHM_DIR_DEV_R).
 * @param direction METAL_SHM_DIR_* (checked, see above)
 * @return 0; -EINVAL; the first error of a take-back.
 */
AMP_API int amp_metal_shm_sync_for_cpu(struct metal_generic_shmem *shmem,
				       unsigned int direction);

/** @brief The proposal's name for amp_metal_shmem_open(). */
static inline int metal_shmem_open(const char *name, size_t size,
				   unsigned int flags,
				   struct metal_generic_shmem **result)
{
	return amp_metal_shmem_open(name, size, flags, result);
}

/** @brief The proposal's name for amp_metal_shmem_close(). */
static inline int metal_shmem_close(struct metal_generic_shmem *shmem)
{
	return amp_metal_shmem_close(shmem);
}

/** @brief The proposal's name for amp_metal_shmem_mmap(). */
static inline struct metal_scatter_list *
metal_shmem_mmap(struct metal_generic_shmem *shmem, size_t size)
{
	return amp_metal_shmem_mmap(shmem, size);
}

/** @brief The proposal's name for amp_metal_shmem_munmap(). */
static inline void metal_shmem_munmap(struct metal_generic_shmem *shmem,
				      struct metal_scatter_list *sg)
{
	amp_metal_shmem_munmap(shmem, sg);
}

/** @brief The proposal's name for amp_metal_shm_attach(). */
static inline struct metal_scatter_list *
metal_shm_attach(struct metal_generic_shmem *shmem, struct metal_device *dev,
		 unsigned int direction)
{
	return amp_metal_shm_attach(shmem, dev, direction);
}

/**
 * @brief The proposal's name for amp_metal_shm_detach(); its result is
 *        kept for amp_metal_shm_detach_result().
 */
static inline void metal_shm_detach(struct metal_generic_shmem *shmem,
				    struct metal_device *dev)
{
	(void)amp_metal_shm_detach(shmem, dev);
}

/** @brief The proposal's name for amp_metal_shm_sync_for_device(). */
static inline int metal_shm_sync_for_device(struct metal_generic_shmem *shmem,
					    struct metal_device *dev,
					    unsigned int direction)
{
	return amp_metal_shm_sync_for_device(shmem, dev, direction);
}

/** @brief The proposal's name for amp_metal_shm_sync_for_cpu(). */
static inline int metal_shm_sync_for_cpu(struct metal_generic_shmem *shmem,
					 unsigned int direction)
{
	return amp_metal_shm_sync_for_cpu(shmem, direction);
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_COMPAT_SHMEM_H */
