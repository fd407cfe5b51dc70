/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file remoteproc.h
 * @brief Userspace remoteproc: load firmware into a coprocessor, run it,
 *        notice when it dies, take everything back, recover it.
 *
 * As in Linux's drivers/remoteproc, a core owns the policy (parse and check
 * the image, place the carveouts, build the coprocessor's device address
 * space, load the segments at their device addresses, write the chosen
 * addresses back into the *loaded* resource table, the lifecycle, crash
 * handling and recovery) and a backend fills an ops table with the
 * mechanism (start and stop the core, kick it). Only remoteproc knows the
 * coprocessor's device addresses: its device (amp_rproc_dev()) is what
 * buffers are attached to.
 *
 * Lifecycle:
 *
 *     OFFLINE --load--> LOADED --start--> RUNNING --stop--> OFFLINE
 *                                            |  ^
 *                              crash reported|  |restarted
 *                                            v  |
 *                                  CRASHED --> RECOVERING   (recovery on)
 *                                     |
 *                                     +--stop--> OFFLINE     (recovery off)
 *
 * On a crash every range the coprocessor owned in every buffer goes back
 * to the CPU and every buffer is detached (amp_dev_reclaim() with
 * AMP_RECLAIM_DETACH), so nothing it held is lost; with recovery on, the
 * image is reloaded into the same carveouts and started again.
 */
#ifndef AMPSHM_REMOTEPROC_H
#define AMPSHM_REMOTEPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ampshm/export.h>
#include <ampshm/device.h>
#include <ampshm/rpmsg.h>
#include <ampshm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_rproc;

/** Where a coprocessor is in its lifecycle. */
enum amp_rproc_state {
	AMP_RPROC_OFFLINE = 0, /**< nothing loaded */
	AMP_RPROC_LOADED, /**< image in its memory, not running */
	AMP_RPROC_RUNNING, /**< started */
	AMP_RPROC_CRASHED, /**< died; everything it held taken back */
	AMP_RPROC_RECOVERING, /**< being reloaded and restarted */
};

/** What the backend does (the mechanism). */
struct amp_rproc_ops {
	/**
	 * Start the core at @p entry (its device address). Its memory is
	 * what amp_dev_export() of amp_rproc_dev() reports. 0 or -errno.
	 */
	int (*start)(void *priv, struct amp_rproc *rp, uint64_t entry);
	/** Stop the core; when it returns the core no longer runs. */
	int (*stop)(void *priv, struct amp_rproc *rp);
	/** Optional: notify the core about virtqueue @p notifyid. */
	int (*kick)(void *priv, struct amp_rproc *rp, uint32_t notifyid);
	/**
	 * Optional: free the backend's state; called once by
	 * amp_rproc_destroy(), after the last stop.
	 */
	void (*release)(void *priv, struct amp_rproc *rp);
	/**
	 * Optional, the RPMsg link the backend runs over the loaded resource
	 * table (see amp_rproc_rpmsg_lock() and the functions after it):
	 * take it (NULL: down, not taken), release it, deliver messages,
	 * install the name-service callback on every link it brings up, and
	 * count the links brought up.
	 */
	struct amp_rpmsg_dev *(*rpmsg_lock)(void *priv, struct amp_rproc *rp);
	/** Optional: release the link taken with rpmsg_lock. */
	void (*rpmsg_unlock)(void *priv, struct amp_rproc *rp);
	/** Optional: deliver messages, waiting up to @p timeout_us. */
	int (*poll)(void *priv, struct amp_rproc *rp, uint32_t timeout_us);
	/** Optional: the name-service callback for every link. */
	void (*set_ns_bind_cb)(void *priv, struct amp_rproc *rp,
			       amp_rpmsg_ns_bind_cb cb, void *cb_priv);
	/** Optional: links brought up so far. */
	unsigned (*link_gen)(void *priv, struct amp_rproc *rp);
};

/** Description of a coprocessor, for amp_rproc_create(). */
struct amp_rproc_config {
	const char *name; /**< also the name of its device (copied) */
	const struct amp_rproc_ops *ops; /**< backend (copied) */
	void *priv; /**< passed to every op */
	unsigned dma_bits; /**< the core's address width (0: 32) */
	bool iommu; /**< the core sits behind an IOMMU */
	bool recovery; /**< reload and restart after a crash */
	/**
	 * Bytes of system memory to reserve for vrings whose device address
	 * is "any", when the table has any (0: 256 KiB).
	 */
	uint64_t vdev_mem;
	/**
	 * If set, every crash writes an ELF core file of the coprocessor's
	 * memory to "<coredump_dir>/<name>-<crash count>.core" before
	 * anything is reclaimed or reloaded (copied; NULL: no dump).
	 */
	const char *coredump_dir;
};

/** The last crash of a coprocessor. */
struct amp_rproc_crash {
	unsigned count; /**< crashes since creation */
	char reason[96]; /**< as the backend reported it */
	uint64_t fault_da; /**< faulting device address (AMP_ADDR_ANY: unknown) */
	uint64_t pc; /**< program counter (AMP_ADDR_ANY: unknown) */
	unsigned ranges; /**< ranges taken back from it */
	/** Core file written for this crash ("" if none), see coredump_dir. */
	char coredump[256];
};

