/* SPDX-License-Identifier: BSD-3-Clause */
/* Resource table parsing, each malformed field, and the setters. */
#include <errno.h>
#include <stdlib.h>

#include <ampshm/rsc_table.h>
#include <ampshm/rsc_vendor.h>

#include "rproc_test.h"

static struct amp_rproc_rsc *rsc;

static int teardown(void **state)
{
	amp_rproc_rsc_free(rsc);
	rsc = NULL;
	return 0;
}

/*
 * A standard OpenAMP-style table, laid out with the C structs firmware
 * uses: CARVEOUT + TRACE + VDEV with 2 vrings. Firmware embeds the
 * flexible-array headers this way (a GNU extension clang names).
 */
#ifdef __clang__
#pragma clang diagnostic ignored "-Wgnu-variable-sized-type-not-at-end"
#endif
struct std_table {
	struct amp_rsc_table hdr;
	uint32_t offset[3];
	struct amp_rsc_carveout co;
	struct amp_rsc_trace trace;
	struct amp_rsc_vdev vdev;
	struct amp_rsc_vring vring0, vring1;
};

static const struct std_table std = {
	.hdr = { .ver = 1, .num = 3 },
	.offset = { offsetof(struct std_table, co),
		    offsetof(struct std_table, trace),
		    offsetof(struct std_table, vdev) },
	.co = { AMP_RSC_CARVEOUT, 0x10000, AMP_RSC_ADDR_ANY, 0x100000, 0, 0,
		"fw" },
	.trace = { AMP_RSC_TRACE, 0x80000, 0x1000, 0, "trace0" },
	.vdev = { AMP_RSC_VDEV, AMP_VIRTIO_ID_RPMSG, 0, 1, 0, 0, 0, 2, { 0 } },
	.vring0 = { 0x90000, 4096, 256, 0, 0 },
	.vring1 = { AMP_RSC_ADDR_ANY, 4096, 256, 1, 0 },
};

static void t_standard_table(void **state)
{
	const struct amp_rproc_rsc_entry *e;
	const struct amp_rproc_rsc_vring *v;

	assert_int_equal(amp_rproc_rsc_parse(&std, sizeof(std), &rsc), 0);
	assert_int_equal(amp_rproc_rsc_count(rsc), 3);
	assert_int_equal(amp_rproc_rsc_size(rsc), sizeof(std));
	e = amp_rproc_rsc_entry(rsc, 0);
	assert_int_equal(e->kind, AMP_RPROC_RSC_CARVEOUT);
	assert_int_equal(e->offset, offsetof(struct std_table, co));
	assert_int_equal(e->size, 56);
	assert_int_equal(e->u.mem.da, 0x10000);
	assert_true(e->u.mem.pa == AMP_ADDR_ANY);
	assert_int_equal(e->u.mem.len, 0x100000);
	assert_string_equal(e->u.mem.name, "fw");
	e = amp_rproc_rsc_entry(rsc, 1);
	assert_int_equal(e->kind, AMP_RPROC_RSC_TRACE);
	assert_int_equal(e->u.trace.da, 0x80000);
	assert_int_equal(e->u.trace.len, 0x1000);
	assert_string_equal(e->u.trace.name, "trace0");
	e = amp_rproc_rsc_entry(rsc, 2);
	assert_int_equal(e->kind, AMP_RPROC_RSC_VDEV);
	assert_int_equal(e->size, 28 + 2 * 20);
	assert_int_equal(e->u.vdev.id, AMP_VIRTIO_ID_RPMSG);
	assert_int_equal(e->u.vdev.dfeatures, 1);
	assert_int_equal(e->u.vdev.num_of_vrings, 2);
	v = amp_rproc_rsc_vring(rsc, 2, 0);
	assert_int_equal(v->da, 0x90000);
	assert_int_equal(v->num, 256);
	assert_int_equal(v->align, 4096);
	assert_int_equal(v->size, 0x2806);
	v = amp_rproc_rsc_vring(rsc, 2, 1);
	assert_true(v->da == AMP_ADDR_ANY);
	assert_int_equal(v->notifyid, 1);
	assert_null(amp_rproc_rsc_vring(rsc, 2, 2));
	assert_null(amp_rproc_rsc_vring(rsc, 0, 0));
	assert_null(amp_rproc_rsc_entry(rsc, 3));
}

