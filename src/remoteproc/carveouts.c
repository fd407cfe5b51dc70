/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The coprocessor's memory, from its resource table: carveouts placed in
 * memory ampshm manages (fixed pa) or allocated from system memory (pa
 * "any"), DEVMEM mapped as given, and a vdev area for vrings whose device
 * address is "any". Only remoteproc knows these device addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "remoteproc/rproc_internal.h"

#define PAGE 4096ull

static int add_area(struct amp_rproc *rp, const struct amp_rproc_area *a)
{
	if (rp->narea == AMP_RPROC_MAX_AREAS)
		return amp_err(-ENOSPC, "rproc '%s': more than %d memory areas",
			       rp->name, AMP_RPROC_MAX_AREAS);
	rp->area[rp->narea++] = *a;
	return 0;
}

/* Is [pa, pa+len) memory ampshm manages, in one region? */
static bool is_memory(amp_pa_t pa, uint64_t len)
{
	struct amp_phys_region r;

	return !amp_phys_lookup(pa, &r) && r.map && pa - r.pa < r.size &&
	       len <= r.size - (pa - r.pa);
}

static int place_carveout(struct amp_rproc *rp, size_t i,
			  const struct amp_rproc_rsc_entry *e)
{
	const struct amp_rproc_rsc_mem *m = &e->u.mem;
	struct amp_rproc_area a = { .entry = (int)i };
	uint64_t len = amp_align_up(m->len, PAGE);
	/* A 32-bit entry can only take 32-bit addresses back. */
	bool low = e->kind == AMP_RPROC_RSC_CARVEOUT || rp->dma_bits <= 32;
	int ret;

	snprintf(a.name, sizeof(a.name), "%s", m->name);
	if (!len)
		return amp_err(-EINVAL, "rproc '%s': carveout '%s' is empty",
			       rp->name, m->name);
	a.len = len;
	if (m->pa == AMP_ADDR_ANY) {
		ret = amp_sysmem_alloc_contig(len, 0, low ? AMP_SYSMEM_LOW : 0,
					      &a.pa);
		if (ret)
			return amp_err(ret,
				       "rproc '%s': no 0x%llx bytes of system "
				       "memory for carveout '%s'",
				       rp->name, (unsigned long long)len,
				       m->name);
		a.allocated = true;
	} else if (!is_memory(m->pa, len)) {
		return amp_err(
			-EINVAL,
			"rproc '%s': carveout '%s' at pa 0x%llx is not "
			"memory ampshm manages: register a static region "
			"there (amp_static_region_add())",
			rp->name, m->name, (unsigned long long)m->pa);
	} else {
		a.pa = m->pa;
	}
	a.da = m->da == AMP_ADDR_ANY ? a.pa : m->da;
	ret = add_area(rp, &a);
	if (ret && a.allocated)
		amp_sysmem_free_range(a.pa, a.len);
	return ret;
}

/* Does a VDEV leave a vring's device address to the host? */
static bool wants_vdev_area(const struct amp_rproc_rsc *rsc)
{
	for (size_t i = 0; i < amp_rproc_rsc_count(rsc); i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(rsc, i);

		for (unsigned v = 0; e->kind == AMP_RPROC_RSC_VDEV &&
				     v < e->u.vdev.num_of_vrings;
		     v++)
			if (amp_rproc_rsc_vring(rsc, i, v)->da == AMP_ADDR_ANY)
				return true;
	}
	return false;
}

