/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF32/ELF64 little-endian ET_EXEC parser for remoteproc firmware images.
 * The image is untrusted: every offset, size and count is checked against
 * the buffer with overflow-safe arithmetic before anything is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "remoteproc/rproc.h"

#define EI_NIDENT 16
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define PN_XNUM 0xffffu
#define SHN_XINDEX 0xffffu
#define SHT_NULL 0u

/*
 * Sizes and header field offsets that differ between the two classes;
 * e_phnum, e_shentsize, e_shnum and e_shstrndx follow e_phentsize, 2 bytes
 * apart.
 */
struct elf_layout {
	unsigned int ehsize, phentsize, shentsize;
	unsigned int e_phoff, e_shoff, e_phentsize;
	bool is64;
};

static const struct elf_layout elf32 = {
	.ehsize = 52,
	.phentsize = 32,
	.shentsize = 40,
	.e_phoff = 28,
	.e_shoff = 32,
	.e_phentsize = 42,
	.is64 = false,
};

static const struct elf_layout elf64 = {
	.ehsize = 64,
	.phentsize = 56,
	.shentsize = 64,
	.e_phoff = 32,
	.e_shoff = 40,
	.e_phentsize = 54,
	.is64 = true,
};

static uint64_t rd_word(const struct elf_layout *l, const uint8_t *p)
{
	return l->is64 ? amp_rd64(p) : amp_rd32(p);
}

/*
 * Check that a table of @num entries of @entsize bytes at @off lies inside
 * the image; @what names it ("e_phnum", "e_shnum").
 */
static int check_table(size_t size, uint64_t off, uint64_t num,
		       unsigned int entsize, const char *what,
		       const char *offname)
{
	uint64_t bytes, end;

	if (__builtin_mul_overflow(num, (uint64_t)entsize, &bytes))
		return amp_err(-EINVAL, "%s %" PRIu64 " * %s %u overflows",
			       what, num,
			       what[2] == 'p' ? "e_phentsize" : "e_shentsize",
			       entsize);
	if (!amp_add_ok(off, bytes, &end))
		return amp_err(-EINVAL,
			       "%s 0x%" PRIx64 " + %s %" PRIu64
			       " * %u overflows",
			       offname, off, what, num, entsize);
	if (end > size)
		return amp_err(-EINVAL,
			       "%s 0x%" PRIx64 " + %s %" PRIu64
			       " * %u = 0x%" PRIx64
			       " beyond the image (0x%zx bytes)",
			       offname, off, what, num, entsize, end, size);
	return 0;
}

static void parse_phdr(const struct elf_layout *l, const uint8_t *p,
		       struct amp_rproc_segment *s)
{
	s->type = amp_rd32(p);
	if (l->is64) {
		s->flags = amp_rd32(p + 4);
		s->offset = amp_rd64(p + 8);
		s->vaddr = amp_rd64(p + 16);
		s->paddr = amp_rd64(p + 24);
		s->filesz = amp_rd64(p + 32);
		s->memsz = amp_rd64(p + 40);
		s->align = amp_rd64(p + 48);
	} else {
		s->offset = amp_rd32(p + 4);
		s->vaddr = amp_rd32(p + 8);
		s->paddr = amp_rd32(p + 12);
		s->filesz = amp_rd32(p + 16);
		s->memsz = amp_rd32(p + 20);
		s->flags = amp_rd32(p + 24);
		s->align = amp_rd32(p + 28);
	}
}

/* Section header fields, raw (name is an offset until resolved). */
struct shdr {
	uint32_t name, type, link, info;
	uint64_t flags, addr, offset, size;
};

static void parse_shdr(const struct elf_layout *l, const uint8_t *p,
		       struct shdr *s)
{
	s->name = amp_rd32(p);
	s->type = amp_rd32(p + 4);
	if (l->is64) {
		s->flags = amp_rd64(p + 8);
		s->addr = amp_rd64(p + 16);
		s->offset = amp_rd64(p + 24);
		s->size = amp_rd64(p + 32);
		s->link = amp_rd32(p + 40);
		s->info = amp_rd32(p + 44);
	} else {
		s->flags = amp_rd32(p + 8);
		s->addr = amp_rd32(p + 12);
		s->offset = amp_rd32(p + 16);
		s->size = amp_rd32(p + 20);
		s->link = amp_rd32(p + 24);
		s->info = amp_rd32(p + 28);
	}
}

