/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueue, driver and device roles. Freestanding: no allocation,
 * no OS call. Every value the other side writes is read once into a local
 * and validated before use.
 */
#include <ampshm/virtqueue.h>
#include <ampshm/cache.h>

#include "virtio/compat.h"

static inline void vq_clean(struct amp_virtqueue *vq, void *p, size_t len)
{
	if (!vq->coherent)
		amp_cache_clean(p, len);
}

static inline void vq_inval(struct amp_virtqueue *vq, void *p, size_t len)
{
	if (!vq->coherent)
		amp_cache_invalidate_range(p, len);
}

/* Order our shared writes before the next one when caches are involved. */
static inline void vq_wmb(struct amp_virtqueue *vq)
{
	if (!vq->coherent)
		amp_ipc_mb(vq->port);
}

void amp_vq_report(struct amp_virtqueue *vq, enum amp_ipc_err err,
		   uint64_t detail)
{
	if (vq->stats && (unsigned int)err < AMP_IPC_ERR_MAX)
		vq->stats->err[err]++;
	if (vq->err_cb)
		vq->err_cb(err, detail, vq->err_priv);
}

int amp_vq_init(struct amp_virtqueue *vq, enum amp_vq_role role,
		unsigned int num, void *mem, size_t align,
		struct amp_vq_slot *slots, const struct amp_ipc_port *port,
		uint32_t notifyid)
{
	unsigned int i;

	if (!vq || !mem || !slots || !port)
		return -EINVAL;
	if (!num || num > AMP_VRING_MAX_NUM || (num & (num - 1)))
		return -EINVAL;
	if (align < 4 || (align & (align - 1)))
		return -EINVAL;
	if ((uintptr_t)mem & 15)
		return -EINVAL;
	if (role != AMP_VQ_DRIVER && role != AMP_VQ_DEVICE)
		return -EINVAL;

	memset(vq, 0, sizeof(*vq));
	amp_vring_init(&vq->vr, num, mem, align);
	vq->port = port;
	vq->slots = slots;
	vq->num = (uint16_t)num;
	vq->notifyid = notifyid;
	vq->role = (uint8_t)role;
	vq->coherent = !!(port->flags & AMP_IPC_F_COHERENT);
	for (i = 0; i < num; i++)
		slots[i] = (struct amp_vq_slot){ .next = (uint16_t)(i + 1) };

	if (role == AMP_VQ_DRIVER) {
		/* The driver owns the ring's initial state. */
		memset(mem, 0, amp_vring_size(num, align));
		vq_clean(vq, mem, amp_vring_size(num, align));
	} else {
		vq_inval(vq, vq->vr.avail, sizeof(*vq->vr.avail));
		vq_inval(vq, vq->vr.used, sizeof(*vq->vr.used));
		vq->last_seen = AMP_READ_ONCE(vq->vr.used->idx);
		vq->shadow_idx = vq->last_seen;
	}
	return 0;
}

int amp_vq_driver_set_buf(struct amp_virtqueue *vq, uint16_t id, void *va,
			  uint32_t size)
{
	amp_pa_t pa;
	int ret;

	if (vq->role != AMP_VQ_DRIVER || id >= vq->num || !size)
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

	if (vq->role != AMP_VQ_DRIVER || id >= vq->num)
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
	vq->shadow_idx++;
	vq_wmb(vq);
	AMP_STORE_RELEASE(vq->vr.avail->idx, vq->shadow_idx);
	vq_clean(vq, &vq->vr.avail->idx, sizeof(uint16_t));
	vq->added++;
	return 0;
}

