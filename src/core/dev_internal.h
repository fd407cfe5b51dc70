/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A device as the shared-memory core sees it: a name, an address space
 * (src/addrspace, the mechanism), the buffers attached to it, its bounce
 * policy, and the ownership listener its driver may hang on the sync path
 * (the hand-over protocol of a remoteproc-managed coprocessor).
 */
#ifndef AMP_CORE_DEV_INTERNAL_H
#define AMP_CORE_DEV_INTERNAL_H

#include <ampshm/device.h>

#include "addrspace/addrspace.h"
#include "core/list.h"

struct amp_own_listener;

struct amp_dev {
	uint32_t magic; /* AMP_MAGIC_DEV while alive (core/handle.h) */
	struct amp_list node; /* in the device list (names are unique) */
	char name[32];
	struct amp_as *as;
	unsigned dma_bits;
	enum amp_bounce bounce;
	struct amp_list attachments; /* of struct amp_attach, by dev_node */
	unsigned nattach;
	/* Optional: told of every hand-over of this device, last on the
	 * way out and first on the way back (see sync.c). */
	const struct amp_own_listener *own;
	void *own_priv;
};

#endif
