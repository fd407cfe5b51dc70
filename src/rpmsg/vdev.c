/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resource-table VDEV handshake for RPMsg, both roles: features,
 * status byte, vring placement and the layout checks, then the start of
 * the virtio transport. The host's side is left out of a remote-only
 * build (virtio/role.h). Freestanding.
 *
 * The VDEV entry is shared with the other side, which may rewrite it at
 * any time. Each role reads the fields it needs exactly once into a local
 * snapshot, validates the snapshot, and uses only the snapshot; the host
 * then keeps its own copy of the layout it built (in the virtqueues and
 * the device) and never reads it back from the table.
 */
#include "rpmsg/rpmsg_internal.h"

static bool port_ok(const struct amp_ipc_port *port)
{
	return port && port->ops && port->ops->notify;
}

/* The header fields of a VDEV entry the roles use, read once. */
struct vdev_head {
	uint32_t notifyid, dfeatures, gfeatures;
};

/*
 * Read the header of entry @vdev once into @h and check it: an RPMsg VDEV
 * with two vrings or more that, config space included, fits in @avail
 * (bytes of the table from @vdev on; 0: unknown, the caller vouches for
 * the header and two vrings).
 */
static int vdev_head(const struct amp_ipc_port *port, struct amp_rsc_vdev *vdev,
		     size_t avail, struct vdev_head *h)
{
	const size_t two = sizeof(*vdev) + 2 * sizeof(struct amp_rsc_vring);
	uint32_t type, id, config_len, nvr;

	if (avail && avail < two)
		return -EINVAL;
	amp_ipc__inval(port, vdev, two);
	type = AMP_READ_ONCE(vdev->type);
	id = AMP_READ_ONCE(vdev->id);
	h->notifyid = AMP_READ_ONCE(vdev->notifyid);
	h->dfeatures = AMP_READ_ONCE(vdev->dfeatures);
	h->gfeatures = AMP_READ_ONCE(vdev->gfeatures);
	config_len = AMP_READ_ONCE(vdev->config_len);
	nvr = AMP_READ_ONCE(vdev->num_of_vrings);
	if (type != AMP_RSC_VDEV || id != AMP_VIRTIO_ID_RPMSG || nvr < 2)
		return -EINVAL;
	/* 32-bit sums: nvr * 20 < 2^13, checked against what is left. */
	if (avail && (config_len > avail ||
		      sizeof(*vdev) + nvr * sizeof(struct amp_rsc_vring) >
			      avail - config_len))
		return -EINVAL;
	return 0;
}

/* Vring @i (0 or 1) of entry @vdev, read once into @rv (vdev_head()
 * invalidated it). */
static void vring_read(const struct amp_rsc_vdev *vdev, unsigned int i,
		       struct amp_rsc_vring *rv)
{
	const struct amp_rsc_vring *v = &vdev->vring[i];

	rv->da = AMP_READ_ONCE(v->da);
	rv->align = AMP_READ_ONCE(v->align);
	rv->num = AMP_READ_ONCE(v->num);
	rv->notifyid = AMP_READ_ONCE(v->notifyid);
	rv->reserved = 0;
}

/*
 * Check vring @rv of a snapshot (geometry, room in @slots/@nslots) and
 * return its size in bytes, 0 if it is unusable.
 */
static size_t vring_check(const struct amp_rsc_vring *rv,
			  struct amp_vq_slot *slots, unsigned int nslots)
{
	uint32_t num = rv->num, align = rv->align;

	if (!amp_is_pow2(num) || num > AMP_VRING_MAX_NUM || !slots ||
	    num > nslots)
		return 0;
	if (align < 16 || align > (1u << 20) || !amp_is_pow2(align))
		return 0;
	return amp_vring_size(num, align);
}

/* Transport set-up shared by both roles, once the vrings are in place. */
static int vio_start(struct amp_rpmsg_dev *rdev)
{
	rdev->ops = &amp_rpmsg__virtio_ops;
	/* No error callback yet: amp_rpmsg_set_err_cb() sets one. */
	rdev->rvq.stats = &rdev->stats.ipc;
	rdev->tvq.stats = &rdev->stats.ipc;
	rdev->rx_hint = AMP_RPMSG_NO_SLOT;
	rdev->tx_hint = AMP_RPMSG_NO_SLOT;
	/* Send-side notifications only while waiting for a buffer. */
	amp_vq_disable_cb(&rdev->tvq);
	return amp_rpmsg__dev_start(rdev);
}

