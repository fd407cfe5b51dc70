/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RPMsg core: endpoints, sending (copy and zero copy), receiving, holding
 * buffers. Both roles. Freestanding.
 *
 * Buffers: the host owns rvq.num RX buffers (vring0) and tvq.num TX
 * buffers (vring1), bound to descriptors of the same index for good; it
 * never carves more. Its free TX buffers are chained through the slots'
 * next field (rdev->tx_free). The remote holds whatever the host posted; TX
 * buffers it took but did not use wait in a spare list (rdev->tx_free).
 */
#include <ampshm/cache.h>

#include "rpmsg/rpmsg_internal.h"

static bool is_host(const struct amp_rpmsg_dev *rdev)
{
	return rdev->role == AMP_RPMSG_HOST;
}

static void buf_clean(struct amp_rpmsg_dev *rdev, void *p, size_t len)
{
	if (!(rdev->port->flags & AMP_IPC_F_COHERENT))
		amp_cache_clean(p, len);
}

static void buf_inval(struct amp_rpmsg_dev *rdev, void *p, size_t len)
{
	if (!(rdev->port->flags & AMP_IPC_F_COHERENT))
		amp_cache_invalidate_range(p, len);
}

struct amp_rpmsg_endpoint *rpmsg_find_ept(struct amp_rpmsg_dev *rdev,
					  uint32_t addr)
{
	struct amp_rpmsg_endpoint *e;

	for (e = rdev->epts; e; e = e->next)
		if (e->addr == addr)
			return e;
	return NULL;
}

static void kick(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq)
{
	if (amp_vq_kick(vq) > 0)
		rdev->stats.kicks++;
}

/* ---- TX buffers -------------------------------------------------------- */

/* Get a TX buffer without waiting. Lock held. */
static int tx_get_nowait(struct amp_rpmsg_dev *rdev, uint16_t *id)
{
	struct amp_virtqueue *vq = &rdev->tvq;
	uint32_t len;
	void *va;
	int ret;

	if (rdev->tx_free != NO_SLOT) {
		*id = rdev->tx_free;
		rdev->tx_free = vq->slots[*id].next;
		vq->slots[*id].user = SLOT_NONE;
		return 0;
	}
	if (is_host(rdev)) {
		ret = amp_vq_driver_get_used(vq, id, &len);
		if (ret == -EBADMSG)
			ret = 0; /* buffer is back; its length is irrelevant */
		return ret;
	}
	for (;;) {
		ret = amp_vq_device_get_avail(vq, id, &va, &len);
		if (ret)
			return ret;
		if (len > AMP_RPMSG_HDR_SIZE) {
			rdev->tx_size = len;
			return 0;
		}
		/* Too small to hold a header: give it back unused. */
		amp_vq_report(vq, AMP_IPC_ERR_DESC_LEN, len);
		amp_vq_device_put_used(vq, *id, 0);
	}
}

/* Put a TX buffer we did not send back in our free/spare list. */
static void tx_put_back(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	struct amp_vq_slot *s = &rdev->tvq.slots[id];

	s->user = is_host(rdev) ? SLOT_NONE : SLOT_SPARE;
	s->next = rdev->tx_free;
	rdev->tx_free = id;
}

