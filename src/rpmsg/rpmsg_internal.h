/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal interfaces between the RPMsg layers. Freestanding.
 *
 *   endpoint.c      endpoint core: addresses, lookup, create/destroy,
 *                   reference counts, callbacks under the callback lock,
 *                   the public send entry points
 *   ns.c            name service, a client of the endpoint core
 *   virtio_rpmsg.c  virtio transport: buffers, send, receive, hold
 *   vdev.c          the VDEV handshake of both roles, layout checks
 *   rsc_table.c     resource-table parser
 */
#ifndef AMP_RPMSG_INTERNAL_H
#define AMP_RPMSG_INTERNAL_H

#include <ampshm/rpmsg.h>

#include "virtio/compat.h"
#include "virtio/role.h"

/* struct amp_vq_slot::user states for RPMsg buffers. */
#define AMP_RPMSG_SLOT_NONE 0 /* in the ring or in a free list */
#define AMP_RPMSG_SLOT_APP 1 /* TX buffer lent to the application */
#define AMP_RPMSG_SLOT_CB 2 /* RX buffer inside a callback */
#define AMP_RPMSG_SLOT_HELD 3 /* RX buffer held by the application */
#define AMP_RPMSG_SLOT_SPARE 4 /* remote: TX buffer taken, unused */

#define AMP_RPMSG_NO_SLOT 0xFFFFu

/* Default blocking-send timeout: Linux's 15 s. */
#define AMP_RPMSG_TX_TIMEOUT_US 15000000u

/* What the endpoint core needs from a transport. */
struct amp_rpmsg_transport_ops {
	/* Send one message (copying @data); returns @len or -errno. */
	int (*send)(struct amp_rpmsg_dev *rdev, uint32_t src, uint32_t dst,
		    const void *data, size_t len, bool wait);
};

/*
 * A reference an endpoint callback holds, on the dispatching thread's
 * stack, linked in rdev->cb_frames (lock held): pushed by
 * amp_rpmsg__frame_push(), the callback runs between
 * amp_rpmsg__frame_enter() and amp_rpmsg__frame_leave().
 */
struct amp_rpmsg_cb_frame {
	struct amp_rpmsg_endpoint *ept; /* NULL once destroyed meanwhile */
	struct amp_rpmsg_cb_frame *next;
};

/* Whether @rdev is the host; always false in a remote-only build. */
static inline bool amp_rpmsg__is_host(const struct amp_rpmsg_dev *rdev)
{
	return AMP_HOST_ROLE && rdev->role == AMP_RPMSG_HOST;
}

/*
 * The port's lock and callback lock, if it has them (endpoint.c). Out of
 * line: they are taken in many places.
 */
void amp_rpmsg__lock(struct amp_rpmsg_dev *rdev);
void amp_rpmsg__unlock(struct amp_rpmsg_dev *rdev);
void amp_rpmsg__cb_lock(struct amp_rpmsg_dev *rdev);
void amp_rpmsg__cb_unlock(struct amp_rpmsg_dev *rdev);

/* The port's wait_prepare() token, 0 if it cannot wait (endpoint.c). */
uint32_t amp_rpmsg__wait_prepare(const struct amp_ipc_port *port);

/* ---- endpoint core (endpoint.c) ---- */

/* Endpoint at @addr, or NULL. Lock held. */
struct amp_rpmsg_endpoint *amp_rpmsg__ept_find(struct amp_rpmsg_dev *rdev,
					       uint32_t addr);

/*
 * Take a reference on the endpoint at @addr for its callback (lock held):
 * returns it with @f pushed, binding an unbound endpoint to @src, or NULL
 * if there is no endpoint with a callback there.
 */
struct amp_rpmsg_endpoint *amp_rpmsg__ept_get(struct amp_rpmsg_dev *rdev,
					      uint32_t addr, uint32_t src,
					      struct amp_rpmsg_cb_frame *f);

/* Take a reference on @ept in frame @f (lock held). */
void amp_rpmsg__frame_push(struct amp_rpmsg_dev *rdev,
			   struct amp_rpmsg_endpoint *ept,
			   struct amp_rpmsg_cb_frame *f);

/*
 * Take the callback lock for @f (lock not held); false if the endpoint was
 * destroyed meanwhile (the callback must then not run). Either way, end
 * with amp_rpmsg__frame_leave().
 */
bool amp_rpmsg__frame_enter(struct amp_rpmsg_dev *rdev,
			    struct amp_rpmsg_cb_frame *f);

/* Unlink @f, drop its reference, release the callback lock (lock held). */
void amp_rpmsg__frame_leave(struct amp_rpmsg_dev *rdev,
			    struct amp_rpmsg_cb_frame *f);

/* Common set-up after the transport is in place (both roles). */
int amp_rpmsg__dev_start(struct amp_rpmsg_dev *rdev);

/* ---- name service (ns.c) ---- */

/* Create the name-service endpoint (53). */
int amp_rpmsg__ns_start(struct amp_rpmsg_dev *rdev);

/* Send an announcement for @ept (flags CREATE or DESTROY). */
int amp_rpmsg__ns_announce(struct amp_rpmsg_endpoint *ept, uint32_t flags);

/* Report bad input on the device's receive counters. */
void amp_rpmsg__report(struct amp_rpmsg_dev *rdev, enum amp_ipc_err err,
		       uint64_t detail);

/* ---- virtio transport (virtio_rpmsg.c) ---- */

extern const struct amp_rpmsg_transport_ops amp_rpmsg__virtio_ops;

/* Bounded string helpers (no strnlen/strncpy in C11 freestanding). */
static inline size_t amp_rpmsg__strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

#endif
