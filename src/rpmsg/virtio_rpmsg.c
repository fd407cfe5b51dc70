/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg virtio transport: TX buffers and sending (copy and zero copy),
 * receiving and dispatching to the endpoint core, holding RX buffers. Both
 * roles (the host's parts are left out of a remote-only build, see
 * virtio/role.h). Freestanding.
 *
 * Buffers: the host owns rvq.num RX buffers (vring0) and tvq.num TX
 * buffers (vring1), bound to descriptors of the same index for good; it
 * never carves more. Its free TX buffers are chained through the slots'
 * next field (rdev->tx_free). The remote holds whatever the host posted; TX
 * buffers it took but did not use wait in a spare list (rdev->tx_free).
 *
 * Buffers may have any alignment (OpenAMP hosts carve odd sizes back to
 * back): headers are copied in and out with memcpy, never accessed in
 * place. Nothing is ever written into a buffer the peer owns but the
 * header and payload of a message we send; bookkeeping stays in the
 * local slot arrays.
 */
#include "rpmsg/rpmsg_internal.h"

static void kick(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq)
{
	if (amp_vq_kick(vq) > 0)
		rdev->stats.kicks++;
}

void amp_rpmsg__report(struct amp_rpmsg_dev *rdev, enum amp_ipc_err err,
		       uint64_t detail)
{
	amp_vq_report(&rdev->rvq, err, detail);
}

/*
 * Hand buffer @id of @vq to the peer with @len bytes: the host posts it
 * (an RX buffer for the remote to fill, or a TX message), the remote
 * returns it in the used ring. Lock held.
 */
static void buf_give(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		     uint16_t id, uint32_t len)
{
	vq->slots[id].user = AMP_RPMSG_SLOT_NONE;
#if AMP_HOST_ROLE
	if (amp_rpmsg__is_host(rdev)) {
		amp_vq_driver_post(vq, id, len, vq == &rdev->rvq);
		return;
	}
#else
	(void)rdev;
#endif
	amp_vq_device_put_used(vq, id, len);
}

/*
 * Take the next buffer to use on @vq: for TX, one from our free (host) or
 * spare (remote) list if any; then the next the peer handed us: the host
 * gets a used buffer back (with its own size: what the remote claims does
 * not matter), the remote the next available one. -EAGAIN if none. Lock
 * held.
 */
static int buf_take(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		    uint16_t *id, uint32_t *len)
{
	void *va;
	int ret;

	if (vq == &rdev->tvq && rdev->tx_free != AMP_RPMSG_NO_SLOT) {
		*id = rdev->tx_free;
		rdev->tx_free = vq->slots[*id].next;
		*len = vq->slots[*id].size;
		return 0;
	}
#if AMP_HOST_ROLE
	if (amp_rpmsg__is_host(rdev)) {
		/*
		 * -EBADMSG: a bad used length; the buffer is back anyway. A TX
		 * buffer is reused as it is, an RX one is posted again unread.
		 */
		while ((ret = amp_vq_driver_get_used(vq, id, len)) ==
			       -EBADMSG &&
		       vq == &rdev->rvq)
			buf_give(rdev, vq, *id, vq->slots[*id].size);
		if (ret && ret != -EBADMSG)
			return ret;
		*len = vq->slots[*id].size;
		return 0;
	}
#endif
	/*
	 * A buffer too small for a header (a TX one: for a header and a
	 * byte) is given back as it came, and the next one tried.
	 */
	while (!(ret = amp_vq_device_get_avail(vq, id, &va, len)) &&
	       *len < AMP_RPMSG_HDR_SIZE + (vq == &rdev->tvq)) {
		amp_vq_report(vq,
			      vq == &rdev->tvq ? AMP_IPC_ERR_DESC_LEN :
						 AMP_IPC_ERR_HDR_LEN,
			      *len);
		amp_vq_device_put_used(vq, *id, *len);
	}
	return ret;
}

/* ---- TX buffers -------------------------------------------------------- */

