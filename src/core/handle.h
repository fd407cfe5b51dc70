/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Handles (buffers, devices) carry a magic word first. It is poisoned when
 * the handle dies, and the memory is kept in a quarantine for a while, so
 * that a handle used after its last close or destroy (double close, attach
 * after close) is reported with -EBADF instead of crashing or returning a
 * misleading error.
 */
#ifndef AMP_CORE_HANDLE_H
#define AMP_CORE_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#define AMP_MAGIC_SHM 0x4d485341u /* "ASHM" */
#define AMP_MAGIC_DEV 0x56454441u /* "ADEV" */
#define AMP_MAGIC_DEAD 0x44414544u /* "DEAD" */

/* Zeroed memory for a handle whose first member is its uint32_t magic. */
void *amp_handle_new(size_t size, uint32_t magic);
/* Poison the magic; the memory is freed after a quarantine. */
void amp_handle_retire(void *h);
/*
 * 0 if @h is a live handle of kind @magic; otherwise -EINVAL (NULL) or
 * -EBADF (closed, destroyed, or not a handle of that kind), with a
 * message naming @fn.
 */
int amp_handle_check(const void *h, uint32_t magic, const char *fn);

#define AMP_CHECK_SHM(shm) amp_handle_check((shm), AMP_MAGIC_SHM, __func__)
#define AMP_CHECK_DEV(dev) amp_handle_check((dev), AMP_MAGIC_DEV, __func__)

#endif