static int check_segment(const struct amp_rproc_image *img, size_t i,
			 const struct amp_rproc_segment *s)
{
	uint64_t end, limit = img->info.elf_class == 64 ? 0 : 1ull << 32;

	if (!amp_add_ok(s->offset, s->filesz, &end))
		return amp_err(-EINVAL,
			       "segment %zu: p_offset 0x%" PRIx64
			       " + p_filesz 0x%" PRIx64 " overflows",
			       i, s->offset, s->filesz);
	if (s->filesz && end > img->size)
		return amp_err(-EINVAL,
			       "segment %zu: p_offset+p_filesz 0x%" PRIx64
			       " beyond the image (0x%zx bytes)",
			       i, end, img->size);
	if (s->type != AMP_RPROC_PT_LOAD)
		return 0;
	if (s->filesz > s->memsz)
		return amp_err(-EINVAL,
			       "segment %zu: p_filesz > p_memsz (0x%" PRIx64
			       " > 0x%" PRIx64 ")",
			       i, s->filesz, s->memsz);
	if (!amp_add_ok(s->paddr, s->memsz, &end))
		return amp_err(-EINVAL,
			       "segment %zu: p_paddr 0x%" PRIx64
			       " + p_memsz 0x%" PRIx64 " overflows",
			       i, s->paddr, s->memsz);
	if (limit && end > limit)
		return amp_err(
			-EINVAL,
			"segment %zu: p_paddr 0x%" PRIx64
			" + p_memsz 0x%" PRIx64
			" beyond the 32-bit address space of an ELF32 image",
			i, s->paddr, s->memsz);
	return 0;
}

