/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file device.h
 * @brief Devices (coprocessors) and their address spaces.
 *
 * A device reaches memory through an address space made of
 * - carveout windows: linear maps, da = window.da + (pa - window.pa);
 * - and/or an IOMMU: a page table mapping any pages, scattered or not, at a
 *   contiguous I/O virtual address (IOVA) range.
 *
 * A device has an address width (dma_bits): it can only put addresses
 * below 2^dma_bits on its bus. A buffer it cannot reach is bounced (copied
 * through a reachable buffer at each sync) or refused, as its bounce policy
 * says.
 *
 * On a Linux host without a coprocessor, a device is simulated: the
 * amp_dev_read() / amp_dev_write() / amp_dev_ptr() calls perform the
 * accesses the coprocessor would, through its own address space, and fault
 * (-EFAULT) on anything it was not given.
 */
#ifndef AMPSHM_DEVICE_H
#define AMPSHM_DEVICE_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_dev;

/** A linear carveout window of a device's address space. */
struct amp_window {
	amp_da_t da; /**< device address of the window's first byte */
	amp_pa_t pa; /**< physical address of the same byte */
	uint64_t size; /**< window size in bytes */
};

/** When a device gets a bounce copy instead of the buffer itself. */
enum amp_bounce {
	/** Only when the device cannot reach the buffer (default). */
	AMP_BOUNCE_IF_NEEDED = 0,
	/** Never: attaching an unreachable buffer fails with -ERANGE. */
	AMP_BOUNCE_NEVER,
	/**
	 * Always: the device sees its own copy, brought up to date only by the
	 * syncs, as a non-coherent coprocessor would. A missing sync shows up
	 * as stale data, on any host.
	 */
	AMP_BOUNCE_ALWAYS,
};

#define AMP_PGSIZE_4K (1u << 0) /**< IOMMU may use 4 KiB pages */
#define AMP_PGSIZE_2M (1u << 1) /**< IOMMU may use 2 MiB blocks */
#define AMP_PGSIZE_1G (1u << 2) /**< IOMMU may use 1 GiB blocks */

/** Description of a device, for amp_dev_create(). */
struct amp_dev_config {
	const char *name; /**< name used in reports (copied) */
	unsigned dma_bits; /**< address width, 1..64; 0 means 64 */
	const struct amp_window *windows; /**< carveout windows (copied) */
	size_t nwindows; /**< number of windows */
	bool iommu; /**< device sits behind an IOMMU */
	amp_da_t iova_base; /**< first IOVA the IOMMU may hand out */
	uint64_t iova_size; /**< size of the IOVA space (0: to dma_bits) */
	unsigned iommu_pgsizes; /**< AMP_PGSIZE_* bitmap; 0 means 4K|2M */
	enum amp_bounce bounce; /**< bounce policy */
};

/**
 * @brief Create a device.
 * @param cfg description (copied)
 * @param[out] dev new device
 * @return 0, -EINVAL for an inconsistent description (overlapping windows,
 *         a window or IOVA range beyond dma_bits, ...), -ENOMEM.
 */
AMP_API int amp_dev_create(const struct amp_dev_config *cfg, struct amp_dev **dev);

/**
 * @brief Destroy a device.
 * @return 0, or -EBUSY while buffers are still attached to it.
 */
AMP_API int amp_dev_destroy(struct amp_dev *dev);

/** @brief The device's name. */
AMP_API const char *amp_dev_name(const struct amp_dev *dev);

/**
 * @brief Translate a device address to a physical address.
 * @return 0, or -EFAULT if the device has no mapping there.
 */
AMP_API int amp_dev_da_to_pa(struct amp_dev *dev, amp_da_t da, amp_pa_t *pa);

/**
 * @brief Translate a physical address to this device's address.
 *
 * Carveout windows are searched first, then the IOMMU mappings of attached
 * buffers.
 * @return 0, or -ERANGE if the device cannot reach @p pa.
 */
AMP_API int amp_dev_pa_to_da(struct amp_dev *dev, amp_pa_t pa, amp_da_t *da);

