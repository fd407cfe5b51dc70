/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file linux_ipc.h
 * @brief Linux port of the RPMsg stack: host and remote as two processes
 *        sharing a sealed memfd passed over a UNIX socket.
 *
 * The host creates the shared memory, lays out a resource table with one
 * RPMsg VDEV entry, both vrings and every buffer, numbers it with a
 * physical base above 4 GiB (descriptors carry 64-bit addresses) and a
 * 32-bit device base (resource-table addresses), and sends the memfd to the
 * remote process with SCM_RIGHTS.
 *
 * Two things are pluggable (docs/port-linux.md):
 * - the **layout** of the shared memory (struct amp_linux_layout): the
 *   ampshm layout (a private header at offset 0, the resource table at
 *   0x100), an OpenAMP-style layout with the resource table at offset 0
 *   (amp_linux_layout_rsc0()), or the user's own offsets and numbering;
 * - the **notifier** (linux_notify.h): futex doorbells in the shared
 *   memory by default, an eventfd pair, a UNIX socket byte, or the user's.
 *
 * The default futex doorbells are a sequence word per side plus a
 * "sleeping" count, so that notifying a peer that is awake or spinning
 * costs no system call. A waiter spins briefly (adaptively, up to spin_us;
 * not at all with spin_us = 0) before blocking in FUTEX_WAIT, so a busy
 * link avoids system calls and an idle one uses no CPU.
 */
#ifndef AMPSHM_LINUX_IPC_H
#define AMPSHM_LINUX_IPC_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/ipc_port.h>
#include <ampshm/linux_notify.h>
#include <ampshm/rpmsg.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_linux_ipc;

/** "No such area" in struct amp_linux_layout offsets. */
#define AMP_LINUX_OFF_NONE 0xFFFFFFFFu

/**
 * Where everything lives in the shared memory, and how it is numbered.
 * Offsets are from the start of the memfd. The host places the areas
 * there; a remote given a layout (amp_linux_ipc_cfg.layout) uses only
 * rsc_off, rsc_size, bell_off and the numbering, and finds the vrings
 * from the resource table.
 */
struct amp_linux_layout {
	uint64_t size; /**< bytes of shared memory (page multiple) */
	uint32_t hdr_off; /**< ampshm private header (256 B), or NONE */
	uint32_t rsc_off; /**< resource table (8-byte aligned) */
	uint32_t rsc_size; /**< bytes reserved for the table */
	uint32_t bell_off; /**< two futex doorbells (128 B, 64-aligned:
				    host's then remote's), or NONE */
	uint32_t vring_off[2]; /**< vring0 (remote-to-host), vring1; 4096-aligned */
	uint32_t rx_off; /**< num remote-to-host buffers (4-aligned) */
	uint32_t tx_off; /**< num host-to-remote buffers (4-aligned) */
	amp_pa_t pa_base; /**< bus address of offset 0 (descriptors) */
	uint32_t da_base; /**< device address of offset 0 (table) */
};

/**
 * Vendor resource-table entry (type 0x1A0) the host adds in the rsc0
 * layout, so that a remote finds the numbering and the doorbells from the
 * table alone. OpenAMP skips vendor entries ({type, len}).
 */
struct amp_linux_rsc_shm {
	uint32_t type; /**< AMP_LINUX_RSC_SHM */
	uint32_t len; /**< bytes of this entry (32) */
	uint64_t pa_base; /**< bus address of offset 0 of the shared memory */
	uint32_t da_base; /**< device address of offset 0 */
	uint32_t size; /**< bytes of shared memory */
	uint32_t bell_off; /**< futex doorbells, or AMP_LINUX_OFF_NONE */
	uint32_t reserved; /**< zero */
};

/** Type of struct amp_linux_rsc_shm (vendor range 128..512). */
#define AMP_LINUX_RSC_SHM 0x1A0u

/** Configuration of the shared memory and the doorbells. */
struct amp_linux_ipc_cfg {
	uint32_t num; /**< vring size, both rings (default 256) */
	uint32_t h2r_buf_size; /**< host-to-remote buffer bytes (512) */
	uint32_t r2h_buf_size; /**< remote-to-host buffer bytes (512) */
	amp_pa_t pa_base; /**< bus address of the region (0x900000000) */
	uint32_t da_base; /**< device address of the region (0x10000000) */
	uint32_t spin_us; /**< longest spin before blocking (50) */
	uint32_t dfeatures; /**< features the remote offers (NS) */
	uint32_t hfeatures; /**< features the host accepts (NS) */
	bool noncoherent; /**< issue (counted) cache maintenance */
	/** Layout (NULL: the ampshm layout on the host; on the remote,
	 *  found from offset 0: the ampshm header or a resource table). */
	const struct amp_linux_layout *layout;
	/** Host: ready-made notifier to create (default futex). */
	enum amp_linux_notify_kind notify;
	/** Either side: the user's own notifier, used instead (its ops and
	 *  priv are taken over, closed on destroy or failure). */
	struct amp_linux_notifier *notifier;
};

/**
 * @brief Fill @p cfg with the defaults.
 * @param cfg configuration to fill
 */
AMP_API void amp_linux_ipc_cfg_default(struct amp_linux_ipc_cfg *cfg);

/**
 * @brief The default ampshm layout for a configuration: private header at
 *        0 (doorbells at 0x40), resource table at 0x100, vrings from 0x1000,
 *        then the buffers.
 * @param cfg configuration (num, buffer sizes, numbering)
 * @param out result
 * @return 0 or -EINVAL (bad sizes)
 */
