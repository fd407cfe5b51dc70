/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounds-checked lookup of a VDEV entry in a resource table. Freestanding. */
#include <ampshm/rsc_table.h>

#include "virtio/compat.h"

int amp_rsc_find_vdev(void *table, size_t size, uint32_t virtio_id,
		      struct amp_rsc_vdev **vdev)
{
	const struct amp_rsc_table *t = table;
	uint32_t i, num;

	if (!table || size < sizeof(*t) || ((uintptr_t)table & 3))
		return -EINVAL;
	if (t->ver != 1)
		return -EINVAL;
	num = t->num;
	if (num > (size - sizeof(*t)) / sizeof(uint32_t))
		return -EINVAL;
	for (i = 0; i < num; i++) {
		uint32_t off = t->offset[i];
		struct amp_rsc_vdev *v;
		uint64_t need;

		if (off & 3 || off > size || size - off < sizeof(uint32_t))
			return -EINVAL;
		v = (struct amp_rsc_vdev *)((char *)table + off);
		if (v->type != AMP_RSC_VDEV)
			continue;
		if (size - off < sizeof(*v))
			return -EINVAL;
		need = sizeof(*v) +
		       (uint64_t)v->num_of_vrings *
			       sizeof(struct amp_rsc_vring) +
		       v->config_len;
		if (need > size - off)
			return -EINVAL;
		if (v->id != virtio_id)
			continue;
		*vdev = v;
		return 0;
	}
	return -ENOENT;
}