static void t_carveout64_above_4g(void **state)
{
	const struct amp_rproc_rsc_entry *e;
	struct rb rb;

	rb_init(&rb, 2);
	rb_carveout64(&rb, 0x2000000000ull, 0x880000000ull, 0x40000000,
		      "ddr-high");
	rb_carveout64(&rb, AMP_RSC64_ADDR_ANY, AMP_RSC64_ADDR_ANY, 0x1000,
		      "any");
	assert_int_equal(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), 0);
	e = amp_rproc_rsc_entry(rsc, 0);
	assert_int_equal(e->kind, AMP_RPROC_RSC_CARVEOUT64);
	assert_int_equal(e->type, AMP_RSC_VENDOR_CARVEOUT64);
	assert_int_equal(e->size, 72);
	assert_true(e->u.mem.da == 0x2000000000ull);
	assert_true(e->u.mem.pa == 0x880000000ull);
	assert_true(e->u.mem.len == 0x40000000);
	assert_string_equal(e->u.mem.name, "ddr-high");
	e = amp_rproc_rsc_entry(rsc, 1);
	assert_true(e->u.mem.da == AMP_ADDR_ANY);
	assert_true(e->u.mem.pa == AMP_ADDR_ANY);
	assert_int_equal(amp_rproc_check_layout(NULL, rsc, NULL), 0);
}

static void t_vendor_skipped(void **state)
{
	const struct amp_rproc_rsc_entry *e;
	struct rb rb;

	rb_init(&rb, 3);
	rb_vendor(&rb, 200, 24);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, "a");
	rb_vendor(&rb, 7, 8); /* not a vendor type: type word only */
	assert_int_equal(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), 0);
	e = amp_rproc_rsc_entry(rsc, 0);
	assert_int_equal(e->kind, AMP_RPROC_RSC_VENDOR);
	assert_int_equal(e->u.vendor_len, 24);
	assert_int_equal(e->size, 24);
	assert_int_equal(amp_rproc_rsc_entry(rsc, 1)->kind,
			 AMP_RPROC_RSC_CARVEOUT);
	assert_int_equal(amp_rproc_rsc_entry(rsc, 2)->kind,
			 AMP_RPROC_RSC_UNKNOWN);
}

static void t_header(void **state)
{
	uint8_t t[64] = { 0 };

	expect_err(
		amp_rproc_rsc_parse(t, 12, &rsc), -EINVAL,
		"resource table of 12 bytes is shorter than its header (16 bytes)");
	ib_put32(t, 2);
	expect_err(amp_rproc_rsc_parse(t, sizeof(t), &rsc), -EINVAL,
		   "resource table ver 2 is not 1");
	ib_put32(t, 1);
	ib_put32(t + 12, 5);
	expect_err(amp_rproc_rsc_parse(t, sizeof(t), &rsc), -EINVAL,
		   "reserved[] 0x0 0x5 are not zero");
	ib_put32(t + 12, 0);
	ib_put32(t + 4, 0xffffffff);
	expect_err(
		amp_rproc_rsc_parse(t, sizeof(t), &rsc), -EINVAL,
		"resource table num 4294967295: header + offset[num] need 0x40000000c bytes, beyond the table (0x40 bytes)");
	ib_put32(t + 4, 0);
	assert_int_equal(amp_rproc_rsc_parse(t, sizeof(t), &rsc), 0);
	assert_int_equal(amp_rproc_rsc_count(rsc), 0);
}

static void t_offsets(void **state)
{
	struct rb rb;

	rb_init(&rb, 1);
	rb_trace(&rb, 0x1000, 0x100, "t");
	ib_put32(rb.buf + 16, 0x1000);
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0: offset 0x1000 + 4 (type) beyond the table (0x44 bytes)");
	ib_put32(rb.buf + 16, 0x16);
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "entry 0: offset 0x16 is not 4-byte aligned");
	ib_put32(rb.buf + 16, 0x10);
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "entry 0: offset 0x10 is inside the table header");
}

