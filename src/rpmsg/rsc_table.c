/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds-checked lookup of a VDEV entry in a resource table. Freestanding.
 * The table may be in memory the other side writes: every field is read
 * once into a local, and only the locals are checked and used.
 */
#include <ampshm/rsc_table.h>

#include "virtio/compat.h"

int amp_rsc_find_vdev(void *table, size_t size, uint32_t virtio_id,
		      struct amp_rsc_vdev **vdev)
{
	struct amp_rsc_table *t = table;
	uint32_t i, num;

	if (!table || !vdev || size < sizeof(*t) || ((uintptr_t)table & 3))
		return -EINVAL;
	if (AMP_READ_ONCE(t->ver) != 1)
		return -EINVAL;
	num = AMP_READ_ONCE(t->num);
	if (num > (size - sizeof(*t)) / sizeof(uint32_t))
		return -EINVAL;
	for (i = 0; i < num; i++) {
		uint32_t off = AMP_READ_ONCE(t->offset[i]);
		uint32_t nvr, cfg_len;
		struct amp_rsc_vdev *v;
		uint64_t need;

		if (off & 3 || off > size || size - off < sizeof(uint32_t))
			return -EINVAL;
		v = (struct amp_rsc_vdev *)((char *)table + off);
		if (AMP_READ_ONCE(v->type) != AMP_RSC_VDEV)
			continue;
		if (size - off < sizeof(*v))
			return -EINVAL;
		nvr = AMP_READ_ONCE(v->num_of_vrings);
		cfg_len = AMP_READ_ONCE(v->config_len);
		need = sizeof(*v) +
		       (uint64_t)nvr * sizeof(struct amp_rsc_vring) + cfg_len;
		if (need > size - off)
			return -EINVAL;
		if (AMP_READ_ONCE(v->id) != virtio_id)
			continue;
		/*
		 * The entry fitted as read now; a user must re-check what it
		 * reads later (see amp_rpmsg_remote_init_rsc()).
		 */
		*vdev = v;
		return 0;
	}
	return -ENOENT;
}
