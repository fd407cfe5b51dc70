/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg endpoint core: addresses, lookup, create/destroy, reference
 * counts, callbacks under the callback lock, and the send entry points,
 * which hand the message to the device's transport. Knows nothing of
 * rings or buffers. Freestanding.
 *
 * Lifetime: a registered endpoint holds one reference; each callback
 * about to run or running holds one more, recorded in a frame on the
 * dispatching thread's stack (rdev->cb_frames). A callback runs under the
 * port's recursive callback lock, taken only around the callback itself.
 * amp_rpmsg_destroy_ept() unlinks the endpoint (no new dispatch finds it);
 * if no frame references it, it is done. Otherwise it takes the callback
 * lock: a callback running on another thread finishes first; once we hold
 * it, a frame whose callback runs is ours (destroy called from that
 * callback), and the others have not started theirs and will not: destroy
 * drops the references of all, and the dispatchers never touch the
 * endpoint again.
 */
#include "rpmsg/rpmsg_internal.h"

/* ---- the port's locks ---------------------------------------------------- */

static void port_call(const struct amp_ipc_port *port, void (*fn)(void *))
{
	if (fn)
		fn(port->priv);
}

AMP_NOINLINE void amp_rpmsg__lock(struct amp_rpmsg_dev *rdev)
{
	port_call(rdev->port, rdev->port->ops->lock);
}

AMP_NOINLINE void amp_rpmsg__unlock(struct amp_rpmsg_dev *rdev)
{
	port_call(rdev->port, rdev->port->ops->unlock);
}

AMP_NOINLINE void amp_rpmsg__cb_lock(struct amp_rpmsg_dev *rdev)
{
	port_call(rdev->port, rdev->port->ops->cb_lock);
}

AMP_NOINLINE void amp_rpmsg__cb_unlock(struct amp_rpmsg_dev *rdev)
{
	port_call(rdev->port, rdev->port->ops->cb_unlock);
}

uint32_t amp_rpmsg__wait_prepare(const struct amp_ipc_port *port)
{
	return port->ops->wait_prepare ? port->ops->wait_prepare(port->priv) :
					 0;
}

/* ---- endpoints ----------------------------------------------------------- */

AMP_NOINLINE struct amp_rpmsg_endpoint *
amp_rpmsg__ept_find(struct amp_rpmsg_dev *rdev, uint32_t addr)
{
	struct amp_rpmsg_endpoint *e;

	for (e = rdev->epts; e; e = e->next)
		if (e->addr == addr)
			return e;
	return NULL;
}

static bool ept_registered(struct amp_rpmsg_dev *rdev,
			   const struct amp_rpmsg_endpoint *ept)
{
	const struct amp_rpmsg_endpoint *e;

	for (e = rdev->epts; e; e = e->next)
		if (e == ept)
			return true;
	return false;
}

static int alloc_addr(struct amp_rpmsg_dev *rdev, uint32_t *addr)
{
	uint32_t a = rdev->next_addr, tries;

	/* Bounded by the number of endpoints, which are all in the list. */
	for (tries = 0; tries < 0x10000u; tries++) {
		if (a < AMP_RPMSG_RESERVED_ADDRESSES || a == AMP_RPMSG_ADDR_ANY)
			a = AMP_RPMSG_RESERVED_ADDRESSES;
		if (!amp_rpmsg__ept_find(rdev, a)) {
			*addr = a;
			rdev->next_addr = a + 1;
			return 0;
		}
		a++;
	}
	return -ENOSPC;
}

