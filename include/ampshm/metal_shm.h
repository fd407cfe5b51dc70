/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal_shm.h
 * @brief Opt-in compatibility with the libmetal shared-memory proposal.
 *
 * Code written against the proposal's metal_shm_* / metal_shmem_* calls
 * compiles unchanged with this header instead of <metal/shmem.h> (do not
 * include both). The proposal's types become ampshm's:
 * struct metal_generic_shmem is struct amp_shm, struct metal_device is
 * struct amp_dev. Its whole-buffer syncs become range syncs of the whole
 * buffer, with the DMA-API meaning (sync_for_device ends CPU access).
 */
#ifndef AMPSHM_METAL_SHM_H
#define AMPSHM_METAL_SHM_H

#include <ampshm/export.h>

#include <ampshm/shm.h>

#ifdef __cplusplus
extern "C" {
#endif

#define METAL_SHM_DIR_DEV_R 1U /**< device reads */
#define METAL_SHM_DIR_DEV_W 2U /**< device writes */
#define METAL_SHM_DIR_DEV_RW 3U /**< device reads and writes */
#define METAL_SHM_NOTCACHED 1U /**< open flag: CPU mapping not cached */

/** The proposal's buffer type is ampshm's buffer. */
#define metal_generic_shmem amp_shm
/** The proposal's device type is ampshm's device. */
#define metal_device amp_dev

/** One entry of a scatter list in the proposal's style. */
struct metal_sg {
	void *virt; /**< CPU address (NULL in a device scatter list) */
	uint64_t phys; /**< physical address, or device address */
	size_t len; /**< length in bytes */
};

/** Scatter list returned by metal_shm_attach() and metal_shmem_mmap(). */
struct metal_scatter_list {
	int nents; /**< number of entries */
	struct metal_sg *sgs; /**< entries */
};

/**
 * @brief Open (allocate on first open) "/provider/name" or "provider/name".
 * @return 0 or -errno.
 */
AMP_API int metal_shmem_open(const char *name, size_t size, unsigned int flags,
		     struct metal_generic_shmem **result);

/** @brief Close one reference. @return 0 or -errno. */
AMP_API int metal_shmem_close(struct metal_generic_shmem *shmem);

/**
 * @brief CPU view of the buffer as a scatter list (one entry per
 *        physically contiguous piece). Owned by the buffer.
 * @return the list, or NULL if @p size exceeds the buffer.
 */
AMP_API struct metal_scatter_list *metal_shmem_mmap(struct metal_generic_shmem *shmem,
					    size_t size);

/** @brief Release a list from metal_shmem_mmap() (nothing to do). */
AMP_API void metal_shmem_munmap(struct metal_generic_shmem *shmem,
			struct metal_scatter_list *sg);

/**
 * @brief Attach to a device; the list holds device addresses.
 * @return the device scatter list (owned by the attachment), or NULL.
 */
AMP_API struct metal_scatter_list *metal_shm_attach(struct metal_generic_shmem *shmem,
					    struct metal_device *dev,
					    unsigned int direction);

/** @brief Detach from a device. */
AMP_API void metal_shm_detach(struct metal_generic_shmem *shmem,
		      struct metal_device *dev);

/** @brief Hand the whole buffer to @p dev. @return 0 or -errno. */
AMP_API int metal_shm_sync_for_device(struct metal_generic_shmem *shmem,
			      struct metal_device *dev, unsigned int direction);

/**
 * @brief Take back every range any device owns. @return 0 or -errno.
 */
AMP_API int metal_shm_sync_for_cpu(struct metal_generic_shmem *shmem,
			   unsigned int direction);

/** @brief Same as metal_shmem_open() (the seed's spelling). */
static inline int metal_shm_open(const char *name, size_t size,
				 unsigned int flags,
				 struct metal_generic_shmem **result)
{
	return metal_shmem_open(name, size, flags, result);
}

/** @brief Same as metal_shmem_close() (the seed's spelling). */
static inline int metal_shm_close(struct metal_generic_shmem *shmem)
{
	return metal_shmem_close(shmem);
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_SHM_H */