AMP_API int amp_linux_layout_ampshm(const struct amp_linux_ipc_cfg *cfg,
			    struct amp_linux_layout *out);

/**
 * @brief OpenAMP-style layout: resource table at offset 0 (with an
 *        amp_linux_rsc_shm entry), doorbells at 0x800, vrings from 0x1000,
 *        then the buffers; no private header.
 * @param cfg configuration (num, buffer sizes, numbering)
 * @param out result
 * @return 0 or -EINVAL (bad sizes)
 */
AMP_API int amp_linux_layout_rsc0(const struct amp_linux_ipc_cfg *cfg,
			  struct amp_linux_layout *out);

/**
 * @brief Host: create and lay out the shared memory, and register it in
 *        the physical map as "rpmsg".
 * @param cfg configuration (NULL: defaults)
 * @param out new instance
 * @return 0, -EEXIST if [pa_base, +size) overlaps a registered physical
 *         range, -EINVAL (bad sizes or layout) or another negative errno
 */
AMP_API int amp_linux_ipc_host_create(const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out);

/**
 * @brief Remote: map a memfd received from the host and check its layout.
 *
 * Every field read from the shared memory is read once into a local copy
 * (the resource table too), validated, and only the copy is used.
 * @param memfd file descriptor (ownership is taken, even on failure)
 * @param cfg spin_us, noncoherent, layout, notifier, and pa_base/da_base
 *        for a resource table without an amp_linux_rsc_shm entry (NULL:
 *        defaults)
 * @param out new instance
 * @return 0, or -EINVAL (not a sealed ampshm region, bad layout), or
 *         another negative errno
 */
AMP_API int amp_linux_ipc_remote_attach(int memfd, const struct amp_linux_ipc_cfg *cfg,
				struct amp_linux_ipc **out);

/**
 * @brief Start RPMsg over this shared memory in the instance's role.
 * @param ipc instance
 * @param rdev device storage
 * @param timeout_us remote: how long to wait for the host's DRIVER_OK
 * @return 0 or a negative errno
 */
AMP_API int amp_linux_ipc_rpmsg_start(struct amp_linux_ipc *ipc,
			      struct amp_rpmsg_dev *rdev, uint32_t timeout_us);

/**
 * @brief The memfd (owned by the instance).
 * @param ipc instance
 */
AMP_API int amp_linux_ipc_memfd(const struct amp_linux_ipc *ipc);

/**
 * @brief The port (notify, wait, lock, translation) of this side.
 * @param ipc instance
 */
AMP_API const struct amp_ipc_port *amp_linux_ipc_port(struct amp_linux_ipc *ipc);

/**
 * @brief The VDEV entry of the resource table in the shared memory.
 * @param ipc instance
 */
AMP_API struct amp_rsc_vdev *amp_linux_ipc_vdev(struct amp_linux_ipc *ipc);

/**
 * @brief The local mapping of the whole shared memory.
 * @param ipc instance
 * @param size result: bytes (may be NULL)
 */
AMP_API void *amp_linux_ipc_shm(struct amp_linux_ipc *ipc, size_t *size);

/**
 * @brief Read this side's doorbell counters.
 * @param ipc instance
 * @param st result
 */
AMP_API void amp_linux_ipc_get_stats(struct amp_linux_ipc *ipc,
			     struct amp_linux_ipc_stats *st);

/**
 * @brief Unmap and close everything.
 * @param ipc instance (NULL is ignored)
 */
AMP_API void amp_linux_ipc_destroy(struct amp_linux_ipc *ipc);

/**
 * @brief Host: send the memfd and the notifier's peer descriptors (with
 *        its kind) over a UNIX socket, for amp_linux_ipc_remote_recv().
 *
 * Once sent, the host closes its copies of the peer's descriptors (so a
 * socket notifier sees the remote exit: waits return -EPIPE); with an
 * eventfd or socket notifier it can therefore be sent only once.
 * @param ipc host instance
 * @param sock connected AF_UNIX socket
 * @return 0, -EINVAL (remote, custom notifier, already sent) or a
 *         negative errno
 */
AMP_API int amp_linux_ipc_send(struct amp_linux_ipc *ipc, int sock);

/**
 * @brief Remote: receive what amp_linux_ipc_send() sent, open the
 *        notifier's end and attach (amp_linux_ipc_remote_attach()).
 * @param sock connected AF_UNIX socket
 * @param cfg as for amp_linux_ipc_remote_attach() (notifier must be NULL)
 * @param out new instance
 * @return 0, -ECONNRESET if the peer closed, -EPROTO on a bad message, or
 *         a negative errno
 */
AMP_API int amp_linux_ipc_remote_recv(int sock, const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out);

/**
 * @brief Send a file descriptor over a UNIX socket (SCM_RIGHTS).
 * @param sock connected AF_UNIX socket
 * @param fd descriptor to pass
 * @return 0 or a negative errno
 */
AMP_API int amp_linux_ipc_send_fd(int sock, int fd);

/**
 * @brief Receive a file descriptor sent with amp_linux_ipc_send_fd().
 * @param sock connected AF_UNIX socket
 * @param fd result (close-on-exec)
 * @return 0, -ECONNRESET if the peer closed, or a negative errno
 */
AMP_API int amp_linux_ipc_recv_fd(int sock, int *fd);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_LINUX_IPC_H */