int amp_rpmsg_create_ept(struct amp_rpmsg_endpoint *ept,
			 struct amp_rpmsg_dev *rdev, const char *name,
			 uint32_t src, uint32_t dest, amp_rpmsg_ept_cb cb,
			 amp_rpmsg_ns_unbind_cb unbind_cb, void *priv)
{
	size_t nlen = name ? amp_rpmsg__strnlen(name, AMP_RPMSG_NAME_SIZE) : 0;
	int ret = 0;

	if (!ept || !rdev || !rdev->port || nlen >= AMP_RPMSG_NAME_SIZE)
		return -EINVAL;
	amp_rpmsg__lock(rdev);
	/* Re-registering would link the endpoint to itself: a lookup loop. */
	if (ept_registered(rdev, ept))
		ret = -EBUSY;
	else if (src == AMP_RPMSG_ADDR_ANY)
		ret = alloc_addr(rdev, &src);
	else if (amp_rpmsg__ept_find(rdev, src))
		ret = -EADDRINUSE;
	if (ret) {
		amp_rpmsg__unlock(rdev);
		return ret;
	}
	memset(ept, 0, sizeof(*ept));
	if (nlen)
		memcpy(ept->name, name, nlen);
	ept->addr = src;
	ept->dest_addr = dest;
	ept->cb = cb;
	ept->ns_unbind_cb = unbind_cb;
	ept->priv = priv;
	ept->rdev = rdev;
	ept->refcnt = 1;
	ept->next = rdev->epts;
	rdev->epts = ept;
	amp_rpmsg__unlock(rdev);

	/* Endpoints created with a known destination are not announced. */
	if (nlen && dest == AMP_RPMSG_ADDR_ANY && rdev->ready &&
	    (rdev->features & (1u << AMP_VIRTIO_RPMSG_F_NS))) {
		ret = amp_rpmsg__ns_announce(ept, AMP_RPMSG_NS_CREATE);
		if (ret < 0) {
			amp_rpmsg_destroy_ept(ept);
			return ret;
		}
		ept->announced = true;
	}
	return 0;
}

static bool ept_in_frames(struct amp_rpmsg_dev *rdev,
			  const struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_cb_frame *f;

	for (f = rdev->cb_frames; f; f = f->next)
		if (f->ept == ept)
			return true;
	return false;
}

void amp_rpmsg_destroy_ept(struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_endpoint **pp;
	struct amp_rpmsg_cb_frame *f;
	struct amp_rpmsg_dev *rdev;
	bool busy;

	if (!ept || !ept->rdev)
		return;
	rdev = ept->rdev;
	if (ept->announced && rdev->ready)
		amp_rpmsg__ns_announce(ept, AMP_RPMSG_NS_DESTROY);
	ept->announced = false;

	amp_rpmsg__lock(rdev);
	for (pp = &rdev->epts; *pp; pp = &(*pp)->next) {
		if (*pp == ept) {
			*pp = ept->next;
			ept->refcnt--;
			break;
		}
	}
	busy = ept_in_frames(rdev, ept);
	if (busy) {
		/* Wait for a callback running on another thread. */
		amp_rpmsg__unlock(rdev);
		amp_rpmsg__cb_lock(rdev);
		amp_rpmsg__lock(rdev);
		for (f = rdev->cb_frames; f; f = f->next) {
			if (f->ept == ept) {
				f->ept = NULL;
				ept->refcnt--;
			}
		}
	}
	ept->next = NULL;
	ept->rdev = NULL;
	amp_rpmsg__unlock(rdev);
	if (busy)
		amp_rpmsg__cb_unlock(rdev);
}

bool amp_rpmsg_ept_is_bound(const struct amp_rpmsg_endpoint *ept)
{
	return ept && ept->dest_addr != AMP_RPMSG_ADDR_ANY;
}

void amp_rpmsg__frame_push(struct amp_rpmsg_dev *rdev,
			   struct amp_rpmsg_endpoint *ept,
			   struct amp_rpmsg_cb_frame *f)
{
	ept->refcnt++;
	f->ept = ept;
	f->next = rdev->cb_frames;
	rdev->cb_frames = f;
}

struct amp_rpmsg_endpoint *amp_rpmsg__ept_get(struct amp_rpmsg_dev *rdev,
					      uint32_t addr, uint32_t src,
					      struct amp_rpmsg_cb_frame *f)
{
	struct amp_rpmsg_endpoint *e = amp_rpmsg__ept_find(rdev, addr);

	if (!e || !e->cb)
		return NULL;
	if (e->dest_addr == AMP_RPMSG_ADDR_ANY && src != AMP_RPMSG_ADDR_ANY)
		e->dest_addr = src; /* bound by the first message */
	amp_rpmsg__frame_push(rdev, e, f);
	return e;
}

