/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resource table parser: a validated, widened local copy of an untrusted
 * table (Linux/OpenAMP layout plus ampshm's 64-bit carveout vendor entry),
 * and the setters that write chosen addresses back into the loaded table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/virtio_ring.h>

#include "core/error.h"
#include "remoteproc/rproc.h"

#define HDR_SIZE 16u
#define CO_SIZE 56u
#define TRACE_SIZE 48u
#define VDEV_SIZE 28u
#define VRING_SIZE 20u
#define VENDOR_HDR 8u
#define CO64_SIZE ((uint32_t)sizeof(struct amp_rsc_carveout64))
#define VRING_NUM_MAX 32768u

const char *amp_rproc_rsc_kind_name(enum amp_rproc_rsc_kind kind)
{
	switch (kind) {
	case AMP_RPROC_RSC_CARVEOUT:
		return "carveout";
	case AMP_RPROC_RSC_DEVMEM:
		return "devmem";
	case AMP_RPROC_RSC_TRACE:
		return "trace";
	case AMP_RPROC_RSC_VDEV:
		return "vdev";
	case AMP_RPROC_RSC_CARVEOUT64:
		return "carveout64";
	case AMP_RPROC_RSC_VENDOR:
		return "vendor";
	default:
		return "unknown";
	}
}

static uint64_t any32(uint32_t v)
{
	return v == AMP_RSC_ADDR_ANY ? AMP_ADDR_ANY : v;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Copy a fixed-size name field that must hold a NUL. */
static int copy_name(char dst[33], const uint8_t *src, size_t i,
		     const char *kind)
{
	if (!memchr(src, 0, 32))
		return amp_err(
			-EINVAL,
			"entry %zu (%s): name is not NUL-terminated in its 32 bytes",
			i, kind);
	memcpy(dst, src, 32);
	dst[32] = 0;
	return 0;
}

/* The entry of @need bytes at @off must end inside the table. */
static int need_bytes(size_t size, size_t i, const char *kind, uint32_t off,
		      uint64_t need, const char *what)
{
	if ((uint64_t)off + need > size)
		return amp_err(-EINVAL,
			       "entry %zu (%s): offset 0x%" PRIx32
			       " + %s 0x%" PRIx64 " ends at 0x%" PRIx64
			       ", beyond the table (0x%zx bytes)",
			       i, kind, off, what, need, (uint64_t)off + need,
			       size);
	return 0;
}

static int parse_mem32(const uint8_t *e, size_t i,
		       struct amp_rproc_rsc_entry *ent)
{
	struct amp_rproc_rsc_mem *m = &ent->u.mem;
	const char *kind = amp_rproc_rsc_kind_name(ent->kind);
	uint32_t da = amp_rd32(e + 4), pa = amp_rd32(e + 8);
	uint32_t len = amp_rd32(e + 12);
	int ret;

	ret = copy_name(m->name, e + 24, i, kind);
	if (ret)
		return ret;
	m->da = any32(da);
	m->pa = any32(pa);
	m->len = len;
	m->flags = amp_rd32(e + 16);
	m->reserved = amp_rd32(e + 20);
	if (m->da != AMP_ADDR_ANY && (uint64_t)da + len > 1ull << 32)
		return amp_err(-EINVAL,
			       "entry %zu (%s '%s'): da 0x%" PRIx32
			       " + len 0x%" PRIx32
			       " beyond 4 GiB (use a carveout64 entry)",
			       i, kind, m->name, da, len);
	if (m->pa != AMP_ADDR_ANY && (uint64_t)pa + len > 1ull << 32)
		return amp_err(-EINVAL,
			       "entry %zu (%s '%s'): pa 0x%" PRIx32
			       " + len 0x%" PRIx32
			       " beyond 4 GiB (use a carveout64 entry)",
			       i, kind, m->name, pa, len);
	return 0;
}

static int parse_mem64(const uint8_t *e, size_t i,
		       struct amp_rproc_rsc_entry *ent)
{
	struct amp_rproc_rsc_mem *m = &ent->u.mem;
	uint64_t end;
	int ret;

	ret = copy_name(m->name, e + 40, i, "carveout64");
	if (ret)
		return ret;
	m->da = amp_rd64(e + 8);
	m->pa = amp_rd64(e + 16);
	m->len = amp_rd64(e + 24);
	m->flags = amp_rd32(e + 32);
	m->reserved = amp_rd32(e + 36);
	if (m->da != AMP_ADDR_ANY && !amp_add_ok(m->da, m->len, &end))
		return amp_err(-EINVAL,
			       "entry %zu (carveout64 '%s'): da 0x%" PRIx64
			       " + size 0x%" PRIx64 " overflows",
			       i, m->name, m->da, m->len);
	if (m->pa != AMP_ADDR_ANY && !amp_add_ok(m->pa, m->len, &end))
		return amp_err(-EINVAL,
			       "entry %zu (carveout64 '%s'): pa 0x%" PRIx64
			       " + size 0x%" PRIx64 " overflows",
			       i, m->name, m->pa, m->len);
	return 0;
}

static int parse_vdev(struct amp_rproc_rsc *rsc, const uint8_t *t, size_t size,
		      size_t i, size_t *nvring)
{
	struct amp_rproc_rsc_entry *ent = &rsc->ent[i];
	struct amp_rproc_rsc_vdev *v = &ent->u.vdev;
	const uint8_t *e = t + ent->offset;
	uint64_t total;
	unsigned int k;

	v->id = amp_rd32(e + 4);
	v->notifyid = amp_rd32(e + 8);
	v->dfeatures = amp_rd32(e + 12);
	v->gfeatures = amp_rd32(e + 16);
	v->config_len = amp_rd32(e + 20);
	v->status = e[24];
	v->num_of_vrings = e[25];
	total = VDEV_SIZE + (uint64_t)v->num_of_vrings * VRING_SIZE +
		v->config_len;
	if ((uint64_t)ent->offset + total > size)
		return amp_err(
			-EINVAL,
			"entry %zu (vdev): %u vrings + config_len 0x%" PRIx32
			" end at 0x%" PRIx64 ", beyond the table (0x%zx bytes)",
			i, v->num_of_vrings, v->config_len,
			(uint64_t)ent->offset + total, size);
	ent->size = (uint32_t)total;
	v->config_offset = ent->offset + VDEV_SIZE +
			   (uint32_t)v->num_of_vrings * VRING_SIZE;
	rsc->vring_first[i] = *nvring;
	for (k = 0; k < v->num_of_vrings; k++) {
		const uint8_t *r = e + VDEV_SIZE + k * VRING_SIZE;
		struct amp_rproc_rsc_vring tmp, *vr = &tmp;
		uint32_t da = amp_rd32(r);

		vr->da = any32(da);
		vr->align = amp_rd32(r + 4);
		vr->num = amp_rd32(r + 8);
		vr->notifyid = amp_rd32(r + 12);
		vr->reserved = amp_rd32(r + 16);
		if (!is_pow2(vr->num) || vr->num > VRING_NUM_MAX)
			return amp_err(-EINVAL,
				       "entry %zu (vdev) vring %u: num %" PRIu32
				       " is not a power of two in 1..32768",
				       i, k, vr->num);
		if (!is_pow2(vr->align))
			return amp_err(
				-EINVAL,
				"entry %zu (vdev) vring %u: align %" PRIu32
				" is not a power of two",
				i, k, vr->align);
		vr->size = amp_vring_size(vr->num, vr->align);
		if (vr->da != AMP_ADDR_ANY && da + vr->size > 1ull << 32)
			return amp_err(
				-EINVAL,
				"entry %zu (vdev) vring %u: da 0x%" PRIx32
				" + vring size 0x%" PRIx64 " beyond 4 GiB",
				i, k, da, vr->size);
		/*
		 * Entries that do not overlap hold at most size / 20 vrings;
		 * more means overlapping entries, refused after this pass.
		 */
		if (*nvring + k < rsc->vring_cap)
			rsc->vring[*nvring + k] = tmp;
	}
	*nvring += v->num_of_vrings;
	return 0;
}

static int parse_entry(struct amp_rproc_rsc *rsc, const uint8_t *t, size_t size,
		       size_t i, size_t *nvring)
{
	struct amp_rproc_rsc_entry *ent = &rsc->ent[i];
	const uint8_t *e = t + ent->offset;
	uint32_t off = ent->offset, len;
	int ret;

	ent->type = amp_rd32(e);
	switch (ent->type) {
	case AMP_RSC_CARVEOUT:
	case AMP_RSC_DEVMEM:
		ent->kind = ent->type == AMP_RSC_CARVEOUT ?
				    AMP_RPROC_RSC_CARVEOUT :
				    AMP_RPROC_RSC_DEVMEM;
		ret = need_bytes(size, i, amp_rproc_rsc_kind_name(ent->kind),
				 off, CO_SIZE, "entry size");
		if (ret)
			return ret;
		ent->size = CO_SIZE;
		return parse_mem32(e, i, ent);
	case AMP_RSC_TRACE:
		ent->kind = AMP_RPROC_RSC_TRACE;
		ret = need_bytes(size, i, "trace", off, TRACE_SIZE,
				 "entry size");
		if (ret)
			return ret;
		ent->size = TRACE_SIZE;
		ent->u.trace.da = amp_rd32(e + 4);
		ent->u.trace.len = amp_rd32(e + 8);
		ret = copy_name(ent->u.trace.name, e + 16, i, "trace");
		if (ret)
			return ret;
		if (ent->u.trace.da + ent->u.trace.len > 1ull << 32)
			return amp_err(-EINVAL,
				       "entry %zu (trace '%s'): da 0x%" PRIx64
				       " + len 0x%" PRIx64 " beyond 4 GiB",
				       i, ent->u.trace.name, ent->u.trace.da,
				       ent->u.trace.len);
		return 0;
	case AMP_RSC_VDEV:
		ent->kind = AMP_RPROC_RSC_VDEV;
		ret = need_bytes(size, i, "vdev", off, VDEV_SIZE, "entry size");
		if (ret)
			return ret;
		return parse_vdev(rsc, t, size, i, nvring);
	default:
		break;
	}
	if (ent->type < AMP_RSC_VENDOR_START ||
	    ent->type >= AMP_RSC_VENDOR_END) {
		/* Linux warns and skips: only the type word is known. */
		ent->kind = AMP_RPROC_RSC_UNKNOWN;
		ent->size = 4;
		return 0;
	}
	ent->kind = ent->type == AMP_RSC_VENDOR_CARVEOUT64 ?
			    AMP_RPROC_RSC_CARVEOUT64 :
			    AMP_RPROC_RSC_VENDOR;
	ret = need_bytes(size, i, amp_rproc_rsc_kind_name(ent->kind), off,
			 VENDOR_HDR, "vendor header");
	if (ret)
		return ret;
	len = amp_rd32(e + 4);
	ent->u.vendor_len = len;
	if (len < VENDOR_HDR)
		return amp_err(-EINVAL,
			       "entry %zu (vendor type %" PRIu32
			       "): len %" PRIu32
			       " is shorter than its 8-byte header",
			       i, ent->type, len);
	if ((uint64_t)off + len > size)
		return amp_err(-EINVAL,
			       "entry %zu (vendor type %" PRIu32
			       "): len 0x%" PRIx32 " ends at 0x%" PRIx64
			       ", beyond the table (0x%zx bytes)",
			       i, ent->type, len, (uint64_t)off + len, size);
	ent->size = len;
	if (ent->kind != AMP_RPROC_RSC_CARVEOUT64)
		return 0;
	if (len < CO64_SIZE)
		return amp_err(-EINVAL,
			       "entry %zu (carveout64): len %" PRIu32
			       " is shorter than the %" PRIu32 "-byte entry",
			       i, len, CO64_SIZE);
	return parse_mem64(e, i, ent);
}

struct span {
	uint64_t start, end;
	size_t idx;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* Entries must not overlap each other (the header was checked before). */
static int check_entry_overlaps(const struct amp_rproc_rsc *rsc)
{
	struct span *s, *far = NULL;
	size_t i;
	int ret = 0;

	if (rsc->num < 2)
		return 0;
	s = calloc(rsc->num, sizeof(*s));
	if (!s)
		return amp_err(-ENOMEM, "rsc: no memory for the overlap check");
	for (i = 0; i < rsc->num; i++) {
		s[i].start = rsc->ent[i].offset;
		s[i].end = s[i].start + rsc->ent[i].size;
		s[i].idx = i;
	}
	qsort(s, rsc->num, sizeof(*s), cmp_span);
	for (i = 0; i < rsc->num; i++) {
		if (far && s[i].start < far->end) {
			const struct span *a = s[i].idx > far->idx ? &s[i] :
								     far;
			const struct span *b = a == far ? &s[i] : far;

			ret = amp_err(
				-EINVAL,
				"entry %zu (%s) [0x%" PRIx64 ",0x%" PRIx64
				") overlaps entry %zu (%s) [0x%" PRIx64
				",0x%" PRIx64 ")",
				a->idx,
				amp_rproc_rsc_kind_name(rsc->ent[a->idx].kind),
				a->start, a->end, b->idx,
				amp_rproc_rsc_kind_name(rsc->ent[b->idx].kind),
				b->start, b->end);
			break;
		}
		if (!far || s[i].end > far->end)
			far = &s[i];
	}
	free(s);
	return ret;
}

static int parse(struct amp_rproc_rsc *rsc, const uint8_t *t, size_t size)
{
	uint32_t ver, num;
	uint64_t hdr_end;
	size_t i, nvring = 0, maxvring;
	int ret;

	if (size < HDR_SIZE)
		return amp_err(
			-EINVAL,
			"resource table of %zu bytes is shorter than its header (16 bytes)",
			size);
	if (size > UINT32_MAX)
		return amp_err(
			-EINVAL,
			"resource table of 0x%zx bytes: its offsets are 32-bit",
			size);
	ver = amp_rd32(t);
	num = amp_rd32(t + 4);
	if (ver != 1)
		return amp_err(-EINVAL,
			       "resource table ver %" PRIu32 " is not 1", ver);
	if (amp_rd32(t + 8) || amp_rd32(t + 12))
		return amp_err(-EINVAL,
			       "resource table reserved[] 0x%" PRIx32
			       " 0x%" PRIx32 " are not zero",
			       amp_rd32(t + 8), amp_rd32(t + 12));
	if (__builtin_mul_overflow((uint64_t)num, (uint64_t)4, &hdr_end) ||
	    !amp_add_ok(hdr_end, HDR_SIZE, &hdr_end) || hdr_end > size)
		return amp_err(-EINVAL,
			       "resource table num %" PRIu32
			       ": header + offset[num] need 0x%" PRIx64
			       " bytes, beyond the table (0x%zx bytes)",
			       num, (uint64_t)HDR_SIZE + (uint64_t)4 * num,
			       size);
	rsc->size = size;
	rsc->num = num;
	/* Every vring takes 20 bytes of the table: a bound for the array. */
	maxvring = size / VRING_SIZE;
	rsc->ent = calloc(num ? num : 1, sizeof(*rsc->ent));
	rsc->vring_first = calloc(num ? num : 1, sizeof(*rsc->vring_first));
	rsc->vring = calloc(maxvring ? maxvring : 1, sizeof(*rsc->vring));
	rsc->vring_cap = maxvring;
	if (!rsc->ent || !rsc->vring_first || !rsc->vring)
		return amp_err(-ENOMEM,
			       "rsc: no memory for %" PRIu32 " entries", num);
	for (i = 0; i < num; i++) {
		uint32_t off = amp_rd32(t + HDR_SIZE + 4 * i);

		rsc->ent[i].offset = off;
		if (off & 3)
			return amp_err(-EINVAL,
				       "entry %zu: offset 0x%" PRIx32
				       " is not 4-byte aligned",
				       i, off);
		if (off < hdr_end)
			return amp_err(-EINVAL,
				       "entry %zu: offset 0x%" PRIx32
				       " is inside the table header (0x%" PRIx64
				       " bytes with offset[%" PRIu32 "])",
				       i, off, hdr_end, num);
		if ((uint64_t)off + 4 > size)
			return amp_err(
				-EINVAL,
				"entry %zu: offset 0x%" PRIx32
				" + 4 (type) beyond the table (0x%zx bytes)",
				i, off, size);
		ret = parse_entry(rsc, t, size, i, &nvring);
		if (ret)
			return ret;
	}
	ret = check_entry_overlaps(rsc);
	if (!ret && nvring > rsc->vring_cap)
		ret = amp_err(-EINVAL,
			      "resource table: %zu vrings cannot fit %zu bytes",
			      nvring, size);
	return ret;
}

int amp_rproc_rsc_parse(const void *table, size_t size,
			struct amp_rproc_rsc **out)
{
	struct amp_rproc_rsc *rsc;
	int ret;

	if (!out || (!table && size))
		return amp_err(-EINVAL, "rsc: no table or no result pointer");
	rsc = calloc(1, sizeof(*rsc));
	if (!rsc)
		return amp_err(-ENOMEM, "rsc: no memory");
	ret = parse(rsc, table, size);
	if (ret) {
		amp_rproc_rsc_free(rsc);
		return ret;
	}
	*out = rsc;
	return 0;
}

void amp_rproc_rsc_free(struct amp_rproc_rsc *rsc)
{
	if (!rsc)
		return;
	free(rsc->ent);
	free(rsc->vring);
	free(rsc->vring_first);
	free(rsc);
}

size_t amp_rproc_rsc_size(const struct amp_rproc_rsc *rsc)
{
	return rsc ? rsc->size : 0;
}

size_t amp_rproc_rsc_count(const struct amp_rproc_rsc *rsc)
{
	return rsc ? rsc->num : 0;
}

const struct amp_rproc_rsc_entry *
amp_rproc_rsc_entry(const struct amp_rproc_rsc *rsc, size_t i)
{
	return rsc && i < rsc->num ? &rsc->ent[i] : NULL;
}

const struct amp_rproc_rsc_vring *
amp_rproc_rsc_vring(const struct amp_rproc_rsc *rsc, size_t i, unsigned int v)
{
	if (!rsc || i >= rsc->num || rsc->ent[i].kind != AMP_RPROC_RSC_VDEV ||
	    v >= rsc->ent[i].u.vdev.num_of_vrings)
		return NULL;
	return &rsc->vring[rsc->vring_first[i] + v];
}

/* The loaded table must be as large and still hold @ent's type there. */
static int check_loaded(const struct amp_rproc_rsc *rsc, size_t i,
			const uint8_t *loaded, size_t loaded_size)
{
	const struct amp_rproc_rsc_entry *ent = &rsc->ent[i];
	uint32_t type;

	if (loaded_size < rsc->size)
		return amp_err(
			-EINVAL,
			"rsc: the loaded table (%zu bytes) is smaller than the parsed one (%zu bytes)",
			loaded_size, rsc->size);
	type = amp_rd32(loaded + ent->offset);
	if (type != ent->type)
		return amp_err(-EINVAL,
			       "entry %zu: the loaded table has type %" PRIu32
			       " at 0x%" PRIx32 ", not %" PRIu32
			       " (changed since it was parsed)",
			       i, type, ent->offset, ent->type);
	return 0;
}

int amp_rproc_rsc_set_carveout(struct amp_rproc_rsc *rsc, size_t i, uint64_t da,
			       uint64_t pa, void *loaded, size_t loaded_size)
{
	struct amp_rproc_rsc_entry *ent;
	struct amp_rproc_rsc_mem *m;
	uint8_t *e;
	int ret;

	if (!rsc || i >= rsc->num)
		return amp_err(-EINVAL, "rsc: no entry %zu", i);
	ent = &rsc->ent[i];
	m = &ent->u.mem;
	if (ent->kind != AMP_RPROC_RSC_CARVEOUT &&
	    ent->kind != AMP_RPROC_RSC_DEVMEM &&
	    ent->kind != AMP_RPROC_RSC_CARVEOUT64)
		return amp_err(-EINVAL, "entry %zu is a %s, not a carveout", i,
			       amp_rproc_rsc_kind_name(ent->kind));
	if (ent->kind != AMP_RPROC_RSC_CARVEOUT64) {
		if (da != AMP_ADDR_ANY && da + m->len > 1ull << 32)
			return amp_err(-ERANGE,
				       "entry %zu (%s '%s'): da 0x%" PRIx64
				       " + len 0x%" PRIx64
				       " does not fit the 32-bit entry",
				       i, amp_rproc_rsc_kind_name(ent->kind),
				       m->name, da, m->len);
		if (pa != AMP_ADDR_ANY && pa + m->len > 1ull << 32)
			return amp_err(-ERANGE,
				       "entry %zu (%s '%s'): pa 0x%" PRIx64
				       " + len 0x%" PRIx64
				       " does not fit the 32-bit entry",
				       i, amp_rproc_rsc_kind_name(ent->kind),
				       m->name, pa, m->len);
	} else {
		uint64_t end;

		if ((da != AMP_ADDR_ANY && !amp_add_ok(da, m->len, &end)) ||
		    (pa != AMP_ADDR_ANY && !amp_add_ok(pa, m->len, &end)))
			return amp_err(
				-ERANGE,
				"entry %zu (carveout64 '%s'): address + size 0x%" PRIx64
				" overflows",
				i, m->name, m->len);
	}
	if (loaded) {
		ret = check_loaded(rsc, i, loaded, loaded_size);
		if (ret)
			return ret;
		e = (uint8_t *)loaded + ent->offset;
		if (ent->kind == AMP_RPROC_RSC_CARVEOUT64) {
			amp_wr64(e + 8, da);
			amp_wr64(e + 16, pa);
		} else {
			amp_wr32(e + 4, (uint32_t)da); /* ANY -> 0xffffffff */
			amp_wr32(e + 8, (uint32_t)pa);
		}
	}
	m->da = da;
	m->pa = pa;
	return 0;
}

int amp_rproc_rsc_set_vring(struct amp_rproc_rsc *rsc, size_t i, unsigned int v,
			    uint64_t da, uint32_t notifyid, void *loaded,
			    size_t loaded_size)
{
	struct amp_rproc_rsc_vring *vr;
	struct amp_rproc_rsc_entry *ent;
	uint8_t *r;
	int ret;

	vr = (struct amp_rproc_rsc_vring *)amp_rproc_rsc_vring(rsc, i, v);
	if (!vr)
		return amp_err(-EINVAL, "rsc: no vring %u in entry %zu", v, i);
	ent = &rsc->ent[i];
	if (da != AMP_ADDR_ANY && da + vr->size > 1ull << 32)
		return amp_err(-ERANGE,
			       "entry %zu (vdev) vring %u: da 0x%" PRIx64
			       " does not fit the 32-bit field",
			       i, v, da);
	if (loaded) {
		ret = check_loaded(rsc, i, loaded, loaded_size);
		if (ret)
			return ret;
		r = (uint8_t *)loaded + ent->offset;
		if (r[25] != ent->u.vdev.num_of_vrings)
			return amp_err(
				-EINVAL,
				"entry %zu (vdev): the loaded table has %u vrings, not %u (changed since it was parsed)",
				i, r[25], ent->u.vdev.num_of_vrings);
		r += VDEV_SIZE + v * VRING_SIZE;
		amp_wr32(r, (uint32_t)da);
		amp_wr32(r + 12, notifyid);
	}
	vr->da = da;
	vr->notifyid = notifyid;
	return 0;
}