/* Put a TX buffer we did not send back in our free/spare list. */
static void tx_put_back(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	struct amp_vq_slot *s = &rdev->tvq.slots[id];

	s->user = amp_rpmsg__is_host(rdev) ? AMP_RPMSG_SLOT_NONE :
					     AMP_RPMSG_SLOT_SPARE;
	s->next = rdev->tx_free;
	rdev->tx_free = id;
}

/*
 * Get a TX buffer, waiting up to the TX timeout if @wait. Lock held.
 * One deadline for the whole call: whatever wakes us (the peer ringing
 * for another reason, unrelated traffic), the time left only goes down,
 * and once it is spent (or the port cannot wait any more: a peer that
 * hung up) we take one last look and stop.
 */
static int tx_get(struct amp_rpmsg_dev *rdev, uint16_t *id, bool wait)
{
	const struct amp_ipc_port *port = rdev->port;
	struct amp_virtqueue *vq = &rdev->tvq;
	uint32_t remaining = rdev->tx_timeout_us, len;
	bool waited = false;
	int ret, err = 0;

	for (;;) {
		uint32_t token = amp_rpmsg__wait_prepare(port);

		ret = buf_take(rdev, vq, id, &len);
		if (!ret && !amp_rpmsg__is_host(rdev))
			rdev->tx_size = len;
		if (ret != -EAGAIN || !wait || !port->ops->wait)
			break;
		if (err) {
			ret = err;
			break;
		}
		/* Ask the peer to tell us when it returns/posts buffers. */
		if (!waited) {
			rdev->stats.tx_waits++;
			rdev->tx_waiters++;
			waited = true;
		}
		if (amp_vq_enable_cb(vq))
			continue;
		err = -ETIMEDOUT;
		if (remaining) {
			amp_rpmsg__unlock(rdev);
			err = port->ops->wait(port->priv, token, &remaining);
			amp_rpmsg__lock(rdev);
			if (!err && !remaining)
				err = -ETIMEDOUT;
		}
	}
	/* Other senders may still wait: only the last one turns the
	 * peer's notifications off again. */
	if (waited && !--rdev->tx_waiters)
		amp_vq_disable_cb(vq);
	return ret;
}

static char *tx_buf(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	return rdev->tvq.slots[id].va;
}

static uint32_t tx_cap(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	uint32_t sz = rdev->tvq.slots[id].size - AMP_RPMSG_HDR_SIZE;

	return sz > 0xFFFFu ? 0xFFFFu : sz;
}

/*
 * Send TX buffer @id with a @len-byte payload (at most tx_cap()) already
 * in place. Lock held.
 */
static int tx_commit(struct amp_rpmsg_dev *rdev, uint16_t id, uint32_t src,
		     uint32_t dst, size_t len)
{
	char *buf = tx_buf(rdev, id);
	uint32_t total = (uint32_t)(AMP_RPMSG_HDR_SIZE + len);
	struct amp_rpmsg_hdr hdr = {
		.src = src,
		.dst = dst,
		.len = (uint16_t)len,
	};

	/* memcpy: the buffer may be misaligned. */
	memcpy(buf, &hdr, sizeof(hdr));
	amp_ipc__clean(rdev->port, buf, total);
	buf_give(rdev, &rdev->tvq, id, total);
	rdev->stats.tx_msgs++;
	kick(rdev, &rdev->tvq);
	return (int)len;
}

static int virtio_send(struct amp_rpmsg_dev *rdev, uint32_t src, uint32_t dst,
		       const void *data, size_t len, bool wait)
{
	uint16_t id;
	int ret;

	if (amp_rpmsg__is_host(rdev) && len > amp_rpmsg_max_payload(rdev))
		return -EMSGSIZE;

	amp_rpmsg__lock(rdev);
	ret = tx_get(rdev, &id, wait);
	if (!ret && len > tx_cap(rdev, id)) {
		tx_put_back(rdev, id);
		ret = -EMSGSIZE;
	} else if (!ret) {
		/*
		 * memmove: @data may be an RX buffer, and a hostile host can
		 * make an RX and a TX buffer overlap.
		 */
		if (len) /* @data may be NULL then */
			memmove(tx_buf(rdev, id) + AMP_RPMSG_HDR_SIZE, data,
				len);
		ret = tx_commit(rdev, id, src, dst, len);
	}
	amp_rpmsg__unlock(rdev);
	return ret;
}

