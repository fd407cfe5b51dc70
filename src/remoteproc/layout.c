/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layout checks a remoteproc core runs before loading: carveouts against
 * each other and the device's memory limit, and vrings, trace buffers,
 * segments and the resource table against the memory the remote has.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "remoteproc/rproc.h"

#define NOT_INSIDE "is not inside a carveout, a DEVMEM entry or declared memory"

static bool is_mem(const struct amp_rproc_rsc_entry *e)
{
	return e->kind == AMP_RPROC_RSC_CARVEOUT ||
	       e->kind == AMP_RPROC_RSC_DEVMEM ||
	       e->kind == AMP_RPROC_RSC_CARVEOUT64;
}

/* Does [start, start + len) lie inside one region the remote has? */
static bool inside(const struct amp_rproc_rsc *rsc,
		   const struct amp_rproc_layout *lay, uint64_t start,
		   uint64_t len)
{
	uint64_t end;
	size_t i;

	if (!amp_add_ok(start, len, &end))
		return false;
	for (i = 0; rsc && i < rsc->num; i++) {
		const struct amp_rproc_rsc_entry *e = &rsc->ent[i];

		if (!is_mem(e) || e->u.mem.da == AMP_ADDR_ANY)
			continue;
		/* parse checked that da + len does not wrap */
		if (start >= e->u.mem.da && end <= e->u.mem.da + e->u.mem.len)
			return true;
	}
	for (i = 0; lay && i < lay->nmem; i++) {
		uint64_t mend;

		if (!amp_add_ok(lay->mem[i].addr, lay->mem[i].len, &mend))
			mend = UINT64_MAX;
		if (start >= lay->mem[i].addr && end <= mend)
			return true;
	}
	return false;
}

struct mspan {
	uint64_t start, end;
	size_t idx;
};

static int cmp_mspan(const void *a, const void *b)
{
	const struct mspan *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* Memory entries with a fixed address must not overlap (pa: @use_pa). */
static int check_mem_overlaps(const struct amp_rproc_rsc *rsc, bool use_pa)
{
	const char *what = use_pa ? "pa" : "da";
	struct mspan *s, *far = NULL;
	size_t i, n = 0;
	int ret = 0;

	s = calloc(rsc->num ? rsc->num : 1, sizeof(*s));
	if (!s)
		return amp_err(-ENOMEM,
			       "rproc: no memory for the overlap check");
	for (i = 0; i < rsc->num; i++) {
		const struct amp_rproc_rsc_entry *e = &rsc->ent[i];
		uint64_t a;

		if (!is_mem(e))
			continue;
		a = use_pa ? e->u.mem.pa : e->u.mem.da;
		if (a == AMP_ADDR_ANY)
			continue;
		s[n].start = a;
		s[n].end = a + e->u.mem.len;
		s[n++].idx = i;
	}
	qsort(s, n, sizeof(*s), cmp_mspan);
	for (i = 0; i < n; i++) {
		if (far && s[i].start < far->end) {
			const struct mspan *a = s[i].idx > far->idx ? &s[i] :
								      far;
			const struct mspan *b = a == far ? &s[i] : far;
			const struct amp_rproc_rsc_entry *ea =
				&rsc->ent[a->idx];
			const struct amp_rproc_rsc_entry *eb =
				&rsc->ent[b->idx];

			ret = amp_err(
				-EINVAL,
				"entry %zu (%s '%s') %s [0x%" PRIx64
				",0x%" PRIx64
				") overlaps entry %zu (%s '%s') %s [0x%" PRIx64
				",0x%" PRIx64 ")",
				a->idx, amp_rproc_rsc_kind_name(ea->kind),
				ea->u.mem.name, what, a->start, a->end, b->idx,
				amp_rproc_rsc_kind_name(eb->kind),
				eb->u.mem.name, what, b->start, b->end);
			break;
		}
		if (!far || s[i].end > far->end)
			far = &s[i];
	}
	free(s);
	return ret;
}

static int check_mem_entries(const struct amp_rproc_rsc *rsc,
			     const struct amp_rproc_layout *lay)
{
	uint64_t limit = lay ? lay->mem_limit : 0;
	size_t i;
	int ret;

	for (i = 0; i < rsc->num; i++) {
		const struct amp_rproc_rsc_entry *e = &rsc->ent[i];
		const struct amp_rproc_rsc_mem *m = &e->u.mem;
		const char *kind = amp_rproc_rsc_kind_name(e->kind);

		if (!is_mem(e))
			continue;
		if (!m->len)
			return amp_err(-EINVAL, "entry %zu (%s '%s'): length 0",
				       i, kind, m->name);
		if (!limit)
			continue;
		if (m->da != AMP_ADDR_ANY && m->da + m->len > limit)
			return amp_err(
				-ERANGE,
				"entry %zu (%s '%s') da [0x%" PRIx64
				",0x%" PRIx64
				") is outside the memory limit 0x%" PRIx64,
				i, kind, m->name, m->da, m->da + m->len, limit);
		if (m->pa != AMP_ADDR_ANY && m->pa + m->len > limit)
			return amp_err(
				-ERANGE,
				"entry %zu (%s '%s') pa [0x%" PRIx64
				",0x%" PRIx64
				") is outside the memory limit 0x%" PRIx64,
				i, kind, m->name, m->pa, m->pa + m->len, limit);
	}
	ret = check_mem_overlaps(rsc, false);
	if (ret)
		return ret;
	return check_mem_overlaps(rsc, true);
}

static int check_rsc_users(const struct amp_rproc_rsc *rsc,
			   const struct amp_rproc_layout *lay)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < rsc->num; i++) {
		const struct amp_rproc_rsc_entry *e = &rsc->ent[i];

		if (e->kind == AMP_RPROC_RSC_TRACE) {
			const struct amp_rproc_rsc_trace *t = &e->u.trace;

			if (!inside(rsc, lay, t->da, t->len))
				return amp_err(
					-EINVAL,
					"entry %zu (trace '%s') [0x%" PRIx64
					",0x%" PRIx64 ") " NOT_INSIDE,
					i, t->name, t->da, t->da + t->len);
		}
		if (e->kind != AMP_RPROC_RSC_VDEV)
			continue;
		for (v = 0; v < e->u.vdev.num_of_vrings; v++) {
			const struct amp_rproc_rsc_vring *r =
				amp_rproc_rsc_vring(rsc, i, v);

			if (r->da == AMP_ADDR_ANY)
				continue;
			if (!inside(rsc, lay, r->da, r->size))
				return amp_err(
					-EINVAL,
					"entry %zu (vdev) vring %u [0x%" PRIx64
					",0x%" PRIx64 ") (num %" PRIu32
					", align %" PRIu32 ") " NOT_INSIDE,
					i, v, r->da, r->da + r->size, r->num,
					r->align);
		}
	}
	return 0;
}

