/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RPMsg link a backend runs over a coprocessor's loaded resource
 * table: the host's side of the virtio RPMsg device, brought up at start
 * and taken down at stop and crash, behind the link ops of struct
 * amp_rproc_ops. Shared by the backends (simulated core, QEMU); what
 * varies is only the doorbell, given as a notifier.
 *
 * A backend puts a struct amp_rproc_link FIRST in its private state and
 * fills its ops with AMP_RPROC_LINK_OPS: the ops then take the backend's
 * priv as the link.
 *
 * Locking: up/down are called with the coprocessor's lock held; the link
 * has its own mutex (coprocessor lock -> link mutex), which callers of
 * amp_rproc_rpmsg_lock() hold while they use the RPMsg device.
 */
#ifndef AMP_REMOTEPROC_LINK_H
#define AMP_REMOTEPROC_LINK_H

#include <pthread.h>
#include <stdbool.h>

#include <ampshm/linux_notify.h>
#include <ampshm/remoteproc.h>
#include <ampshm/rpmsg.h>

#include "remoteproc/rproc_internal.h"

#define AMP_RPROC_LINK_SLOTS 64u
#define AMP_RPROC_LINK_BUF_SIZE 512u

struct amp_rproc_link {
	struct amp_rproc *rp;
	/* the host's end of the doorbell (kick the core, sleep until kicked) */
	const struct amp_linux_notifier *bell;
	/* wake a thread asleep in bell's wait() (the link went down) */
	void (*wake)(void *priv);
	void *wake_priv;
	pthread_mutex_t mu;
	bool up;
	unsigned gen;
	amp_rpmsg_ns_bind_cb ns_cb;
	void *ns_priv;
	struct amp_ipc_region regions[AMP_RPROC_MAX_AREAS];
	struct amp_ipc_port_ops port_ops;
	struct amp_ipc_port port;
	struct amp_vq_slot slots[2][AMP_RPROC_LINK_SLOTS];
	struct amp_rpmsg_dev rdev;
};

/* Before first use; @bell stays the caller's. */
void amp_rproc_link_init(struct amp_rproc_link *l, struct amp_rproc *rp,
			 const struct amp_linux_notifier *bell,
			 void (*wake)(void *priv), void *wake_priv);
void amp_rproc_link_fini(struct amp_rproc_link *l);

/*
 * Bring the link up over the loaded table (the host's buffers in the top
 * quarter of the first carveout). 0 also when the image has no table or
 * no RPMsg VDEV (no link). Coprocessor lock held.
 */
int amp_rproc_link_up(struct amp_rproc_link *l);
/* Take it down (every endpoint dropped) and wake a poller. */
void amp_rproc_link_down(struct amp_rproc_link *l);

/* The link ops; priv is the backend's state, which starts with the link. */
struct amp_rpmsg_dev *amp_rproc_link_lock_op(void *priv, struct amp_rproc *rp);
void amp_rproc_link_unlock_op(void *priv, struct amp_rproc *rp);
int amp_rproc_link_poll_op(void *priv, struct amp_rproc *rp,
			   uint32_t timeout_us);
void amp_rproc_link_set_ns_op(void *priv, struct amp_rproc *rp,
			      amp_rpmsg_ns_bind_cb cb, void *cb_priv);
unsigned amp_rproc_link_gen_op(void *priv, struct amp_rproc *rp);

#define AMP_RPROC_LINK_OPS                          \
	.rpmsg_lock = amp_rproc_link_lock_op,       \
	.rpmsg_unlock = amp_rproc_link_unlock_op,   \
	.poll = amp_rproc_link_poll_op,             \
	.set_ns_bind_cb = amp_rproc_link_set_ns_op, \
	.link_gen = amp_rproc_link_gen_op

#endif /* AMP_REMOTEPROC_LINK_H */
