/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file ipc_port.h
 * @brief The small port interface the virtqueue and RPMsg layers need from
 *        a platform: notify, wait, barriers, address translation, a lock.
 *
 * Cache maintenance comes from cache.h (amp_cache_*), which the layers call
 * for every vring field and buffer they hand over, unless the port says the
 * shared memory is coherent (AMP_IPC_F_COHERENT): amp_cache_clean() for
 * what they wrote, amp_cache_flush() for what the peer wrote (fields
 * shorter than a line, whose lines a safe invalidation flushes anyway, or
 * memory this side never writes: the same effect as an invalidation).
 *
 * Address translation is done by the library itself from the port's table
 * of regions, always bounds-checked: an address from the other side that
 * does not fall, with its whole length, inside one region is refused.
 * Each region has three numberings of the same bytes:
 * - @c va: the local CPU's pointer;
 * - @c pa: the 64-bit bus/physical address put in vring descriptors;
 * - @c da: the 32-bit device address used in resource tables (the remote's
 *   view of the region, e.g. a carveout).
 *
 * This file is freestanding: the firmware side uses it too.
 */
#ifndef AMPSHM_IPC_PORT_H
#define AMPSHM_IPC_PORT_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One shared-memory region the port can translate. */
struct amp_ipc_region {
	void *va; /**< local virtual address of the first byte */
	amp_pa_t pa; /**< bus/physical address of the first byte (64-bit) */
	amp_da_t da; /**< device address of the first byte (resource tables) */
	size_t size; /**< bytes */
};

/** The shared memory is cache coherent: skip cache maintenance. */
#define AMP_IPC_F_COHERENT (1u << 0)

/** Port operations. Any may be NULL except @c notify; wait_prepare and
 *  wait come together. */
struct amp_ipc_port_ops {
	/**
	 * Notify (kick) the other side about virtqueue @p notifyid.
	 * Must be callable from any context; returns 0 or a negative errno.
	 */
	int (*notify)(void *priv, uint32_t notifyid);
	/**
	 * Snapshot of this side's notification state. A waiter takes it
	 * *before* its last check for work and passes it to wait(), so that a
	 * notification arriving between the check and the wait is never lost,
	 * and several waiters (a poll thread, sending threads) never consume
	 * each other's notification. NULL (with wait NULL) means "poll": the
	 * layers return -EAGAIN instead of waiting.
	 */
	uint32_t (*wait_prepare)(void *priv);
	/**
	 * Block until the other side notified after @p token was taken
	 * (return 0 at once if it already has), or until *remaining_us
	 * microseconds passed. The time spent is subtracted from
	 * *remaining_us (UINT32_MAX means forever and is left unchanged), so
	 * a caller that loops over wait() keeps one deadline for its whole
	 * call, whatever wakes it. Returns 0 when notified, -ETIMEDOUT (with
	 * *remaining_us = 0) otherwise.
	 */
	int (*wait)(void *priv, uint32_t token, uint32_t *remaining_us);
	/** Full memory barrier for shared memory (default: C11 seq_cst). */
	void (*mb)(void *priv);
	/** Take the lock protecting one side's local state (recursive: no). */
	void (*lock)(void *priv);
	/** Release it. */
	void (*unlock)(void *priv);
	/**
	 * Take the device's callback lock. Endpoint callbacks run under it,
	 * and amp_rpmsg_destroy_ept() takes it, so that destroy never returns
	 * while another thread runs that endpoint's callback. It must be
	 * *recursive*: a callback may destroy endpoints (its own included) or
	 * call amp_rpmsg_process(). Taken before (never after) @c lock. NULL
	 * (with cb_unlock NULL) means a single-threaded user.
	 */
	void (*cb_lock)(void *priv);
	/** Release one level of the callback lock. */
	void (*cb_unlock)(void *priv);
};

/** A port instance. */
struct amp_ipc_port {
	const struct amp_ipc_port_ops *ops; /**< operations */
	void *priv; /**< passed to every operation */
	const struct amp_ipc_region *regions; /**< translatable regions */
	unsigned int nregions; /**< number of regions */
	uint32_t flags; /**< AMP_IPC_F_* */
};

/**
 * @brief Translate a bus/physical address range to a local pointer.
 * @param port port whose regions are searched
 * @param pa first address
 * @param len bytes that must all lie inside one region (0 counts as 1)
 * @return local pointer, or NULL if the range is not entirely inside a
 *         region (including on arithmetic overflow)
 */
AMP_API void *amp_ipc_pa_to_va(const struct amp_ipc_port *port, amp_pa_t pa,
			       uint64_t len);

/**
 * @brief Translate a device address range (resource-table numbering).
 * @param port port whose regions are searched
 * @param da first address
 * @param len bytes that must all lie inside one region
 * @return local pointer, or NULL if out of every region
 */
AMP_API void *amp_ipc_da_to_va(const struct amp_ipc_port *port, amp_da_t da,
			       uint64_t len);

/**
 * @brief Translate a local pointer range to its bus/physical address.
 * @param port port whose regions are searched
 * @param va first byte
 * @param len bytes that must all lie inside one region
 * @param pa result
 * @return 0, or -EFAULT if the range is outside every region
 */
AMP_API int amp_ipc_va_to_pa(const struct amp_ipc_port *port, const void *va,
			     size_t len, amp_pa_t *pa);

/**
 * @brief Translate a local pointer range to its device address.
 * @param port port whose regions are searched
 * @param va first byte
 * @param len bytes that must all lie inside one region
 * @param da result
 * @return 0, or -EFAULT if the range is outside every region
 */
AMP_API int amp_ipc_va_to_da(const struct amp_ipc_port *port, const void *va,
			     size_t len, amp_da_t *da);

/**
 * @brief Full memory barrier through the port (C11 seq_cst fence if the
 *        port has none).
 * @param port port
 */
AMP_API void amp_ipc_mb(const struct amp_ipc_port *port);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_IPC_PORT_H */