const struct amp_rpmsg_transport_ops amp_rpmsg__virtio_ops = {
	.send = virtio_send,
};

/* ---- Buffer lookup from a payload pointer ------------------------------ */

/*
 * Find the descriptor whose buffer starts at @hdr in @vq. The host computes
 * it from its own buffer arrays; the remote tries @hint (kept locally),
 * then searches the slots it holds. Never reads the buffer.
 */
static int buf_to_id(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		     void *hdr, uint16_t hint, uint16_t *id)
{
	uint32_t i;

#if AMP_HOST_ROLE
	if (amp_rpmsg__is_host(rdev)) {
		char *b = vq == &rdev->tvq ? rdev->tx_base : rdev->rx_base;
		uint32_t sz = vq == &rdev->tvq ? rdev->tx_size : rdev->rx_size;
		uintptr_t base = (uintptr_t)b, p = (uintptr_t)hdr;
		uintptr_t off;

		if (!b || !sz || p < base)
			return -EINVAL;
		off = p - base;
		if (off % sz || off / sz >= vq->num)
			return -EINVAL;
		*id = (uint16_t)(off / sz);
		return 0;
	}
#else
	(void)rdev;
#endif
	for (i = 0; i <= vq->num; i++) {
		/* The hint first, then every slot. */
		uint32_t j = i ? i - 1 : hint;

		if (j < vq->num && vq->slots[j].va == hdr &&
		    vq->slots[j].state == AMP_VQ_SLOT_HELD) {
			*id = (uint16_t)j;
			return 0;
		}
	}
	return -EINVAL;
}

void *amp_rpmsg_get_tx_payload_buffer(struct amp_rpmsg_endpoint *ept,
				      uint32_t *size, bool wait)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;

	if (!ept || !ept->rdev || !ept->rdev->ready)
		return NULL;
	rdev = ept->rdev;
	amp_rpmsg__lock(rdev);
	if (tx_get(rdev, &id, wait)) {
		amp_rpmsg__unlock(rdev);
		return NULL;
	}
	rdev->tvq.slots[id].user = AMP_RPMSG_SLOT_APP;
	rdev->tx_hint = id; /* local note; the buffer is not touched */
	if (size)
		*size = tx_cap(rdev, id);
	amp_rpmsg__unlock(rdev);
	return tx_buf(rdev, id) + AMP_RPMSG_HDR_SIZE;
}

/*
 * The buffer of @vq whose payload is @data, if the application has it in
 * state @user. Lock held.
 */
static int app_buf_id(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		      void *data, uint16_t hint, uint8_t user, uint16_t *id)
{
	if (!data ||
	    buf_to_id(rdev, vq, (char *)data - AMP_RPMSG_HDR_SIZE, hint, id) ||
	    vq->slots[*id].user != user)
		return -EINVAL;
	return 0;
}

static int app_tx_id(struct amp_rpmsg_dev *rdev, void *data, uint16_t *id)
{
	return app_buf_id(rdev, &rdev->tvq, data, rdev->tx_hint,
			  AMP_RPMSG_SLOT_APP, id);
}

int amp_rpmsg_send_offchannel_nocopy(struct amp_rpmsg_endpoint *ept,
				     uint32_t src, uint32_t dst, void *data,
				     size_t len)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev)
		return -EINVAL;
	rdev = ept->rdev;
	if (src == AMP_RPMSG_ADDR_ANY || dst == AMP_RPMSG_ADDR_ANY)
		return -ENOTCONN;
	amp_rpmsg__lock(rdev);
	ret = app_tx_id(rdev, data, &id);
	if (!ret && len > tx_cap(rdev, id))
		ret = -EMSGSIZE;
	else if (!ret)
		ret = tx_commit(rdev, id, src, dst, len);
	amp_rpmsg__unlock(rdev);
	return ret;
}

