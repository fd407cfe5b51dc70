/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file metal/device.h
 * @brief A libmetal device, as the shared-memory proposal's attach takes
 *        it, standing for an ampshm device (ampshm compatibility layer).
 *
 * The proposal has no way to create a device; an ampshm program creates
 * one with amp_dev_create() and wraps it with amp_metal_device_create()
 * (registered under the ampshm device's name, so that
 * metal_device_open() finds it) or with amp_metal_device_init() (a
 * structure the caller owns, not registered).
 */
#ifndef AMPSHM_METAL_COMPAT_DEVICE_H
#define AMPSHM_METAL_COMPAT_DEVICE_H

#include <ampshm/export.h>
#include <ampshm/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A libmetal bus; ampshm has none (always NULL). */
struct metal_bus;

/** A device the proposal's calls take: an ampshm device. */
struct metal_device {
	const char *name; /**< name (the ampshm device's) */
	struct metal_bus *bus; /**< always NULL */
	struct amp_dev *amp_dev; /**< the ampshm device */
};

/**
 * @brief Wrap a caller-owned structure around an ampshm device.
 * @param mdev structure to fill (not registered for metal_device_open())
 * @param dev the ampshm device; it must outlive @p mdev
 */
static inline void amp_metal_device_init(struct metal_device *mdev,
					 struct amp_dev *dev)
{
	mdev->name = amp_dev_name(dev);
	mdev->bus = NULL;
	mdev->amp_dev = dev;
}

/**
 * @brief Create a libmetal device for an ampshm device and register it
 *        under that device's name, for metal_device_open().
 * @param dev the ampshm device; it must outlive the result
 * @param[out] mdev the new device
 * @return 0; -EINVAL; -EEXIST (a device of that name is registered);
 *         -ENOMEM.
 */
AMP_API int amp_metal_device_create(struct amp_dev *dev,
				    struct metal_device **mdev);

/**
 * @brief Unregister and free a device from amp_metal_device_create().
 *
 * The ampshm device itself is left alone (amp_dev_destroy() it after).
 * @return 0; -EINVAL (not from amp_metal_device_create()); -EBUSY (opened
 *         with metal_device_open() and not closed).
 */
AMP_API int amp_metal_device_destroy(struct metal_device *mdev);

/**
 * @brief Find a registered device by name (the bus name is ignored).
 * @param bus_name libmetal bus name (ignored: ampshm has no buses)
 * @param dev_name the device's name
 * @param[out] device the device
 * @return 0; -ENODEV (no device of that name); -EINVAL.
 */
AMP_API int amp_metal_device_open(const char *bus_name, const char *dev_name,
				  struct metal_device **device);

/** @brief Close a device opened with amp_metal_device_open(). */
AMP_API void amp_metal_device_close(struct metal_device *device);

/** @brief libmetal's name for amp_metal_device_open(). */
static inline int metal_device_open(const char *bus_name, const char *dev_name,
				    struct metal_device **device)
{
	return amp_metal_device_open(bus_name, dev_name, device);
}

/** @brief libmetal's name for amp_metal_device_close(). */
static inline void metal_device_close(struct metal_device *device)
{
	amp_metal_device_close(device);
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_METAL_COMPAT_DEVICE_H */