static void t_entry_past_end(void **state)
{
	struct rb rb;

	rb_init(&rb, 1);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, "a");
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len - 4, &rsc), -EINVAL,
		"entry 0 (carveout): offset 0x14 + entry size 0x38 ends at 0x4c, beyond the table (0x48 bytes)");
}

static void t_vdev_past_end(void **state)
{
	const uint32_t da[2] = { 0x1000, 0x5000 };
	struct rb rb;
	uint32_t off;

	rb_init(&rb, 1);
	off = rb_vdev(&rb, 2, da, 4096, 256, 0);
	/* Claim 200 vrings and a config space: beyond the table. */
	rb.buf[off + 25] = 200;
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0 (vdev): 200 vrings + config_len 0x0 end at 0xfd0, beyond the table (0x58 bytes)");
	rb.buf[off + 25] = 2;
	ib_put32(rb.buf + off + 20, 0xfffffff0);
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "2 vrings + config_len 0xfffffff0 end at 0x100000048");
	ib_put32(rb.buf + off + 20, 0);
	ib_put32(rb.buf + off + 28 + 20 + 8, 100); /* vring 1 num */
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "entry 0 (vdev) vring 1: num 100 is not a power of two");
	ib_put32(rb.buf + off + 28 + 20 + 8, 256);
	ib_put32(rb.buf + off + 28 + 4, 0); /* vring 0 align */
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "entry 0 (vdev) vring 0: align 0 is not a power of two");
}

static void t_vendor_len(void **state)
{
	struct rb rb;
	uint32_t off;

	rb_init(&rb, 1);
	off = rb_vendor(&rb, 300, 16);
	ib_put32(rb.buf + off + 4, 0x1000);
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0 (vendor type 300): len 0x1000 ends at 0x1014, beyond the table (0x24 bytes)");
	ib_put32(rb.buf + off + 4, 4);
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "len 4 is shorter than its 8-byte header");
	ib_put32(rb.buf + off + 4, 0xffffffff);
	expect_err(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		   "len 0xffffffff ends at 0x100000013");

	rb_init(&rb, 1);
	off = rb_carveout64(&rb, 0x1000, 0x1000, 0x1000, "c");
	ib_put32(rb.buf + off + 4, 40);
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0 (carveout64): len 40 is shorter than the 72-byte entry");
	ib_put32(rb.buf + off + 4, 72);
	ib_put64(rb.buf + off + 8, UINT64_MAX - 0x10);
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0 (carveout64 'c'): da 0xffffffffffffffef + size 0x1000 overflows");
}

static void t_names(void **state)
{
	struct rb rb;
	uint32_t off;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, "a");
	off = rb_trace(&rb, 0x1000, 0x10, "t");
	memset(rb.buf + off + 16, 'x', 32);
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 1 (trace): name is not NUL-terminated in its 32 bytes");
}

static void t_overlapping_entries(void **state)
{
	struct rb rb;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x1000, 0x1000, 0x1000, "a");
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0x2000, 0x2000, 0x1000, "b");
	ib_put32(rb.buf + 20, 0x2c); /* entry 1 starts inside entry 0 */
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 1 (carveout) [0x2c,0x64) overlaps entry 0 (carveout) [0x18,0x50)");
}

static void t_carveout32_beyond_4g(void **state)
{
	struct rb rb;

	rb_init(&rb, 1);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, 0xfffff000, 0x1000, 0x2000, "w");
	expect_err(
		amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), -EINVAL,
		"entry 0 (carveout 'w'): da 0xfffff000 + len 0x2000 beyond 4 GiB");
}

