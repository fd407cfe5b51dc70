/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file handover_session.h
 * @brief The host side of the hand-over protocol: buffers shared with a
 *        remoteproc-managed coprocessor, and their ownership hand-overs,
 *        driven by the ordinary attach and sync calls.
 *
 * A session binds to the service the coprocessor's firmware announces
 * (by default "ampshm-hov") over the coprocessor's RPMsg link, and hangs
 * itself on the coprocessor's device as its ownership listener. From then
 * on, for that device:
 *
 * - amp_shm_attach() maps the buffer into the coprocessor's address space
 *   (its carveout windows or its IOMMU: a buffer they do not reach is
 *   refused with -ERANGE before anything is sent), then shares it (SHARE
 *   messages carrying exactly those device addresses);
 * - amp_shm_sync_for_device() sends a HANDOVER of the range;
 * - amp_shm_sync_for_cpu() waits (without the buffer's lock, up to the
 *   session's timeout) until every hand-over overlapping the range came
 *   back (GIVEBACK), then takes the range back as usual;
 * - amp_shm_detach() unshares the buffer (UNSHARE).
 *
 * amp_hov_handover() is amp_shm_sync_for_device() with a tag for the
 * firmware; amp_hov_wait() waits for (or, with a timeout of 0, polls) the
 * give-backs of a range and returns the firmware's status and result; a
 * callback can be told of every completion instead.
 *
 * When the coprocessor stops or crashes, every hand-over still out
 * completes with -EOWNERDEAD, and the remoteproc core gives every range
 * back to the CPU and detaches every buffer; after recovery the
 * application attaches again. Everything the firmware sends is validated
 * against what was shared with it: a refused message is answered with an
 * ERROR, counted, and changes nothing.
 */
#ifndef AMPSHM_HANDOVER_SESSION_H
#define AMPSHM_HANDOVER_SESSION_H

#include <stdint.h>

#include <ampshm/export.h>
#include <ampshm/handover.h>
#include <ampshm/remoteproc.h>
#include <ampshm/shm.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Default service name (what the sample firmware announces). */
#define AMP_HOV_SERVICE "ampshm-hov"

struct amp_hov_session;

/** One hand-over that completed. */
struct amp_hov_done {
	struct amp_shm *shm; /**< the buffer */
	uint32_t id; /**< its id on the wire */
	uint64_t offset; /**< the range handed over */
	uint64_t length; /**< its bytes */
	uint64_t tag; /**< the tag it was handed over with */
	uint8_t dir; /**< enum amp_dir */
	/**
	 * 0, the firmware's negative errno, -EPROTO (the firmware refused
	 * the hand-over: see @c refusal), or -EOWNERDEAD (the coprocessor
	 * stopped or died holding it).
	 */
	int status;
	uint32_t refusal; /**< with -EPROTO: the firmware's ERROR code */
	uint8_t result_len; /**< valid bytes of @c result */
	uint8_t result[AMP_HOV_RESULT_MAX]; /**< the firmware's result */
};

/**
 * Told of every completed hand-over, from the session's thread, with no
 * lock held (it may sync, hand over again or detach).
 */
typedef void (*amp_hov_done_fn)(void *priv, const struct amp_hov_done *d);

/** Settings of a session (all optional: zero means the default). */
struct amp_hov_session_config {
	const char *service; /**< service name (AMP_HOV_SERVICE) */
	unsigned max_bufs; /**< buffers shared at once (4096) */
	/**
	 * Deadline of sync_for_cpu's wait for a give-back, and of a send
	 * waiting for an RPMsg buffer, in ms (10000). Fixed when the call
	 * starts: no wake-up extends it.
	 */
	uint32_t timeout_ms;
	amp_hov_done_fn done; /**< completion callback (NULL: none) */
	void *done_priv; /**< passed to @c done */
	/**
	 * The session takes the coprocessor's name-service callback: other
	 * services' announcements are passed on to this one.
	 */
	amp_rpmsg_ns_bind_cb ns_other;
	void *ns_other_priv; /**< passed to @c ns_other */
};

/** What a session did and refused. */
struct amp_hov_stats {
	uint64_t shares; /**< buffers shared */
	uint64_t handovers; /**< ranges handed over */
	uint64_t givebacks; /**< ranges given back by the firmware */
	uint64_t unshares; /**< buffers unshared */
	uint64_t dead; /**< hand-overs completed with -EOWNERDEAD */
	uint64_t refused_rx; /**< firmware messages refused (forged, bad) */
	uint64_t errors_rx; /**< ERRORs the firmware sent about ours */
	int last_refusal; /**< negated code of the last refused message */
	unsigned live_bufs; /**< buffers shared now */
	unsigned links; /**< times the service was bound */
};

/**
 * @brief Start a session on a coprocessor (before or after it is loaded).
 *
 * Installs the coprocessor's name-service callback and starts the
 * session's thread, which delivers the coprocessor's messages
 * (amp_rproc_poll()) and the completion callbacks.
 * @param rp a coprocessor whose backend has an RPMsg link
 * @param cfg settings, or NULL for the defaults
 * @param out the session
 * @return 0, -EINVAL, -EBUSY (it already has a session), -ENOMEM, or a
 *         thread error
 */
AMP_API int amp_hov_session_create(struct amp_rproc *rp,
				   const struct amp_hov_session_config *cfg,
				   struct amp_hov_session **out);

/**
 * @brief Stop a session. Detach its buffers first: hand-overs still out
 *        complete with -EOWNERDEAD.
 * @return 0 or -EINVAL
 */
AMP_API int amp_hov_session_destroy(struct amp_hov_session *s);

/**
 * @brief Wait until the firmware's service is bound on the current link.
 * @param s the session
 * @param timeout_ms deadline
 * @return 0, -ETIMEDOUT, or -EINVAL
 */
AMP_API int amp_hov_session_wait_ready(struct amp_hov_session *s,
				       uint32_t timeout_ms);

/**
 * @brief amp_shm_sync_for_device() with a tag the firmware receives (and
 *        the completion returns).
 * @return as amp_shm_sync_for_device()
 */
AMP_API int amp_hov_handover(struct amp_hov_session *s, struct amp_shm *shm,
			     enum amp_dir dir, uint64_t offset, uint64_t len,
			     uint64_t tag);

/**
 * @brief Wait until every hand-over of @p shm overlapping the range came
 *        back; does not change ownership (sync_for_cpu does).
 * @param s the session
 * @param shm the buffer
 * @param offset first byte
 * @param len bytes (0: to the end)
 * @param timeout_ms deadline, fixed at entry (0: just look)
 * @param out if not NULL and something overlapping completed: the first
 *        completion with an error, else the last one
 * @return 0 (all back; also when nothing overlapping was out),
 *         -ETIMEDOUT (some still out), -ENOTCONN (@p shm is not shared in
 *         this session), or -EOWNERDEAD (the core stopped or died while
 *         holding some of it: the buffer was taken back and detached;
 *         also returned for such a buffer until it is attached again)
 */
AMP_API int amp_hov_wait(struct amp_hov_session *s, struct amp_shm *shm,
			 uint64_t offset, uint64_t len, uint32_t timeout_ms,
			 struct amp_hov_done *out);

/**
 * @brief Wait for the give-backs of a range, then take it back:
 *        amp_hov_wait() and amp_shm_sync_for_cpu() in one call, so the
 *        firmware's result is not lost to the sync.
 * @param s the session
 * @param shm the buffer
 * @param dir the direction it was handed over with
 * @param offset first byte
 * @param len bytes (0: to the end)
 * @param out if not NULL: the completion, as amp_hov_wait() gives it
 * @return as amp_shm_sync_for_cpu()
 */
AMP_API int amp_hov_take_back(struct amp_hov_session *s, struct amp_shm *shm,
			      enum amp_dir dir, uint64_t offset, uint64_t len,
			      struct amp_hov_done *out);

/** @brief Copy of the session's counters. */
AMP_API void amp_hov_session_stats(struct amp_hov_session *s,
				   struct amp_hov_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_HANDOVER_SESSION_H */
