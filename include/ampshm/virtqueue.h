/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file virtqueue.h
 * @brief Split virtqueue in both roles: driver (the host, which owns and
 *        posts every buffer) and device (the remote).
 *
 * One buffer is one descriptor (RPMsg never chains). In the driver role
 * descriptor @c i is bound for good to buffer @c i, which the driver
 * registers with amp_vq_driver_set_buf(); the driver keeps its own copy of
 * every buffer's address and size and never reads them back from shared
 * memory.
 *
 * Everything read from the other side is validated: ring indices that jump
 * more than @c num ahead (the queue is then marked broken), descriptor ids
 * out of range or not posted, chained or indirect descriptors, addresses
 * outside the port's regions, lengths larger than the buffer. Buffers may
 * have any alignment (OpenAMP hosts carve odd sizes back to back): headers
 * are copied with memcpy, never accessed in place. A bad entry is
 * dropped, counted in the queue's error counters and reported through the
 * optional error callback; the queue keeps running.
 *
 * Freestanding: no allocation, no OS call; the caller supplies the
 * per-descriptor state array (struct amp_vq_slot[num]).
 *
 * Built with AMP_RPMSG_REMOTE_ONLY (a coprocessor that is only the
 * device), the driver role is left out: amp_vq_driver_set_buf(),
 * amp_vq_driver_post() and amp_vq_driver_get_used() are not defined, and
 * amp_vq_init() refuses AMP_VQ_DRIVER (-EINVAL).
 */
#ifndef AMPSHM_VIRTQUEUE_H
#define AMPSHM_VIRTQUEUE_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/ipc_port.h>
#include <ampshm/virtio_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Role of one side of a virtqueue. */
enum amp_vq_role {
	AMP_VQ_DRIVER = 0, /**< posts buffers, reads the used ring (host) */
	AMP_VQ_DEVICE = 1, /**< takes buffers, fills the used ring (remote) */
};

/**
 * Kinds of bad input from the other side (and local misuse worth
 * counting). Indexes struct amp_ipc_stats::err.
 */
enum amp_ipc_err {
	AMP_IPC_ERR_AVAIL_IDX = 0, /**< avail idx jumped > num ahead */
	AMP_IPC_ERR_USED_IDX, /**< used idx jumped > num ahead */
	AMP_IPC_ERR_DESC_ID, /**< descriptor id >= num */
	AMP_IPC_ERR_DESC_STATE, /**< id not posted / already held */
	AMP_IPC_ERR_DESC_CHAIN, /**< NEXT or INDIRECT flag set */
	AMP_IPC_ERR_DESC_ADDR, /**< address outside the shared region */
	AMP_IPC_ERR_DESC_LEN, /**< descriptor len 0 / too small */
	AMP_IPC_ERR_USED_LEN, /**< used len > buffer size */
	AMP_IPC_ERR_HDR_LEN, /**< rpmsg hdr.len > buffer len - 16 */
	AMP_IPC_ERR_NO_EPT, /**< no endpoint at hdr.dst */
	AMP_IPC_ERR_NS_LEN, /**< name-service message not 40 bytes */
	AMP_IPC_ERR_NS_NAME, /**< name without NUL terminator */
	AMP_IPC_ERR_NS_FLAGS, /**< unknown name-service flags */
	AMP_IPC_ERR_BAD_RELEASE, /**< release of a buffer not held */
	AMP_IPC_ERR_NS_ADDR, /**< announced address reserved or ANY */
	AMP_IPC_ERR_MAX /**< number of kinds */
};

/** Error counters, indexed by enum amp_ipc_err. */
struct amp_ipc_stats {
	uint32_t err[AMP_IPC_ERR_MAX]; /**< drops per kind */
};

/**
 * @brief Error report callback.
 * @param err kind
 * @param detail offending value (index, id, address low bits, length...)
 * @param priv the pointer registered with the callback
 */
typedef void (*amp_ipc_err_cb)(enum amp_ipc_err err, uint64_t detail,
			       void *priv);

/** Per-descriptor state, supplied by the caller (num entries). */
struct amp_vq_slot {
	void *va; /**< driver: buffer; device: translated buffer */
	amp_pa_t pa; /**< driver: bus address of the buffer */
	uint32_t size; /**< driver: buffer size; device: descriptor len */
	uint16_t next; /**< free-list link for the layers above */
	uint8_t state; /**< AMP_VQ_SLOT_* */
	uint8_t user; /**< free for the layer above */
};

/** @name Slot states
 *  @{ */
#define AMP_VQ_SLOT_FREE 0 /**< owned by this side, not in the ring */
#define AMP_VQ_SLOT_POSTED 1 /**< driver: in the avail ring */
#define AMP_VQ_SLOT_HELD 2 /**< device: taken from avail, not returned */
/** @} */

/** A virtqueue (local state; the vring itself is in shared memory). */
struct amp_virtqueue {
	struct amp_vring vr; /**< shared ring */
	const struct amp_ipc_port *port; /**< translation, notify, barriers */
	struct amp_vq_slot *slots; /**< per-descriptor state [num] */
	struct amp_ipc_stats *stats; /**< counters (may be shared) */
	amp_ipc_err_cb err_cb; /**< optional error report */
	void *err_priv; /**< passed to err_cb */
	uint32_t notifyid; /**< id passed to port notify */
	uint16_t num; /**< ring size */
	uint16_t last_seen; /**< next used (driver) / avail (device) entry */
	uint16_t shadow_idx; /**< our published avail (driver) / used idx */
	uint16_t added; /**< entries published since the last kick */
	uint8_t role; /**< enum amp_vq_role */
	bool broken; /**< an index jumped: stop until reset */
	bool coherent; /**< skip cache maintenance */
	bool cb_off; /**< we asked the peer not to notify us */
};

