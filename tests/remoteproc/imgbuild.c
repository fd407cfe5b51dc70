/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helpers: ELF images and resource tables assembled in memory. */
#include "imgbuild.h"

#include <stdlib.h>
#include <string.h>

#include <ampshm/rsc_table.h>
#include <ampshm/rsc_vendor.h>

void ib_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void ib_put32(uint8_t *p, uint32_t v)
{
	ib_put16(p, (uint16_t)v);
	ib_put16(p + 2, (uint16_t)(v >> 16));
}

void ib_put64(uint8_t *p, uint64_t v)
{
	ib_put32(p, (uint32_t)v);
	ib_put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t ib_phoff(const uint8_t *img)
{
	return img[4] == 2 ? get(img + 32, 8) : get(img + 28, 4);
}

uint64_t ib_shoff(const uint8_t *img)
{
	return img[4] == 2 ? get(img + 40, 8) : get(img + 32, 4);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Write a class-sized word. */
static void putw(uint8_t *p, bool is64, uint64_t v)
{
	if (is64)
		ib_put64(p, v);
	else
		ib_put32(p, (uint32_t)v);
}

size_t ib_build(const struct ib_spec *s, uint8_t **out)
{
	bool is64 = s->elf_class == 64;
	unsigned int eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
	unsigned int sh = is64 ? 64 : 40;
	uint64_t segoff[IB_MAX], secoff[IB_MAX], namoff[IB_MAX + 1];
	uint64_t off, stroff, strsize, shoff, total;
	uint8_t *img;
	size_t i, nsh = s->nsec + 2;

	off = eh + (uint64_t)ph * s->nseg;
	for (i = 0; i < s->nseg; i++) {
		off = align_up(off, 16);
		segoff[i] = off;
		off += s->seg[i].filesz;
	}
	for (i = 0; i < s->nsec; i++) {
		if (s->sec[i].in_seg) {
			secoff[i] = segoff[s->sec[i].in_seg - 1] +
				    s->sec[i].seg_off;
			continue;
		}
		off = align_up(off, 16);
		secoff[i] = off;
		if (s->sec[i].type != 8) /* NOBITS */
			off += s->sec[i].size;
	}
	stroff = off;
	strsize = 1;
	for (i = 0; i < s->nsec; i++) {
		namoff[i] = strsize;
		strsize += strlen(s->sec[i].name) + 1;
	}
	namoff[s->nsec] = strsize;
	strsize += sizeof(".shstrtab");
	shoff = align_up(stroff + strsize, 8);
	total = shoff + (uint64_t)sh * nsh;

	img = calloc(1, total);
	if (!img)
		abort();
	memcpy(img, "\177ELF", 4);
	img[4] = is64 ? 2 : 1;
	img[5] = 1;
	img[6] = 1;
	ib_put16(img + 16, 2);
	ib_put16(img + 18, s->machine);
	ib_put32(img + 20, 1);
	putw(img + 24, is64, s->entry);
	putw(img + (is64 ? 32 : 28), is64, s->nseg ? eh : 0);
	putw(img + (is64 ? 40 : 32), is64, shoff);
	ib_put16(img + (is64 ? 52 : 40), (uint16_t)eh);
	ib_put16(img + (is64 ? 54 : 42), (uint16_t)ph);
	ib_put16(img + (is64 ? 56 : 44), (uint16_t)s->nseg);
	ib_put16(img + (is64 ? 58 : 46), (uint16_t)sh);
	ib_put16(img + (is64 ? 60 : 48), (uint16_t)nsh);
	ib_put16(img + (is64 ? 62 : 50), (uint16_t)(nsh - 1));

	for (i = 0; i < s->nseg; i++) {
		const struct ib_seg *g = &s->seg[i];
		uint8_t *p = img + eh + i * ph;
		uint32_t type = g->type ? g->type : 1;
		uint64_t k;

		ib_put32(p, type);
		if (is64) {
			ib_put32(p + 4, g->flags);
			ib_put64(p + 8, segoff[i]);
			ib_put64(p + 16, g->vaddr);
			ib_put64(p + 24, g->paddr);
			ib_put64(p + 32, g->filesz);
			ib_put64(p + 40, g->memsz);
			ib_put64(p + 48, g->align);
		} else {
			ib_put32(p + 4, (uint32_t)segoff[i]);
			ib_put32(p + 8, (uint32_t)g->vaddr);
			ib_put32(p + 12, (uint32_t)g->paddr);
			ib_put32(p + 16, (uint32_t)g->filesz);
			ib_put32(p + 20, (uint32_t)g->memsz);
			ib_put32(p + 24, g->flags);
			ib_put32(p + 28, (uint32_t)g->align);
		}
		if (g->data)
			memcpy(img + segoff[i], g->data, g->filesz);
		else
			for (k = 0; k < g->filesz; k++)
				img[segoff[i] + k] = (uint8_t)(i * 16 + k + 1);
	}
	for (i = 0; i < s->nsec; i++)
		if (!s->sec[i].in_seg && s->sec[i].data)
			memcpy(img + secoff[i], s->sec[i].data, s->sec[i].size);
	for (i = 0; i < s->nsec; i++)
		strcpy((char *)img + stroff + namoff[i], s->sec[i].name);
	strcpy((char *)img + stroff + namoff[s->nsec], ".shstrtab");

	for (i = 0; i < nsh; i++) {
		uint8_t *p = img + shoff + i * sh;
		uint32_t name = 0, type = 0;
		uint64_t addr = 0, o = 0, size = 0;

		if (i == 0)
			continue;
		if (i <= s->nsec) {
			const struct ib_sec *c = &s->sec[i - 1];

			name = (uint32_t)namoff[i - 1];
			type = c->type ? c->type : 1;
			addr = c->addr;
			o = secoff[i - 1];
			size = c->size;
		} else {
			name = (uint32_t)namoff[s->nsec];
			type = 3; /* SHT_STRTAB */
			o = stroff;
			size = strsize;
		}
		ib_put32(p, name);
		ib_put32(p + 4, type);
		if (is64) {
			ib_put64(p + 8, type == 1 ? 2 : 0); /* SHF_ALLOC */
			ib_put64(p + 16, addr);
			ib_put64(p + 24, o);
			ib_put64(p + 32, size);
		} else {
			ib_put32(p + 8, type == 1 ? 2 : 0);
			ib_put32(p + 12, (uint32_t)addr);
			ib_put32(p + 16, (uint32_t)o);
			ib_put32(p + 20, (uint32_t)size);
		}
	}
	*out = img;
	return total;
}

void rb_init(struct rb *rb, uint32_t num)
{
	memset(rb, 0, sizeof(*rb));
	ib_put32(rb->buf, 1);
	ib_put32(rb->buf + 4, num);
	rb->num = num;
	rb->len = 16 + 4 * (size_t)num;
}

static uint32_t rb_add(struct rb *rb, size_t size)
{
	uint32_t off = (uint32_t)align_up(rb->len, 4);

	if (rb->next < rb->num)
		ib_put32(rb->buf + 16 + 4 * rb->next, off);
	rb->next++;
	rb->len = off + size;
	if (rb->len > sizeof(rb->buf))
		abort();
	return off;
}

uint32_t rb_carveout(struct rb *rb, uint32_t type, uint32_t da, uint32_t pa,
		     uint32_t len, const char *name)
{
	struct amp_rsc_carveout c = {
		.type = type, .da = da, .pa = pa, .len = len
	};
	uint32_t off = rb_add(rb, sizeof(c));

	strncpy(c.name, name, sizeof(c.name) - 1);
	memcpy(rb->buf + off, &c, sizeof(c));
	return off;
}

uint32_t rb_trace(struct rb *rb, uint32_t da, uint32_t len, const char *name)
{
	struct amp_rsc_trace t = { .type = AMP_RSC_TRACE,
				   .da = da,
				   .len = len };
	uint32_t off = rb_add(rb, sizeof(t));

	strncpy(t.name, name, sizeof(t.name) - 1);
	memcpy(rb->buf + off, &t, sizeof(t));
	return off;
}

uint32_t rb_vdev(struct rb *rb, unsigned int nvrings, const uint32_t *da,
		 uint32_t align, uint32_t num, uint32_t config_len)
{
	struct amp_rsc_vdev v = {
		.type = AMP_RSC_VDEV,
		.id = AMP_VIRTIO_ID_RPMSG,
		.notifyid = 0,
		.dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS,
		.config_len = config_len,
		.num_of_vrings = (uint8_t)nvrings,
	};
	size_t size =
		sizeof(v) + nvrings * sizeof(struct amp_rsc_vring) + config_len;
	uint32_t off = rb_add(rb, size);
	unsigned int i;

	memcpy(rb->buf + off, &v, sizeof(v));
	for (i = 0; i < nvrings; i++) {
		struct amp_rsc_vring r = {
			.da = da[i], .align = align, .num = num, .notifyid = i
		};

		memcpy(rb->buf + off + sizeof(v) + i * sizeof(r), &r,
		       sizeof(r));
	}
	return off;
}

uint32_t rb_vendor(struct rb *rb, uint32_t type, uint32_t len)
{
	uint32_t off = rb_add(rb, len < 8 ? 8 : len);

	ib_put32(rb->buf + off, type);
	ib_put32(rb->buf + off + 4, len);
	return off;
}

uint32_t rb_carveout64(struct rb *rb, uint64_t da, uint64_t pa, uint64_t size,
		       const char *name)
{
	struct amp_rsc_carveout64 c = {
		.type = AMP_RSC_VENDOR_CARVEOUT64,
		.len = sizeof(c),
		.da = da,
		.pa = pa,
		.size = size,
	};
	uint32_t off = rb_add(rb, sizeof(c));

	strncpy(c.name, name, sizeof(c.name) - 1);
	memcpy(rb->buf + off, &c, sizeof(c));
	return off;
}

size_t ib_standard(int elf_class, uint8_t **out)
{
	static uint8_t data[0x200];
	const uint32_t vr[2] = { 0x90000, 0x94000 };
	struct ib_spec s = { .elf_class = elf_class };
	struct rb rb;

	rb_init(&rb, elf_class == 64 ? 4 : 3);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY, 0x100000,
		    "fw");
	rb_trace(&rb, 0x80000, 0x1000, "trace0");
	rb_vdev(&rb, 2, vr, 4096, 256, 0);
	if (elf_class == 64)
		rb_carveout64(&rb, 0x100000000ull, 0x880000000ull, 0x10000000,
			      "ddr64");
	memset(data, 0, sizeof(data));
	memcpy(data, rb.buf, rb.len);

	s.machine = elf_class == 64 ? 183 : 40;
	s.entry = 0x10000;
	s.seg[0] = (struct ib_seg){ .flags = 5,
				    .vaddr = 0x10000,
				    .paddr = 0x10000,
				    .filesz = 0x100,
				    .memsz = 0x100,
				    .align = 16 };
	s.seg[1] = (struct ib_seg){ .flags = 6,
				    .vaddr = 0x20000,
				    .paddr = 0x20000,
				    .filesz = sizeof(data),
				    .memsz = 0x1000,
				    .align = 16,
				    .data = data };
	s.nseg = 2;
	s.sec[0] = (struct ib_sec){
		.name = ".text", .addr = 0x10000, .size = 0x100, .in_seg = 1
	};
	s.sec[1] = (struct ib_sec){ .name = ".resource_table",
				    .addr = 0x20000,
				    .size = rb.len,
				    .in_seg = 2 };
	s.sec[2] = (struct ib_sec){
		.name = ".bss", .type = 8, .addr = 0x20200, .size = 0xe00
	};
	s.nsec = 3;
	if (elf_class == 64) {
		s.entry = 0x100000000ull;
		s.seg[2] = (struct ib_seg){ .flags = 7,
					    .vaddr = 0x100000000ull,
					    .paddr = 0x100000000ull,
					    .filesz = 0x40,
					    .memsz = 0x2000,
					    .align = 16 };
		s.nseg = 3;
	}
	return ib_build(&s, out);
}
