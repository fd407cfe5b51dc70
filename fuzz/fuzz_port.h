/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the RPMsg fuzz targets share: one shared region both roles see (the
 * fuzzer writes into it as the hostile peer), a coherent port over it that
 * never blocks, and the ring geometry.
 */
#ifndef AMP_FUZZ_PORT_H
#define AMP_FUZZ_PORT_H

#include <ampshm/ipc_port.h>
#include <ampshm/rsc_table.h>

#include <string.h>

#include <stdint.h>

#define NUM 16u
#define ALIGN 256u
#define BUFSZ 128u
#define REGION 16384u
#define PA_BASE 0x900000000ull
#define DA_BASE 0x10000000u

static _Alignas(4096) uint8_t region[REGION];

static int nop_notify(void *priv, uint32_t id)
{
	(void)priv;
	(void)id;
	return 0;
}

static const struct amp_ipc_port_ops ops = { .notify = nop_notify };
static const struct amp_ipc_region reg = { .va = region,
					   .pa = PA_BASE,
					   .da = DA_BASE,
					   .size = REGION };
static const struct amp_ipc_port port = {
	.ops = &ops,
	.regions = &reg,
	.nregions = 1,
	.flags = AMP_IPC_F_COHERENT,
};

/*
 * A fresh region: a resource table at 0 with one RPMsg VDEV entry at 20,
 * both vrings "any". Returns the entry.
 */
static struct amp_rsc_vdev *write_table(void)
{
	struct amp_rsc_table *t = (struct amp_rsc_table *)region;
	struct amp_rsc_vdev *v;

	memset(region, 0, sizeof(region));
	t->ver = 1;
	t->num = 1;
	t->offset[0] = 20;
	v = (struct amp_rsc_vdev *)(region + 20);
	v->type = AMP_RSC_VDEV;
	v->id = AMP_VIRTIO_ID_RPMSG;
	v->dfeatures = 1;
	v->num_of_vrings = 2;
	for (int i = 0; i < 2; i++)
		v->vring[i] = (struct amp_rsc_vring){ AMP_RSC_ADDR_ANY, ALIGN,
						      NUM, (uint32_t)i, 0 };
	return v;
}

#endif
