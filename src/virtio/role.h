/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which roles a build of src/virtio and src/rpmsg serves.
 *
 * By default both, chosen at run time: the host (virtio driver: it owns
 * and posts every buffer) and the remote (virtio device). A coprocessor
 * that is only ever the remote is built with AMP_RPMSG_REMOTE_ONLY
 * defined (firmware/CMakeLists.txt and scripts/size-report do): the
 * driver role of the virtqueue and the host side of RPMsg
 * (amp_vq_driver_*(), amp_rpmsg_host_init*()) are not compiled, and
 * every role test below folds to a constant, so that none of the host's
 * code is linked into the firmware. What the remote does is the same in
 * both builds, the validation of everything the host writes included.
 */
#ifndef AMP_VIRTIO_ROLE_H
#define AMP_VIRTIO_ROLE_H

#ifdef AMP_RPMSG_REMOTE_ONLY
#define AMP_HOST_ROLE 0 /* no driver / host code */
#else
#define AMP_HOST_ROLE 1
#endif

#endif
