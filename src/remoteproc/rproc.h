/* SPDX-License-Identifier: BSD-3-Clause */
/* Remoteproc image layer: what elf.c, rsc.c, layout.c and loader.c share. */
#ifndef AMP_REMOTEPROC_RPROC_H
#define AMP_REMOTEPROC_RPROC_H

#include <ampshm/remoteproc_image.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct amp_rproc_image {
	const uint8_t *buf; /* the caller's image */
	size_t size;
	struct amp_rproc_image_info info;
	struct amp_rproc_segment *seg; /* info.nsegments */
	struct amp_rproc_section *sec; /* info.nsections */
};

struct amp_rproc_rsc {
	size_t size; /* bytes of the parsed table */
	size_t num;
	struct amp_rproc_rsc_entry *ent; /* num */
	struct amp_rproc_rsc_vring *vring; /* every VDEV's vrings, in order */
	size_t vring_cap; /* entries of vring[] */
	size_t *vring_first; /* per entry: index of its first vring */
};

/* Little-endian reads and writes at any alignment. */
static inline uint16_t amp_rd16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t amp_rd32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t amp_rd64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)amp_rd32(b) | (uint64_t)amp_rd32(b + 4) << 32;
}

static inline void amp_wr32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void amp_wr64(void *p, uint64_t v)
{
	amp_wr32(p, (uint32_t)v);
	amp_wr32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* a + b without wrapping: false if it would wrap. */
static inline bool amp_add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
	return !__builtin_add_overflow(a, b, sum);
}

/* Name of an entry kind for messages. */
const char *amp_rproc_rsc_kind_name(enum amp_rproc_rsc_kind kind);

#endif
