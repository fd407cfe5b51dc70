/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pieces of a firmware's resource table (include/ampshm/rsc_table.h has
 * the layouts): an RPMsg VDEV with its two vrings as one struct, and
 * initializers for the entries every firmware declares. Freestanding.
 */
#ifndef AMPFW_RSC_H
#define AMPFW_RSC_H

#include <ampshm/rsc_table.h>

/* struct amp_rsc_vdev with its two vrings, no config space. */
struct ampfw_rsc_vdev2 {
	uint32_t type, id, notifyid, dfeatures, gfeatures, config_len;
	uint8_t status, num_of_vrings, reserved[2];
	struct amp_rsc_vring vring[2];
};

/* A CARVEOUT at device address @da, physical address chosen by the host. */
#define AMPFW_RSC_CARVEOUT(da_, len_, name_)                                   \
	{                                                                      \
		.type = AMP_RSC_CARVEOUT, .da = (da_), .pa = AMP_RSC_ADDR_ANY, \
		.len = (len_), .name = name_,                                  \
	}

/*
 * A CARVEOUT at device address @da and a fixed physical address @pa (or
 * AMP_RSC_ADDR_ANY): what the board's memory map asks for, e.g. da = pa
 * on a core that reaches memory at its physical addresses.
 */
#define AMPFW_RSC_CARVEOUT_PA(da_, pa_, len_, name_)                \
	{                                                           \
		.type = AMP_RSC_CARVEOUT, .da = (da_), .pa = (pa_), \
		.len = (len_), .name = name_,                       \
	}

/* A TRACE buffer. */
#define AMPFW_RSC_TRACE(da_, len_, name_)                          \
	{                                                          \
		.type = AMP_RSC_TRACE, .da = (da_), .len = (len_), \
		.name = name_,                                     \
	}

/* An RPMsg VDEV (name service offered), vring0 and vring1 at @v0, @v1. */
#define AMPFW_RSC_RPMSG_VDEV(v0, v1, align, num)                         \
	{                                                                \
		.type = AMP_RSC_VDEV, .id = AMP_VIRTIO_ID_RPMSG,         \
		.notifyid = 2, .dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS, \
		.num_of_vrings = 2,                                      \
		.vring = { { (v0), (align), (num), 0, 0 },               \
			   { (v1), (align), (num), 1, 0 } },             \
	}

#endif /* AMPFW_RSC_H */
