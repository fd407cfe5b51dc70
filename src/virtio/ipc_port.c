/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds-checked address translation over a port's regions, and the
 * default barrier. Freestanding.
 */
#include <ampshm/ipc_port.h>

#include <stdatomic.h>
#include <stdbool.h>

#include "virtio/compat.h"

/* Pointer to [addr, addr+len) in the region that holds it, by pa or da. */
static void *lookup(const struct amp_ipc_port *port, uint64_t addr,
		    uint64_t len, bool by_da)
{
	unsigned int i;

	if (!port)
		return NULL;
	if (!len)
		len = 1;
	for (i = 0; i < port->nregions; i++) {
		const struct amp_ipc_region *r = &port->regions[i];
		uint64_t base = by_da ? r->da : r->pa;
		uint64_t off;

		if (addr < base)
			continue;
		off = addr - base;
		if (off >= r->size || len > r->size - off)
			continue;
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

void amp_ipc_mb(const struct amp_ipc_port *port)
{
	if (port && port->ops && port->ops->mb)
		port->ops->mb(port->priv);
	else
		atomic_thread_fence(memory_order_seq_cst);
}
