/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file remoteproc_sysfs.h
 * @brief Control of a coprocessor the Linux kernel owns, through
 *        /sys/class/remoteproc/remoteprocN, and the rpmsg char devices
 *        of its channels.
 *
 * On boards where the kernel's remoteproc driver owns the coprocessor the
 * kernel loads the firmware (a file under /lib/firmware), starts and stops
 * the core, handles its crashes and recovers it. User space chooses the
 * firmware, writes `start`/`stop` to `state`, and chooses the recovery and
 * coredump policies. These functions do that, treating everything read
 * from sysfs as untrusted (bounded, trimmed, checked against the words the
 * kernel uses).
 *
 * This is not a backend of the userspace remoteproc core
 * (<ampshm/remoteproc.h>): that core loads the image itself
 * (amp_rproc_load()), which the kernel does here; see
 * docs/kernel-backends.md.
 *
 * The sysfs root is a parameter (NULL: "/sys") so that the code can be
 * tested against a directory tree laid out like that sysfs.
 */
#ifndef AMPSHM_REMOTEPROC_SYSFS_H
#define AMPSHM_REMOTEPROC_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include <ampshm/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct amp_rproc_sysfs;

/** The kernel's remoteproc states (its `state` attribute). */
enum amp_rproc_kstate {
	AMP_RPROC_K_OFFLINE = 0, /**< "offline" */
	AMP_RPROC_K_SUSPENDED, /**< "suspended" */
	AMP_RPROC_K_RUNNING, /**< "running" */
	AMP_RPROC_K_CRASHED, /**< "crashed" */
	AMP_RPROC_K_DELETED, /**< "deleted" */
	AMP_RPROC_K_ATTACHED, /**< "attached" (started by a boot loader) */
	AMP_RPROC_K_DETACHED, /**< "detached" */
	AMP_RPROC_K_INVALID, /**< "invalid" */
};

/** The kernel's coredump policies (its `coredump` attribute). */
enum amp_rproc_coredump {
	AMP_RPROC_COREDUMP_DISABLED = 0, /**< "disabled" */
	AMP_RPROC_COREDUMP_ENABLED, /**< "enabled" (copied segments) */
	AMP_RPROC_COREDUMP_INLINE, /**< "inline" (read from the core) */
};

/** An rpmsg char device of the coprocessor's channels. */
struct amp_rproc_rpmsg_dev {
	char name[32]; /**< "rpmsg_ctrl0", "rpmsg3" */
	char dev[48]; /**< its node: "/dev/rpmsg_ctrl0" */
	bool ctrl; /**< an rpmsg_ctrl device (creates endpoints) */
};

/**
 * @brief Find the kernel remoteproc whose `name` attribute is @p name.
 * @param sysfs_root the sysfs mount point (NULL: "/sys")
 * @param name the remoteproc's name (its `name` attribute)
 * @param out the handle, for amp_rproc_sysfs_close()
 * @return 0; -ENOENT (no such remoteproc, or no remoteproc class: the
 *         kernel lacks CONFIG_REMOTEPROC), -EINVAL, -ENOMEM, -errno
 */
AMP_API int amp_rproc_sysfs_open(const char *sysfs_root, const char *name,
				 struct amp_rproc_sysfs **out);

/** @brief Free a handle (the coprocessor is left as it is). */
AMP_API void amp_rproc_sysfs_close(struct amp_rproc_sysfs *rs);

/**
 * @brief The remoteproc's sysfs directory,
 *        "<root>/class/remoteproc/remoteprocN".
 */
AMP_API const char *amp_rproc_sysfs_path(const struct amp_rproc_sysfs *rs);

/**
 * @brief Read the `state` attribute.
 * @return 0; -EIO (not a state the kernel uses), -EACCES, -errno
 */
AMP_API int amp_rproc_sysfs_state(struct amp_rproc_sysfs *rs,
				  enum amp_rproc_kstate *state);

/** @brief The kernel's word for @p s ("running"), or "?" */
AMP_API const char *amp_rproc_kstate_name(enum amp_rproc_kstate s);

/**
 * @brief Read the `firmware` attribute (a file name under /lib/firmware).
 * @return 0; -ENOSPC if @p len is too small, -errno
 */
AMP_API int amp_rproc_sysfs_firmware(struct amp_rproc_sysfs *rs, char *buf,
				     size_t len);

/**
 * @brief Choose the firmware file (under /lib/firmware) the next start
 *        loads. The kernel accepts it only while the core is offline.
 * @return 0; -EINVAL (empty, too long, a '/' at the start or a "..", a
 *         control character), -EBUSY (not offline), -EACCES, -errno
 */