static int check_image(const struct amp_rproc_image *img,
		       const struct amp_rproc_rsc *rsc,
		       const struct amp_rproc_layout *lay)
{
	const struct amp_rproc_section *t;
	size_t i;

	for (i = 0; i < img->info.nsegments; i++) {
		const struct amp_rproc_segment *s = &img->seg[i];

		if (s->type != AMP_RPROC_PT_LOAD || !s->memsz)
			continue;
		if (!inside(rsc, lay, s->paddr, s->memsz))
			return amp_err(-EINVAL,
				       "segment %zu [0x%" PRIx64 ",0x%" PRIx64
				       ") " NOT_INSIDE,
				       i, s->paddr, s->paddr + s->memsz);
	}
	t = amp_rproc_image_find_section(img, AMP_RPROC_RSC_SECTION);
	if (!t)
		return 0;
	for (i = 0; i < img->info.nsegments; i++) {
		const struct amp_rproc_segment *s = &img->seg[i];
		uint64_t end;

		if (s->type != AMP_RPROC_PT_LOAD)
			continue;
		if (amp_add_ok(t->addr, t->size, &end) && t->addr >= s->paddr &&
		    end <= s->paddr + s->filesz)
			return 0;
	}
	return amp_err(
		-EINVAL,
		"the " AMP_RPROC_RSC_SECTION " section [0x%" PRIx64
		",+0x%" PRIx64
		") is not inside the file part of a PT_LOAD segment: the loaded copy would not hold it",
		t->addr, t->size);
}

int amp_rproc_check_layout(const struct amp_rproc_image *img,
			   const struct amp_rproc_rsc *rsc,
			   const struct amp_rproc_layout *lay)
{
	int ret;

	if (lay && lay->nmem && !lay->mem)
		return amp_err(-EINVAL, "rproc: layout with nmem but no mem");
	if (rsc) {
		ret = check_mem_entries(rsc, lay);
		if (ret)
			return ret;
		ret = check_rsc_users(rsc, lay);
		if (ret)
			return ret;
	}
	if (img)
		return check_image(img, rsc, lay);
	return 0;
}
