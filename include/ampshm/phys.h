/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file phys.h
 * @brief The physical memory map: which file holds a physical address.
 *
 * On a Linux host every range of physical (bus) addresses ampshm manages
 * (the simulated DDR, static regions, imported user memory) is backed by a
 * file. A process that plays a coprocessor is given the file descriptors of
 * the ranges it may reach and maps them itself: its addresses then really
 * differ from the host's.
 */
#ifndef AMPSHM_PHYS_H
#define AMPSHM_PHYS_H

#include <ampshm/export.h>

#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A physically contiguous range and the file that holds it. */
struct amp_phys_info {
	amp_pa_t pa; /**< first physical address of the range */
	uint64_t size; /**< bytes */
	int fd; /**< file holding it (owned by ampshm: dup it) */
	uint64_t fd_offset; /**< offset of @c pa in @c fd */
};

/**
 * @brief Find the range holding physical address @p pa.
 * @param pa physical address
 * @param[out] info the range
 * @return 0, or -ENOENT if @p pa is not memory ampshm manages.
 */
AMP_API int amp_phys_find(amp_pa_t pa, struct amp_phys_info *info);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_PHYS_H */
