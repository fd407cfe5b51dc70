/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file vfio.h
 * @brief A device behind a real IOMMU, driven through VFIO (type1): every
 *        buffer attached to it is mapped with VFIO_IOMMU_MAP_DMA at the
 *        IOVA the device's address space chose, and unmapped on detach
 *        and reclaim.
 */
#ifndef AMPSHM_VFIO_H
#define AMPSHM_VFIO_H

#include <ampshm/device.h>
#include <ampshm/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Create a device whose IOMMU is the one VFIO gives for the PCI
 *        device @p pci (bound to vfio-pci): a type1 container with the
 *        device's group, bus mastering enabled.
 * @param cfg as for amp_dev_create(), with an IOMMU and no windows
 * @param pci the PCI address, "0000:00:03.0"
 * @param[out] dev the device
 * @return 0; -ENODEV (no /dev/vfio/vfio: the kernel lacks CONFIG_VFIO, or
 *         no IOMMU group: the IOMMU is off), -ENOENT (no such PCI device),
 *         -EINVAL, -EBUSY (group not viable or in use), -errno
 */
AMP_API int amp_dev_create_vfio(const struct amp_dev_config *cfg,
				const char *pci, struct amp_dev **dev);

/**
 * @brief The VFIO device fd of a device made by amp_dev_create_vfio()
 *        (owned by ampshm: for its regions, BARs and config space).
 * @return the fd, or -ENOTSUP for another device
 */
AMP_API int amp_dev_vfio_fd(struct amp_dev *dev);

#ifdef __cplusplus
}
#endif

#endif