/* ---- remote -------------------------------------------------------------- */

/* Wait until the host set DRIVER_OK (and neither FAILED nor NEEDS_RESET). */
static int wait_driver_ok(const struct amp_ipc_port *port,
			  struct amp_rsc_vdev *vdev, uint32_t timeout_us)
{
	for (;;) {
		uint32_t token = amp_rpmsg__wait_prepare(port);
		uint8_t status;
		int ret;

		amp_ipc__inval(port, &vdev->status, 1);
		status = AMP_LOAD_ACQUIRE(vdev->status);
		/* Test the bit: Linux writes intermediate values too. */
		if ((status & (AMP_VIRTIO_S_DRIVER_OK | AMP_VIRTIO_S_FAILED |
			       AMP_VIRTIO_S_NEEDS_RESET)) ==
		    AMP_VIRTIO_S_DRIVER_OK)
			break;
		if (!timeout_us || !port->ops->wait)
			return -EAGAIN;
		/* timeout_us counts down: one deadline for the whole call. */
		ret = port->ops->wait(port->priv, token, &timeout_us);
		if (ret)
			return ret;
	}
	amp_ipc_mb(port);
	return 0;
}

static int remote_start(struct amp_rpmsg_dev *rdev,
			const struct amp_rpmsg_remote_cfg *cfg,
			struct amp_rsc_vdev *vdev, size_t avail,
			uint32_t timeout_us)
{
	const struct amp_ipc_port *port = cfg->port;
	struct vdev_head h;
	uintptr_t start[2];
	size_t size[2];
	unsigned int i;
	int ret;

	if (!vdev || !port_ok(port))
		return -EINVAL;
	ret = wait_driver_ok(port, vdev, timeout_us);
	/* One snapshot of what the host wrote, validated, then used alone. */
	if (!ret)
		ret = vdev_head(port, vdev, avail, &h);
	if (ret)
		return ret;

	memset(rdev, 0, sizeof(*rdev));
	rdev->role = AMP_RPMSG_REMOTE;
	rdev->port = port;
	rdev->vdev = vdev;
	rdev->vdev_notifyid = h.notifyid;
	rdev->features = h.gfeatures & h.dfeatures &
			 (1u << AMP_VIRTIO_RPMSG_F_NS);
	/* vring0: remote-to-host (our TX); vring1: host-to-remote (RX). */
	for (i = 0; i < 2; i++) {
		struct amp_rsc_vring rv;

		vring_read(vdev, i, &rv);
		size[i] = vring_check(&rv, cfg->slots[i], cfg->nslots[i]);
		if (!size[i] || rv.da == AMP_RSC_ADDR_ANY)
			return -EINVAL;
		start[i] = (uintptr_t)amp_ipc_da_to_va(port, rv.da, size[i]);
		if (!start[i])
			return -EFAULT;
		ret = amp_vq_init(i ? &rdev->rvq : &rdev->tvq, AMP_VQ_DEVICE,
				  rv.num, (void *)start[i], rv.align,
				  cfg->slots[i], port, rv.notifyid);
		if (ret)
			return ret;
	}
	/* Both inside a region (no wrap-around): they must not overlap. */
	if (start[0] < start[1] + size[1] && start[1] < start[0] + size[0])
		return -EINVAL;
	rdev->tx_free = AMP_RPMSG_NO_SLOT; /* no spare TX buffer yet */
	return vio_start(rdev);
}

int amp_rpmsg_remote_init(struct amp_rpmsg_dev *rdev,
			  const struct amp_rpmsg_remote_cfg *cfg,
			  uint32_t timeout_us)
{
	if (!rdev || !cfg)
		return -EINVAL;
	return remote_start(rdev, cfg, cfg->vdev, cfg->vdev_size, timeout_us);
}

int amp_rpmsg_remote_init_rsc(struct amp_rpmsg_dev *rdev,
			      const struct amp_rpmsg_remote_cfg *cfg,
			      void *table, size_t size, uint32_t timeout_us)
{
	struct amp_rsc_vdev *vdev;
	int ret;

	if (!rdev || !cfg)
		return -EINVAL;
	ret = amp_rsc_find_vdev(table, size, AMP_VIRTIO_ID_RPMSG, &vdev);
	if (ret)
		return ret;
	/* Re-validated against the table's end after DRIVER_OK. */
	return remote_start(rdev, cfg, vdev,
			    size - (size_t)((char *)vdev - (char *)table),
			    timeout_us);
}