int amp_rpmsg_send_nocopy(struct amp_rpmsg_endpoint *ept, void *data,
			  size_t len)
{
	if (!ept)
		return -EINVAL;
	return amp_rpmsg_send_offchannel_nocopy(ept, ept->addr, ept->dest_addr,
						data, len);
}

int amp_rpmsg_sendto_nocopy(struct amp_rpmsg_endpoint *ept, void *data,
			    size_t len, uint32_t dst)
{
	if (!ept)
		return -EINVAL;
	return amp_rpmsg_send_offchannel_nocopy(ept, ept->addr, dst, data, len);
}

int amp_rpmsg_release_tx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev)
		return -EINVAL;
	rdev = ept->rdev;
	amp_rpmsg__lock(rdev);
	ret = app_tx_id(rdev, data, &id);
	if (!ret)
		tx_put_back(rdev, id);
	amp_rpmsg__unlock(rdev);
	return ret;
}

/* ---- RX ------------------------------------------------------------------ */

/*
 * Give RX buffer @id back to the peer, at its full size (OpenAMP hosts
 * reuse the used len as the buffer size). Lock held.
 */
static void rx_recycle(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	buf_give(rdev, &rdev->rvq, id, rdev->rvq.slots[id].size);
}

int amp_rpmsg_process(struct amp_rpmsg_dev *rdev)
{
	struct amp_virtqueue *vq;
	int n = 0, ret;

	if (!rdev || !rdev->ready)
		return -ENOTCONN;
	vq = &rdev->rvq;
	amp_rpmsg__lock(rdev);
	amp_vq_disable_cb(vq);
	for (;;) {
		struct amp_rpmsg_endpoint *ept;
		struct amp_rpmsg_cb_frame frame;
		struct amp_rpmsg_hdr hdr;
		uint32_t blen;
		uint16_t id, hint;
		bool delivered;
		char *buf;

		ret = buf_take(rdev, vq, &id, &blen);
		if (ret) {
			/* None left: re-arm notifications, then catch what
			 * raced. */
			if (ret == -EAGAIN && amp_vq_enable_cb(vq))
				continue;
			break;
		}
		/* One copy of the header (any alignment): the peer may
		 * still scribble on it. */
		buf = vq->slots[id].va;
		amp_ipc__inval(rdev->port, buf, AMP_RPMSG_HDR_SIZE);
		memcpy(&hdr, buf, sizeof(hdr));
		ept = NULL;
		if (hdr.len > blen - AMP_RPMSG_HDR_SIZE)
			amp_vq_report(vq, AMP_IPC_ERR_HDR_LEN, hdr.len);
		else if (!(ept = amp_rpmsg__ept_get(rdev, hdr.dst, hdr.src,
						    &frame)))
			amp_vq_report(vq, AMP_IPC_ERR_NO_EPT, hdr.dst);
		if (!ept) {
			rx_recycle(rdev, id);
			continue;
		}
		amp_ipc__inval(rdev->port, buf + AMP_RPMSG_HDR_SIZE, hdr.len);
		vq->slots[id].user = AMP_RPMSG_SLOT_CB;
		hint = rdev->rx_hint;
		rdev->rx_hint = id; /* local note for hold_rx_buffer() */
		amp_rpmsg__unlock(rdev);
		/* Under the callback lock, never under the lock. */
		delivered = amp_rpmsg__frame_enter(rdev, &frame);
		if (delivered)
			ept->cb(ept, buf + AMP_RPMSG_HDR_SIZE, hdr.len, hdr.src,
				ept->priv);
		amp_rpmsg__lock(rdev);
		/* @ept may be gone now (destroyed by its callback). */
		amp_rpmsg__frame_leave(rdev, &frame);
		rdev->rx_hint = hint;
		if (delivered) {
			rdev->stats.rx_msgs++;
			n++;
		} else {
			amp_vq_report(vq, AMP_IPC_ERR_NO_EPT, hdr.dst);
		}
		if (vq->slots[id].user == AMP_RPMSG_SLOT_CB)
			rx_recycle(rdev, id);
	}
	kick(rdev, vq);
	amp_rpmsg__unlock(rdev);
	return n ? n : ret == -EAGAIN ? 0 : ret;
}

