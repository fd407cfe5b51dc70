/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file virtio_ring.h
 * @brief Split virtqueue (vring) wire layout, byte-compatible with Linux
 *        (include/uapi/linux/virtio_ring.h) and OpenAMP.
 *
 * All fields are little-endian (remoteproc virtio is "legacy" virtio in the
 * CPU's byte order; every AMP system in practice is little-endian).
 *
 * Layout of one vring of @c num entries aligned to @c align:
 *
 *     desc[num]                     16 * num bytes
 *     avail: flags, idx, ring[num], used_event   6 + 2 * num bytes
 *     (padding up to the next multiple of align)
 *     used: flags, idx, ring[num] {id, len}, avail_event  6 + 8 * num bytes
 *
 * This file is freestanding: the firmware side uses it too.
 */
#ifndef AMPSHM_VIRTIO_RING_H
#define AMPSHM_VIRTIO_RING_H

#include <stddef.h>
#include <stdint.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name Descriptor flags
 *  @{ */
#define AMP_VRING_DESC_F_NEXT 1u     /**< chained with the @c next field */
#define AMP_VRING_DESC_F_WRITE 2u    /**< device writes (driver reads) */
#define AMP_VRING_DESC_F_INDIRECT 4u /**< buffer holds a descriptor table */
/** @} */

/** Available ring flag: the driver asks the device not to interrupt it. */
#define AMP_VRING_AVAIL_F_NO_INTERRUPT 1u
/** Used ring flag: the device asks the driver not to notify (kick) it. */
#define AMP_VRING_USED_F_NO_NOTIFY 1u

/** Largest ring size virtio allows. */
#define AMP_VRING_MAX_NUM 32768u

/** One descriptor (16 bytes). */
struct amp_vring_desc {
	uint64_t addr;  /**< bus/physical address of the buffer */
	uint32_t len;   /**< buffer length in bytes */
	uint16_t flags; /**< AMP_VRING_DESC_F_* */
	uint16_t next;  /**< next descriptor of a chain */
};

/** Available ring header; ring[num] and used_event follow. */
struct amp_vring_avail {
	uint16_t flags;  /**< AMP_VRING_AVAIL_F_NO_INTERRUPT */
	uint16_t idx;    /**< free-running index of the next free entry */
	uint16_t ring[]; /**< descriptor heads; then u16 used_event */
};

/** One used-ring element (8 bytes). */
struct amp_vring_used_elem {
	uint32_t id;  /**< head descriptor index being returned */
	uint32_t len; /**< bytes written into the buffer by the device */
};

/** Used ring header; ring[num] and avail_event follow. */
struct amp_vring_used {
	uint16_t flags; /**< AMP_VRING_USED_F_NO_NOTIFY */
	uint16_t idx;   /**< free-running index of the next free entry */
	struct amp_vring_used_elem ring[]; /**< then u16 avail_event */
};

AMP_STATIC_ASSERT(sizeof(struct amp_vring_desc) == 16, "vring desc size");
AMP_STATIC_ASSERT(offsetof(struct amp_vring_desc, len) == 8, "desc.len");
AMP_STATIC_ASSERT(offsetof(struct amp_vring_desc, flags) == 12, "desc.flags");
AMP_STATIC_ASSERT(offsetof(struct amp_vring_desc, next) == 14, "desc.next");
AMP_STATIC_ASSERT(sizeof(struct amp_vring_avail) == 4, "avail header");
AMP_STATIC_ASSERT(sizeof(struct amp_vring_used_elem) == 8, "used elem");
AMP_STATIC_ASSERT(sizeof(struct amp_vring_used) == 4, "used header");

/** A vring as one side sees it: pointers into shared memory. */
struct amp_vring {
	unsigned int num;              /**< entries (a power of two) */
	struct amp_vring_desc *desc;   /**< descriptor table */
	struct amp_vring_avail *avail; /**< available ring */
	struct amp_vring_used *used;   /**< used ring */
};

/**
 * @brief Byte offset of the available ring from the start of the vring.
 * @param num ring size
 */
static inline size_t amp_vring_avail_offset(unsigned int num)
{
	return (size_t)num * sizeof(struct amp_vring_desc);
}

/**
 * @brief Byte offset of the used ring: the first multiple of @p align after
 *        the available ring (including used_event).
 * @param num ring size
 * @param align alignment, a power of two
 */
static inline size_t amp_vring_used_offset(unsigned int num, size_t align)
{
	size_t end = amp_vring_avail_offset(num) + sizeof(uint16_t) * (3 + num);

	return (end + align - 1) & ~(align - 1);
}

/**
 * @brief Total bytes of a vring (Linux's vring_size()).
 * @param num ring size
 * @param align alignment, a power of two
 *
 * For num = 256 and align = 4096 this is 0x2806.
 */
static inline size_t amp_vring_size(unsigned int num, size_t align)
{
	return amp_vring_used_offset(num, align) + sizeof(uint16_t) * 3 +
	       sizeof(struct amp_vring_used_elem) * num;
}

/**
 * @brief Point @p vr at a vring laid out at @p p.
 * @param vr vring to fill
 * @param num ring size
 * @param p first byte of the vring (descriptor table)
 * @param align alignment of the used ring, a power of two
 */
static inline void amp_vring_init(struct amp_vring *vr, unsigned int num,
				  void *p, size_t align)
{
	vr->num = num;
	vr->desc = (struct amp_vring_desc *)p;
	vr->avail = (struct amp_vring_avail *)((char *)p +
					       amp_vring_avail_offset(num));
	vr->used = (struct amp_vring_used *)((char *)p +
					     amp_vring_used_offset(num, align));
}

/**
 * @brief Address of the used_event field (end of the available ring).
 * @param vr vring
 */
static inline uint16_t *amp_vring_used_event(struct amp_vring *vr)
{
	return &vr->avail->ring[vr->num];
}

/**
 * @brief Address of the avail_event field (end of the used ring).
 * @param vr vring
 */
static inline uint16_t *amp_vring_avail_event(struct amp_vring *vr)
{
	return (uint16_t *)&vr->used->ring[vr->num];
}

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_VIRTIO_RING_H */
