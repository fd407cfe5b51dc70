/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file linux_devmap.h
 * @brief Linux: giving a process exactly a device's address space.
 *
 * A process that plays a coprocessor maps the runs of the device's address
 * space (amp_dev_export(), amp_dev_watch()) at their device addresses, and
 * nothing else of the host's memory: a device address that is wrong, or a
 * buffer that was never attached to the device, faults in that process.
 * Runs travel between processes over a UNIX socket, with their file
 * descriptor (SCM_RIGHTS).
 */
#ifndef AMPSHM_LINUX_DEVMAP_H
#define AMPSHM_LINUX_DEVMAP_H

#include <ampshm/export.h>

#include <stdbool.h>
#include <ampshm/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Map @p run in this process at its device address.
 *
 * MAP_SHARED|MAP_FIXED_NOREPLACE at @c run->da with the run's protection
 * (a write-only run is mapped read-write: the MMU cannot express
 * write-only).
 * @return 0; -EEXIST if something is already mapped there, -EINVAL if the
 *         run does not fit this process (unaligned, beyond the address
 *         space), or the mmap errno.
 */
AMP_API int amp_linux_map_run(const struct amp_dev_run *run);

/**
 * @brief Remove the mapping of @p run made by amp_linux_map_run().
 * @return 0 or a negative errno.
 */
AMP_API int amp_linux_unmap_run(const struct amp_dev_run *run);

/**
 * @brief Send a run (with its file descriptor) over a UNIX socket.
 * @param sock connected AF_UNIX socket
 * @param run the run
 * @param mapped true: the device gained it; false: it loses it
 * @return 0 or a negative errno
 */
AMP_API int amp_linux_send_run(int sock, const struct amp_dev_run *run, bool mapped);

/**
 * @brief Receive a run sent with amp_linux_send_run().
 * @param sock connected AF_UNIX socket
 * @param run result; @c run->fd is a new descriptor the caller owns (-1
 *        for an unmapped run)
 * @param mapped result
 * @return 0, -ECONNRESET if the peer closed, -EPROTO on a malformed
 *         message, or a negative errno
 */
AMP_API int amp_linux_recv_run(int sock, struct amp_dev_run *run, bool *mapped);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_LINUX_DEVMAP_H */
