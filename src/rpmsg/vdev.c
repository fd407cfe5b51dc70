/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resource-table VDEV handshake for RPMsg, both roles: features,
 * status byte, vring addresses and notify ids. Freestanding.
 */
#include <ampshm/cache.h>

#include "rpmsg/rpmsg_internal.h"

static void vdev_clean(const struct amp_ipc_port *port, void *p, size_t len)
{
	if (!(port->flags & AMP_IPC_F_COHERENT))
		amp_cache_clean(p, len);
}

static void vdev_inval(const struct amp_ipc_port *port, void *p, size_t len)
{
	if (!(port->flags & AMP_IPC_F_COHERENT))
		amp_cache_invalidate_range(p, len);
}

static void set_status(const struct amp_ipc_port *port,
		       struct amp_rsc_vdev *vdev, uint8_t status)
{
	amp_ipc_mb(port);
	AMP_STORE_RELEASE(vdev->status, status);
	vdev_clean(port, &vdev->status, 1);
}

static bool vring_geometry_ok(uint32_t num, uint32_t align)
{
	if (!num || num > AMP_VRING_MAX_NUM || (num & (num - 1)))
		return false;
	if (align < 16 || align > (1u << 20) || (align & (align - 1)))
		return false;
	return true;
}

/* Locate (or place) vring @i and set up its virtqueue. */
static int setup_vq(struct amp_rpmsg_dev *rdev, struct amp_virtqueue *vq,
		    enum amp_vq_role role, struct amp_rsc_vring *rv,
		    void *mem_if_any, struct amp_vq_slot *slots,
		    unsigned int nslots)
{
	const struct amp_ipc_port *port = rdev->port;
	uint32_t da = AMP_READ_ONCE(rv->da);
	uint32_t align = AMP_READ_ONCE(rv->align);
	uint32_t num = AMP_READ_ONCE(rv->num);
	uint32_t notifyid = AMP_READ_ONCE(rv->notifyid);
	size_t size;
	void *mem;

	if (!vring_geometry_ok(num, align) || !slots || num > nslots)
		return -EINVAL;
	size = amp_vring_size(num, align);
	if (da == AMP_RSC_ADDR_ANY) {
		amp_da_t chosen;

		if (role != AMP_VQ_DRIVER || !mem_if_any)
			return -EINVAL;
		mem = mem_if_any;
		if (amp_ipc_va_to_da(port, mem, size, &chosen) ||
		    chosen >= AMP_RSC_ADDR_ANY)
			return -EFAULT;
		AMP_WRITE_ONCE(rv->da, (uint32_t)chosen);
		vdev_clean(port, &rv->da, sizeof(rv->da));
	} else {
		mem = amp_ipc_da_to_va(port, da, size);
		if (!mem)
			return -EFAULT;
	}
	return amp_vq_init(vq, role, num, mem, align, slots, port, notifyid);
}

static int check_vdev(struct amp_rsc_vdev *vdev,
		      const struct amp_ipc_port *port)
{
	if (!vdev || !port || !port->ops || !port->ops->notify)
		return -EINVAL;
	vdev_inval(port, vdev,
		   sizeof(*vdev) + 2 * sizeof(struct amp_rsc_vring));
	if (AMP_READ_ONCE(vdev->type) != AMP_RSC_VDEV ||
	    AMP_READ_ONCE(vdev->id) != AMP_VIRTIO_ID_RPMSG ||
	    AMP_READ_ONCE(vdev->num_of_vrings) < 2)
		return -EINVAL;
	return 0;
}

