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

	/* create_ept() zero-padded the name. */
	memcpy(msg.name, ept->name, sizeof(msg.name));
	msg.name[AMP_RPMSG_NAME_SIZE - 1] = '\0';
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

/*
 * What is wrong with announcement @m (40 bytes, a private copy),
 * AMP_IPC_ERR_MAX if nothing, and in @bad the offending value.
 */
static enum amp_ipc_err ns_check(const struct amp_rpmsg_ns_msg *m,
				 uint64_t *bad)
{
	*bad = m->addr;
	if (amp_rpmsg__strnlen(m->name, AMP_RPMSG_NAME_SIZE) >=
	    AMP_RPMSG_NAME_SIZE)
		return AMP_IPC_ERR_NS_NAME;
	*bad = m->flags;
	if (m->flags != AMP_RPMSG_NS_CREATE && m->flags != AMP_RPMSG_NS_DESTROY)
		return AMP_IPC_ERR_NS_FLAGS;
	/* A service lives at a dynamic address, never reserved nor ANY. */
	*bad = m->addr;
	if (m->addr < AMP_RPMSG_RESERVED_ADDRESSES ||
	    m->addr == AMP_RPMSG_ADDR_ANY)
		return AMP_IPC_ERR_NS_ADDR;
	return AMP_IPC_ERR_MAX;
}

static int ns_cb(struct amp_rpmsg_endpoint *ns_ept, void *data, size_t len,
		 uint32_t src, void *priv)
{
	struct amp_rpmsg_dev *rdev = ns_ept->rdev;
	struct amp_rpmsg_endpoint *e;
	struct amp_rpmsg_ns_msg msg;
	amp_rpmsg_ns_unbind_cb unbind;
	amp_rpmsg_ns_bind_cb bind;
	enum amp_ipc_err err;
	struct amp_rpmsg_cb_frame f;
	void *bind_priv;
	uint64_t bad;
	bool create;

	(void)src;
	(void)priv;
	if (!rdev)
		return 0;
	err = AMP_IPC_ERR_NS_LEN;
	bad = len;
	if (len == sizeof(msg)) {
		/* Work on a private copy, read once: the buffer is shared. */
		memcpy(&msg, data, sizeof(msg));
		err = ns_check(&msg, &bad);
	}
	if (err != AMP_IPC_ERR_MAX) {
		amp_rpmsg__report(rdev, err, bad);
		return 0;
	}
	create = msg.flags == AMP_RPMSG_NS_CREATE;

	/*
	 * Linux's rules: a create binds a named local endpoint still waiting
	 * for its peer; a destroy unbinds the one bound to that address.
	 */
	amp_rpmsg__lock(rdev);
	for (e = rdev->epts; e; e = e->next)
		if (e != ns_ept && e->name[0] && name_eq(e->name, msg.name) &&
		    e->dest_addr == (create ? AMP_RPMSG_ADDR_ANY : msg.addr))
			break;
	if (!e) {
		bind = rdev->ns_bind_cb;
		bind_priv = rdev->ns_bind_priv;
		amp_rpmsg__unlock(rdev);
		if (create && bind)
			bind(rdev, msg.name, msg.addr, bind_priv);
		return 0;
	}
	e->dest_addr = create ? msg.addr : AMP_RPMSG_ADDR_ANY;
	unbind = create ? NULL : e->ns_unbind_cb;
	if (unbind) {
		/* A reference, so that @e is not destroyed under unbind. */
		amp_rpmsg__frame_push(rdev, e, &f);
		amp_rpmsg__unlock(rdev);
		if (amp_rpmsg__frame_enter(rdev, &f))
			unbind(e);
		amp_rpmsg__lock(rdev);
		amp_rpmsg__frame_leave(rdev, &f);
	}
	amp_rpmsg__unlock(rdev);
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