/**
 * @brief Told of every state change (called with the coprocessor's lock
 *        held: do not call its lifecycle functions from here).
 * @param priv the subscriber's pointer
 * @param rp the coprocessor
 * @param from previous state
 * @param to new state
 */
typedef void (*amp_rproc_event_fn)(void *priv, struct amp_rproc *rp,
				   enum amp_rproc_state from,
				   enum amp_rproc_state to);

/**
 * @brief Create a coprocessor (OFFLINE).
 * @return 0, -EINVAL, -ENOMEM
 */
AMP_API int amp_rproc_create(const struct amp_rproc_config *cfg,
			     struct amp_rproc **rp);

/** @brief Destroy a coprocessor, stopping it first. @return 0 or -errno */
AMP_API int amp_rproc_destroy(struct amp_rproc *rp);

/**
 * @brief Load an ELF firmware image (OFFLINE -> LOADED).
 *
 * The image is copied (recovery reloads it). Its resource table is
 * validated; carveouts with a fixed pa must lie in memory ampshm manages
 * (a static region), those with pa "any" are allocated from system memory
 * (below 4 GiB for 32-bit entries) and their da is the pa when it is
 * "any"; DEVMEM entries are mapped as given; vrings whose da is "any" are
 * placed in a vdev memory area. The device is created with one window per
 * area, every PT_LOAD segment is written at its device address through
 * it, and the chosen addresses are written back into the loaded table.
 * @return 0; -EINVAL (bad image or table: amp_last_error() names the
 *         field), -ENOMEM, -EBUSY (not OFFLINE)
 */
AMP_API int amp_rproc_load(struct amp_rproc *rp, const void *image,
			   size_t size);

/** @brief Start the loaded firmware (LOADED -> RUNNING). @return 0/-errno */
AMP_API int amp_rproc_start(struct amp_rproc *rp);

/**
 * @brief Stop the coprocessor and free its memory (any state -> OFFLINE).
 *
 * Buffers attached to its device are reclaimed and detached first.
 * @return 0 or the backend's stop error (the memory is freed anyway)
 */
AMP_API int amp_rproc_stop(struct amp_rproc *rp);

/**
 * @brief The backend reports that the core died (or hung).
 *
 * RUNNING -> CRASHED: everything the core owned is taken back and every
 * buffer detached; then, with recovery on, CRASHED -> RECOVERING ->
 * RUNNING (the image reloaded into the same memory and started).
 * @param rp coprocessor
 * @param reason one line for reports (copied)
 * @param fault_da faulting device address, or AMP_ADDR_ANY
 * @param pc program counter, or AMP_ADDR_ANY
 * @return 0, or the error of the restart (the state is then CRASHED)
 */
AMP_API int amp_rproc_report_crash(struct amp_rproc *rp, const char *reason,
				   uint64_t fault_da, uint64_t pc);

/** @brief Current state. */
AMP_API enum amp_rproc_state amp_rproc_state(const struct amp_rproc *rp);

/** @brief Name of a state ("offline", "loaded", ...). */
AMP_API const char *amp_rproc_state_name(enum amp_rproc_state s);

/**
 * @brief The coprocessor's device: attach buffers to it. NULL while
 *        OFFLINE (the device lives from load to stop).
 */
AMP_API struct amp_dev *amp_rproc_dev(struct amp_rproc *rp);

/** @brief The firmware's entry point (a device address). */
AMP_API uint64_t amp_rproc_entry(const struct amp_rproc *rp);

/**
 * @brief The loaded resource table, in memory the coprocessor sees.
 * @param[out] table host pointer to it
 * @param[out] size its bytes
 * @param[out] da its device address (may be NULL)
 * @return 0, -ENOENT (the image has none), -ENODEV (OFFLINE)
 */
AMP_API int amp_rproc_rsc_table(struct amp_rproc *rp, void **table,
				size_t *size, uint64_t *da);

/**
 * @brief Read the firmware's trace buffer (its TRACE entry) into @p buf.
 * @return bytes copied, -ENOENT (no trace entry), -ENODEV
 */
AMP_API int amp_rproc_read_trace(struct amp_rproc *rp, char *buf, size_t len);

/** @brief Copy of the last crash record (count 0: none yet). */
AMP_API void amp_rproc_last_crash(struct amp_rproc *rp,
				  struct amp_rproc_crash *out);

/**
 * @brief Subscribe to state changes (up to 4 subscribers).
 * @return 0, -ENOSPC, -EINVAL
 */
AMP_API int amp_rproc_subscribe(struct amp_rproc *rp, amp_rproc_event_fn fn,
				void *priv);

/**
 * @brief Write an ELF core file of the coprocessor's memory (every
 *        carveout and vdev area, at its device address), as Linux's
 *        remoteproc coredump does.
 * @return 0, -ENODEV (OFFLINE), or the errno of writing @p path
 */
AMP_API int amp_rproc_coredump(struct amp_rproc *rp, const char *path);

