/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal helpers shared by the RPMsg sources. Freestanding. */
#ifndef AMP_RPMSG_INTERNAL_H
#define AMP_RPMSG_INTERNAL_H

#include <ampshm/rpmsg.h>

#include "virtio/compat.h"

/* struct amp_vq_slot::user states for RPMsg buffers. */
#define SLOT_NONE 0  /* in the ring or in a free list */
#define SLOT_APP 1   /* TX buffer lent to the application */
#define SLOT_CB 2    /* RX buffer inside a callback */
#define SLOT_HELD 3  /* RX buffer held by the application */
#define SLOT_SPARE 4 /* remote: TX buffer taken, unused, in the spare list */

#define NO_SLOT 0xFFFFu

/* Default blocking-send timeout: Linux's 15 s. */
#define AMP_RPMSG_TX_TIMEOUT_US 15000000u

static inline void rp_lock(struct amp_rpmsg_dev *rdev)
{
	if (rdev->port->ops->lock)
		rdev->port->ops->lock(rdev->port->priv);
}

static inline void rp_unlock(struct amp_rpmsg_dev *rdev)
{
	if (rdev->port->ops->unlock)
		rdev->port->ops->unlock(rdev->port->priv);
}

/* Common set-up after the vrings are in place (both roles). */
int rpmsg_dev_start(struct amp_rpmsg_dev *rdev);

/* Name-service receive callback (endpoint 53). */
int rpmsg_ns_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		uint32_t src, void *priv);

/* Send an announcement for @ept (flags CREATE or DESTROY). */
int rpmsg_ns_announce(struct amp_rpmsg_endpoint *ept, uint32_t flags);

/* Endpoint lookup; call with the lock held. */
struct amp_rpmsg_endpoint *rpmsg_find_ept(struct amp_rpmsg_dev *rdev,
					  uint32_t addr);

/* Bounded string helpers (no strnlen/strncpy in C11 freestanding). */
static inline size_t rp_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

#endif