/* ---- host ---------------------------------------------------------------- */

#if AMP_HOST_ROLE

static void set_status(const struct amp_ipc_port *port,
		       struct amp_rsc_vdev *vdev, uint8_t status)
{
	amp_ipc_mb(port);
	AMP_STORE_RELEASE(vdev->status, status);
	amp_ipc__clean(port, &vdev->status, 1);
}

/* What the host reads of the entry, once. */
struct vdev_snap {
	struct vdev_head h;
	struct amp_rsc_vring vring[2];
};

/* A byte range in local addresses, for the overlap checks. */
struct range {
	uintptr_t start;
	uint64_t len;
};

static bool overlap(const struct range *a, const struct range *b)
{
	if (!a->len || !b->len)
		return false;
	return a->start < b->start + b->len && b->start < a->start + a->len;
}

/* No two of @n ranges overlap, and none wraps around. */
static bool disjoint(const struct range *r, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (r[i].start + r[i].len < r[i].start)
			return false;
		for (j = i + 1; j < n; j++)
			if (overlap(&r[i], &r[j]))
				return false;
	}
	return true;
}

static int host_cfg_ok(const struct amp_rpmsg_host_cfg *cfg)
{
	if (!cfg->rx_bufs || !cfg->tx_bufs ||
	    cfg->rx_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->tx_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->rx_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    cfg->tx_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE)
		return -EINVAL;
	/* Any buffer alignment: headers are copied, never used in place. */
	return 0;
}

/* Place both vrings, check the whole layout, set up the queues. */
static int host_layout(struct amp_rpmsg_dev *rdev,
		       const struct amp_rpmsg_host_cfg *cfg,
		       const struct vdev_snap *s)
{
	const struct amp_ipc_port *port = rdev->port;
	struct range r[5];
	void *mem[2];
	unsigned int i;
	amp_da_t da;
	int ret;

	for (i = 0; i < 2; i++) {
		const struct amp_rsc_vring *rv = &s->vring[i];
		size_t size = vring_check(rv, cfg->slots[i], cfg->nslots[i]);

		if (!size)
			return -EINVAL;
		if (rv->da == AMP_RSC_ADDR_ANY)
			mem[i] = cfg->vring_mem[i];
		else
			mem[i] = amp_ipc_da_to_va(port, rv->da, size);
		if (!mem[i])
			return rv->da == AMP_RSC_ADDR_ANY ? -EINVAL : -EFAULT;
		if (amp_ipc_va_to_da(port, mem[i], size, &da) ||
		    da >= AMP_RSC_ADDR_ANY)
			return -EFAULT;
		r[i] = (struct range){ (uintptr_t)mem[i], size };
	}
	r[2] = (struct range){ (uintptr_t)cfg->rx_bufs,
			       (uint64_t)s->vring[0].num * cfg->rx_buf_size };
	r[3] = (struct range){ (uintptr_t)cfg->tx_bufs,
			       (uint64_t)s->vring[1].num * cfg->tx_buf_size };
	if (cfg->rsc_table)
		r[4] = (struct range){ (uintptr_t)cfg->rsc_table,
				       cfg->rsc_size };
	else
		r[4] = (struct range){
			(uintptr_t)cfg->vdev,
			sizeof(struct amp_rsc_vdev) +
				2 * sizeof(struct amp_rsc_vring)
		};
	if (!disjoint(r, 5))
		return -EINVAL;

	/* vring0: remote-to-host (our RX); vring1: host-to-remote (TX). */
	ret = amp_vq_init(&rdev->rvq, AMP_VQ_DRIVER, s->vring[0].num, mem[0],
			  s->vring[0].align, cfg->slots[0], port,
			  s->vring[0].notifyid);
	if (!ret)
		ret = amp_vq_init(&rdev->tvq, AMP_VQ_DRIVER, s->vring[1].num,
				  mem[1], s->vring[1].align, cfg->slots[1],
				  port, s->vring[1].notifyid);
	if (ret)
		return ret;
	/* Tell the remote where we put the vrings it left to us. */
	for (i = 0; i < 2; i++) {
		struct amp_rsc_vring *rv = &cfg->vdev->vring[i];

		if (s->vring[i].da != AMP_RSC_ADDR_ANY)
			continue;
		amp_ipc_va_to_da(port, mem[i], r[i].len, &da);
		AMP_WRITE_ONCE(rv->da, (uint32_t)da);
		amp_ipc__clean(port, &rv->da, sizeof(rv->da));
	}
	return 0;
}

