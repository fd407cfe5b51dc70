// SPDX-License-Identifier: BSD-3-Clause
/*
 * The coprocessor side's port over the board services, and the RPMsg
 * remote started from the loaded resource table.
 */
#include <ampfw/ampfw.h>

#include "virtio/compat.h" /* errno values, freestanding */
#include <ampshm/rsc_table.h>
#include <ampshm/virtio_ring.h>

static int fw_notify(void *priv, uint32_t notifyid)
{
	const struct ampfw_board *b = priv;

	return b->notify(b, notifyid);
}

static uint32_t fw_wait_prepare(void *priv)
{
	const struct ampfw_board *b = priv;

	return b->wait_prepare(b);
}

static int fw_wait(void *priv, uint32_t token, uint32_t *remaining_us)
{
	const struct ampfw_board *b = priv;

	return b->wait(b, token, remaining_us);
}

static uint32_t rd32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Is [da, da+len) inside one of the first @n regions? */
static int fw_covered(const struct ampfw_rpmsg *fw, unsigned int n, uint64_t da,
		      uint64_t len)
{
	for (unsigned int i = 0; i < n; i++)
		if (da >= fw->regions[i].da &&
		    da - fw->regions[i].da <= fw->regions[i].size &&
		    len <= fw->regions[i].size - (da - fw->regions[i].da))
			return 1;
	return 0;
}

/*
 * A region for each vring outside the carveouts: vrings whose da was
 * "any" are placed by the host in memory of its own choice (the
 * remoteproc core's vdev area), which the core reaches at that da.
 */
static int fw_vring_regions(struct ampfw_rpmsg *fw, const uint8_t *t,
			    size_t size, uint32_t off, unsigned int n)
{
	size_t vr0 = off + offsetof(struct amp_rsc_vdev, vring);
	uint8_t nvr;

	if (size - off < sizeof(struct amp_rsc_vdev))
		return -EINVAL;
	nvr = t[off + offsetof(struct amp_rsc_vdev, num_of_vrings)];
	if (nvr > (size - vr0) / sizeof(struct amp_rsc_vring))
		return -EINVAL;
	for (uint8_t v = 0; v < nvr; v++) {
		struct amp_rsc_vring r;
		uint64_t len;

		memcpy(&r, t + vr0 + v * sizeof(r), sizeof(r));
		if (r.da == AMP_RSC_ADDR_ANY || !r.num || !r.align)
			continue;
		len = amp_vring_size(r.num, r.align);
		if (fw_covered(fw, n, r.da, len))
			continue;
		if (n == AMPFW_MAX_REGIONS)
			return -ENOSPC;
		fw->regions[n++] = (struct amp_ipc_region){
			.va = (void *)(uintptr_t)r.da,
			.pa = r.da,
			.da = r.da,
			.size = (size_t)len,
		};
	}
	return (int)n;
}

/*
 * One port region per CARVEOUT/DEVMEM entry of the (own) table, then one
 * per vring outside them.
 */
static int fw_regions(struct ampfw_rpmsg *fw, const uint8_t *t, size_t size)
{
	uint32_t num, i, off;
	unsigned int n = 0;

	if (size < sizeof(struct amp_rsc_table) || rd32(t) != 1)
		return -EINVAL;
	num = rd32(t + 4);
	if (num > (size - sizeof(struct amp_rsc_table)) / 4)
		return -EINVAL;
	for (i = 0; i < num; i++) {
		struct amp_rsc_carveout c;

		off = rd32(t + 16 + 4 * i);
		if (off > size || size - off < 4)
			return -EINVAL;
		if (rd32(t + off) != AMP_RSC_CARVEOUT &&
		    rd32(t + off) != AMP_RSC_DEVMEM)
			continue;
		if (size - off < sizeof(c))
			return -EINVAL;
		memcpy(&c, t + off, sizeof(c));
		if (c.da == AMP_RSC_ADDR_ANY || !c.len)
			continue;
		if (n == AMPFW_MAX_REGIONS)
			return -ENOSPC;
		fw->regions[n] = (struct amp_ipc_region){
			.va = (void *)(uintptr_t)c.da,
			.pa = c.pa == AMP_RSC_ADDR_ANY ? c.da : c.pa,
			.da = c.da,
			.size = c.len,
		};
		n++;
	}
	for (i = 0; i < num; i++) {
		int ret;

		off = rd32(t + 16 + 4 * i);
		if (rd32(t + off) != AMP_RSC_VDEV)
			continue;
		ret = fw_vring_regions(fw, t, size, off, n);
		if (ret < 0)
			return ret;
		n = (unsigned int)ret;
	}
	return (int)n;
}

int ampfw_rpmsg_start(struct ampfw_rpmsg *fw, const struct ampfw_board *b,
		      void *table, size_t size, uint32_t timeout_us)
{
	struct amp_rpmsg_remote_cfg cfg;
	/* without it the vrings get cache maintenance (the board's ops) */
	bool coherent = b->flags & AMPFW_BOARD_F_COHERENT;
	int n;

	memset(fw, 0, sizeof(*fw));
	fw->board = b;
	n = fw_regions(fw, table, size);
	if (n <= 0)
		return n ? n : -ENOENT;
	fw->ops.notify = fw_notify;
	fw->ops.wait_prepare = fw_wait_prepare;
	fw->ops.wait = fw_wait;
	fw->port = (struct amp_ipc_port){
		.ops = &fw->ops,
		.priv = (void *)(uintptr_t)b,
		.regions = fw->regions,
		.nregions = (unsigned int)n,
		.flags = coherent ? AMP_IPC_F_COHERENT : 0,
	};
	memset(&cfg, 0, sizeof(cfg));
	cfg.port = &fw->port;
	cfg.slots[0] = fw->slots[0];
	cfg.slots[1] = fw->slots[1];
	cfg.nslots[0] = AMPFW_MAX_VRING_NUM;
	cfg.nslots[1] = AMPFW_MAX_VRING_NUM;
	return amp_rpmsg_remote_init_rsc(&fw->rdev, &cfg, table, size,
					 timeout_us);
}