AMP_API int amp_rproc_sysfs_set_firmware(struct amp_rproc_sysfs *rs,
					 const char *firmware);

/**
 * @brief Start the core (write "start" to `state`) and wait up to
 *        @p timeout_ms until the kernel says "running" or "attached".
 * @return 0; -EBUSY (not offline), -EIO (it crashed, or the kernel wrote
 *         a state it does not use), -ETIMEDOUT, -EACCES, -errno
 */
AMP_API int amp_rproc_sysfs_start(struct amp_rproc_sysfs *rs,
				  unsigned timeout_ms);

/**
 * @brief Stop the core (write "stop" to `state`) and wait up to
 *        @p timeout_ms until it is "offline". Stopping an offline core
 *        does nothing.
 * @return 0; -ETIMEDOUT, -EIO, -EACCES, -errno
 */
AMP_API int amp_rproc_sysfs_stop(struct amp_rproc_sysfs *rs,
				 unsigned timeout_ms);

/**
 * @brief Wait up to @p timeout_ms until `state` is @p want (for example
 *        "running" again after a crash the kernel recovers from: other
 *        states, "crashed" included, are waited through).
 * @return 0; -EIO (a value that is not a state at the deadline),
 *         -ETIMEDOUT (naming the state), -EINVAL, -errno
 */
AMP_API int amp_rproc_sysfs_wait(struct amp_rproc_sysfs *rs,
				 enum amp_rproc_kstate want,
				 unsigned timeout_ms);

/**
 * @brief Read the `recovery` attribute.
 * @return 0 with *enabled set; -EIO (neither "enabled" nor "disabled")
 */
AMP_API int amp_rproc_sysfs_recovery(struct amp_rproc_sysfs *rs, bool *enabled);

/** @brief Enable or disable the kernel's recovery after a crash. */
AMP_API int amp_rproc_sysfs_set_recovery(struct amp_rproc_sysfs *rs,
					 bool enabled);

/**
 * @brief Recover a crashed core now (write "recover" to `recovery`): the
 *        kernel stops it, reloads the firmware and starts it again. This
 *        is how a core left "crashed" (recovery disabled) is restarted.
 */
AMP_API int amp_rproc_sysfs_recover(struct amp_rproc_sysfs *rs);

/**
 * @brief Read the `coredump` attribute.
 * @return 0; -EIO (not one of the kernel's words), -ENOENT (a kernel
 *         without it: before 5.10)
 */
AMP_API int amp_rproc_sysfs_coredump(struct amp_rproc_sysfs *rs,
				     enum amp_rproc_coredump *mode);

/** @brief Set the `coredump` attribute. */
AMP_API int amp_rproc_sysfs_set_coredump(struct amp_rproc_sysfs *rs,
					 enum amp_rproc_coredump mode);

/**
 * @brief Make the core crash, for testing recovery: write @p kind to
 *        `<root>/kernel/debug/remoteproc/remoteprocN/crash` (debugfs).
 * @param kind "mmu-fault", "watchdog" or "fatal-error" (NULL: the last)
 * @return 0; -EINVAL (another kind), -ENOTSUP (no debugfs file: debugfs
 *         not mounted or the kernel lacks CONFIG_DEBUG_FS), -errno
 */
AMP_API int amp_rproc_sysfs_crash(struct amp_rproc_sysfs *rs, const char *kind);

/**
 * @brief The rpmsg char devices (`rpmsg_ctrlN`, `rpmsgN`, from
 *        `<root>/class/rpmsg`) whose device lies under this remoteproc,
 *        sorted by name.
 * @param devs filled with up to @p max devices
 * @param max room in @p devs
 * @param n how many there are (may be more than @p max)
 * @return 0 (none is not an error: *n is 0), -errno
 */
AMP_API int amp_rproc_sysfs_rpmsg_devs(struct amp_rproc_sysfs *rs,
				       struct amp_rproc_rpmsg_dev *devs,
				       size_t max, size_t *n);

/**
 * @brief The rpmsg channels (`<root>/bus/rpmsg/devices/<name>`, for
 *        example "virtio0.rpmsg-tty.-1.1024") under this remoteproc.
 * @param names filled with up to @p max names (longer names are skipped)
 * @param max room in @p names
 * @param n how many there are (may be more than @p max)
 * @return 0, -errno
 */
AMP_API int amp_rproc_sysfs_rpmsg_channels(struct amp_rproc_sysfs *rs,
					   char (*names)[64], size_t max,
					   size_t *n);

#ifdef __cplusplus
}
#endif

#endif
