/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds-checked address translation over a port's regions, and the
 * default barrier. Freestanding.
 */
#include <ampshm/cache.h>
#include <ampshm/ipc_port.h>

#include <stdatomic.h>
#include <stdbool.h>

#include "virtio/compat.h"

/*
 * Pointer to [addr, addr+len) in the region that holds it, by pa or da.
 * A length of 0 counts as 1 (off < size). An address below a region's
 * base gives an offset past its size: regions (the port's own, trusted
 * configuration) never wrap around the address space.
 */
static AMP_NOINLINE void *lookup(const struct amp_ipc_port *port, uint64_t addr,
				 uint64_t len, bool by_da)
{
	const struct amp_ipc_region *r, *end;

	if (!port)
		return NULL;
	for (r = port->regions, end = r + port->nregions; r != end; r++) {
		uint64_t off = addr - (by_da ? r->da : r->pa);

		if (off < r->size && len <= r->size - off)
			return (char *)r->va + off;
	}
	return NULL;
}

void *amp_ipc_pa_to_va(const struct amp_ipc_port *port, amp_pa_t pa,
		       uint64_t len)
{
	return lookup(port, pa, len, false);
}

void *amp_ipc_da_to_va(const struct amp_ipc_port *port, amp_da_t da,
		       uint64_t len)
{
	return lookup(port, da, len, true);
}

static const struct amp_ipc_region *find_va(const struct amp_ipc_port *port,
					    const void *va, size_t len,
					    size_t *off)
{
	uintptr_t p = (uintptr_t)va;
	unsigned int i;

	if (!port)
		return NULL;
	if (!len)
		len = 1;
	for (i = 0; i < port->nregions; i++) {
		const struct amp_ipc_region *r = &port->regions[i];
		uintptr_t base = (uintptr_t)r->va;

		if (p < base || p - base >= r->size ||
		    len > r->size - (p - base))
			continue;
		*off = p - base;
		return r;
	}
	return NULL;
}

int amp_ipc_va_to_pa(const struct amp_ipc_port *port, const void *va,
		     size_t len, amp_pa_t *pa)
{
	const struct amp_ipc_region *r;
	size_t off;

	r = find_va(port, va, len, &off);
	if (!r)
		return -EFAULT;
	*pa = r->pa + off;
	return 0;
}

int amp_ipc_va_to_da(const struct amp_ipc_port *port, const void *va,
		     size_t len, amp_da_t *da)
{
	const struct amp_ipc_region *r;
	size_t off;

	r = find_va(port, va, len, &off);
	if (!r)
		return -EFAULT;
	*da = r->da + off;
	return 0;
}

/*
 * Invalidation is a flush (clean + invalidate): the layers invalidate
 * either fields shorter than a cache line, whose lines
 * amp_cache_invalidate_range() would flush anyway to spare their
 * neighbours, or memory this side never writes, where the clean finds no
 * dirty line. Same effect, and a firmware links one cache operation less.
 */
AMP_NOINLINE void amp_ipc__inval(const struct amp_ipc_port *port, const void *p,
				 size_t len)
{
	if (!(port->flags & AMP_IPC_F_COHERENT))
		amp_cache_flush((void *)(uintptr_t)p, len);
}

AMP_NOINLINE void amp_ipc__clean(const struct amp_ipc_port *port, void *p,
				 size_t len)
{
	if (!(port->flags & AMP_IPC_F_COHERENT))
		amp_cache_clean(p, len);
}

void amp_ipc_mb(const struct amp_ipc_port *port)
{
	if (port && port->ops && port->ops->mb)
		port->ops->mb(port->priv);
	else
		atomic_thread_fence(memory_order_seq_cst);
}
