/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal/scatterlist.h
 * @brief The shared-memory proposal's scatter list: an array of I/O
 *        regions (ampshm compatibility layer).
 *
 * A CPU list (metal_shmem_mmap()) has one region per physically contiguous
 * piece of the buffer; a device list (metal_shm_attach()) has one region
 * per contiguous run of device addresses. Several regions are normal.
 */
#ifndef AMPSHM_METAL_COMPAT_SCATTERLIST_H
#define AMPSHM_METAL_COMPAT_SCATTERLIST_H

#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A scatter list. */
struct metal_scatter_list {
	struct metal_io_region *ios; /**< the regions */
	int nents; /**< number of regions */
};

/** @brief Number of regions of @p sg_list. */
static inline int
metal_scatterlist_get_nents(struct metal_scatter_list *sg_list)
{
	return sg_list->nents;
}

/**
 * @brief The regions of @p sg_list.
 * @param sg_list the list
 * @param[out] ios set to the array of regions
 * @return the number of regions
 */
static inline int metal_scatterlist_get_ios(struct metal_scatter_list *sg_list,
					    struct metal_io_region **ios)
{
	*ios = sg_list->ios;
	return sg_list->nents;
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_COMPAT_SCATTERLIST_H */
