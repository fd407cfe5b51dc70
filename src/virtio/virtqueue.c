/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueue, driver and device roles. Freestanding: no allocation,
 * no OS call. Every value the other side writes is read once into a local
 * and validated before use.
 *
 * The roles mirror each other: each side writes one ring (the driver the
 * avail ring, the device the used ring) and reads the other, and both
 * rings begin with {flags, idx}. The helpers below name "our" and "the
 * peer's" ring, so that the index checks, the publishing and the
 * notification flags are written once for both roles. The driver's own
 * functions are left out of a remote-only build (virtio/role.h).
 */
#include <ampshm/virtqueue.h>

#include "virtio/compat.h"
#include "virtio/role.h"

static bool is_driver(const struct amp_virtqueue *vq)
{
	return AMP_HOST_ROLE && vq->role == AMP_VQ_DRIVER;
}

/* The flags and the index of the ring we write: avail (driver) or used
 * (device). */
static uint16_t *own_flags(const struct amp_virtqueue *vq)
{
	return is_driver(vq) ? &vq->vr.avail->flags : &vq->vr.used->flags;
}

static uint16_t *own_idx(const struct amp_virtqueue *vq)
{
	return is_driver(vq) ? &vq->vr.avail->idx : &vq->vr.used->idx;
}

/* The same of the ring the peer writes. */
static uint16_t *peer_flags(const struct amp_virtqueue *vq)
{
	return is_driver(vq) ? &vq->vr.used->flags : &vq->vr.avail->flags;
}

static uint16_t *peer_idx_p(const struct amp_virtqueue *vq)
{
	return is_driver(vq) ? &vq->vr.used->idx : &vq->vr.avail->idx;
}

static void vq_clean(struct amp_virtqueue *vq, void *p, size_t len)
{
	amp_ipc__clean(vq->port, p, len);
}

static void vq_inval(struct amp_virtqueue *vq, const void *p, size_t len)
{
	amp_ipc__inval(vq->port, p, len);
}

/* The peer's published index, read once (acquire: its entries follow). */
static uint16_t peer_idx(struct amp_virtqueue *vq)
{
	uint16_t *idx = peer_idx_p(vq);

	vq_inval(vq, idx, sizeof(*idx));
	return AMP_LOAD_ACQUIRE(*idx);
}

AMP_NOINLINE void amp_vq_report(struct amp_virtqueue *vq, enum amp_ipc_err err,
				uint64_t detail)
{
	if (vq->stats && (unsigned int)err < AMP_IPC_ERR_MAX)
		vq->stats->err[err]++;
	if (vq->err_cb)
		vq->err_cb(err, detail, vq->err_priv);
}

/*
 * Position in the peer's ring of the next entry it published, or -EAGAIN
 * (none) or -EIO. An index more than num ahead of ours cannot be: the
 * queue is broken for good.
 */
static int next_entry(struct amp_virtqueue *vq, uint16_t *pos)
{
	uint16_t idx, pending;

	if (vq->broken)
		return -EIO;
	idx = peer_idx(vq);
	pending = (uint16_t)(idx - vq->last_seen);
	if (!pending)
		return -EAGAIN;
	if (pending > vq->num) {
		vq->broken = true;
		amp_vq_report(vq,
			      is_driver(vq) ? AMP_IPC_ERR_USED_IDX :
					      AMP_IPC_ERR_AVAIL_IDX,
			      idx);
		return -EIO;
	}
	*pos = vq->last_seen++ & (vq->num - 1);
	return 0;
}

/* Entry shadow_idx of our ring is written: publish it. */
static void publish(struct amp_virtqueue *vq)
{
	uint16_t *idx = own_idx(vq);

	vq->shadow_idx++;
	/* Order our shared writes before the index when caches are
	 * involved. */
	if (!vq->coherent)
		amp_ipc_mb(vq->port);
	AMP_STORE_RELEASE(*idx, vq->shadow_idx);
	vq_clean(vq, idx, sizeof(*idx));
	vq->added++;
}