static void t_setters(void **state)
{
	struct std_table loaded = std;
	const struct amp_rproc_rsc_entry *e;
	struct rb rb;
	uint8_t copy[4096];

	assert_int_equal(amp_rproc_rsc_parse(&std, sizeof(std), &rsc), 0);
	assert_int_equal(amp_rproc_rsc_set_carveout(rsc, 0, 0x10000, 0x80000000,
						    &loaded, sizeof(loaded)),
			 0);
	assert_int_equal(loaded.co.pa, 0x80000000);
	assert_int_equal(loaded.co.da, 0x10000);
	assert_int_equal(amp_rproc_rsc_entry(rsc, 0)->u.mem.pa, 0x80000000);
	assert_int_equal(amp_rproc_rsc_set_vring(rsc, 2, 1, 0x98000, 5, &loaded,
						 sizeof(loaded)),
			 0);
	assert_int_equal(loaded.vring1.da, 0x98000);
	assert_int_equal(loaded.vring1.notifyid, 5);
	assert_int_equal(loaded.vring0.da, 0x90000);
	assert_int_equal(amp_rproc_rsc_vring(rsc, 2, 1)->da, 0x98000);
	/* Only through the setters: nothing else of the table changed. */
	loaded.co.pa = std.co.pa;
	loaded.vring1 = std.vring1;
	assert_memory_equal(&loaded, &std, sizeof(std));

	expect_err(amp_rproc_rsc_set_carveout(rsc, 0, 0x100000000ull, 0, NULL,
					      0),
		   -ERANGE, "does not fit the 32-bit entry");
	expect_err(amp_rproc_rsc_set_carveout(rsc, 1, 0, 0, NULL, 0), -EINVAL,
		   "entry 1 is a trace, not a carveout");
	expect_err(amp_rproc_rsc_set_vring(rsc, 2, 2, 0, 0, NULL, 0), -EINVAL,
		   "no vring 2 in entry 2");
	expect_err(amp_rproc_rsc_set_vring(rsc, 2, 0, 0x1ffffff00ull, 0, NULL,
					   0),
		   -ERANGE, "does not fit the 32-bit field");
	/* The remote rewrote its table: the setter refuses. */
	loaded.co.type = AMP_RSC_TRACE;
	expect_err(amp_rproc_rsc_set_carveout(rsc, 0, 0x10000, 0x1000, &loaded,
					      sizeof(loaded)),
		   -EINVAL, "changed since it was parsed");
	expect_err(amp_rproc_rsc_set_carveout(rsc, 0, 0x10000, 0x1000, &loaded,
					      8),
		   -EINVAL, "smaller than the parsed one");
	amp_rproc_rsc_free(rsc);
	rsc = NULL;

	/* 64-bit carveout: the chosen addresses above 4 GiB written back. */
	rb_init(&rb, 1);
	rb_carveout64(&rb, AMP_RSC64_ADDR_ANY, AMP_RSC64_ADDR_ANY, 0x100000,
		      "any");
	memcpy(copy, rb.buf, rb.len);
	assert_int_equal(amp_rproc_rsc_parse(rb.buf, rb.len, &rsc), 0);
	assert_int_equal(amp_rproc_rsc_set_carveout(rsc, 0, 0x4000000000ull,
						    0x900000000ull, copy,
						    rb.len),
			 0);
	e = amp_rproc_rsc_entry(rsc, 0);
	assert_true(e->u.mem.da == 0x4000000000ull);
	{
		struct amp_rsc_carveout64 c;

		memcpy(&c, copy + e->offset, sizeof(c));
		assert_true(c.da == 0x4000000000ull);
		assert_true(c.pa == 0x900000000ull);
		assert_true(c.size == 0x100000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_standard_table, teardown),
		cmocka_unit_test_teardown(t_carveout64_above_4g, teardown),
		cmocka_unit_test_teardown(t_vendor_skipped, teardown),
		cmocka_unit_test_teardown(t_header, teardown),
		cmocka_unit_test_teardown(t_offsets, teardown),
		cmocka_unit_test_teardown(t_entry_past_end, teardown),
		cmocka_unit_test_teardown(t_vdev_past_end, teardown),
		cmocka_unit_test_teardown(t_vendor_len, teardown),
		cmocka_unit_test_teardown(t_names, teardown),
		cmocka_unit_test_teardown(t_overlapping_entries, teardown),
		cmocka_unit_test_teardown(t_carveout32_beyond_4g, teardown),
		cmocka_unit_test_teardown(t_setters, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