/* A [start, end) range and the index of what it belongs to. */
struct range {
	uint64_t start, end;
	size_t idx;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* PT_LOAD segments must not overlap in device addresses (p_paddr). */
static int check_overlaps(const struct amp_rproc_image *img)
{
	struct range *r, *far = NULL;
	size_t i, n = 0;
	int ret = 0;

	r = calloc(img->info.nsegments ? img->info.nsegments : 1, sizeof(*r));
	if (!r)
		return amp_err(-ENOMEM, "elf: no memory for the overlap check");
	for (i = 0; i < img->info.nsegments; i++) {
		const struct amp_rproc_segment *s = &img->seg[i];

		if (s->type != AMP_RPROC_PT_LOAD || !s->memsz)
			continue;
		r[n].start = s->paddr;
		r[n].end = s->paddr + s->memsz; /* checked: no wrap */
		r[n++].idx = i;
	}
	qsort(r, n, sizeof(*r), cmp_range);
	/* Sorted by start: an overlap shows against the furthest end so far. */
	for (i = 0; i < n; i++) {
		if (far && r[i].start < far->end) {
			const struct range *a = r[i].idx > far->idx ? &r[i] :
								      far;
			const struct range *b = a == far ? &r[i] : far;

			ret = amp_err(-EINVAL,
				      "segment %zu [0x%" PRIx64 ",0x%" PRIx64
				      ") overlaps segment %zu [0x%" PRIx64
				      ",0x%" PRIx64 ")",
				      a->idx, a->start, a->end, b->idx,
				      b->start, b->end);
			break;
		}
		if (!far || r[i].end > far->end)
			far = &r[i];
	}
	free(r);
	return ret;
}

static int parse_sections(struct amp_rproc_image *img,
			  const struct elf_layout *l, uint64_t shoff,
			  uint64_t shnum, uint32_t shstrndx)
{
	const uint8_t *buf = img->buf;
	struct shdr str = { 0 };
	uint64_t i, end;
	int ret;

	if (!shnum)
		return 0;
	ret = check_table(img->size, shoff, shnum, l->shentsize, "e_shnum",
			  "e_shoff");
	if (ret)
		return ret;
	if (shstrndx >= shnum)
		return amp_err(-EINVAL,
			       "e_shstrndx %" PRIu32 " >= e_shnum %" PRIu64,
			       shstrndx, shnum);
	if (shstrndx) {
		parse_shdr(l, buf + shoff + (uint64_t)shstrndx * l->shentsize,
			   &str);
		if (str.type == AMP_RPROC_SHT_NOBITS)
			return amp_err(
				-EINVAL,
				"section %" PRIu32
				" (e_shstrndx): the string table has no file bytes",
				shstrndx);
		if (!amp_add_ok(str.offset, str.size, &end) || end > img->size)
			return amp_err(
				-EINVAL,
				"section %" PRIu32
				" (e_shstrndx): sh_offset+sh_size beyond the image (0x%zx bytes)",
				shstrndx, img->size);
	}
	img->sec = calloc(shnum, sizeof(*img->sec));
	if (!img->sec)
		return amp_err(-ENOMEM,
			       "elf: no memory for %" PRIu64 " sections",
			       shnum);
	img->info.nsections = shnum;
	for (i = 0; i < shnum; i++) {
		struct amp_rproc_section *s = &img->sec[i];
		struct shdr h;
		const char *name = "";

		parse_shdr(l, buf + shoff + i * l->shentsize, &h);
		if (shstrndx && i) {
			if (h.name >= str.size)
				return amp_err(
					-EINVAL,
					"section %" PRIu64
					": sh_name 0x%" PRIx32
					" outside the string table (0x%" PRIx64
					" bytes)",
					i, h.name, str.size);
			name = (const char *)buf + str.offset + h.name;
			if (!memchr(name, 0, str.size - h.name))
				return amp_err(
					-EINVAL,
					"section %" PRIu64
					": name at sh_name 0x%" PRIx32
					" is not NUL-terminated inside the string table",
					i, h.name);
		}
		if (i && h.type != SHT_NULL && h.type != AMP_RPROC_SHT_NOBITS) {
			if (!amp_add_ok(h.offset, h.size, &end))
				return amp_err(-EINVAL,
					       "section %" PRIu64
					       " '%s': sh_offset 0x%" PRIx64
					       " + sh_size 0x%" PRIx64
					       " overflows",
					       i, name, h.offset, h.size);
			if (end > img->size)
				return amp_err(
					-EINVAL,
					"section %" PRIu64
					" '%s': sh_offset+sh_size 0x%" PRIx64
					" beyond the image (0x%zx bytes)",
					i, name, end, img->size);
		}
		s->name = name;
		s->type = h.type;
		s->flags = h.flags;
		s->addr = h.addr;
		s->offset = h.offset;
		s->size = h.size;
	}
	return 0;
}

static int read_sh0(struct amp_rproc_image *img, const struct elf_layout *l,
		    uint64_t shoff, unsigned int shentsize, struct shdr *sh0)
{
	int ret;

	if (!shoff)
		return amp_err(
			-EINVAL,
			"e_phnum is PN_XNUM but there is no section header 0 to hold the count");
	if (shentsize != l->shentsize)
		return amp_err(
			-EINVAL,
			"e_shentsize %u is not the ELF%d section header size %u",
			shentsize, l->is64 ? 64 : 32, l->shentsize);
	ret = check_table(img->size, shoff, 1, l->shentsize, "e_shnum",
			  "e_shoff");
	if (ret)
		return ret;
	parse_shdr(l, img->buf + shoff, sh0);
	return 0;
}

static int parse(struct amp_rproc_image *img)
{
	const uint8_t *b = img->buf;
	const struct elf_layout *l;
	uint64_t phoff, shoff, phnum, shnum, i;
	unsigned int phentsize, shentsize;
	uint32_t shstrndx;
	uint16_t type;
	struct shdr sh0 = { 0 };
	int ret;

	if (img->size < EI_NIDENT)
		return amp_err(
			-EINVAL,
			"image of %zu bytes is shorter than e_ident (16 bytes)",
			img->size);
	if (memcmp(b, "\177ELF", 4))
		return amp_err(-EINVAL,
			       "not an ELF image (bad magic in e_ident)");
	if (b[4] == ELFCLASS32)
		l = &elf32;
	else if (b[4] == ELFCLASS64)
		l = &elf64;
	else
		return amp_err(
			-EINVAL,
			"e_ident[EI_CLASS] %u is neither ELFCLASS32 nor ELFCLASS64",
			b[4]);
	if (b[5] != ELFDATA2LSB)
		return amp_err(
			-ENOTSUP,
			"e_ident[EI_DATA] %u: only little-endian (ELFDATA2LSB) images are supported",
			b[5]);
	if (b[6] != EV_CURRENT)
		return amp_err(-EINVAL, "e_ident[EI_VERSION] %u is not 1",
			       b[6]);
	if (img->size < l->ehsize)
		return amp_err(
			-EINVAL,
			"image of %zu bytes is shorter than the ELF%d header (%u bytes)",
			img->size, l->is64 ? 64 : 32, l->ehsize);
	type = amp_rd16(b + 16);
	if (type != ET_EXEC)
		return amp_err(-ENOTSUP, "e_type %u is not ET_EXEC (2)", type);
	if (amp_rd32(b + 20) != EV_CURRENT)
		return amp_err(-EINVAL, "e_version %" PRIu32 " is not 1",
			       amp_rd32(b + 20));
	img->info.elf_class = l->is64 ? 64 : 32;
	img->info.type = type;
	img->info.machine = amp_rd16(b + 18);
	img->info.entry = rd_word(l, b + 24);
	phoff = rd_word(l, b + l->e_phoff);
	shoff = rd_word(l, b + l->e_shoff);
	phentsize = amp_rd16(b + l->e_phentsize);
	phnum = amp_rd16(b + l->e_phentsize + 2);
	shentsize = amp_rd16(b + l->e_phentsize + 4);
	shnum = amp_rd16(b + l->e_phentsize + 6);
	shstrndx = amp_rd16(b + l->e_phentsize + 8);
	if (!shoff)
		shnum = 0;

	/* PN_XNUM: the count is in section header 0 (sh_info). */
	if (phnum == PN_XNUM) {
		ret = read_sh0(img, l, shoff, shentsize, &sh0);
		if (ret)
			return ret;
		phnum = sh0.info;
	}

	if (phnum) {
		if (phentsize != l->phentsize)
			return amp_err(
				-EINVAL,
				"e_phentsize %u is not the ELF%d program header size %u",
				phentsize, l->is64 ? 64 : 32, l->phentsize);
		ret = check_table(img->size, phoff, phnum, phentsize, "e_phnum",
				  "e_phoff");
		if (ret)
			return ret;
		img->seg = calloc(phnum, sizeof(*img->seg));
		if (!img->seg)
			return amp_err(-ENOMEM,
				       "elf: no memory for %" PRIu64
				       " segments",
				       phnum);
		img->info.nsegments = phnum;
		for (i = 0; i < phnum; i++) {
			parse_phdr(l, b + phoff + i * phentsize, &img->seg[i]);
			ret = check_segment(img, i, &img->seg[i]);
			if (ret)
				return ret;
		}
		ret = check_overlaps(img);
		if (ret)
			return ret;
	}
	/* Counts that do not fit 16 bits are in section header 0. */
	if (shoff) {
		ret = read_sh0(img, l, shoff, shentsize, &sh0);
		if (ret)
			return ret;
		if (!shnum)
			shnum = sh0.size;
		if (shstrndx == SHN_XINDEX)
			shstrndx = sh0.link;
	}
	return parse_sections(img, l, shoff, shnum, shstrndx);
}

int amp_rproc_image_parse(const void *buf, size_t size,
			  struct amp_rproc_image **out)
{
	struct amp_rproc_image *img;
	int ret;