int amp_vq_init(struct amp_virtqueue *vq, enum amp_vq_role role,
		unsigned int num, void *mem, size_t align,
		struct amp_vq_slot *slots, const struct amp_ipc_port *port,
		uint32_t notifyid)
{
	unsigned int i;

	if (!vq || !mem || !slots || !port)
		return -EINVAL;
	if (!amp_is_pow2(num) || num > AMP_VRING_MAX_NUM)
		return -EINVAL;
	if (align < 4 || !amp_is_pow2(align))
		return -EINVAL;
	if ((uintptr_t)mem & 15)
		return -EINVAL;
	if (role != AMP_VQ_DEVICE && (!AMP_HOST_ROLE || role != AMP_VQ_DRIVER))
		return -EINVAL;

	memset(vq, 0, sizeof(*vq));
	amp_vring_init(&vq->vr, num, mem, align);
	vq->port = port;
	vq->slots = slots;
	vq->num = (uint16_t)num;
	vq->notifyid = notifyid;
	vq->role = (uint8_t)role;
	vq->coherent = !!(port->flags & AMP_IPC_F_COHERENT);
	memset(slots, 0, num * sizeof(*slots));
	for (i = 0; i < num; i++)
		slots[i].next = (uint16_t)(i + 1);

	if (is_driver(vq)) {
		/* The driver owns the ring's initial state. */
		memset(mem, 0, amp_vring_size(num, align));
		vq_clean(vq, mem, amp_vring_size(num, align));
	} else {
		/* The device resumes where the used ring stands. */
		uint16_t *idx = own_idx(vq);

		vq_inval(vq, idx, sizeof(*idx));
		vq->last_seen = AMP_READ_ONCE(*idx);
		vq->shadow_idx = vq->last_seen;
	}
	return 0;
}

/* ---- device role --------------------------------------------------------- */

int amp_vq_device_get_avail(struct amp_virtqueue *vq, uint16_t *id, void **va,
			    uint32_t *len)
{
	uint16_t pos;
	int ret;

	if (is_driver(vq))
		return -EINVAL;
	while (!(ret = next_entry(vq, &pos))) {
		const volatile struct amp_vring_desc *dp;
		uint16_t *ent = &vq->vr.avail->ring[pos];
		struct amp_vring_desc d;
		enum amp_ipc_err err;
		struct amp_vq_slot *s;
		uint16_t head;
		uint64_t bad;
		void *p = NULL;

		vq_inval(vq, ent, sizeof(*ent));
		head = AMP_READ_ONCE(*ent);
		err = AMP_IPC_ERR_DESC_ID;
		if (head < vq->num) {
			s = &vq->slots[head];
			err = s->state == AMP_VQ_SLOT_HELD ?
				      AMP_IPC_ERR_DESC_STATE :
				      AMP_IPC_ERR_MAX;
		}
		if (err != AMP_IPC_ERR_MAX) {
			amp_vq_report(vq, err, head);
			continue;
		}
		/* Copy the descriptor once: the driver may rewrite it. */
		dp = &vq->vr.desc[head];
		vq_inval(vq, (const void *)dp, sizeof(d));
		d.addr = dp->addr;
		d.len = dp->len;
		d.flags = dp->flags;

		err = AMP_IPC_ERR_DESC_CHAIN;
		bad = d.flags;
		if (!(d.flags &
		      (AMP_VRING_DESC_F_NEXT | AMP_VRING_DESC_F_INDIRECT))) {
			err = AMP_IPC_ERR_DESC_LEN;
			bad = d.len;
			if (d.len) {
				err = AMP_IPC_ERR_DESC_ADDR;
				bad = d.addr;
				p = amp_ipc_pa_to_va(vq->port, d.addr, d.len);
			}
		}
		s->state = AMP_VQ_SLOT_HELD;
		s->va = p;
		s->size = d.len;
		if (p) {
			*id = head;
			*va = p;
			*len = d.len;
			return 0;
		}
		amp_vq_report(vq, err, bad);
		/*
		 * Give the buffer back untouched, with its own length: OpenAMP
		 * drivers take the used length as the buffer's size from then
		 * on (0 would make it 4 GiB - 16).
		 */
		amp_vq_device_put_used(vq, head, d.len);
	}
	return ret;
}

int amp_vq_device_put_used(struct amp_virtqueue *vq, uint16_t id, uint32_t len)
{
	struct amp_vring_used_elem *e;
	struct amp_vq_slot *s;

	if (is_driver(vq) || id >= vq->num)
		return -EINVAL;
	s = &vq->slots[id];
	if (s->state != AMP_VQ_SLOT_HELD || len > s->size)
		return -EINVAL;
	s->state = AMP_VQ_SLOT_FREE;
	e = &vq->vr.used->ring[vq->shadow_idx & (vq->num - 1)];
	AMP_WRITE_ONCE(e->id, (uint32_t)id);
	AMP_WRITE_ONCE(e->len, len);
	vq_clean(vq, e, sizeof(*e));
	publish(vq);
	return 0;
}

/* ---- notifications, both roles ------------------------------------------- */

bool amp_vq_peer_wants_notify(struct amp_virtqueue *vq)
{
	uint16_t *flags = peer_flags(vq);

	/* Our index store must be visible before we read the peer's flag. */
	amp_ipc_mb(vq->port);
	vq_inval(vq, flags, sizeof(*flags));
	/* AVAIL_F_NO_INTERRUPT and USED_F_NO_NOTIFY are the same bit. */
	return !(AMP_READ_ONCE(*flags) & AMP_VRING_USED_F_NO_NOTIFY);
}

