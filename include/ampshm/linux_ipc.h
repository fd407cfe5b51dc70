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
 * Notifications are futex doorbells in the shared memory: a sequence word
 * per side plus a "sleeping" count, so that notifying a peer that is awake
 * or spinning costs no system call. A waiter spins briefly (adaptively, up
 * to spin_us) before blocking in FUTEX_WAIT, so a busy link avoids system
 * calls and an idle one uses no CPU.
 */
#ifndef AMPSHM_LINUX_IPC_H
#define AMPSHM_LINUX_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/ipc_port.h>
#include <ampshm/rpmsg.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_linux_ipc;

/** Configuration of the shared memory and the doorbells. */
struct amp_linux_ipc_cfg {
	uint32_t num;          /**< vring size, both rings (default 256) */
	uint32_t h2r_buf_size; /**< host-to-remote buffer bytes (512) */
	uint32_t r2h_buf_size; /**< remote-to-host buffer bytes (512) */
	amp_pa_t pa_base;      /**< bus address of the region (0x900000000) */
	uint32_t da_base;      /**< device address of the region (0x10000000) */
	uint32_t spin_us;      /**< longest spin before blocking (50) */
	uint32_t dfeatures;    /**< features the remote offers (NS) */
	uint32_t hfeatures;    /**< features the host accepts (NS) */
	bool noncoherent;      /**< issue (counted) cache maintenance */
};

/** Doorbell counters of one side. */
struct amp_linux_ipc_stats {
	uint64_t notifies;     /**< notify calls */
	uint64_t futex_wakes;  /**< notifies that needed FUTEX_WAKE */
	uint64_t spin_wakeups; /**< waits satisfied while spinning */
	uint64_t sleep_wakeups; /**< waits satisfied after blocking */
	uint64_t timeouts;     /**< waits that timed out */
	uint32_t spin_ns;      /**< current adaptive spin budget */
};

/**
 * @brief Fill @p cfg with the defaults.
 * @param cfg configuration to fill
 */
void amp_linux_ipc_cfg_default(struct amp_linux_ipc_cfg *cfg);

/**
 * @brief Host: create and lay out the shared memory.
 * @param cfg configuration (NULL: defaults)
 * @param out new instance
 * @return 0 or a negative errno
 */
int amp_linux_ipc_host_create(const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out);

/**
 * @brief Remote: map a memfd received from the host and check its layout.
 * @param memfd file descriptor (ownership is taken, even on failure)
 * @param cfg only spin_us and noncoherent are used (NULL: defaults)
 * @param out new instance
 * @return 0, or -EINVAL (not a sealed ampshm region, bad layout), or
 *         another negative errno
 */
int amp_linux_ipc_remote_attach(int memfd, const struct amp_linux_ipc_cfg *cfg,
				struct amp_linux_ipc **out);

/**
 * @brief Start RPMsg over this shared memory in the instance's role.
 * @param ipc instance
 * @param rdev device storage
 * @param timeout_us remote: how long to wait for the host's DRIVER_OK
 * @return 0 or a negative errno
 */
int amp_linux_ipc_rpmsg_start(struct amp_linux_ipc *ipc,
			      struct amp_rpmsg_dev *rdev, uint32_t timeout_us);

/**
 * @brief The memfd (owned by the instance).
 * @param ipc instance
 */
int amp_linux_ipc_memfd(const struct amp_linux_ipc *ipc);

/**
 * @brief The port (notify, wait, lock, translation) of this side.
 * @param ipc instance
 */
const struct amp_ipc_port *amp_linux_ipc_port(struct amp_linux_ipc *ipc);

/**
 * @brief The VDEV entry of the resource table in the shared memory.
 * @param ipc instance
 */
struct amp_rsc_vdev *amp_linux_ipc_vdev(struct amp_linux_ipc *ipc);

/**
 * @brief The local mapping of the whole shared memory.
 * @param ipc instance
 * @param size result: bytes (may be NULL)
 */
void *amp_linux_ipc_shm(struct amp_linux_ipc *ipc, size_t *size);

/**
 * @brief Read this side's doorbell counters.
 * @param ipc instance
 * @param st result
 */
void amp_linux_ipc_get_stats(struct amp_linux_ipc *ipc,
			     struct amp_linux_ipc_stats *st);

/**
 * @brief Unmap and close everything.
 * @param ipc instance (NULL is ignored)
 */
void amp_linux_ipc_destroy(struct amp_linux_ipc *ipc);

/**
 * @brief Send a file descriptor over a UNIX socket (SCM_RIGHTS).
 * @param sock connected AF_UNIX socket
 * @param fd descriptor to pass
 * @return 0 or a negative errno
 */
int amp_linux_ipc_send_fd(int sock, int fd);

/**
 * @brief Receive a file descriptor sent with amp_linux_ipc_send_fd().
 * @param sock connected AF_UNIX socket
 * @param fd result (close-on-exec)
 * @return 0, -ECONNRESET if the peer closed, or a negative errno
 */
int amp_linux_ipc_recv_fd(int sock, int *fd);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_LINUX_IPC_H */
