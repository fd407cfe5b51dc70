/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file rsc_table.h
 * @brief Resource table (firmware section ".resource_table") structures,
 *        byte-compatible with Linux remoteproc and OpenAMP.
 *
 * Only what the RPMsg virtio device needs is interpreted here (the VDEV
 * entry and its vrings); the other entries are declared so that a
 * remoteproc layer can share the definitions.
 *
 * This file is freestanding: the firmware side uses it too.
 */
#ifndef AMPSHM_RSC_TABLE_H
#define AMPSHM_RSC_TABLE_H

#include <ampshm/export.h>

#include <stddef.h>
#include <stdint.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name Resource types
 *  @{ */
#define AMP_RSC_CARVEOUT 0u /**< memory the host allocates or maps for the remote */
#define AMP_RSC_DEVMEM 1u /**< device memory/registers mapped for the remote */
#define AMP_RSC_TRACE 2u /**< trace buffer the remote writes its log to */
#define AMP_RSC_VDEV 3u /**< virtio device (RPMsg) with its vrings */
#define AMP_RSC_VENDOR_START 128u /**< first vendor-specific type */
#define AMP_RSC_VENDOR_END 512u /**< end of vendor-specific types */
/** @} */

/** "Any address" in 32-bit resource-table fields. */
#define AMP_RSC_ADDR_ANY 0xFFFFFFFFu

/** virtio device id of RPMsg. */
#define AMP_VIRTIO_ID_RPMSG 7u

/** @name virtio status bits (VDEV entry status byte)
 *  @{ */
#define AMP_VIRTIO_S_ACKNOWLEDGE 0x01u /**< driver saw the device */
#define AMP_VIRTIO_S_DRIVER 0x02u /**< driver knows how to drive it */
#define AMP_VIRTIO_S_DRIVER_OK 0x04u /**< driver ready: vrings usable */
#define AMP_VIRTIO_S_FEATURES_OK 0x08u /**< feature negotiation done */
#define AMP_VIRTIO_S_NEEDS_RESET 0x40u /**< device needs a reset */
#define AMP_VIRTIO_S_FAILED 0x80u /**< driver gave up */
/** @} */

/** RPMsg feature bit 0: the name service is supported. */
#define AMP_VIRTIO_RPMSG_F_NS 0u

/** Table header; u32 offset[num] follows. */
struct amp_rsc_table {
	uint32_t ver;         /**< must be 1 */
	uint32_t num;         /**< number of entries */
	uint32_t reserved[2]; /**< zero */
	uint32_t offset[];    /**< byte offset of each entry */
};

/** Common entry header. */
struct amp_rsc_hdr {
	uint32_t type; /**< AMP_RSC_* */
};

/** CARVEOUT (and DEVMEM) entry, 56 bytes; begins with its type. */
struct amp_rsc_carveout {
	uint32_t type;     /**< AMP_RSC_CARVEOUT or AMP_RSC_DEVMEM */
	uint32_t da;       /**< device address (or ANY) */
	uint32_t pa;       /**< physical address (or ANY) */
	uint32_t len;      /**< bytes */
	uint32_t flags;    /**< IOMMU protection flags */
	uint32_t reserved; /**< zero */
	char name[32];     /**< name, NUL padded */
};

/** TRACE entry, 48 bytes. */
struct amp_rsc_trace {
	uint32_t type;     /**< AMP_RSC_TRACE */
	uint32_t da;       /**< trace buffer device address */
	uint32_t len;      /**< bytes */
	uint32_t reserved; /**< zero */
	char name[32];     /**< name */
};

/** One vring of a VDEV entry, 20 bytes. */
struct amp_rsc_vring {
	uint32_t da;       /**< device address of the vring (or ANY) */
	uint32_t align;    /**< used-ring alignment */
	uint32_t num;      /**< ring size */
	uint32_t notifyid; /**< notify id of this vring */
	uint32_t reserved; /**< zero (Linux writes the pa here) */
};

/** VDEV entry, 28 bytes + 20 * num_of_vrings + config_len. */
struct amp_rsc_vdev {
	uint32_t type;         /**< AMP_RSC_VDEV */
	uint32_t id;           /**< virtio device id (7 = rpmsg) */
	uint32_t notifyid;     /**< notify id of the device (config) */
	uint32_t dfeatures;    /**< device (remote) features */
	uint32_t gfeatures;    /**< features the driver (host) accepted */
	uint32_t config_len;   /**< bytes of config space after the vrings */
	uint8_t status;        /**< virtio status, AMP_VIRTIO_S_* */
	uint8_t num_of_vrings; /**< vrings that follow */
	uint8_t reserved[2];   /**< zero */
	struct amp_rsc_vring vring[]; /**< then config space */
};

AMP_STATIC_ASSERT(sizeof(struct amp_rsc_table) == 16, "rsc table header");
AMP_STATIC_ASSERT(sizeof(struct amp_rsc_carveout) == 56, "carveout size");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_carveout, name) == 24, "co name");
AMP_STATIC_ASSERT(sizeof(struct amp_rsc_trace) == 48, "trace size");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_trace, name) == 16, "trace name");
AMP_STATIC_ASSERT(sizeof(struct amp_rsc_vring) == 20, "vdev vring size");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vring, notifyid) == 12, "notifyid");
AMP_STATIC_ASSERT(sizeof(struct amp_rsc_vdev) == 28, "vdev size");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vdev, gfeatures) == 16, "gfeatures");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vdev, config_len) == 20, "cfg len");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vdev, status) == 24, "status");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vdev, num_of_vrings) == 25, "nvr");
AMP_STATIC_ASSERT(offsetof(struct amp_rsc_vdev, vring) == 28, "vrings");

/**
 * @brief Find a VDEV entry of a given virtio id in a resource table,
 *        validating the table's bounds.
 * @param table first byte of the table
 * @param size bytes available at @p table
 * @param virtio_id device id wanted (AMP_VIRTIO_ID_RPMSG)
 * @param vdev result: the entry inside the table
 * @return 0, -EINVAL on a malformed table (bad version, offsets or sizes
 *         outside @p size), -ENOENT if no such entry
 *
 * The entry found is entirely inside the table, vrings and config space
 * included, *as read during this call*: each field is read once. If the
 * other side can write the table, a caller must not trust the entry's
 * num_of_vrings or config_len later without re-checking them against the
 * table's end (amp_rpmsg_remote_init_rsc() does).
 */
AMP_API int amp_rsc_find_vdev(void *table, size_t size, uint32_t virtio_id,
		      struct amp_rsc_vdev **vdev);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_RSC_TABLE_H */
