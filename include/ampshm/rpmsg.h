/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file rpmsg.h
 * @brief RPMsg over virtio vrings, byte-compatible with Linux
 *        virtio_rpmsg_bus and OpenAMP, in both roles.
 *
 * The host is the virtio driver: it owns every buffer (one per descriptor,
 * a fixed number per direction, never more) and posts them. The remote is
 * the virtio device. vring0 carries remote-to-host messages, vring1
 * host-to-remote messages.
 *
 * Endpoints have 32-bit addresses: below 1024 reserved for fixed services
 * (the name service is at 53), dynamic ones from 1024. A channel is bound
 * when a name-service announcement names a local endpoint whose
 * destination is still AMP_RPMSG_ADDR_ANY, or by the first message received
 * (destination = sender). An endpoint created with destination ANY and a
 * name is announced (if the name service was negotiated); one created with
 * a known destination (typically in reply to an announcement) is not.
 *
 * Everything read from the other side is validated (see virtqueue.h and
 * enum amp_ipc_err): bad messages are dropped, counted in
 * struct amp_rpmsg_stats and reported through the error callback.
 *
 * Freestanding: no allocation (the caller supplies endpoints, slot
 * arrays and buffers), no OS call outside the port (ipc_port.h).
 *
 * A coprocessor that is only ever the remote builds the library's
 * src/virtio and src/rpmsg with AMP_RPMSG_REMOTE_ONLY defined (the
 * firmware does): the host's side (amp_rpmsg_host_init(),
 * amp_rpmsg_host_init_rsc() and the virtqueue's driver role) is then not
 * compiled, and nothing of it is linked; the remote's behaviour is the
 * same.
 *
 * Threads: every call takes the port's lock (if it has one) around local
 * state. Endpoint callbacks run from amp_rpmsg_process() without that lock
 * but under the port's (recursive) callback lock, holding a reference on
 * their endpoint; they may send, hold buffers and create/destroy endpoints,
 * their own included. amp_rpmsg_destroy_ept() does not return while
 * another thread runs the endpoint's callback, and no callback of the
 * endpoint starts after it returned.
 *
 * Layers (see docs/rpmsg.md): the endpoint core (addresses, lookup,
 * lifetime, callbacks, the send entry points), the virtio transport
 * (rings, buffers, the VDEV handshake) and the name service, a client of
 * the endpoint core.
 */
#ifndef AMPSHM_RPMSG_H
#define AMPSHM_RPMSG_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/types.h>
#include <ampshm/ipc_port.h>
#include <ampshm/rsc_table.h>
#include <ampshm/virtqueue.h>