/**
 * @brief Set up a virtqueue over a vring in shared memory.
 * @param vq queue to initialise
 * @param role AMP_VQ_DRIVER or AMP_VQ_DEVICE
 * @param num ring size (power of two, 1..32768)
 * @param mem first byte of the vring (amp_vring_size(num, align) bytes)
 * @param align used-ring alignment (power of two, at least 4)
 * @param slots caller storage, @p num entries
 * @param port port (translation, barriers, notify)
 * @param notifyid id passed to the port's notify
 * @return 0 or -EINVAL
 *
 * The driver role also resets the shared ring (indices, flags) to zero; the
 * device role adopts the indices it finds.
 */
AMP_API int amp_vq_init(struct amp_virtqueue *vq, enum amp_vq_role role,
			unsigned int num, void *mem, size_t align,
			struct amp_vq_slot *slots,
			const struct amp_ipc_port *port, uint32_t notifyid);

/**
 * @brief Bind descriptor @p id to a buffer (driver role).
 * @param vq queue
 * @param id descriptor index (< num)
 * @param va local address of the buffer
 * @param size buffer size in bytes
 * @return 0, -EINVAL, or -EFAULT if the buffer is not in a port region
 */
AMP_API int amp_vq_driver_set_buf(struct amp_virtqueue *vq, uint16_t id,
				  void *va, uint32_t size);

/**
 * @brief Post descriptor @p id (driver role) and publish it.
 * @param vq queue
 * @param id descriptor, bound with amp_vq_driver_set_buf(), FREE
 * @param len bytes the device may read (out) or write (in)
 * @param device_writes true for an empty buffer for the device to fill
 * @return 0, -EINVAL (bad id/len) or -EBUSY (already posted)
 *
 * The descriptor is rewritten from the driver's private copy each time.
 */
AMP_API int amp_vq_driver_post(struct amp_virtqueue *vq, uint16_t id,
			       uint32_t len, bool device_writes);

/**
 * @brief Take the next used buffer back (driver role).
 * @param vq queue
 * @param id descriptor returned
 * @param len bytes the device says it wrote
 * @return 0; -EAGAIN if none; -EIO if the queue is broken; -EBADMSG if the
 *         entry named a valid posted id with a length larger than its
 *         buffer (the buffer is back in @p id, its content must be ignored)
 *
 * Invalid entries (bad id, id not posted) are dropped and counted, and the
 * next entry is tried.
 */
AMP_API int amp_vq_driver_get_used(struct amp_virtqueue *vq, uint16_t *id,
				   uint32_t *len);

/**
 * @brief Take the next available buffer (device role).
 * @param vq queue
 * @param id descriptor taken (HELD until amp_vq_device_put_used())
 * @param va translated, bounds-checked local address of the buffer
 * @param len descriptor length
 * @return 0, -EAGAIN if none, -EIO if broken
 *
 * Bad entries are dropped and counted. A descriptor with a valid id but a
 * bad address, length or chain flag is returned at once in the used ring
 * with the descriptor's own length (OpenAMP drivers reuse the used length
 * as the buffer size), so that the driver does not lose the buffer.
 */
AMP_API int amp_vq_device_get_avail(struct amp_virtqueue *vq, uint16_t *id,
				    void **va, uint32_t *len);

/**
 * @brief Return a held buffer in the used ring (device role).
 * @param vq queue
 * @param id descriptor taken with amp_vq_device_get_avail()
 * @param len bytes written into the buffer
 * @return 0, or -EINVAL if @p id is not held or @p len is too large
 */
AMP_API int amp_vq_device_put_used(struct amp_virtqueue *vq, uint16_t id,
				   uint32_t len);

/**
 * @brief Whether the other side asked to be notified (NO_INTERRUPT /
 *        NO_NOTIFY not set). Issues a full barrier first.
 * @param vq queue
 */
AMP_API bool amp_vq_peer_wants_notify(struct amp_virtqueue *vq);

/**
 * @brief Notify the other side if something was published since the last
 *        kick and the other side did not suppress notifications.
 * @param vq queue
 * @return 1 if notified, 0 if not needed, negative errno from the port
 */
AMP_API int amp_vq_kick(struct amp_virtqueue *vq);

/**
 * @brief Ask the other side not to notify us about this queue
 *        (driver: avail NO_INTERRUPT; device: used NO_NOTIFY).
 * @param vq queue
 */
AMP_API void amp_vq_disable_cb(struct amp_virtqueue *vq);

/**
 * @brief Ask to be notified again, then check for work that raced.
 * @param vq queue
 * @return true if entries are already pending (process them before waiting)
 */
AMP_API bool amp_vq_enable_cb(struct amp_virtqueue *vq);

/**
 * @brief Whether entries from the other side are pending (no validation).
 * @param vq queue
 */
AMP_API bool amp_vq_pending(struct amp_virtqueue *vq);

/**
 * @brief Record one bad-input event: count it and call the error callback.
 * @param vq queue whose counters and callback are used
 * @param err kind
 * @param detail offending value
 */
AMP_API void amp_vq_report(struct amp_virtqueue *vq, enum amp_ipc_err err,
			   uint64_t detail);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_VIRTQUEUE_H */
