/* SPDX-License-Identifier: BSD-3-Clause */
/* Simulated devices for test_metal_proposal.c, with ampshm's API. */
#include <errno.h>
#include <string.h>

#include <ampshm/device.h>
#include <ampshm/metal-compat/metal/device.h>

#include "sim_device.h"

#define SIM_MAX 4

static struct {
	struct amp_dev *dev;
	struct metal_device *mdev;
} sims[SIM_MAX];

static int sim_find(const char *name)
{
	for (int i = 0; i < SIM_MAX; i++)
		if (sims[i].dev && !strcmp(amp_dev_name(sims[i].dev), name))
			return i;
	return -1;
}

int sim_device_create(const char *name)
{
	struct amp_dev_config cfg = { .name = name,
				      .iommu = true,
				      .bounce = AMP_BOUNCE_ALWAYS };
	int i, ret;

	for (i = 0; i < SIM_MAX && sims[i].dev; i++)
		;
	if (i == SIM_MAX)
		return -ENOSPC;
	ret = amp_dev_create(&cfg, &sims[i].dev);
	if (ret)
		return ret;
	ret = amp_metal_device_create(sims[i].dev, &sims[i].mdev);
	if (ret) {
		amp_dev_destroy(sims[i].dev);
		sims[i].dev = NULL;
	}
	return ret;
}

int sim_device_destroy(const char *name)
{
	int i = sim_find(name), ret;

	if (i < 0)
		return -ENODEV;
	ret = amp_metal_device_destroy(sims[i].mdev);
	if (ret)
		return ret;
	ret = amp_dev_destroy(sims[i].dev);
	sims[i].dev = NULL;
	return ret;
}

int sim_device_read(const char *name, uint64_t da, void *buf, size_t len)
{
	int i = sim_find(name);

	return i < 0 ? -ENODEV : amp_dev_read(sims[i].dev, da, buf, len);
}

int sim_device_write(const char *name, uint64_t da, const void *buf, size_t len)
{
	int i = sim_find(name);

	return i < 0 ? -ENODEV : amp_dev_write(sims[i].dev, da, buf, len);
}
