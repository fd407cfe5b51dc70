/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loader: segments written at their device address (p_paddr), .bss
 * zero-filled, through a memory-backed fake device; then the loaded
 * resource table is found at the section's da and updated in place.
 */
#include <errno.h>
#include <stdlib.h>

#include <ampshm/rsc_table.h>

#include "core/error.h"
#include "rproc_test.h"

/* Fake device memory: [base, base + size). */
struct fake_mem {
	uint64_t base;
	uint8_t mem[0x30000];
	unsigned int writes, zeros;
	int fail_at; /* fail the write at this da (-1: never) */
	uint64_t fail_da;
};

static int fake_write(void *priv, uint64_t da, const void *src, size_t len)
{
	struct fake_mem *m = priv;

	if (m->fail_at >= 0 && da == m->fail_da)
		return amp_err(-EFAULT, "fake: no memory at da 0x%llx",
			       (unsigned long long)da);
	if (da < m->base || len > sizeof(m->mem) ||
	    da - m->base > sizeof(m->mem) - len)
		return -EFAULT;
	memcpy(m->mem + (da - m->base), src, len);
	m->writes++;
	return 0;
}

static int fake_zero(void *priv, uint64_t da, size_t len)
{
	struct fake_mem *m = priv;

	if (da < m->base || len > sizeof(m->mem) ||
	    da - m->base > sizeof(m->mem) - len)
		return -EFAULT;
	memset(m->mem + (da - m->base), 0, len);
	m->zeros++;
	return 0;
}

static struct fake_mem *fake_new(void)
{
	struct fake_mem *m = calloc(1, sizeof(*m));

	m->base = 0x10000;
	m->fail_at = -1;
	memset(m->mem, 0xaa, sizeof(m->mem));
	return m;
}

static void check_loaded(const struct fake_mem *m, const uint8_t *buf,
			 const struct amp_rproc_image *img)
{
	size_t i;

	for (i = 0; i < amp_rproc_image_info(img)->nsegments; i++) {
		const struct amp_rproc_segment *s =
			amp_rproc_image_segment(img, i);
		const uint8_t *at = m->mem + (s->paddr - m->base);
		uint64_t k;

		assert_memory_equal(at, buf + s->offset, s->filesz);
		for (k = s->filesz; k < s->memsz; k++)
			assert_int_equal(at[k], 0);
		/* The byte after the segment was not touched. */
		assert_int_equal(at[s->memsz], 0xaa);
	}
}

static void t_load(void **state)
{
	const struct amp_rproc_load_ops ops = { fake_write, fake_zero };
	struct amp_rproc_image *img;
	struct fake_mem *m = fake_new();
	uint8_t *buf;
	size_t n = ib_standard(32, &buf);

	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	assert_int_equal(amp_rproc_image_load(img, &ops, m), 0);
	assert_int_equal(m->writes, 2);
	assert_int_equal(m->zeros, 1); /* .bss of segment 1 */
	check_loaded(m, buf, img);
	/* Before the first segment: untouched. */
	assert_int_equal(m->mem[0x10000 - 0x10000 + 0x100], 0xaa);
	amp_rproc_image_free(img);
	free(buf);
	free(m);
}

static void t_load_without_zero(void **state)
{
	const struct amp_rproc_load_ops ops = { .write = fake_write };
	struct amp_rproc_image *img;
	struct fake_mem *m = fake_new();
	uint8_t *buf;
	size_t n = ib_standard(32, &buf);

	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	assert_int_equal(amp_rproc_image_load(img, &ops, m), 0);
	assert_int_equal(m->zeros, 0);
	assert_int_equal(m->writes, 3); /* 2 segments + 0xe00 zero bytes */
	check_loaded(m, buf, img);
	amp_rproc_image_free(img);
	free(buf);
	free(m);
}

static void t_load_error(void **state)
{
	const struct amp_rproc_load_ops ops = { fake_write, fake_zero };
	struct amp_rproc_image *img;
	struct fake_mem *m = fake_new();
	uint8_t *buf;
	size_t n = ib_standard(32, &buf);

	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	m->fail_at = 1;
	m->fail_da = 0x20000;
	expect_err(
		amp_rproc_image_load(img, &ops, m), -EFAULT,
		"segment 1: write of 0x200 bytes at da 0x20000 failed (-14): fake: no memory at da 0x20000");
	expect_err(amp_rproc_image_load(img, NULL, m), -EINVAL,
		   "no write callback");
	amp_rproc_image_free(img);
	free(buf);
	free(m);
}

/* The loaded table, found at the section's da, updated in place. */
static void t_loaded_table(void **state)
{
	const struct amp_rproc_load_ops ops = { fake_write, fake_zero };
	struct amp_rproc_image *img;
	struct amp_rproc_rsc *rsc;
	struct fake_mem *m = fake_new();
	struct amp_rsc_carveout co;
	struct amp_rsc_vring vr;
	const void *file_table;
	uint8_t *buf, *loaded;
	size_t n = ib_standard(32, &buf), size;
	uint64_t da;

	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	assert_int_equal(amp_rproc_image_load(img, &ops, m), 0);
	assert_int_equal(
		amp_rproc_image_rsc_table(img, &file_table, &size, &da), 0);
	assert_int_equal(da, 0x20000);
	loaded = m->mem + (da - m->base);
	assert_memory_equal(loaded, file_table, size);
	assert_int_equal(amp_rproc_rsc_parse(loaded, size, &rsc), 0);
	assert_int_equal(amp_rproc_rsc_set_carveout(rsc, 0, 0x10000, 0x80010000,
						    loaded, size),
			 0);
	assert_int_equal(amp_rproc_rsc_set_vring(rsc, 2, 1, 0x98000, 1, loaded,
						 size),
			 0);
	memcpy(&co, loaded + amp_rproc_rsc_entry(rsc, 0)->offset, sizeof(co));
	assert_int_equal(co.pa, 0x80010000);
	memcpy(&vr, loaded + amp_rproc_rsc_entry(rsc, 2)->offset + 28 + 20,
	       sizeof(vr));
	assert_int_equal(vr.da, 0x98000);
	/* The file's table is untouched. */
	memcpy(&co,
	       (const uint8_t *)file_table +
		       amp_rproc_rsc_entry(rsc, 0)->offset,
	       sizeof(co));
	assert_int_equal(co.pa, AMP_RSC_ADDR_ANY);
	amp_rproc_rsc_free(rsc);
	amp_rproc_image_free(img);
	free(buf);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_load),
		cmocka_unit_test(t_load_without_zero),
		cmocka_unit_test(t_load_error),
		cmocka_unit_test(t_loaded_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