bool amp_rpmsg__frame_enter(struct amp_rpmsg_dev *rdev,
			    struct amp_rpmsg_cb_frame *f)
{
	amp_rpmsg__cb_lock(rdev);
	/*
	 * Only a thread holding the callback lock clears f->ept (destroy,
	 * deinit): with it held, the lock is not needed to read it.
	 */
	return f->ept != NULL;
}

void amp_rpmsg__frame_leave(struct amp_rpmsg_dev *rdev,
			    struct amp_rpmsg_cb_frame *f)
{
	struct amp_rpmsg_cb_frame **pp;

	for (pp = &rdev->cb_frames; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	/* NULL if destroyed meanwhile: the endpoint is not touched. */
	if (f->ept)
		f->ept->refcnt--;
	amp_rpmsg__cb_unlock(rdev);
}

/* ---- send entry points --------------------------------------------------- */

static int ept_send(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
		    const void *data, size_t len, bool wait)
{
	struct amp_rpmsg_dev *rdev;

	if (!ept || !ept->rdev || (!data && len))
		return -EINVAL;
	rdev = ept->rdev;
	if (!rdev->ready || !rdev->ops)
		return -ENOTCONN;
	if (src == AMP_RPMSG_ADDR_ANY || dst == AMP_RPMSG_ADDR_ANY)
		return -ENOTCONN;
	if (len > 0xFFFFu)
		return -EMSGSIZE;
	return rdev->ops->send(rdev, src, dst, data, len, wait);
}

int amp_rpmsg_send(struct amp_rpmsg_endpoint *ept, const void *data, size_t len)
{
	if (!ept)
		return -EINVAL;
	return ept_send(ept, ept->addr, ept->dest_addr, data, len, true);
}

int amp_rpmsg_trysend(struct amp_rpmsg_endpoint *ept, const void *data,
		      size_t len)
{
	if (!ept)
		return -EINVAL;
	return ept_send(ept, ept->addr, ept->dest_addr, data, len, false);
}

int amp_rpmsg_sendto(struct amp_rpmsg_endpoint *ept, const void *data,
		     size_t len, uint32_t dst)
{
	if (!ept)
		return -EINVAL;
	return ept_send(ept, ept->addr, dst, data, len, true);
}

int amp_rpmsg_trysendto(struct amp_rpmsg_endpoint *ept, const void *data,
			size_t len, uint32_t dst)
{
	if (!ept)
		return -EINVAL;
	return ept_send(ept, ept->addr, dst, data, len, false);
}

int amp_rpmsg_send_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src,
			      uint32_t dst, const void *data, size_t len)
{
	return ept_send(ept, src, dst, data, len, true);
}

int amp_rpmsg_trysend_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src,
				 uint32_t dst, const void *data, size_t len)
{
	return ept_send(ept, src, dst, data, len, false);
}

/* ---- device -------------------------------------------------------------- */

int amp_rpmsg__dev_start(struct amp_rpmsg_dev *rdev)
{
	int ret;

	/* @rdev was zeroed: no endpoint, no callback running. */
	rdev->tx_timeout_us = AMP_RPMSG_TX_TIMEOUT_US;
	rdev->next_addr = AMP_RPMSG_RESERVED_ADDRESSES;
	rdev->ready = true;
	if (rdev->features & (1u << AMP_VIRTIO_RPMSG_F_NS)) {
		ret = amp_rpmsg__ns_start(rdev);
		if (ret) {
			rdev->ready = false;
			return ret;
		}
	}
	return 0;
}

void amp_rpmsg_deinit(struct amp_rpmsg_dev *rdev)
{
	struct amp_rpmsg_endpoint *e, *n;
	struct amp_rpmsg_cb_frame *f;

	if (!rdev || !rdev->port)
		return;
	amp_rpmsg__cb_lock(rdev);
	amp_rpmsg__lock(rdev);
	rdev->ready = false;
	for (f = rdev->cb_frames; f; f = f->next)
		f->ept = NULL;
	for (e = rdev->epts; e; e = n) {
		n = e->next;
		e->next = NULL;
		e->rdev = NULL;
		e->refcnt = 0;
	}
	rdev->epts = NULL;
	amp_rpmsg__unlock(rdev);
	amp_rpmsg__cb_unlock(rdev);
}