int amp_vq_driver_get_used(struct amp_virtqueue *vq, uint16_t *id,
			   uint32_t *len)
{
	struct amp_vring_used *used = vq->vr.used;

	if (vq->role != AMP_VQ_DRIVER)
		return -EINVAL;
	if (vq->broken)
		return -EIO;
	for (;;) {
		struct amp_vring_used_elem *e;
		struct amp_vq_slot *s;
		uint16_t uidx, pending;
		uint32_t eid, elen;

		vq_inval(vq, &used->idx, sizeof(uint16_t));
		uidx = AMP_LOAD_ACQUIRE(used->idx);
		pending = (uint16_t)(uidx - vq->last_seen);
		if (!pending)
			return -EAGAIN;
		if (pending > vq->num) {
			vq->broken = true;
			amp_vq_report(vq, AMP_IPC_ERR_USED_IDX, uidx);
			return -EIO;
		}
		e = &used->ring[vq->last_seen & (vq->num - 1)];
		vq_inval(vq, e, sizeof(*e));
		eid = AMP_READ_ONCE(e->id);
		elen = AMP_READ_ONCE(e->len);
		vq->last_seen++;
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
}

int amp_vq_device_get_avail(struct amp_virtqueue *vq, uint16_t *id, void **va,
			    uint32_t *len)
{
	struct amp_vring_avail *avail = vq->vr.avail;

	if (vq->role != AMP_VQ_DEVICE)
		return -EINVAL;
	if (vq->broken)
		return -EIO;
	for (;;) {
		const volatile struct amp_vring_desc *dp;
		struct amp_vring_desc d;
		enum amp_ipc_err err;
		struct amp_vq_slot *s;
		uint16_t aidx, pending, head;
		void *p = NULL;

		vq_inval(vq, &avail->idx, sizeof(uint16_t));
		aidx = AMP_LOAD_ACQUIRE(avail->idx);
		pending = (uint16_t)(aidx - vq->last_seen);
		if (!pending)
			return -EAGAIN;
		if (pending > vq->num) {
			vq->broken = true;
			amp_vq_report(vq, AMP_IPC_ERR_AVAIL_IDX, aidx);
			return -EIO;
		}
		vq_inval(vq, &avail->ring[vq->last_seen & (vq->num - 1)],
			 sizeof(uint16_t));
		head = AMP_READ_ONCE(
			avail->ring[vq->last_seen & (vq->num - 1)]);
		vq->last_seen++;
		if (head >= vq->num) {
			amp_vq_report(vq, AMP_IPC_ERR_DESC_ID, head);
			continue;
		}
		s = &vq->slots[head];
		if (s->state == AMP_VQ_SLOT_HELD) {
			amp_vq_report(vq, AMP_IPC_ERR_DESC_STATE, head);
			continue;
		}
		/* Copy the descriptor once: the driver may rewrite it. */
		dp = &vq->vr.desc[head];
		vq_inval(vq, (void *)&vq->vr.desc[head], sizeof(d));
		d.addr = dp->addr;
		d.len = dp->len;
		d.flags = dp->flags;

		err = AMP_IPC_ERR_MAX;
		if (d.flags &
		    (AMP_VRING_DESC_F_NEXT | AMP_VRING_DESC_F_INDIRECT))
			err = AMP_IPC_ERR_DESC_CHAIN;
		else if (!d.len)
			err = AMP_IPC_ERR_DESC_LEN;
		else if (!(p = amp_ipc_pa_to_va(vq->port, d.addr, d.len)))
			err = AMP_IPC_ERR_DESC_ADDR;
		s->state = AMP_VQ_SLOT_HELD;
		if (err != AMP_IPC_ERR_MAX) {
			amp_vq_report(vq, err,
				      err == AMP_IPC_ERR_DESC_ADDR ? d.addr :
				      err == AMP_IPC_ERR_DESC_LEN  ? d.len :
								     d.flags);
			/*
			 * Give the buffer back untouched, with its own length:
			 * OpenAMP drivers take the used length as the buffer's
			 * size from then on (0 would make it 4 GiB - 16).
			 */
			s->va = NULL;
			s->size = d.len;
			amp_vq_device_put_used(vq, head, d.len);
			continue;
		}
		s->va = p;
		s->size = d.len;
		*id = head;
		*va = p;
		*len = d.len;
		return 0;
	}
}

int amp_vq_device_put_used(struct amp_virtqueue *vq, uint16_t id, uint32_t len)
{
	struct amp_vring_used_elem *e;
	struct amp_vq_slot *s;

	if (vq->role != AMP_VQ_DEVICE || id >= vq->num)
		return -EINVAL;
	s = &vq->slots[id];
	if (s->state != AMP_VQ_SLOT_HELD || len > s->size)
		return -EINVAL;
	e = &vq->vr.used->ring[vq->shadow_idx & (vq->num - 1)];
	AMP_WRITE_ONCE(e->id, (uint32_t)id);
	AMP_WRITE_ONCE(e->len, len);
	vq_clean(vq, e, sizeof(*e));
	s->state = AMP_VQ_SLOT_FREE;
	vq->shadow_idx++;
	vq_wmb(vq);
	AMP_STORE_RELEASE(vq->vr.used->idx, vq->shadow_idx);
	vq_clean(vq, &vq->vr.used->idx, sizeof(uint16_t));
	vq->added++;
	return 0;
}

bool amp_vq_peer_wants_notify(struct amp_virtqueue *vq)
{
	/* Our index store must be visible before we read the peer's flag. */
	amp_ipc_mb(vq->port);
	if (vq->role == AMP_VQ_DRIVER) {
		vq_inval(vq, &vq->vr.used->flags, sizeof(uint16_t));
		return !(AMP_READ_ONCE(vq->vr.used->flags) &
			 AMP_VRING_USED_F_NO_NOTIFY);
	}
	vq_inval(vq, &vq->vr.avail->flags, sizeof(uint16_t));
	return !(AMP_READ_ONCE(vq->vr.avail->flags) &
		 AMP_VRING_AVAIL_F_NO_INTERRUPT);
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
	uint16_t *f;

	if (vq->role == AMP_VQ_DRIVER) {
		f = &vq->vr.avail->flags;
		AMP_WRITE_ONCE(*f,
			       (uint16_t)(off ? AMP_VRING_AVAIL_F_NO_INTERRUPT :
						0));
	} else {
		f = &vq->vr.used->flags;
		AMP_WRITE_ONCE(*f, (uint16_t)(off ? AMP_VRING_USED_F_NO_NOTIFY :
						    0));
	}
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
	uint16_t idx;

	if (vq->broken)
		return false;
	if (vq->role == AMP_VQ_DRIVER) {
		vq_inval(vq, &vq->vr.used->idx, sizeof(uint16_t));
		idx = AMP_LOAD_ACQUIRE(vq->vr.used->idx);
	} else {
		vq_inval(vq, &vq->vr.avail->idx, sizeof(uint16_t));
		idx = AMP_LOAD_ACQUIRE(vq->vr.avail->idx);
	}
	return idx != vq->last_seen;
}
