/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the documentation's code snippets may assume: every public header,
 * the usual C headers, and placeholders for "your code".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <ampshm/ampshm.h>
#include <ampshm/linux_devmap.h>
#include <ampshm/linux_ipc.h>
#include <ampshm/linux_notify.h>
#include <ampshm/metal_shm.h> /* docs/libmetal-compat.md */
#include <ampshm/remoteproc.h>
#include <ampshm/remoteproc_image.h>
#include <ampshm/remoteproc_sysfs.h> /* docs/kernel-backends.md */
#include <ampshm/rpmsg.h>
#include <ampshm/vfio.h> /* docs/kernel-backends.md */

#include "cachemodel.h" /* tests/common: docs/cache-model.md */

/* Placeholders the snippets call. */
void fill(void *va, ...);
void use(void *va, ...);
extern int sock;
extern size_t in_len, out_off, out_len;