static int host_buffers(struct amp_rpmsg_dev *rdev,
			const struct amp_rpmsg_host_cfg *cfg)
{
	uint32_t i;
	int ret;

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
			return ret;
	}
	rdev->rvq.added = 0;
	rdev->tx_free = AMP_RPMSG_NO_SLOT;
	for (i = rdev->tvq.num; i-- > 0;) {
		ret = amp_vq_driver_set_buf(&rdev->tvq, (uint16_t)i,
					    rdev->tx_base +
						    (size_t)i * rdev->tx_size,
					    rdev->tx_size);
		if (ret)
			return ret;
		rdev->tvq.slots[i].next = rdev->tx_free;
		rdev->tx_free = (uint16_t)i;
	}
	return 0;
}

int amp_rpmsg_host_init(struct amp_rpmsg_dev *rdev,
			const struct amp_rpmsg_host_cfg *cfg)
{
	const struct amp_ipc_port *port;
	struct vdev_snap s;
	struct amp_rsc_vdev *vdev;
	uint32_t feat;
	int ret;

	if (!rdev || !cfg || !cfg->vdev || !port_ok(cfg->port))
		return -EINVAL;
	port = cfg->port;
	vdev = cfg->vdev;
	ret = host_cfg_ok(cfg);
	if (ret)
		return ret;
	/* The entry lies inside the table (0 bytes left: no entry). */
	if (cfg->rsc_table &&
	    ((uintptr_t)vdev < (uintptr_t)cfg->rsc_table ||
	     (uintptr_t)vdev - (uintptr_t)cfg->rsc_table >= cfg->rsc_size))
		return -EINVAL;
	ret = vdev_head(port, vdev,
			cfg->rsc_table ?
				cfg->rsc_size - ((uintptr_t)vdev -
						 (uintptr_t)cfg->rsc_table) :
				0,
			&s.h);
	if (ret)
		return ret;
	vring_read(vdev, 0, &s.vring[0]);
	vring_read(vdev, 1, &s.vring[1]);

	memset(rdev, 0, sizeof(*rdev));
	rdev->role = AMP_RPMSG_HOST;
	rdev->port = port;
	rdev->vdev = vdev;
	rdev->vdev_notifyid = s.h.notifyid;

	/* Reset, then ACKNOWLEDGE | DRIVER, as Linux and OpenAMP do. */
	set_status(port, vdev, 0);
	set_status(port, vdev, AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER);
	feat = s.h.dfeatures & cfg->features & (1u << AMP_VIRTIO_RPMSG_F_NS);
	AMP_WRITE_ONCE(vdev->gfeatures, feat);
	amp_ipc__clean(port, &vdev->gfeatures, sizeof(vdev->gfeatures));
	rdev->features = feat;
	set_status(port, vdev,
		   AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER |
			   AMP_VIRTIO_S_FEATURES_OK);

	ret = host_layout(rdev, cfg, &s);
	if (!ret)
		ret = host_buffers(rdev, cfg);
	if (!ret)
		ret = vio_start(rdev);
	if (ret)
		goto fail;
	set_status(port, vdev,
		   AMP_VIRTIO_S_ACKNOWLEDGE | AMP_VIRTIO_S_DRIVER |
			   AMP_VIRTIO_S_FEATURES_OK | AMP_VIRTIO_S_DRIVER_OK);
	port->ops->notify(port->priv, rdev->vdev_notifyid);
	return 0;
fail:
	set_status(port, vdev, AMP_VIRTIO_S_FAILED);
	rdev->ready = false;
	return ret;
}

int amp_rpmsg_host_init_rsc(struct amp_rpmsg_dev *rdev,
			    const struct amp_rpmsg_host_cfg *cfg, void *table,
			    size_t size)
{
	struct amp_rpmsg_host_cfg c;
	int ret;

	if (!rdev || !cfg)
		return -EINVAL;
	c = *cfg;
	ret = amp_rsc_find_vdev(table, size, AMP_VIRTIO_ID_RPMSG, &c.vdev);
	if (ret)
		return ret;
	c.rsc_table = table;
	c.rsc_size = size;
	return amp_rpmsg_host_init(rdev, &c);
}

#endif /* AMP_HOST_ROLE */
