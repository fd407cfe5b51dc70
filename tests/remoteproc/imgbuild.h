/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers: assemble ELF32/ELF64 little-endian images and resource
 * tables in memory, with chosen segments, sections and entries.
 */
#ifndef AMP_TEST_IMGBUILD_H
#define AMP_TEST_IMGBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IB_MAX 8

/* One program header; its file bytes are @data (or a pattern if NULL). */
struct ib_seg {
	uint32_t type; /* 0 means PT_LOAD */
	uint32_t flags;
	uint64_t vaddr, paddr, filesz, memsz, align;
	const void *data;
};

/*
 * One section (besides the null section and .shstrtab). With in_seg > 0
 * its bytes are those of segment in_seg - 1 from seg_off on; otherwise
 * @data (size bytes) is placed in the file.
 */
struct ib_sec {
	const char *name;
	uint32_t type; /* 0 means SHT_PROGBITS */
	uint64_t addr, size;
	int in_seg;
	uint64_t seg_off;
	const void *data;
};

struct ib_spec {
	int elf_class; /* 32 or 64 */
	uint16_t machine;
	uint64_t entry;
	struct ib_seg seg[IB_MAX];
	size_t nseg;
	struct ib_sec sec[IB_MAX];
	size_t nsec;
};

/* Build the image; returns its size, *out is malloc'ed. */
size_t ib_build(const struct ib_spec *spec, uint8_t **out);

/* Where the tests patch fields. */
uint64_t ib_phoff(const uint8_t *img);
uint64_t ib_shoff(const uint8_t *img);
void ib_put16(uint8_t *p, uint16_t v);
void ib_put32(uint8_t *p, uint32_t v);
void ib_put64(uint8_t *p, uint64_t v);

/* Resource-table builder. */
struct rb {
	uint8_t buf[4096];
	size_t len;
	uint32_t num, next;
};

void rb_init(struct rb *rb, uint32_t num);
/* Each returns the entry's offset. */
uint32_t rb_carveout(struct rb *rb, uint32_t type, uint32_t da, uint32_t pa,
		     uint32_t len, const char *name);
uint32_t rb_trace(struct rb *rb, uint32_t da, uint32_t len, const char *name);
/* vring i: da[i], align, num, notifyid i */
uint32_t rb_vdev(struct rb *rb, unsigned int nvrings, const uint32_t *da,
		 uint32_t align, uint32_t num, uint32_t config_len);
uint32_t rb_vendor(struct rb *rb, uint32_t type, uint32_t len);
uint32_t rb_carveout64(struct rb *rb, uint64_t da, uint64_t pa, uint64_t size,
		       const char *name);

/*
 * A standard OpenAMP-style firmware: code at 0x10000 (ELF32, ARM) or at
 * 0x1_0000_0000 (ELF64, AArch64 with a carveout64), a .data/.bss segment,
 * and a .resource_table inside the data segment with CARVEOUT + TRACE +
 * VDEV (2 vrings) (+ CARVEOUT64 for ELF64). Returns the image size.
 */
size_t ib_standard(int elf_class, uint8_t **out);

#endif