/* ---- The RPMsg link of a coprocessor ------------------------------- */

/**
 * @brief Take the coprocessor's RPMsg link for use (send, create or
 *        destroy endpoints).
 *
 * The link goes down on stop and crash (every endpoint is dropped) and
 * comes back on start and recovery. Hold it briefly, never across a
 * lifecycle call (amp_rproc_stop(), ...) of the same core.
 * @param rp the coprocessor
 * @return the RPMsg device with the link held, or NULL (link down, or a
 *         backend without a link: not held, do not unlock)
 */
AMP_API struct amp_rpmsg_dev *amp_rproc_rpmsg_lock(struct amp_rproc *rp);

/** @brief Release the link taken with amp_rproc_rpmsg_lock(). */
AMP_API void amp_rproc_rpmsg_unlock(struct amp_rproc *rp);

/**
 * @brief Deliver the messages the core sent, waiting up to @p timeout_us
 *        (amp_rpmsg_poll() on the link, which may go down meanwhile).
 *
 * Callbacks run with the link held.
 * @param rp the coprocessor
 * @param timeout_us microseconds
 * @return messages delivered, -ETIMEDOUT, -ENOTCONN (link down: the core
 *         is not running), -EOPNOTSUPP (backend without a link), or
 *         another negative errno
 */
AMP_API int amp_rproc_poll(struct amp_rproc *rp, uint32_t timeout_us);

/**
 * @brief Name-service callback, installed on every link brought up
 *        (start and recovery). Set it before starting.
 */
AMP_API void amp_rproc_set_ns_bind_cb(struct amp_rproc *rp,
				      amp_rpmsg_ns_bind_cb cb, void *priv);

/**
 * @brief How many times the link came up (changes on every start and
 *        recovery: endpoints of an older link are gone). Lock-free:
 *        callable from the link's callbacks. 0 without a link.
 */
AMP_API unsigned amp_rproc_link_gen(struct amp_rproc *rp);

/* ---- The simulated-core backend ------------------------------------- */

/** Description of a simulated coprocessor, for amp_rproc_sim_create(). */
struct amp_rproc_sim_config {
	const char *name; /**< name of the core and its device */
	/**
	 * The launcher program (ampshm-core). NULL: $AMPSHM_CORE, else
	 * ampshm-core next to the executable, or in the build tree's
	 * firmware/ directory seen from it.
	 */
	const char *launcher;
	unsigned dma_bits; /**< the core's address width (0: 32) */
	bool iommu; /**< the core sits behind an IOMMU */
	bool recovery; /**< reload and restart after a crash */
	/**
	 * Watchdog: a running core whose heartbeat does not move for this
	 * many milliseconds is reported as hung, killed and (with recovery)
	 * restarted. 0: no watchdog.
	 */
	unsigned watchdog_ms;
	uint64_t vdev_mem; /**< as amp_rproc_config::vdev_mem */
};

/**
 * @brief Create a coprocessor run by the simulated core: a launcher
 *        process whose address space is exactly the device's runs.
 *
 * Start spawns the launcher, sends it the device's runs, the firmware's
 * code ranges and its entry, and brings the RPMsg host up over the loaded
 * resource table (its buffers in the top quarter of the first carveout);
 * stop kills and reaps it and takes the RPMsg host down. A monitor thread
 * reports the core's death at once (amp_rproc_report_crash() with the
 * fault record: "device fault at da 0x..., pc 0x... (signal N)") and, with
 * a watchdog, a core whose heartbeat stopped. amp_rproc_destroy() frees
 * everything.
 * @return 0, -EINVAL, -ENOMEM, or the errno of the board page or thread
 */
AMP_API int amp_rproc_sim_create(const struct amp_rproc_sim_config *cfg,
				 struct amp_rproc **rp);

/** @brief amp_rproc_rpmsg_lock() (NULL if @p rp is not simulated). */
AMP_API struct amp_rpmsg_dev *amp_rproc_sim_rpmsg_lock(struct amp_rproc *rp);

/** @brief amp_rproc_rpmsg_unlock(). */
AMP_API void amp_rproc_sim_rpmsg_unlock(struct amp_rproc *rp);

/** @brief amp_rproc_poll() (-EINVAL if @p rp is not simulated). */
AMP_API int amp_rproc_sim_poll(struct amp_rproc *rp, uint32_t timeout_us);

/** @brief amp_rproc_set_ns_bind_cb(). */
AMP_API void amp_rproc_sim_set_ns_bind_cb(struct amp_rproc *rp,
					  amp_rpmsg_ns_bind_cb cb, void *priv);

/** @brief amp_rproc_link_gen(). */
AMP_API unsigned amp_rproc_sim_link_gen(struct amp_rproc *rp);

/** @brief Process id of the running core, or -1. */
AMP_API int amp_rproc_sim_pid(struct amp_rproc *rp);

/** @brief The core's heartbeat counter (0 before its first beat). */
AMP_API uint64_t amp_rproc_sim_heartbeat(struct amp_rproc *rp);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_REMOTEPROC_H */
