/* SPDX-License-Identifier: BSD-3-Clause */
/* Layout checks: carveouts, memory limit, vrings, trace, segments. */
#include <errno.h>
#include <stdlib.h>

#include <ampshm/rsc_table.h>

#include "rproc_test.h"

static struct amp_rproc_rsc *rsc;
static struct amp_rproc_image *img;
static uint8_t *buf;

static int teardown(void **state)
{
	amp_rproc_rsc_free(rsc);
	amp_rproc_image_free(img);
	free(buf);
	rsc = NULL;
	img = NULL;
	buf = NULL;
	return 0;
}

static void parse(struct rb *rb)
{
	assert_int_equal(amp_rproc_rsc_parse(rb->buf, rb->len, &rsc), 0);
}

static void t_standard_ok(void **state)
{
	const void *t;
	size_t n, ts;

	n = ib_standard(32, &buf);
	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	assert_int_equal(amp_rproc_image_rsc_table(img, &t, &ts, NULL), 0);
	assert_int_equal(amp_rproc_rsc_parse(t, ts, &rsc), 0);
	assert_int_equal(amp_rproc_check_layout(img, rsc, NULL), 0);
}

static void t_segment_outside(void **state)
{
	const struct amp_sg tcm[2] = { { 0x0, 0x10000 }, { 0x20000, 0x800 } };
	struct amp_rproc_layout lay = { .mem = tcm, .nmem = 1 };
	size_t n;

	n = ib_standard(32, &buf);
	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	/* No table: the segments must be in memory the caller declares. */
	expect_err(
		amp_rproc_check_layout(img, NULL, &lay), -EINVAL,
		"segment 0 [0x10000,0x10100) is not inside a carveout, a DEVMEM entry or declared memory");
	lay.nmem = 2;
	expect_err(amp_rproc_check_layout(img, NULL, &lay), -EINVAL,
		   "segment 0 [0x10000,0x10100) is not inside");
	{
		const struct amp_sg ok[2] = { { 0x10000, 0x100 },
					      { 0x20000, 0x800 } };

		lay.mem = ok;
		/* .data/.bss [0x20000,0x21000) ends beyond the 2 KiB TCM. */
		expect_err(amp_rproc_check_layout(img, NULL, &lay), -EINVAL,
			   "segment 1 [0x20000,0x21000) is not inside");
	}
}

static void t_standard64_ok(void **state)
{
	const struct amp_sg sram = { 0x20000, 0x10000 };
	const struct amp_rproc_layout lay = { .mem_limit = 1ull << 40,
					      .mem = &sram,
					      .nmem = 1 };
	const void *t;
	size_t n, ts;

	n = ib_standard(64, &buf);
	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	assert_int_equal(amp_rproc_image_rsc_table(img, &t, &ts, NULL), 0);
	assert_int_equal(amp_rproc_rsc_parse(t, ts, &rsc), 0);
	/* Segment 2 sits above 4 GiB, inside the 64-bit carveout. */
	assert_int_equal(amp_rproc_check_layout(img, rsc, &lay), 0);
	/* A 36-bit device cannot reach the 64-bit carveout's pa. */
	{
		const struct amp_rproc_layout narrow = {
			.mem_limit = 1ull << 35, .mem = &sram, .nmem = 1
		};

		expect_err(
			amp_rproc_check_layout(img, rsc, &narrow), -ERANGE,
			"entry 3 (carveout64 'ddr64') pa [0x880000000,0x890000000) is outside the memory limit 0x800000000");
	}
}

static void t_carveouts_overlap(void **state)
{
	struct rb rb;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY, 0x10000,
		    "a");
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x18000, AMP_RSC_ADDR_ANY, 0x10000,
		    "b");
	parse(&rb);
	expect_err(
		amp_rproc_check_layout(NULL, rsc, NULL), -EINVAL,
		"entry 1 (carveout 'b') da [0x18000,0x28000) overlaps entry 0 (carveout 'a') da [0x10000,0x20000)");
	amp_rproc_rsc_free(rsc);

	/* Different da, same pa: overlap in physical memory. */
	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, 0x80000000, 0x10000, "a");
	rb_carveout64(&rb, 0x100000000ull, 0x80008000, 0x1000, "b64");
	parse(&rb);
	expect_err(
		amp_rproc_check_layout(NULL, rsc, NULL), -EINVAL,
		"entry 1 (carveout64 'b64') pa [0x80008000,0x80009000) overlaps entry 0 (carveout 'a') pa [0x80000000,0x80010000)");
	amp_rproc_rsc_free(rsc);

	/* "any" addresses are not compared. */
	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, AMP_RSC_ADDR_ANY, AMP_RSC_ADDR_ANY,
		    0x10000, "a");
	rb_carveout(&rb, AMP_RSC_CARVEOUT, AMP_RSC_ADDR_ANY, AMP_RSC_ADDR_ANY,
		    0x10000, "b");
	parse(&rb);
	assert_int_equal(amp_rproc_check_layout(NULL, rsc, NULL), 0);
}

