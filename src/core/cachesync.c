/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cache maintenance at each hand-over, as Linux does on arm64 since 5.19:
 * the range is cleaned (whole lines) when it goes to the device, whatever
 * the direction, so that no dirty CPU line can later be evicted over the
 * device's data and a buffer the CPU zeroed keeps its zeros; it is
 * invalidated when a device-written range comes back, dropping lines the
 * CPU fetched (speculatively) meanwhile.
 */
#include <ampshm/cache.h>

#include "core/shm_internal.h"

/* The bytes the device works on: the buffer, or its bounce copy. */
static char *device_bytes(const struct amp_sync *s)
{
	char *base = s->a->bounced ? (char *)s->a->bounce.va :
				     (char *)s->shm->va;

	return base + s->off;
}

static bool needs_maintenance(const struct amp_sync *s)
{
	/* A bounce buffer is ordinary cached memory. */
	return s->a->bounced || !(s->shm->flags & AMP_SHM_F_UNCACHED);
}

static int cache_to_device(const struct amp_sync *s, void *priv)
{
	uintptr_t line = amp_cache_line_size();
	uintptr_t a, b;

	if (!needs_maintenance(s))
		return 0;
	a = (uintptr_t)device_bytes(s) & ~(line - 1);
	b = ((uintptr_t)device_bytes(s) + s->len + line - 1) & ~(line - 1);
	amp_cache_clean((void *)a, b - a);
	return 0;
}

static int cache_to_cpu(const struct amp_sync *s, void *priv)
{
	if ((s->dir & AMP_DIR_FROM_DEVICE) && needs_maintenance(s))
		amp_cache_invalidate_range(device_bytes(s), s->len);
	return 0;
}

const struct amp_own_listener amp_cache_listener = {
	.name = "cache",
	.to_device = cache_to_device,
	.to_cpu = cache_to_cpu,
};