/* Get a TX buffer, waiting up to the TX timeout if @wait. Lock held. */
static int tx_get(struct amp_rpmsg_dev *rdev, uint16_t *id, bool wait)
{
	const struct amp_ipc_port *port = rdev->port;
	struct amp_virtqueue *vq = &rdev->tvq;
	uint32_t remaining = rdev->tx_timeout_us; /* one deadline per call */
	bool waited = false;
	uint32_t token;
	int ret;

	for (;;) {
		token = port->ops->wait_prepare ?
				port->ops->wait_prepare(port->priv) : 0;
		ret = tx_get_nowait(rdev, id);
		if (ret != -EAGAIN || !wait)
			break;
		if (!port->ops->wait)
			break;
		/* Ask the peer to tell us when it returns/posts buffers. */
		if (amp_vq_enable_cb(vq))
			continue;
		if (!waited)
			rdev->stats.tx_waits++;
		waited = true;
		rp_unlock(rdev);
		ret = port->ops->wait(port->priv, token, &remaining);
		rp_lock(rdev);
		if (ret == -ETIMEDOUT) {
			ret = tx_get_nowait(rdev, id);
			if (ret == -EAGAIN)
				ret = -ETIMEDOUT;
			break;
		}
	}
	if (waited)
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

/* Fill the header of TX buffer @id and hand it to the peer. Lock held. */
static void tx_commit(struct amp_rpmsg_dev *rdev, uint16_t id, uint32_t src,
		      uint32_t dst, size_t len)
{
	struct amp_rpmsg_hdr *hdr = (struct amp_rpmsg_hdr *)tx_buf(rdev, id);
	uint32_t total = (uint32_t)(AMP_RPMSG_HDR_SIZE + len);

	hdr->src = src;
	hdr->dst = dst;
	hdr->reserved = 0;
	hdr->len = (uint16_t)len;
	hdr->flags = 0;
	buf_clean(rdev, hdr, total);
	rdev->tvq.slots[id].user = SLOT_NONE;
	if (is_host(rdev))
		amp_vq_driver_post(&rdev->tvq, id, total, false);
	else
		amp_vq_device_put_used(&rdev->tvq, id, total);
	rdev->stats.tx_msgs++;
	kick(rdev, &rdev->tvq);
}

static int send_raw(struct amp_rpmsg_endpoint *ept, uint32_t src, uint32_t dst,
		    const void *data, size_t len, bool wait)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev || (!data && len))
		return -EINVAL;
	rdev = ept->rdev;
	if (!rdev->ready)
		return -ENOTCONN;
	if (src == AMP_RPMSG_ADDR_ANY || dst == AMP_RPMSG_ADDR_ANY)
		return -ENOTCONN;
	if (len > 0xFFFFu)
		return -EMSGSIZE;
	if (is_host(rdev) && len > amp_rpmsg_max_payload(rdev))
		return -EMSGSIZE;

	rp_lock(rdev);
	ret = tx_get(rdev, &id, wait);
	if (ret)
		goto out;
	if (len > tx_cap(rdev, id)) {
		tx_put_back(rdev, id);
		ret = -EMSGSIZE;
		goto out;
	}
	/*
	 * memmove: @data may be an RX buffer, and a hostile host can make an
	 * RX and a TX buffer overlap.
	 */
	if (len)
		memmove(tx_buf(rdev, id) + AMP_RPMSG_HDR_SIZE, data, len);
	tx_commit(rdev, id, src, dst, len);
	ret = (int)len;
out:
	rp_unlock(rdev);
	return ret;
}

int amp_rpmsg_send(struct amp_rpmsg_endpoint *ept, const void *data, size_t len)
{
	if (!ept)
		return -EINVAL;
	return send_raw(ept, ept->addr, ept->dest_addr, data, len, true);
}

int amp_rpmsg_trysend(struct amp_rpmsg_endpoint *ept, const void *data,
		      size_t len)
{
	if (!ept)
		return -EINVAL;
	return send_raw(ept, ept->addr, ept->dest_addr, data, len, false);
}

int amp_rpmsg_sendto(struct amp_rpmsg_endpoint *ept, const void *data,
		     size_t len, uint32_t dst)
{
	if (!ept)
		return -EINVAL;
	return send_raw(ept, ept->addr, dst, data, len, true);
}

int amp_rpmsg_trysendto(struct amp_rpmsg_endpoint *ept, const void *data,
			size_t len, uint32_t dst)
{
	if (!ept)
		return -EINVAL;
	return send_raw(ept, ept->addr, dst, data, len, false);
}

int amp_rpmsg_send_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src,
			      uint32_t dst, const void *data, size_t len)
{
	return send_raw(ept, src, dst, data, len, true);
}

int amp_rpmsg_trysend_offchannel(struct amp_rpmsg_endpoint *ept, uint32_t src,
				 uint32_t dst, const void *data, size_t len)
{
	return send_raw(ept, src, dst, data, len, false);
}

/* ---- Buffer lookup from a payload pointer ------------------------------ */

/*
 * Find the descriptor whose buffer starts at @hdr in @vq. The host computes
 * it from its contiguous buffer array; the remote tries the index it
 * stashed in hdr->reserved (validated: the peer could have rewritten it),
 * then searches.
 */