/**
 * @brief Simulated device read: copy @p len bytes at device address @p da.
 *
 * Follows the device's address space page by page (an IOMMU mapping may be
 * scattered in physical memory).
 * @return 0, or -EFAULT if any byte is not mapped for the device (an IOMMU
 *         fault, or an address outside every window).
 */
AMP_API int amp_dev_read(struct amp_dev *dev, amp_da_t da, void *buf, size_t len);

/** @brief Simulated device write; see amp_dev_read(). */
AMP_API int amp_dev_write(struct amp_dev *dev, amp_da_t da, const void *buf,
		  size_t len);

/**
 * @brief Host pointer to @p len bytes at device address @p da, if they are
 *        contiguous in host memory.
 * @return 0, -EFAULT (not mapped), -ENOTSUP (mapped but not contiguous).
 */
AMP_API int amp_dev_ptr(struct amp_dev *dev, amp_da_t da, size_t len, void **ptr);

/**
 * @brief Number of faults so far: accesses to addresses the device was not
 *        given (IOMMU misses, window misses, non-memory) and accesses its
 *        mapping does not permit.
 */
AMP_API uint64_t amp_dev_fault_count(const struct amp_dev *dev);

/** @name Protection of a run (what the device may do there)
 *  @{ */
#define AMP_DEV_PROT_READ (1u << 0) /**< device may read */
#define AMP_DEV_PROT_WRITE (1u << 1) /**< device may write */
/** @} */

/**
 * @brief A run of a device's address space: device addresses backed by
 *        one physically contiguous range of one file.
 *
 * Another process (a simulated coprocessor, a debugger) maps @c len bytes
 * of @c fd at @c fd_offset at address @c da with @c prot, and then reaches
 * exactly what the device may reach, at the device's own addresses.
 */
struct amp_dev_run {
	amp_da_t da; /**< first device address */
	uint64_t len; /**< bytes */
	unsigned prot; /**< AMP_DEV_PROT_* */
	amp_pa_t pa; /**< physical address of the first byte */
	int fd; /**< file holding the bytes (owned by ampshm: dup it) */
	uint64_t fd_offset; /**< offset of the first byte in @c fd */
};

/**
 * @brief Called for each run by amp_dev_export().
 * @param priv the caller's pointer
 * @param run the run (valid during the call)
 * @return 0 to go on, anything else stops the export and is returned
 */
typedef int (*amp_dev_run_fn)(void *priv, const struct amp_dev_run *run);

/**
 * @brief Called by the device when a run appears or disappears.
 * @param priv the watcher's pointer
 * @param run the run
 * @param mapped true after the run was mapped, false before it is unmapped
 *        (when it returns, the device no longer reaches it)
 */
typedef void (*amp_dev_watch_fn)(void *priv, const struct amp_dev_run *run,
				 bool mapped);

/**
 * @brief Everything the device can reach, as runs.
 *
 * Carveout windows (the parts backed by memory) and, with an IOMMU, every
 * mapping of an attached buffer (read-only for AMP_DIR_TO_DEVICE, write-only
 * for AMP_DIR_FROM_DEVICE). IOMMU runs refer to physical memory and its
 * file, never to a host pointer.
 * @param dev device
 * @param fn called once per run, in device-address order per kind (it must
 *        not attach or detach buffers of this device)
 * @param priv passed to @p fn
 * @return 0, or the first non-zero value @p fn returned
 */
AMP_API int amp_dev_export(struct amp_dev *dev, amp_dev_run_fn fn, void *priv);

/**
 * @brief Be told of every run the device gains or loses (IOMMU mappings
 *        made by attach, removed by detach or reclaim).
 *
 * A run is reported after it is mapped and before attach returns; its
 * removal is reported before it is unmapped, and detach does not return
 * before the watcher returned. Up to 4 watchers per device.
 * @return 0, -ENOSPC (too many watchers), -EINVAL
 */
AMP_API int amp_dev_watch(struct amp_dev *dev, amp_dev_watch_fn fn, void *priv);

/** @brief Remove a watcher added with amp_dev_watch() (-ENOENT if none). */
AMP_API int amp_dev_unwatch(struct amp_dev *dev, amp_dev_watch_fn fn, void *priv);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_DEVICE_H */
