/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file linux_notify.h
 * @brief Notifiers of the Linux port: how one side of an RPMsg link kicks
 *        the other and sleeps until kicked.
 *
 * A notifier is one side's end of a two-way doorbell, behind a small ops
 * table: notify() kicks the peer; prepare() takes a snapshot token before
 * the caller's last check for work; wait() sleeps until a kick that came
 * after the token, counting the caller's remaining time down. Three come
 * ready-made:
 * - **futex**: two doorbells in the shared memory (default): notifying an
 *   awake or spinning peer costs no system call;
 * - **eventfd**: one eventfd per direction, passed to the peer;
 * - **socket**: one byte per kick over an AF_UNIX socket pair.
 *
 * Any file descriptor that becomes readable when the peer kicks (a
 * mailbox or IPI driver's character device, a UIO device...) plugs in
 * with amp_linux_notifier_fd(), with the driver's own kick function.
 *
 * Contract of every notifier (tested for each): a kick between prepare()
 * and wait() is never lost; every thread of a side waiting with a token
 * older than a kick wakes up (a thread never consumes another's kick);
 * a wake-up never restarts the caller's deadline.
 */
#ifndef AMPSHM_LINUX_NOTIFY_H
#define AMPSHM_LINUX_NOTIFY_H

#include <ampshm/export.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Doorbell counters of one side. */
struct amp_linux_ipc_stats {
	uint64_t notifies; /**< notify calls */
	uint64_t futex_wakes; /**< notifies that needed a system call */
	uint64_t spin_wakeups; /**< waits satisfied while spinning */
	uint64_t sleep_wakeups; /**< waits satisfied after blocking */
	uint64_t timeouts; /**< waits that timed out */
	uint32_t spin_ns; /**< current adaptive spin budget */
};

/** Operations of a notifier; all but get_stats are mandatory. */
struct amp_linux_notifier_ops {
	/** Kick the peer. Any thread, any time; 0 or a negative errno. */
	int (*notify)(void *priv);
	/** Snapshot token, taken before the caller's last check for work. */
	uint32_t (*prepare)(void *priv);
	/**
	 * Sleep until the peer kicked after @p token was taken (0 at once if
	 * it already has) or *remaining_us ran out (-ETIMEDOUT, with
	 * *remaining_us = 0). Subtracts the time spent from *remaining_us
	 * (UINT32_MAX: forever, left unchanged). Spurious 0 returns are
	 * allowed; lost wake-ups are not. A descriptor notifier whose peer
	 * hung up returns -EPIPE.
	 */
	int (*wait)(void *priv, uint32_t token, uint32_t *remaining_us);
	/** Counters (may be NULL). */
	void (*get_stats)(void *priv, struct amp_linux_ipc_stats *st);
	/** Release everything (closes the descriptors it owns). */
	void (*close)(void *priv);
};

/** Kinds of ready-made notifiers (sent to the peer with the memfd). */
enum amp_linux_notify_kind {
	AMP_LINUX_NOTIFY_FUTEX = 0, /**< futex doorbells in shared memory */
	AMP_LINUX_NOTIFY_EVENTFD = 1, /**< one eventfd per direction */
	AMP_LINUX_NOTIFY_SOCKET = 2, /**< one byte per kick, AF_UNIX */
	AMP_LINUX_NOTIFY_CUSTOM = 3, /**< the user's own (not sendable) */
};

/** Most descriptors a notifier hands to its peer. */
#define AMP_LINUX_NOTIFY_MAX_FDS 2

/** One side's end of a doorbell (caller storage, filled by a constructor). */
struct amp_linux_notifier {
	const struct amp_linux_notifier_ops *ops; /**< operations */
	void *priv; /**< passed to every operation */
	enum amp_linux_notify_kind kind; /**< which kind (for the peer) */
	/** Descriptors the peer needs (host side, owned until close). */
	int peer_fds[AMP_LINUX_NOTIFY_MAX_FDS];
	unsigned int npeer_fds; /**< how many of peer_fds are valid */
};

/** Bytes of one futex doorbell in shared memory (one cache line). */
#define AMP_LINUX_BELL_SIZE 64u

/**
 * @brief Futex doorbells in shared memory.
 * @param own_bell the doorbell this side waits on (AMP_LINUX_BELL_SIZE
 *        bytes, 64-byte aligned, zeroed by whoever created the memory)
 * @param peer_bell the doorbell the peer waits on
 * @param spin_us longest spin before blocking (0: never spin)
 * @param out result
 * @return 0, -EINVAL (misaligned bell) or -ENOMEM
 */
AMP_API int amp_linux_notifier_futex(void *own_bell, void *peer_bell, uint32_t spin_us,
			     struct amp_linux_notifier *out);

/** Configuration of a notifier over file descriptors. */
struct amp_linux_fd_notifier_cfg {
	/** Readable when the peer kicked; drained with read() (made
	 *  non-blocking). Ownership is taken. */
	int wait_fd;
	/** Written to kick the peer (may equal wait_fd; -1 if @c kick is
	 *  given). Ownership is taken. */
	int kick_fd;
	/** Bytes written per kick: 8 (eventfd, value 1) or 1 (a byte). */
	uint32_t kick_bytes;
	/** Custom kick (e.g. a mailbox ioctl) instead of writing kick_fd. */
	int (*kick)(void *kick_priv);
	void *kick_priv; /**< passed to @c kick */
};

/**
 * @brief A notifier over file descriptors (eventfd, socket, a driver's fd).
 * @param cfg descriptors and kick; descriptors are closed on failure too
 * @param out result (kind AMP_LINUX_NOTIFY_CUSTOM, no peer descriptors)
 * @return 0 or a negative errno
 *
 * Waiting threads elect one reader that polls the descriptor; it drains
 * it, bumps a local sequence and wakes the others, so every waiter sees
 * every kick.
 */
AMP_API int amp_linux_notifier_fd(const struct amp_linux_fd_notifier_cfg *cfg,
			  struct amp_linux_notifier *out);

/**
 * @brief Host: create an eventfd pair (one per direction); the peer's
 *        ends are left in out->peer_fds for amp_linux_ipc_send().
 * @param out result
 * @return 0 or a negative errno
 */
AMP_API int amp_linux_notifier_eventfd_pair(struct amp_linux_notifier *out);

/**
 * @brief Host: create an AF_UNIX socket pair carrying one byte per kick;
 *        the peer's end is left in out->peer_fds.
 * @param out result
 * @return 0 or a negative errno
 */
AMP_API int amp_linux_notifier_socket_pair(struct amp_linux_notifier *out);

/**
 * @brief Peer: open the other end of a ready-made notifier from the
 *        descriptors the host sent.
 * @param kind AMP_LINUX_NOTIFY_EVENTFD or AMP_LINUX_NOTIFY_SOCKET
 * @param fds descriptors in the host's peer_fds order (ownership taken,
 *        even on failure)
 * @param nfds number of descriptors
 * @param out result
 * @return 0, -EINVAL (wrong kind or count) or a negative errno
 */
AMP_API int amp_linux_notifier_open_peer(enum amp_linux_notify_kind kind,
				 const int *fds, unsigned int nfds,
				 struct amp_linux_notifier *out);

/**
 * @brief Close a notifier (and any peer descriptors still held).
 * @param n notifier (ops NULL is ignored)
 */
AMP_API void amp_linux_notifier_close(struct amp_linux_notifier *n);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_LINUX_NOTIFY_H */