#ifdef __cplusplus
extern "C" {
#endif

/** "Any address" / unbound. */
#define AMP_RPMSG_ADDR_ANY 0xFFFFFFFFu
/** Name-service endpoint address. */
#define AMP_RPMSG_NS_ADDR 53u
/** First dynamic endpoint address. */
#define AMP_RPMSG_RESERVED_ADDRESSES 1024u
/** Endpoint name size, NUL included. */
#define AMP_RPMSG_NAME_SIZE 32u
/** Message header size. */
#define AMP_RPMSG_HDR_SIZE 16u
/** Default buffer size (Linux's fixed size): 496 bytes of payload. */
#define AMP_RPMSG_DEFAULT_BUF_SIZE 512u
/** Name-service flags. */
#define AMP_RPMSG_NS_CREATE 0u
/** Name-service flags. */
#define AMP_RPMSG_NS_DESTROY 1u

/** Message header (16 bytes, little-endian). */
struct amp_rpmsg_hdr {
	uint32_t src; /**< sender's endpoint address */
	uint32_t dst; /**< receiver's endpoint address */
	uint32_t reserved; /**< 0 on the wire */
	uint16_t len; /**< payload bytes */
	uint16_t flags; /**< 0 */
};

/** Name-service announcement (40 bytes). */
struct amp_rpmsg_ns_msg {
	char name[AMP_RPMSG_NAME_SIZE]; /**< service name, NUL terminated */
	uint32_t addr; /**< announced endpoint address */
	uint32_t flags; /**< AMP_RPMSG_NS_CREATE / DESTROY */
};

AMP_STATIC_ASSERT(sizeof(struct amp_rpmsg_hdr) == AMP_RPMSG_HDR_SIZE, "hdr");
AMP_STATIC_ASSERT(offsetof(struct amp_rpmsg_hdr, len) == 12, "hdr.len");
AMP_STATIC_ASSERT(offsetof(struct amp_rpmsg_hdr, flags) == 14, "hdr.flags");
AMP_STATIC_ASSERT(sizeof(struct amp_rpmsg_ns_msg) == 40, "ns msg");
AMP_STATIC_ASSERT(offsetof(struct amp_rpmsg_ns_msg, addr) == 32, "ns.addr");
AMP_STATIC_ASSERT(offsetof(struct amp_rpmsg_ns_msg, flags) == 36, "ns.flags");

/** Role of this side. */
enum amp_rpmsg_role {
	AMP_RPMSG_HOST = 0, /**< virtio driver (application processor) */
	AMP_RPMSG_REMOTE = 1, /**< virtio device (coprocessor) */
};

struct amp_rpmsg_dev;
struct amp_rpmsg_endpoint;

/**
 * @brief Receive callback.
 * @param ept endpoint the message was addressed to
 * @param data payload, in the shared buffer (valid until the callback
 *        returns, or until amp_rpmsg_release_rx_buffer() if held)
 * @param len payload bytes
 * @param src sender's address
 * @param priv the endpoint's private pointer
 * @return 0 (other values are ignored)
 */
typedef int (*amp_rpmsg_ept_cb)(struct amp_rpmsg_endpoint *ept, void *data,
				size_t len, uint32_t src, void *priv);

/**
 * @brief Called when the other side announces the destruction of the
 *        service this endpoint is bound to (the endpoint is unbound first).
 */
typedef void (*amp_rpmsg_ns_unbind_cb)(struct amp_rpmsg_endpoint *ept);

/**
 * @brief Called for an announcement that no local endpoint matched: the
 *        application may create an endpoint with destination @p dest.
 * @param rdev device
 * @param name announced name (NUL terminated)
 * @param dest announced address
 * @param priv registered pointer
 */
typedef void (*amp_rpmsg_ns_bind_cb)(struct amp_rpmsg_dev *rdev,
				     const char *name, uint32_t dest,
				     void *priv);

/** An endpoint (caller storage). */
struct amp_rpmsg_endpoint {
	char name[AMP_RPMSG_NAME_SIZE]; /**< service name ("" for none) */
	uint32_t addr; /**< local address */
	uint32_t dest_addr; /**< peer address or ANY */
	amp_rpmsg_ept_cb cb; /**< receive callback */
	amp_rpmsg_ns_unbind_cb ns_unbind_cb; /**< peer service destroyed */
	void *priv; /**< passed to cb */
	struct amp_rpmsg_dev *rdev; /**< owning device */
	struct amp_rpmsg_endpoint *next; /**< device's list */
	bool announced; /**< we sent a create announcement */
	/**
	 * References: 1 while registered, +1 for each callback running.
	 * 0 once destroyed (or never created).
	 */
	uint32_t refcnt;
};

/** Counters. */
struct amp_rpmsg_stats {
	uint64_t rx_msgs; /**< messages delivered to callbacks */
	uint64_t tx_msgs; /**< messages sent */
	uint64_t kicks; /**< notifications sent to the peer */
	uint64_t tx_waits; /**< times a sender waited for a buffer */
	uint32_t rx_held; /**< RX buffers currently held by the application */
	struct amp_ipc_stats ipc; /**< bad input dropped, per kind */
};

/** Host (driver) configuration for amp_rpmsg_host_init(). */
struct amp_rpmsg_host_cfg {
	/** VDEV entry of the *loaded* resource table (shared with remote). */
	struct amp_rsc_vdev *vdev;
	/** Port: notify/wait/lock, translation of every address used. */
	const struct amp_ipc_port *port;
	/** Memory for vring i when its da is AMP_RSC_ADDR_ANY (else unused). */
	void *vring_mem[2];
	/** Remote-to-host buffers: vring0.num of rx_buf_size bytes. */
	void *rx_bufs;
	uint32_t rx_buf_size; /**< bytes per RX buffer (17..65551) */
	/** Host-to-remote buffers: vring1.num of tx_buf_size bytes. */
	void *tx_bufs;
	uint32_t tx_buf_size; /**< bytes per TX buffer (17..65551) */
	/** Per-descriptor state for vring0 and vring1 (num entries each). */
	struct amp_vq_slot *slots[2];
	unsigned int nslots[2]; /**< capacity of slots[i] */
	/** Features the host supports (bit AMP_VIRTIO_RPMSG_F_NS). */
	uint32_t features;
	/**
	 * The loaded resource table (NULL: only the VDEV entry itself is
	 * known): the host refuses vrings or buffers that overlap it.
	 */
	const void *rsc_table;
	size_t rsc_size; /**< bytes of @c rsc_table */
};

/** Remote (device) configuration for amp_rpmsg_remote_init(). */
struct amp_rpmsg_remote_cfg {
	/** VDEV entry of the resource table (the host writes into it). */
	struct amp_rsc_vdev *vdev;
	/** Port: notify/wait/lock, translation of every address used. */
	const struct amp_ipc_port *port;
	/** Per-descriptor state for vring0 and vring1 (num entries each). */
	struct amp_vq_slot *slots[2];
	unsigned int nslots[2]; /**< capacity of slots[i] */
	/**
	 * Bytes of the resource table from @c vdev to the table's end (0:
	 * unknown, then the caller guarantees room for the header and two
	 * vrings). The entry is re-validated against it after DRIVER_OK.
	 */
	size_t vdev_size;
};

struct amp_rpmsg_transport_ops;
struct amp_rpmsg_cb_frame;

/** An RPMsg device, either role (caller storage). */
struct amp_rpmsg_dev {
	enum amp_rpmsg_role role; /**< host or remote */
	const struct amp_ipc_port *port; /**< platform port */
	struct amp_rsc_vdev *vdev; /**< VDEV entry */
	struct amp_virtqueue rvq; /**< queue we receive on */
	struct amp_virtqueue tvq; /**< queue we send on */
	uint32_t features; /**< negotiated features */
	struct amp_rpmsg_endpoint *epts; /**< endpoint list */
	struct amp_rpmsg_endpoint ns_ept; /**< name service (if negotiated) */
	uint32_t next_addr; /**< next dynamic address to try */
	amp_rpmsg_ns_bind_cb ns_bind_cb; /**< unmatched announcements */
	void *ns_bind_priv; /**< passed to ns_bind_cb */
	amp_ipc_err_cb err_cb; /**< bad-input reports */
	void *err_priv; /**< passed to err_cb */
	struct amp_rpmsg_stats stats; /**< counters */
	uint32_t tx_timeout_us; /**< blocking send timeout */
	char *rx_base; /**< host: first RX buffer */
	char *tx_base; /**< host: first TX buffer */
	uint32_t rx_size; /**< host: RX buffer size */
	uint32_t tx_size; /**< host: TX buffer size; remote: last seen */
	uint16_t tx_free; /**< host: free TX list; remote: spare list */
	bool ready; /**< handshake done */
	/** Transport behind the endpoint core (virtio). */
	const struct amp_rpmsg_transport_ops *ops;
	/** Callbacks running (innermost first), under the callback lock. */
	struct amp_rpmsg_cb_frame *cb_frames;
	uint32_t vdev_notifyid; /**< notify id of the VDEV, read once */
	uint16_t rx_hint; /**< remote: RX buffer of the running callback */
	uint16_t tx_hint; /**< remote: TX buffer last lent to the app */
	/**
	 * Senders waiting for a TX buffer: the peer is asked to notify
	 * while any waits, and told to stop only when the last one leaves.
	 */
	uint16_t tx_waiters;
};

/**
 * @brief Start the host (virtio driver) side over a VDEV entry.
 * @param rdev device storage
 * @param cfg configuration
 * @return 0 or a negative errno (-EINVAL bad entry/config, -EFAULT
 *         addresses outside the port's regions)
 *
 * Not in a remote-only build (AMP_RPMSG_REMOTE_ONLY).
 *
 * Follows OpenAMP's order: writes status ACKNOWLEDGE|DRIVER, gfeatures
 * (dfeatures & cfg->features, bit 0 only), FEATURES_OK, sets up both
 * vrings (allocating them from cfg->vring_mem when their da is ANY and
 * writing the chosen da back), posts every RX buffer, then sets DRIVER_OK
 * and notifies the remote.
 */
AMP_API int amp_rpmsg_host_init(struct amp_rpmsg_dev *rdev,
				const struct amp_rpmsg_host_cfg *cfg);

/**
 * @brief Start the remote (virtio device) side over a VDEV entry.
 * @param rdev device storage
 * @param cfg configuration
 * @param timeout_us how long to wait for DRIVER_OK (0: do not wait)
 * @return 0, -EAGAIN/-ETIMEDOUT if the host is not ready, -EINVAL/-EFAULT
 *         on a bad entry (vrings outside the port's regions...)
 *
 * Tests the DRIVER_OK bit (not equality), then adopts the host's vrings.
 */
AMP_API int amp_rpmsg_remote_init(struct amp_rpmsg_dev *rdev,
				  const struct amp_rpmsg_remote_cfg *cfg,
				  uint32_t timeout_us);

/**
 * @brief Start the host side from a resource table anywhere in shared
 *        memory: find the RPMsg VDEV (validated) and run
 *        amp_rpmsg_host_init().
 * @param rdev device storage
 * @param cfg configuration (its @c vdev, @c rsc_table and @c rsc_size are
 *        ignored: they come from @p table)
 * @param table the loaded resource table (shared with the remote)
 * @param size bytes of the table
 * @return 0, -ENOENT (no RPMsg VDEV), or amp_rpmsg_host_init()'s errors
 *
 * Not in a remote-only build (AMP_RPMSG_REMOTE_ONLY).
 */
AMP_API int amp_rpmsg_host_init_rsc(struct amp_rpmsg_dev *rdev,
				    const struct amp_rpmsg_host_cfg *cfg,
				    void *table, size_t size);

/**
 * @brief Start the remote side from a resource table anywhere in shared
 *        memory: find the RPMsg VDEV, wait for DRIVER_OK, then validate a
 *        single snapshot of the entry against the table's bounds.
 * @param rdev device storage
 * @param cfg configuration (its @c vdev and @c vdev_size are ignored)
 * @param table the resource table (the host writes into it)
 * @param size bytes of the table
 * @param timeout_us how long to wait for DRIVER_OK (0: do not wait)
 * @return 0, -ENOENT, or amp_rpmsg_remote_init()'s errors
 */
AMP_API int amp_rpmsg_remote_init_rsc(struct amp_rpmsg_dev *rdev,
				      const struct amp_rpmsg_remote_cfg *cfg,
				      void *table, size_t size,
				      uint32_t timeout_us);

/**
 * @brief Stop using the device: unlink every endpoint (no announcement).
 * @param rdev device
 */
AMP_API void amp_rpmsg_deinit(struct amp_rpmsg_dev *rdev);

/**
 * @brief Register the callback for unmatched name-service announcements.
 * @param rdev device
 * @param cb callback (NULL to ignore such announcements)
 * @param priv passed to @p cb
 */
AMP_API void amp_rpmsg_set_ns_bind_cb(struct amp_rpmsg_dev *rdev,
				      amp_rpmsg_ns_bind_cb cb, void *priv);

/**
 * @brief Register the callback told about every bad input dropped.
 * @param rdev device
 * @param cb callback (NULL: count only)
 * @param priv passed to @p cb
 */
AMP_API void amp_rpmsg_set_err_cb(struct amp_rpmsg_dev *rdev, amp_ipc_err_cb cb,
				  void *priv);

/**
 * @brief Create an endpoint.
 * @param ept endpoint storage (must stay valid until destroyed)
 * @param rdev device
 * @param name service name (may be NULL or ""; at most 31 characters)
 * @param src local address, or AMP_RPMSG_ADDR_ANY for a dynamic one
 * @param dest peer address, or AMP_RPMSG_ADDR_ANY (bind later)
 * @param cb receive callback
 * @param unbind_cb called when the peer destroys the service (may be NULL)
 * @param priv passed to @p cb
 * @return 0, -EINVAL, -EBUSY (@p ept is already registered), -EADDRINUSE,
 *         -ENOSPC (no free dynamic address), or the error of sending the
 *         announcement
 *
 * With the name service negotiated, a named endpoint whose destination is
 * ANY is announced to the peer.
 */
AMP_API int amp_rpmsg_create_ept(struct amp_rpmsg_endpoint *ept,
				 struct amp_rpmsg_dev *rdev, const char *name,
				 uint32_t src, uint32_t dest,
				 amp_rpmsg_ept_cb cb,
				 amp_rpmsg_ns_unbind_cb unbind_cb, void *priv);

/**
 * @brief Destroy an endpoint (announcing it if it was announced).
 * @param ept endpoint
 *
 * Safe while the endpoint's callback runs: from another thread it waits
 * until the callback returned (through the port's callback lock); from
 * the callback itself it returns at once, and the storage must then stay
 * valid until that callback returns. No callback of @p ept starts after
 * this returned.
 */
AMP_API void amp_rpmsg_destroy_ept(struct amp_rpmsg_endpoint *ept);

/**
 * @brief Whether an endpoint knows its peer's address.
 * @param ept endpoint
 */
AMP_API bool amp_rpmsg_ept_is_bound(const struct amp_rpmsg_endpoint *ept);

/**
 * @brief Send to the bound peer, waiting up to the TX timeout for a buffer.
 * @param ept endpoint (bound)
 * @param data payload
 * @param len payload bytes (at most amp_rpmsg_max_payload())
 * @return @p len, or -ENOTCONN (unbound / not ready), -EMSGSIZE,
 *         -ETIMEDOUT, -EIO (queue broken by bad peer input)
 */
AMP_API int amp_rpmsg_send(struct amp_rpmsg_endpoint *ept, const void *data,
			   size_t len);

/**
 * @brief Like amp_rpmsg_send() but never waits (-EAGAIN when no buffer).
 * @param ept endpoint (bound)
 * @param data payload
 * @param len payload bytes
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_trysend(struct amp_rpmsg_endpoint *ept, const void *data,
			      size_t len);

/**
 * @brief Send to an explicit destination, waiting for a buffer.
 * @param ept endpoint (source address)
 * @param data payload
 * @param len payload bytes
 * @param dst destination address
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_sendto(struct amp_rpmsg_endpoint *ept, const void *data,
			     size_t len, uint32_t dst);

/**
 * @brief amp_rpmsg_sendto() without waiting.
 * @param ept endpoint (source address)
 * @param data payload
 * @param len payload bytes
 * @param dst destination address
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_trysendto(struct amp_rpmsg_endpoint *ept,
				const void *data, size_t len, uint32_t dst);

/**
 * @brief Send with explicit source and destination, waiting for a buffer.
 * @param ept endpoint (selects the device)
 * @param src source address written in the header
 * @param dst destination address
 * @param data payload
 * @param len payload bytes
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_send_offchannel(struct amp_rpmsg_endpoint *ept,
				      uint32_t src, uint32_t dst,
				      const void *data, size_t len);

/**
 * @brief amp_rpmsg_send_offchannel() without waiting.
 * @param ept endpoint (selects the device)
 * @param src source address
 * @param dst destination address
 * @param data payload
 * @param len payload bytes
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_trysend_offchannel(struct amp_rpmsg_endpoint *ept,
					 uint32_t src, uint32_t dst,
					 const void *data, size_t len);

/**
 * @brief Get a TX buffer to fill in place (zero copy).
 * @param ept endpoint
 * @param size result: payload capacity in bytes
 * @param wait wait up to the TX timeout for a buffer
 * @return payload pointer (inside the shared buffer), or NULL (no buffer,
 *         not ready)
 *
 * Hand it back with amp_rpmsg_send_nocopy() (or a variant) or
 * amp_rpmsg_release_tx_buffer().
 */
AMP_API void *amp_rpmsg_get_tx_payload_buffer(struct amp_rpmsg_endpoint *ept,
					      uint32_t *size, bool wait);

/**
 * @brief Send a buffer from amp_rpmsg_get_tx_payload_buffer() to the bound
 *        peer without copying.
 * @param ept endpoint (bound)
 * @param data payload pointer returned by amp_rpmsg_get_tx_payload_buffer()
 * @param len payload bytes written
 * @return @p len, or -EINVAL (not such a buffer), -EMSGSIZE, -ENOTCONN
 */
AMP_API int amp_rpmsg_send_nocopy(struct amp_rpmsg_endpoint *ept, void *data,
				  size_t len);

/**
 * @brief Zero-copy send to an explicit destination.
 * @param ept endpoint
 * @param data payload pointer from amp_rpmsg_get_tx_payload_buffer()
 * @param len payload bytes
 * @param dst destination address
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_sendto_nocopy(struct amp_rpmsg_endpoint *ept, void *data,
				    size_t len, uint32_t dst);

/**
 * @brief Zero-copy send with explicit source and destination.
 * @param ept endpoint
 * @param src source address
 * @param dst destination address
 * @param data payload pointer from amp_rpmsg_get_tx_payload_buffer()
 * @param len payload bytes
 * @return @p len or a negative errno
 */
AMP_API int amp_rpmsg_send_offchannel_nocopy(struct amp_rpmsg_endpoint *ept,
					     uint32_t src, uint32_t dst,
					     void *data, size_t len);

/**
 * @brief Give back an unsent TX buffer.
 * @param ept endpoint
 * @param data payload pointer from amp_rpmsg_get_tx_payload_buffer()
 * @return 0 or -EINVAL
 */
AMP_API int amp_rpmsg_release_tx_buffer(struct amp_rpmsg_endpoint *ept,
					void *data);

/**
 * @brief Keep an RX buffer after the callback returns (call it from the
 *        callback). The peer cannot reuse it until it is released.
 * @param ept endpoint
 * @param data payload pointer passed to the callback
 * @return 0 or -EINVAL
 */
AMP_API int amp_rpmsg_hold_rx_buffer(struct amp_rpmsg_endpoint *ept,
				     void *data);

/**
 * @brief Give a held RX buffer back to the peer.
 * @param ept endpoint
 * @param data payload pointer passed to the callback
 * @return 0 or -EINVAL (not held)
 */
AMP_API int amp_rpmsg_release_rx_buffer(struct amp_rpmsg_endpoint *ept,
					void *data);

/**
 * @brief Deliver every pending message to its endpoint's callback.
 * @param rdev device
 * @return messages delivered (>= 0), or -ENOTCONN / -EIO
 */
AMP_API int amp_rpmsg_process(struct amp_rpmsg_dev *rdev);

/**
 * @brief Process pending messages; if there were none, wait for a
 *        notification (up to @p timeout_us) and process again.
 * @param rdev device
 * @param timeout_us microseconds (UINT32_MAX: forever)
 * @return messages delivered, or -ETIMEDOUT, or another negative errno
 */
AMP_API int amp_rpmsg_poll(struct amp_rpmsg_dev *rdev, uint32_t timeout_us);

/**
 * @brief Largest payload one message can carry in our send direction.
 * @param rdev device
 * @return bytes (0 if unknown yet: a remote learns it from the host's
 *         first buffer)
 */
AMP_API uint32_t amp_rpmsg_max_payload(const struct amp_rpmsg_dev *rdev);

/**
 * @brief Set the time blocking sends wait for a buffer.
 * @param rdev device
 * @param timeout_us microseconds (default 15 s like Linux)
 */
AMP_API void amp_rpmsg_set_tx_timeout(struct amp_rpmsg_dev *rdev,
				      uint32_t timeout_us);

/**
 * @brief Copy the counters.
 * @param rdev device
 * @param st result
 */
AMP_API void amp_rpmsg_get_stats(struct amp_rpmsg_dev *rdev,
				 struct amp_rpmsg_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_RPMSG_H */
