/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Name service (endpoint 53): 40-byte create/destroy announcements with
 * Linux's binding rules. A client of the endpoint core: it creates its
 * endpoint, sends and receives through the endpoint API only, and never
 * sees a ring or a buffer. Freestanding.
 */
#include "rpmsg/rpmsg_internal.h"

int amp_rpmsg__ns_announce(struct amp_rpmsg_endpoint *ept, uint32_t flags)
{
	struct amp_rpmsg_ns_msg msg;

	memset(&msg, 0, sizeof(msg));
	memcpy(msg.name, ept->name,
	       amp_rpmsg__strnlen(ept->name, AMP_RPMSG_NAME_SIZE - 1));
	msg.addr = ept->addr;
	msg.flags = flags;
	return amp_rpmsg_send_offchannel(ept, ept->addr, AMP_RPMSG_NS_ADDR,
					 &msg, sizeof(msg));
}

static bool name_eq(const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < AMP_RPMSG_NAME_SIZE; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static int ns_cb(struct amp_rpmsg_endpoint *ns_ept, void *data, size_t len,
		 uint32_t src, void *priv)
{
	struct amp_rpmsg_dev *rdev = ns_ept->rdev;
	struct amp_rpmsg_endpoint *e;
	struct amp_rpmsg_ns_msg msg;
	amp_rpmsg_ns_unbind_cb unbind = NULL;
	amp_rpmsg_ns_bind_cb bind;
	void *bind_priv;

	(void)src;
	(void)priv;
	if (!rdev)
		return 0;
	if (len != sizeof(msg)) {
		amp_rpmsg__report(rdev, AMP_IPC_ERR_NS_LEN, len);
		return 0;
	}
	/* Work on a private copy, read once: the buffer is shared. */
	memcpy(&msg, data, sizeof(msg));
	if (amp_rpmsg__strnlen(msg.name, AMP_RPMSG_NAME_SIZE) >=
	    AMP_RPMSG_NAME_SIZE) {
		amp_rpmsg__report(rdev, AMP_IPC_ERR_NS_NAME, msg.addr);
		return 0;
	}
	if (msg.flags != AMP_RPMSG_NS_CREATE &&
	    msg.flags != AMP_RPMSG_NS_DESTROY) {
		amp_rpmsg__report(rdev, AMP_IPC_ERR_NS_FLAGS, msg.flags);
		return 0;
	}
	/* A service lives at a dynamic address, never reserved nor ANY. */
	if (msg.addr < AMP_RPMSG_RESERVED_ADDRESSES ||
	    msg.addr == AMP_RPMSG_ADDR_ANY) {
		amp_rpmsg__report(rdev, AMP_IPC_ERR_NS_ADDR, msg.addr);
		return 0;
	}

	amp_rpmsg__lock(rdev);
	for (e = rdev->epts; e; e = e->next) {
		if (e == ns_ept || !e->name[0] || !name_eq(e->name, msg.name))
			continue;
		if (msg.flags == AMP_RPMSG_NS_CREATE &&
		    e->dest_addr == AMP_RPMSG_ADDR_ANY)
			break;
		if (msg.flags == AMP_RPMSG_NS_DESTROY &&
		    e->dest_addr == msg.addr)
			break;
	}
	if (e && msg.flags == AMP_RPMSG_NS_CREATE) {
		e->dest_addr = msg.addr; /* bind a waiting local endpoint */
		amp_rpmsg__unlock(rdev);
		return 0;
	}
	if (e) {
		struct amp_rpmsg_cb_frame f;

		e->dest_addr = AMP_RPMSG_ADDR_ANY;
		unbind = e->ns_unbind_cb;
		if (!unbind) {
			amp_rpmsg__unlock(rdev);
			return 0;
		}
		/* A reference, so that @e is not destroyed under unbind. */
		amp_rpmsg__frame_push(rdev, e, &f);
		amp_rpmsg__unlock(rdev);
		if (amp_rpmsg__frame_enter(rdev, &f))
			unbind(e);
		amp_rpmsg__lock(rdev);
		amp_rpmsg__frame_leave(rdev, &f);
		amp_rpmsg__unlock(rdev);
		return 0;
	}
	bind = rdev->ns_bind_cb;
	bind_priv = rdev->ns_bind_priv;
	amp_rpmsg__unlock(rdev);
	if (msg.flags == AMP_RPMSG_NS_CREATE && bind)
		bind(rdev, msg.name, msg.addr, bind_priv);
	return 0;
}

int amp_rpmsg__ns_start(struct amp_rpmsg_dev *rdev)
{
	return amp_rpmsg_create_ept(&rdev->ns_ept, rdev, "", AMP_RPMSG_NS_ADDR,
				    AMP_RPMSG_NS_ADDR, ns_cb, NULL, NULL);
}

void amp_rpmsg_set_ns_bind_cb(struct amp_rpmsg_dev *rdev,
			      amp_rpmsg_ns_bind_cb cb, void *priv)
{
	amp_rpmsg__lock(rdev);
	rdev->ns_bind_cb = cb;
	rdev->ns_bind_priv = priv;
	amp_rpmsg__unlock(rdev);
}