static void t_carveout_zero_len(void **state)
{
	struct rb rb;

	rb_init(&rb, 1);
	rb_carveout(&rb, AMP_RSC_DEVMEM, 0x10000, 0x10000, 0, "regs");
	parse(&rb);
	expect_err(amp_rproc_check_layout(NULL, rsc, NULL), -EINVAL,
		   "entry 0 (devmem 'regs'): length 0");
}

static void t_carveout_outside_memory(void **state)
{
	const struct amp_rproc_layout lay = { .mem_limit = 0x40000000 };
	struct rb rb;

	rb_init(&rb, 1);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x3fff0000, AMP_RSC_ADDR_ANY,
		    0x20000, "big");
	parse(&rb);
	expect_err(
		amp_rproc_check_layout(NULL, rsc, &lay), -ERANGE,
		"entry 0 (carveout 'big') da [0x3fff0000,0x40010000) is outside the memory limit 0x40000000");
}

static void t_vring_outside(void **state)
{
	const uint32_t da[2] = { 0x1e000, 0x30000 };
	struct rb rb;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY, 0x10000,
		    "a");
	rb_vdev(&rb, 2, da, 4096, 256, 0);
	parse(&rb);
	/* vring 0 [0x1e000, +0x2806) crosses the carveout's end. */
	expect_err(
		amp_rproc_check_layout(NULL, rsc, NULL), -EINVAL,
		"entry 1 (vdev) vring 0 [0x1e000,0x20806) (num 256, align 4096) is not inside a carveout");
	amp_rproc_rsc_free(rsc);

	/* Both inside: fine; "any" vrings are the core's to allocate. */
	{
		const uint32_t ok[2] = { 0x10000, AMP_RSC_ADDR_ANY };

		rb_init(&rb, 2);
		rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY,
			    0x10000, "a");
		rb_vdev(&rb, 2, ok, 4096, 256, 0);
		parse(&rb);
		assert_int_equal(amp_rproc_check_layout(NULL, rsc, NULL), 0);
	}
}

static void t_trace_outside(void **state)
{
	struct rb rb;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY, 0x10000,
		    "a");
	rb_trace(&rb, 0x40000, 0x1000, "log");
	parse(&rb);
	expect_err(
		amp_rproc_check_layout(NULL, rsc, NULL), -EINVAL,
		"entry 1 (trace 'log') [0x40000,0x41000) is not inside a carveout");
}

static void t_rsc_section_not_loaded(void **state)
{
	struct ib_spec s = { .elf_class = 32, .machine = 40 };
	const struct amp_sg mem = { 0, 0x100000 };
	const struct amp_rproc_layout lay = { .mem = &mem, .nmem = 1 };
	static const uint8_t hdr[16] = { 1 }; /* ver 1, no entries */
	size_t n;

	s.seg[0] = (struct ib_seg){ .paddr = 0x1000,
				    .filesz = 0x40,
				    .memsz = 0x40 };
	s.nseg = 1;
	s.sec[0] = (struct ib_sec){ .name = ".resource_table",
				    .addr = 0x8000,
				    .size = sizeof(hdr),
				    .data = hdr };
	s.nsec = 1;
	n = ib_build(&s, &buf);
	assert_int_equal(amp_rproc_image_parse(buf, n, &img), 0);
	expect_err(
		amp_rproc_check_layout(img, NULL, &lay), -EINVAL,
		"the .resource_table section [0x8000,+0x10) is not inside the file part of a PT_LOAD segment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_standard_ok, teardown),
		cmocka_unit_test_teardown(t_standard64_ok, teardown),
		cmocka_unit_test_teardown(t_segment_outside, teardown),
		cmocka_unit_test_teardown(t_carveouts_overlap, teardown),
		cmocka_unit_test_teardown(t_carveout_zero_len, teardown),
		cmocka_unit_test_teardown(t_carveout_outside_memory, teardown),
		cmocka_unit_test_teardown(t_vring_outside, teardown),
		cmocka_unit_test_teardown(t_trace_outside, teardown),
		cmocka_unit_test_teardown(t_rsc_section_not_loaded, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