int amp_rproc__plan(struct amp_rproc *rp, const struct amp_rproc_rsc *rsc)
{
	size_t n = amp_rproc_rsc_count(rsc);
	struct amp_rproc_area v = { .entry = -1, .name = "vdev" };
	int ret = 0;

	rp->narea = 0;
	rp->vdev_area = -1;
	for (size_t i = 0; i < n && !ret; i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(rsc, i);

		switch (e->kind) {
		case AMP_RPROC_RSC_CARVEOUT:
		case AMP_RPROC_RSC_CARVEOUT64:
			ret = place_carveout(rp, i, e);
			break;
		case AMP_RPROC_RSC_DEVMEM: {
			struct amp_rproc_area d = { .entry = (int)i,
						    .devmem = true };

			if (e->u.mem.pa == AMP_ADDR_ANY ||
			    e->u.mem.da == AMP_ADDR_ANY)
				ret = amp_err(-EINVAL,
					      "rproc '%s': devmem '%s' needs "
					      "a fixed da and pa",
					      rp->name, e->u.mem.name);
			d.da = e->u.mem.da;
			d.pa = e->u.mem.pa;
			d.len = amp_align_up(e->u.mem.len, PAGE);
			snprintf(d.name, sizeof(d.name), "%s", e->u.mem.name);
			if (!ret)
				ret = add_area(rp, &d);
			break;
		}
		default:
			break;
		}
	}
	if (ret) {
		amp_rproc__free_areas(rp);
		return ret;
	}
	/*
	 * Vrings with da "any" go in system memory of the host's choice. None
	 * there: no such area (the core reaches only what its table named).
	 */
	if (!wants_vdev_area(rsc))
		return 0;
	v.len = amp_align_up(rp->vdev_mem, PAGE);
	ret = amp_sysmem_alloc_contig(v.len, 0, AMP_SYSMEM_LOW, &v.pa);
	if (ret) {
		amp_rproc__free_areas(rp);
		return amp_err(ret,
			       "rproc '%s': no 0x%llx bytes for the vdev "
			       "area",
			       rp->name, (unsigned long long)v.len);
	}
	v.da = v.pa;
	v.allocated = true;
	rp->vdev_area = (int)rp->narea;
	ret = add_area(rp, &v);
	if (ret) {
		amp_sysmem_free_range(v.pa, v.len);
		rp->vdev_area = -1;
		amp_rproc__free_areas(rp);
	}
	return ret;
}

void amp_rproc__free_areas(struct amp_rproc *rp)
{
	for (size_t i = 0; i < rp->narea; i++)
		if (rp->area[i].allocated)
			amp_sysmem_free_range(rp->area[i].pa, rp->area[i].len);
	rp->narea = 0;
	rp->vdev_area = -1;
}

int amp_rproc__fix_table(struct amp_rproc *rp)
{
	struct amp_rproc_rsc *rsc;
	uint64_t next;
	int ret;

	if (!rp->table)
		return 0;
	/* The loaded table is memory the coprocessor sees: parse it anew. */
	ret = amp_rproc_rsc_parse(rp->table, rp->table_size, &rsc);
	if (ret)
		return ret;
	for (size_t a = 0; a < rp->narea && !ret; a++) {
		const struct amp_rproc_area *ar = &rp->area[a];
		const struct amp_rproc_rsc_entry *e;

		if (ar->entry < 0 || ar->devmem)
			continue;
		e = amp_rproc_rsc_entry(rsc, (size_t)ar->entry);
		if (!e || (e->kind != AMP_RPROC_RSC_CARVEOUT &&
			   e->kind != AMP_RPROC_RSC_CARVEOUT64)) {
			ret = amp_err(
				-EINVAL,
				"rproc '%s': entry %d of the loaded table "
				"is no longer the carveout planned",
				rp->name, ar->entry);
			break;
		}
		if (e->u.mem.da == ar->da && e->u.mem.pa == ar->pa)
			continue;
		ret = amp_rproc_rsc_set_carveout(rsc, (size_t)ar->entry, ar->da,
						 ar->pa, rp->table,
						 rp->table_size);
	}
	next = rp->vdev_area >= 0 ? rp->area[rp->vdev_area].da : 0;
	for (size_t i = 0; i < amp_rproc_rsc_count(rsc) && !ret; i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(rsc, i);

		if (e->kind != AMP_RPROC_RSC_VDEV)
			continue;
		for (unsigned v = 0; v < e->u.vdev.num_of_vrings && !ret; v++) {
			const struct amp_rproc_rsc_vring *vr =
				amp_rproc_rsc_vring(rsc, i, v);
			const struct amp_rproc_area *va;

			if (vr->da != AMP_ADDR_ANY)
				continue;
			if (rp->vdev_area < 0) { /* the loaded table differs */
				ret = amp_err(
					-EINVAL,
					"rproc '%s': the loaded table has "
					"a vring at da \"any\" the plan "
					"had not",
					rp->name);
				break;
			}
			va = &rp->area[rp->vdev_area];
			next = amp_align_up(next, vr->align > PAGE ? vr->align :
								     PAGE);
			if (next + vr->size > va->da + va->len) {
				ret = amp_err(-ENOSPC,
					      "rproc '%s': the vdev area "
					      "(0x%llx bytes) is too small for "
					      "the vrings",
					      rp->name,
					      (unsigned long long)va->len);
				break;
			}
			ret = amp_rproc_rsc_set_vring(rsc, i, v, next,
						      vr->notifyid, rp->table,
						      rp->table_size);
			next += vr->size;
		}
	}
	amp_rproc_rsc_free(rsc);
	return ret;
}