int amp_vq_kick(struct amp_virtqueue *vq)
{
	int ret;

	if (!vq->added)
		return 0;
	vq->added = 0;
	if (!amp_vq_peer_wants_notify(vq))
		return 0;
	ret = vq->port->ops->notify(vq->port->priv, vq->notifyid);
	return ret < 0 ? ret : 1;
}

static void set_cb_flag(struct amp_virtqueue *vq, bool off)
{
	uint16_t *f = own_flags(vq);

	AMP_STATIC_ASSERT(AMP_VRING_AVAIL_F_NO_INTERRUPT ==
				  AMP_VRING_USED_F_NO_NOTIFY,
			  "one flag bit");
	AMP_WRITE_ONCE(*f, (uint16_t)off);
	vq_clean(vq, f, sizeof(*f));
	vq->cb_off = off;
}

void amp_vq_disable_cb(struct amp_virtqueue *vq)
{
	if (!vq->cb_off)
		set_cb_flag(vq, true);
}

bool amp_vq_enable_cb(struct amp_virtqueue *vq)
{
	if (vq->cb_off)
		set_cb_flag(vq, false);
	/* The flag must be visible before we look for racing entries. */
	amp_ipc_mb(vq->port);
	return amp_vq_pending(vq);
}

bool amp_vq_pending(struct amp_virtqueue *vq)
{
	return !vq->broken && peer_idx(vq) != vq->last_seen;
}

/* ---- driver role --------------------------------------------------------- */

#if AMP_HOST_ROLE
int amp_vq_driver_set_buf(struct amp_virtqueue *vq, uint16_t id, void *va,
			  uint32_t size)
{
	amp_pa_t pa;
	int ret;

	if (!is_driver(vq) || id >= vq->num || !size)
		return -EINVAL;
	ret = amp_ipc_va_to_pa(vq->port, va, size, &pa);
	if (ret)
		return ret;
	vq->slots[id].va = va;
	vq->slots[id].pa = pa;
	vq->slots[id].size = size;
	vq->slots[id].state = AMP_VQ_SLOT_FREE;
	return 0;
}

int amp_vq_driver_post(struct amp_virtqueue *vq, uint16_t id, uint32_t len,
		       bool device_writes)
{
	struct amp_vring_desc *d;
	struct amp_vq_slot *s;
	uint16_t *ent;

	if (!is_driver(vq) || id >= vq->num)
		return -EINVAL;
	s = &vq->slots[id];
	if (!s->size || !len || len > s->size)
		return -EINVAL;
	if (s->state != AMP_VQ_SLOT_FREE)
		return -EBUSY;

	d = &vq->vr.desc[id];
	AMP_WRITE_ONCE(d->addr, s->pa);
	AMP_WRITE_ONCE(d->len, len);
	AMP_WRITE_ONCE(d->flags,
		       (uint16_t)(device_writes ? AMP_VRING_DESC_F_WRITE : 0));
	AMP_WRITE_ONCE(d->next, 0);
	vq_clean(vq, d, sizeof(*d));

	ent = &vq->vr.avail->ring[vq->shadow_idx & (vq->num - 1)];
	AMP_WRITE_ONCE(*ent, id);
	vq_clean(vq, ent, sizeof(*ent));
	s->state = AMP_VQ_SLOT_POSTED;
	publish(vq);
	return 0;
}

int amp_vq_driver_get_used(struct amp_virtqueue *vq, uint16_t *id,
			   uint32_t *len)
{
	uint16_t pos;
	int ret;

	if (!is_driver(vq))
		return -EINVAL;
	while (!(ret = next_entry(vq, &pos))) {
		struct amp_vring_used_elem *e = &vq->vr.used->ring[pos];
		struct amp_vq_slot *s;
		uint32_t eid, elen;

		vq_inval(vq, e, sizeof(*e));
		eid = AMP_READ_ONCE(e->id);
		elen = AMP_READ_ONCE(e->len);
		if (eid >= vq->num) {
			amp_vq_report(vq, AMP_IPC_ERR_DESC_ID, eid);
			continue;
		}
		s = &vq->slots[eid];
		if (s->state != AMP_VQ_SLOT_POSTED) {
			amp_vq_report(vq, AMP_IPC_ERR_DESC_STATE, eid);
			continue;
		}
		s->state = AMP_VQ_SLOT_FREE;
		*id = (uint16_t)eid;
		*len = elen;
		if (elen > s->size) {
			amp_vq_report(vq, AMP_IPC_ERR_USED_LEN, elen);
			return -EBADMSG;
		}
		return 0;
	}
	return ret;
}
#endif /* AMP_HOST_ROLE */
