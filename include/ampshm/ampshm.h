/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file ampshm.h
 * @brief Everything of the host-side ampshm API.
 */
#ifndef AMPSHM_AMPSHM_H
#define AMPSHM_AMPSHM_H

#include <ampshm/types.h>
#include <ampshm/error.h>
#include <ampshm/cache.h>
#include <ampshm/device.h>
#include <ampshm/shm.h>
#include <ampshm/phys.h>
#include <ampshm/provider.h>
#include <ampshm/remoteproc.h>
#include <ampshm/remoteproc_image.h>
#include <ampshm/remoteproc_qemu.h>
#include <ampshm/handover_session.h>

#endif