int amp_rpmsg_host_init(struct amp_rpmsg_dev *rdev,
			const struct amp_rpmsg_host_cfg *cfg)
{
	const struct amp_ipc_port *port;
	struct amp_rsc_vdev *vdev;
	uint32_t i, feat;
	int ret;

	if (!rdev || !cfg)
		return -EINVAL;
	port = cfg->port;
	vdev = cfg->vdev;
	ret = check_vdev(vdev, port);
	if (ret)
		return ret;
	if (!cfg->rx_bufs || !cfg->tx_bufs ||
	    cfg->rx_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->tx_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->rx_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    cfg->tx_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE)
		return -EINVAL;
	/* Headers are accessed in place: keep every buffer 4-byte aligned. */
	if (((uintptr_t)cfg->rx_bufs | (uintptr_t)cfg->tx_bufs |
	     cfg->rx_buf_size | cfg->tx_buf_size) & 3)
		return -EINVAL;

	memset(rdev, 0, sizeof(*rdev));
	rdev->role = AMP_RPMSG_HOST;
	rdev->port = port;
	rdev->vdev = vdev;

	/* Reset, then ACKNOWLEDGE | DRIVER, as Linux and OpenAMP do. */
	set_status(port, vdev, 0);
	set_status(port, vdev, AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER);
	feat = AMP_READ_ONCE(vdev->dfeatures) & cfg->features &
	       (1u << AMP_VIRTIO_RPMSG_F_NS);
	AMP_WRITE_ONCE(vdev->gfeatures, feat);
	vdev_clean(port, &vdev->gfeatures, sizeof(vdev->gfeatures));
	rdev->features = feat;
	set_status(port, vdev,
		   AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER |
			   AMP_VIRTIO_S_FEATURES_OK);

	/* vring0: remote-to-host (our RX); vring1: host-to-remote (TX). */
	ret = setup_vq(rdev, &rdev->rvq, AMP_VQ_DRIVER, &vdev->vring[0],
		       cfg->vring_mem[0], cfg->slots[0], cfg->nslots[0]);
	if (!ret)
		ret = setup_vq(rdev, &rdev->tvq, AMP_VQ_DRIVER, &vdev->vring[1],
			       cfg->vring_mem[1], cfg->slots[1],
			       cfg->nslots[1]);
	if (ret)
		goto fail;

	rdev->rx_base = cfg->rx_bufs;
	rdev->rx_size = cfg->rx_buf_size;
	rdev->tx_base = cfg->tx_bufs;
	rdev->tx_size = cfg->tx_buf_size;
	for (i = 0; i < rdev->rvq.num; i++) {
		ret = amp_vq_driver_set_buf(&rdev->rvq, (uint16_t)i,
					    rdev->rx_base +
						    (size_t)i * rdev->rx_size,
					    rdev->rx_size);
		if (!ret)
			ret = amp_vq_driver_post(&rdev->rvq, (uint16_t)i,
						 rdev->rx_size, true);
		if (ret)
			goto fail;
	}
	rdev->rvq.added = 0;
	rdev->tx_free = NO_SLOT;
	for (i = rdev->tvq.num; i-- > 0;) {
		ret = amp_vq_driver_set_buf(&rdev->tvq, (uint16_t)i,
					    rdev->tx_base +
						    (size_t)i * rdev->tx_size,
					    rdev->tx_size);
		if (ret)
			goto fail;
		rdev->tvq.slots[i].next = rdev->tx_free;
		rdev->tx_free = (uint16_t)i;
	}
	ret = rpmsg_dev_start(rdev);
	if (ret)
		goto fail;
	set_status(port, vdev,
		   AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER |
			   AMP_VIRTIO_S_FEATURES_OK | AMP_VIRTIO_S_DRIVER_OK);
	port->ops->notify(port->priv, AMP_READ_ONCE(vdev->notifyid));
	return 0;
fail:
	set_status(port, vdev, AMP_VIRTIO_S_FAILED);
	rdev->ready = false;
	return ret;
}

int amp_rpmsg_remote_init(struct amp_rpmsg_dev *rdev,
			  const struct amp_rpmsg_remote_cfg *cfg,
			  uint32_t timeout_us)
{
	const struct amp_ipc_port *port;
	struct amp_rsc_vdev *vdev;
	uint8_t status;
	int ret;

	if (!rdev || !cfg)
		return -EINVAL;
	port = cfg->port;
	vdev = cfg->vdev;
	ret = check_vdev(vdev, port);
	if (ret)
		return ret;
	for (;;) {
		uint32_t token = port->ops->wait_prepare ?
					 port->ops->wait_prepare(port->priv) :
					 0;

		vdev_inval(port, &vdev->status, 1);
		status = AMP_LOAD_ACQUIRE(vdev->status);
		/* Test the bit: Linux writes intermediate values too. */
		if ((status & AMP_VIRTIO_S_DRIVER_OK) &&
		    !(status &
		      (AMP_VIRTIO_S_FAILED | AMP_VIRTIO_S_NEEDS_RESET)))
			break;
		if (!timeout_us || !port->ops->wait)
			return -EAGAIN;
		/* timeout_us counts down: one deadline for the whole call. */
		ret = port->ops->wait(port->priv, token, &timeout_us);
		if (ret)
			return ret;
	}
	amp_ipc_mb(port);

	memset(rdev, 0, sizeof(*rdev));
	rdev->role = AMP_RPMSG_REMOTE;
	rdev->port = port;
	rdev->vdev = vdev;
	vdev_inval(port, vdev,
		   sizeof(*vdev) + 2 * sizeof(struct amp_rsc_vring));
	rdev->features = AMP_READ_ONCE(vdev->gfeatures) &
			 AMP_READ_ONCE(vdev->dfeatures) &
			 (1u << AMP_VIRTIO_RPMSG_F_NS);
	/* vring0: remote-to-host (our TX); vring1: host-to-remote (RX). */
	ret = setup_vq(rdev, &rdev->tvq, AMP_VQ_DEVICE, &vdev->vring[0], NULL,
		       cfg->slots[0], cfg->nslots[0]);
	if (!ret)
		ret = setup_vq(rdev, &rdev->rvq, AMP_VQ_DEVICE, &vdev->vring[1],
			       NULL, cfg->slots[1], cfg->nslots[1]);
	if (ret)
		return ret;
	rdev->tx_free = NO_SLOT;
	return rpmsg_dev_start(rdev);
}