int amp_rpmsg_poll(struct amp_rpmsg_dev *rdev, uint32_t timeout_us)
{
	const struct amp_ipc_port *port;
	uint32_t token;
	int n, ret;

	if (!rdev || !rdev->port)
		return -EINVAL;
	port = rdev->port;
	/* Snapshot first: a notification racing with process() is kept. */
	token = amp_rpmsg__wait_prepare(port);
	n = amp_rpmsg_process(rdev);
	if (n || !port->ops->wait)
		return n;
	ret = port->ops->wait(port->priv, token, &timeout_us);
	if (ret)
		return ret;
	return amp_rpmsg_process(rdev);
}

static int rx_app_id(struct amp_rpmsg_dev *rdev, void *data, uint8_t user,
		     uint16_t *id)
{
	return app_buf_id(rdev, &rdev->rvq, data, rdev->rx_hint, user, id);
}

int amp_rpmsg_hold_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev)
		return -EINVAL;
	rdev = ept->rdev;
	amp_rpmsg__lock(rdev);
	ret = rx_app_id(rdev, data, AMP_RPMSG_SLOT_CB, &id);
	if (!ret) {
		rdev->rvq.slots[id].user = AMP_RPMSG_SLOT_HELD;
		rdev->stats.rx_held++;
	}
	amp_rpmsg__unlock(rdev);
	return ret;
}

int amp_rpmsg_release_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev)
		return -EINVAL;
	rdev = ept->rdev;
	amp_rpmsg__lock(rdev);
	ret = rx_app_id(rdev, data, AMP_RPMSG_SLOT_HELD, &id);
	if (ret) {
		amp_vq_report(&rdev->rvq, AMP_IPC_ERR_BAD_RELEASE,
			      (uintptr_t)data);
	} else {
		rdev->stats.rx_held--;
		rx_recycle(rdev, id);
		kick(rdev, &rdev->rvq);
	}
	amp_rpmsg__unlock(rdev);
	return ret;
}

/* ---- Device -------------------------------------------------------------- */

uint32_t amp_rpmsg_max_payload(const struct amp_rpmsg_dev *rdev)
{
	uint32_t sz = rdev->tx_size;

	if (sz <= AMP_RPMSG_HDR_SIZE)
		return 0;
	sz -= AMP_RPMSG_HDR_SIZE;
	return sz > 0xFFFFu ? 0xFFFFu : sz;
}

void amp_rpmsg_set_tx_timeout(struct amp_rpmsg_dev *rdev, uint32_t timeout_us)
{
	rdev->tx_timeout_us = timeout_us;
}

void amp_rpmsg_set_err_cb(struct amp_rpmsg_dev *rdev, amp_ipc_err_cb cb,
			  void *priv)
{
	amp_rpmsg__lock(rdev);
	rdev->err_cb = cb;
	rdev->err_priv = priv;
	rdev->rvq.err_cb = cb;
	rdev->rvq.err_priv = priv;
	rdev->tvq.err_cb = cb;
	rdev->tvq.err_priv = priv;
	amp_rpmsg__unlock(rdev);
}

void amp_rpmsg_get_stats(struct amp_rpmsg_dev *rdev, struct amp_rpmsg_stats *st)
{
	amp_rpmsg__lock(rdev);
	*st = rdev->stats;
	amp_rpmsg__unlock(rdev);
}