static int buf_to_id(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		     void *hdr, uint16_t *id)
{
	uintptr_t p = (uintptr_t)hdr;
	amp_pa_t pa;
	uint32_t i;

	if (is_host(rdev)) {
		char *b = vq == &rdev->tvq ? rdev->tx_base : rdev->rx_base;
		uint32_t sz = vq == &rdev->tvq ? rdev->tx_size : rdev->rx_size;
		uintptr_t base = (uintptr_t)b;
		uintptr_t off;

		if (!b || p < base)
			return -EINVAL;
		off = p - base;
		if (off % sz || off / sz >= vq->num)
			return -EINVAL;
		*id = (uint16_t)(off / sz);
		return 0;
	}
	/* Only look at the stashed index inside the shared region. */
	if (!(p & 3) &&
	    !amp_ipc_va_to_pa(rdev->port, hdr, AMP_RPMSG_HDR_SIZE, &pa)) {
		i = ((volatile struct amp_rpmsg_hdr *)hdr)->reserved;
		if (i < vq->num && vq->slots[i].va == hdr) {
			*id = (uint16_t)i;
			return 0;
		}
	}
	for (i = 0; i < vq->num; i++) {
		if (vq->slots[i].va == hdr &&
		    vq->slots[i].state == AMP_VQ_SLOT_HELD) {
			*id = (uint16_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

void *amp_rpmsg_get_tx_payload_buffer(struct amp_rpmsg_endpoint *ept,
				      uint32_t *size, bool wait)
{
	struct amp_rpmsg_dev *rdev;
	struct amp_rpmsg_hdr *hdr;
	uint16_t id;

	if (!ept || !ept->rdev || !ept->rdev->ready)
		return NULL;
	rdev = ept->rdev;
	rp_lock(rdev);
	if (tx_get(rdev, &id, wait)) {
		rp_unlock(rdev);
		return NULL;
	}
	rdev->tvq.slots[id].user = SLOT_APP;
	hdr = (struct amp_rpmsg_hdr *)tx_buf(rdev, id);
	hdr->reserved = id; /* local note, cleared before sending */
	if (size)
		*size = tx_cap(rdev, id);
	rp_unlock(rdev);
	return (char *)hdr + AMP_RPMSG_HDR_SIZE;
}

static int app_tx_id(struct amp_rpmsg_dev *rdev, void *data, uint16_t *id)
{
	if (!data ||
	    buf_to_id(rdev, &rdev->tvq, (char *)data - AMP_RPMSG_HDR_SIZE, id))
		return -EINVAL;
	if (rdev->tvq.slots[*id].user != SLOT_APP)
		return -EINVAL;
	return 0;
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
	rp_lock(rdev);
	ret = app_tx_id(rdev, data, &id);
	if (ret)
		goto out;
	if (len > tx_cap(rdev, id)) {
		ret = -EMSGSIZE;
		goto out;
	}
	tx_commit(rdev, id, src, dst, len);
	ret = (int)len;
out:
	rp_unlock(rdev);
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
	rp_lock(rdev);
	ret = app_tx_id(rdev, data, &id);
	if (!ret)
		tx_put_back(rdev, id);
	rp_unlock(rdev);
	return ret;
}

/* ---- RX ------------------------------------------------------------------ */

/* Give RX buffer @id back to the peer. Lock held. */
static void rx_recycle(struct amp_rpmsg_dev *rdev, uint16_t id)
{
	struct amp_virtqueue *vq = &rdev->rvq;

	vq->slots[id].user = SLOT_NONE;
	if (is_host(rdev))
		amp_vq_driver_post(vq, id, vq->slots[id].size, true);
	else
		/* OpenAMP hosts reuse the used len as the buffer size. */
		amp_vq_device_put_used(vq, id, vq->slots[id].size);
}

/* Take the next RX buffer from the ring. Lock held. */
static int rx_get(struct amp_rpmsg_dev *rdev, uint16_t *id, char **buf,
		  uint32_t *blen)
{
	struct amp_virtqueue *vq = &rdev->rvq;
	uint32_t len;
	void *va;
	int ret;

	if (is_host(rdev)) {
		for (;;) {
			ret = amp_vq_driver_get_used(vq, id, &len);
			if (ret != -EBADMSG)
				break;
			rx_recycle(rdev, *id); /* bad used len: drop */
		}
		if (ret)
			return ret;
		*buf = vq->slots[*id].va;
		*blen = vq->slots[*id].size; /* our own size, not the peer's */
		return 0;
	}
	ret = amp_vq_device_get_avail(vq, id, &va, &len);
	if (ret)
		return ret;
	*buf = va;
	*blen = len;
	return 0;
}

int amp_rpmsg_process(struct amp_rpmsg_dev *rdev)
{
	struct amp_virtqueue *vq;
	int n = 0, ret = 0;

	if (!rdev || !rdev->ready)
		return -ENOTCONN;
	vq = &rdev->rvq;
	rp_lock(rdev);
	amp_vq_disable_cb(vq);
	for (;;) {
		struct amp_rpmsg_endpoint *ept;
		struct amp_rpmsg_hdr hdr;
		uint32_t blen;
		uint16_t id;
		char *buf;

		ret = rx_get(rdev, &id, &buf, &blen);
		if (ret == -EAGAIN) {
			/* Re-arm notifications, then catch what raced. */
			if (amp_vq_enable_cb(vq))
				continue;
			ret = 0;
			break;
		}
		if (ret)
			break;
		if (blen < AMP_RPMSG_HDR_SIZE) {
			amp_vq_report(vq, AMP_IPC_ERR_HDR_LEN, blen);
			rx_recycle(rdev, id);
			continue;
		}
		buf_inval(rdev, buf, AMP_RPMSG_HDR_SIZE);
		/* One copy of the header: the peer may still scribble. */
		memcpy(&hdr, (const void *)buf, sizeof(hdr));
		if (hdr.len > blen - AMP_RPMSG_HDR_SIZE) {
			amp_vq_report(vq, AMP_IPC_ERR_HDR_LEN, hdr.len);
			rx_recycle(rdev, id);
			continue;
		}
		ept = rpmsg_find_ept(rdev, hdr.dst);
		if (!ept || !ept->cb) {
			amp_vq_report(vq, AMP_IPC_ERR_NO_EPT, hdr.dst);
			rx_recycle(rdev, id);
			continue;
		}
		if (ept->dest_addr == AMP_RPMSG_ADDR_ANY &&
		    hdr.src != AMP_RPMSG_ADDR_ANY)
			ept->dest_addr = hdr.src; /* bound by first message */
		buf_inval(rdev, buf + AMP_RPMSG_HDR_SIZE, hdr.len);
		vq->slots[id].user = SLOT_CB;
		if (!is_host(rdev))
			((struct amp_rpmsg_hdr *)buf)->reserved = id;
		rdev->stats.rx_msgs++;
		n++;
		rp_unlock(rdev);
		ept->cb(ept, buf + AMP_RPMSG_HDR_SIZE, hdr.len, hdr.src,
			ept->priv);
		rp_lock(rdev);
		if (vq->slots[id].user == SLOT_CB)
			rx_recycle(rdev, id);
	}
	kick(rdev, vq);
	rp_unlock(rdev);
	return n ? n : ret;
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
	token = port->ops->wait_prepare ? port->ops->wait_prepare(port->priv) :
					  0;
	n = amp_rpmsg_process(rdev);
	if (n)
		return n;
	if (!port->ops->wait)
		return 0;
	ret = port->ops->wait(port->priv, token, &timeout_us);
	if (ret)
		return ret;
	return amp_rpmsg_process(rdev);
}

static int rx_app_id(struct amp_rpmsg_dev *rdev, void *data, uint16_t *id)
{
	if (!data ||
	    buf_to_id(rdev, &rdev->rvq, (char *)data - AMP_RPMSG_HDR_SIZE, id))
		return -EINVAL;
	return 0;
}

int amp_rpmsg_hold_rx_buffer(struct amp_rpmsg_endpoint *ept, void *data)
{
	struct amp_rpmsg_dev *rdev;
	uint16_t id;
	int ret;

	if (!ept || !ept->rdev)
		return -EINVAL;
	rdev = ept->rdev;
	rp_lock(rdev);
	ret = rx_app_id(rdev, data, &id);
	if (!ret && rdev->rvq.slots[id].user != SLOT_CB)
		ret = -EINVAL;
	if (!ret) {
		rdev->rvq.slots[id].user = SLOT_HELD;
		rdev->stats.rx_held++;
	}
	rp_unlock(rdev);
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
	rp_lock(rdev);
	ret = rx_app_id(rdev, data, &id);
	if (!ret && rdev->rvq.slots[id].user != SLOT_HELD)
		ret = -EINVAL;
	if (ret) {
		amp_vq_report(&rdev->rvq, AMP_IPC_ERR_BAD_RELEASE,
			      (uintptr_t)data);
	} else {
		rdev->stats.rx_held--;
		rx_recycle(rdev, id);
		kick(rdev, &rdev->rvq);
	}
	rp_unlock(rdev);
	return ret;
}

/* ---- Endpoints ----------------------------------------------------------- */

static int alloc_addr(struct amp_rpmsg_dev *rdev, uint32_t *addr)
{
	uint32_t a = rdev->next_addr, tries;

	/* Bounded by the number of endpoints, which are all in the list. */
	for (tries = 0; tries < 0x10000u; tries++) {
		if (a < AMP_RPMSG_RESERVED_ADDRESSES || a == AMP_RPMSG_ADDR_ANY)
			a = AMP_RPMSG_RESERVED_ADDRESSES;
		if (!rpmsg_find_ept(rdev, a)) {
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
	size_t nlen = name ? rp_strnlen(name, AMP_RPMSG_NAME_SIZE) : 0;
	int ret = 0;

	if (!ept || !rdev || !rdev->port || nlen >= AMP_RPMSG_NAME_SIZE)
		return -EINVAL;
	rp_lock(rdev);
	if (src == AMP_RPMSG_ADDR_ANY)
		ret = alloc_addr(rdev, &src);
	else if (rpmsg_find_ept(rdev, src))
		ret = -EADDRINUSE;
	if (ret) {
		rp_unlock(rdev);
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
	ept->next = rdev->epts;
	rdev->epts = ept;
	rp_unlock(rdev);

	if (nlen && dest == AMP_RPMSG_ADDR_ANY && rdev->ready &&
	    (rdev->features & (1u << AMP_VIRTIO_RPMSG_F_NS))) {
		ret = rpmsg_ns_announce(ept, AMP_RPMSG_NS_CREATE);
		if (ret < 0) {
			amp_rpmsg_destroy_ept(ept);
			return ret;
		}
		ept->announced = true;
	}
	return 0;
}

void amp_rpmsg_destroy_ept(struct amp_rpmsg_endpoint *ept)
{
	struct amp_rpmsg_endpoint **pp;
	struct amp_rpmsg_dev *rdev;

	if (!ept || !ept->rdev)
		return;
	rdev = ept->rdev;
	if (ept->announced && rdev->ready)
		rpmsg_ns_announce(ept, AMP_RPMSG_NS_DESTROY);
	ept->announced = false;
	rp_lock(rdev);
	for (pp = &rdev->epts; *pp; pp = &(*pp)->next) {
		if (*pp == ept) {
			*pp = ept->next;
			break;
		}
	}
	rp_unlock(rdev);
	ept->next = NULL;
	ept->rdev = NULL;
}

bool amp_rpmsg_ept_is_bound(const struct amp_rpmsg_endpoint *ept)
{
	return ept && ept->dest_addr != AMP_RPMSG_ADDR_ANY;
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

void amp_rpmsg_set_ns_bind_cb(struct amp_rpmsg_dev *rdev,
			      amp_rpmsg_ns_bind_cb cb, void *priv)
{
	rp_lock(rdev);
	rdev->ns_bind_cb = cb;
	rdev->ns_bind_priv = priv;
	rp_unlock(rdev);
}

void amp_rpmsg_set_err_cb(struct amp_rpmsg_dev *rdev, amp_ipc_err_cb cb,
			  void *priv)
{
	rp_lock(rdev);
	rdev->err_cb = cb;
	rdev->err_priv = priv;
	rdev->rvq.err_cb = cb;
	rdev->rvq.err_priv = priv;
	rdev->tvq.err_cb = cb;
	rdev->tvq.err_priv = priv;
	rp_unlock(rdev);
}

void amp_rpmsg_get_stats(struct amp_rpmsg_dev *rdev, struct amp_rpmsg_stats *st)
{
	rp_lock(rdev);
	*st = rdev->stats;
	rp_unlock(rdev);
}

int rpmsg_dev_start(struct amp_rpmsg_dev *rdev)
{
	int ret;

	rdev->rvq.stats = &rdev->stats.ipc;
	rdev->tvq.stats = &rdev->stats.ipc;
	rdev->rvq.err_cb = rdev->err_cb;
	rdev->rvq.err_priv = rdev->err_priv;
	rdev->tvq.err_cb = rdev->err_cb;
	rdev->tvq.err_priv = rdev->err_priv;
	if (!rdev->tx_timeout_us)
		rdev->tx_timeout_us = AMP_RPMSG_TX_TIMEOUT_US;
	rdev->next_addr = AMP_RPMSG_RESERVED_ADDRESSES;
	/* Send-side notifications only while waiting for a buffer. */
	amp_vq_disable_cb(&rdev->tvq);
	rdev->ready = true;
	if (rdev->features & (1u << AMP_VIRTIO_RPMSG_F_NS)) {
		ret = amp_rpmsg_create_ept(&rdev->ns_ept, rdev, "",
					   AMP_RPMSG_NS_ADDR, AMP_RPMSG_NS_ADDR,
					   rpmsg_ns_cb, NULL, NULL);
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

	if (!rdev || !rdev->port)
		return;
	rp_lock(rdev);
	rdev->ready = false;
	for (e = rdev->epts; e; e = n) {
		n = e->next;
		e->next = NULL;
		e->rdev = NULL;
	}
	rdev->epts = NULL;
	rp_unlock(rdev);
}
