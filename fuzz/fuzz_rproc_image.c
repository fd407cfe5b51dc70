/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Remoteproc firmware images from an attacker: the input is parsed as an
 * ELF image (then its resource table, the layout checks, the loader and
 * the setters run on it) and as a bare resource table. Nothing may be read
 * outside the input, nothing written outside the copies made here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/remoteproc_image.h>

struct span {
	const uint8_t *data;
	size_t size;
	uint64_t written;
};

/*
 * The loader hands out bytes of the image, or zeros (.bss without a zero
 * callback); ASan checks that every byte read is valid memory.
 */
static int fz_write(void *priv, uint64_t da, const void *src, size_t len)
{
	struct span *s = priv;
	const uint8_t *p = src;
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)s->data;
	size_t i;

	if (a < b || len > s->size || a - b > s->size - len) {
		for (i = 0; i < len; i++)
			if (p[i])
				abort();
	} else {
		for (i = 0; i < len; i++)
			s->written += p[i];
	}
	s->written += len;
	return da == 0xdead0000 ? -14 : 0;
}

static int fz_zero(void *priv, uint64_t da, size_t len)
{
	struct span *s = priv;

	s->written += len;
	return 0;
}

/* Read every entry, then try the setters on a private copy. */
static void exercise_rsc(struct amp_rproc_rsc *rsc, const uint8_t *table,
			 size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	size_t i, n = amp_rproc_rsc_count(rsc);
	volatile uint64_t sink = 0;

	if (!copy)
		return;
	memcpy(copy, table, size);
	for (i = 0; i < n; i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(rsc, i);
		unsigned int v;

		sink += e->offset + e->size;
		if (e->kind == AMP_RPROC_RSC_VDEV) {
			for (v = 0; v < e->u.vdev.num_of_vrings; v++) {
				sink += amp_rproc_rsc_vring(rsc, i, v)->size;
				amp_rproc_rsc_set_vring(rsc, i, v, 0x1000 * v,
							v, copy, size);
			}
		}
		amp_rproc_rsc_set_carveout(rsc, i, 0x100000, 0x80000000, copy,
					   size);
		amp_rproc_rsc_set_carveout(rsc, i, AMP_ADDR_ANY, 0x900000000ull,
					   copy, size);
	}
	(void)sink;
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct amp_sg mem[2] = { { 0x0, 0x40000 },
					      { 0x100000000ull, 0x100000 } };
	const struct amp_rproc_load_ops ops = { fz_write, fz_zero };
	const struct amp_rproc_load_ops ops_nozero = { .write = fz_write };
	struct amp_rproc_layout lay = { .mem_limit = 1ull << 40,
					.mem = mem,
					.nmem = 2 };
	struct span s = { data, size, 0 };
	struct amp_rproc_image *img;
	struct amp_rproc_rsc *rsc;
	const void *table;
	size_t tsize, i;
	uint64_t da;

	/* The whole input as a bare resource table. */
	if (!amp_rproc_rsc_parse(data, size, &rsc)) {
		amp_rproc_check_layout(NULL, rsc, &lay);
		exercise_rsc(rsc, data, size);
		amp_rproc_rsc_free(rsc);
	}

	if (amp_rproc_image_parse(data, size, &img))
		return 0;
	for (i = 0; i < amp_rproc_image_info(img)->nsegments; i++)
		(void)amp_rproc_image_segment(img, i);
	for (i = 0; i < amp_rproc_image_info(img)->nsections; i++)
		(void)strlen(amp_rproc_image_section(img, i)->name);
	amp_rproc_check_layout(img, NULL, &lay);
	/* Bounded .bss: the zero-by-write path walks memsz in 4 KiB steps. */
	amp_rproc_image_load(img, &ops, &s);
	{
		uint64_t bss = 0;

		for (i = 0; i < amp_rproc_image_info(img)->nsegments; i++) {
			const struct amp_rproc_segment *g =
				amp_rproc_image_segment(img, i);

			if (g->type == AMP_RPROC_PT_LOAD)
				bss += g->memsz - g->filesz;
		}
		if (bss < (1u << 20))
			amp_rproc_image_load(img, &ops_nozero, &s);
	}
	if (!amp_rproc_image_rsc_table(img, &table, &tsize, &da) &&
	    !amp_rproc_rsc_parse(table, tsize, &rsc)) {
		amp_rproc_check_layout(img, rsc, &lay);
		amp_rproc_check_layout(img, rsc, NULL);
		exercise_rsc(rsc, table, tsize);
		amp_rproc_rsc_free(rsc);
	}
	amp_rproc_image_free(img);
	return 0;
}