	if (!out || (!buf && size))
		return amp_err(-EINVAL, "elf: no image or no result pointer");
	img = calloc(1, sizeof(*img));
	if (!img)
		return amp_err(-ENOMEM, "elf: no memory");
	img->buf = buf;
	img->size = size;
	ret = parse(img);
	if (ret) {
		amp_rproc_image_free(img);
		return ret;
	}
	*out = img;
	return 0;
}

void amp_rproc_image_free(struct amp_rproc_image *img)
{
	if (!img)
		return;
	free(img->seg);
	free(img->sec);
	free(img);
}

const struct amp_rproc_image_info *
amp_rproc_image_info(const struct amp_rproc_image *img)
{
	return img ? &img->info : NULL;
}

const struct amp_rproc_segment *
amp_rproc_image_segment(const struct amp_rproc_image *img, size_t i)
{
	return img && i < img->info.nsegments ? &img->seg[i] : NULL;
}

const struct amp_rproc_section *
amp_rproc_image_section(const struct amp_rproc_image *img, size_t i)
{
	return img && i < img->info.nsections ? &img->sec[i] : NULL;
}

const struct amp_rproc_section *
amp_rproc_image_find_section(const struct amp_rproc_image *img,
			     const char *name)
{
	size_t i;

	if (!img || !name)
		return NULL;
	for (i = 1; i < img->info.nsections; i++)
		if (!strcmp(img->sec[i].name, name))
			return &img->sec[i];
	return NULL;
}

int amp_rproc_image_rsc_table(const struct amp_rproc_image *img,
			      const void **table, size_t *size, uint64_t *da)
{
	const struct amp_rproc_section *s;

	if (!img || !table || !size)
		return amp_err(-EINVAL, "rsc: no image or no result pointer");
	s = amp_rproc_image_find_section(img, AMP_RPROC_RSC_SECTION);
	if (!s)
		return amp_err(-ENOENT,
			       "elf: no " AMP_RPROC_RSC_SECTION " section");
	if (s->type == AMP_RPROC_SHT_NOBITS || s->type == SHT_NULL)
		return amp_err(-EINVAL,
			       "elf: the " AMP_RPROC_RSC_SECTION
			       " section has no file bytes (sh_type %" PRIu32
			       ")",
			       s->type);
	/* parse_sections() checked sh_offset + sh_size against the image. */
	*table = img->buf + s->offset;
	*size = s->size;
	if (da)
		*da = s->addr;
	return 0;
}
