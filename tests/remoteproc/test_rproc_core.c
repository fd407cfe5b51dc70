/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The remoteproc core with a backend that only records what it is asked:
 * the image really lands at its device addresses in memory the core's
 * device reaches, the loaded table gets the chosen addresses, a crash
 * takes back what the core held and recovery reloads it, 50 times without
 * leaking memory, a second start after stop works, and the coredump holds
 * the core's memory.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc.h>
#include <ampshm/rsc_table.h>

#include "imgbuild.h"

#define MiB (1ull << 20)
#define CODE_DA 0x10000u
#define DATA_DA 0x20000u
#define TRACE_DA 0x80000u
#define FIXED_DA 0x200000u
#define FIXED_PA 0x30000000ull

struct fake {
	int starts, stops;
	uint64_t entry;
	int fail_start;
	char events[256];
	size_t nev;
};

static int f_start(void *priv, struct amp_rproc *rp, uint64_t entry)
{
	struct fake *f = priv;

	if (f->fail_start)
		return -EIO;
	f->starts++;
	f->entry = entry;
	return 0;
}

static int f_stop(void *priv, struct amp_rproc *rp)
{
	((struct fake *)priv)->stops++;
	return 0;
}

static const struct amp_rproc_ops fake_ops = { .start = f_start,
					       .stop = f_stop };

static void on_event(void *priv, struct amp_rproc *rp,
		     enum amp_rproc_state from, enum amp_rproc_state to)
{
	struct fake *f = priv;
	const char *n = amp_rproc_state_name(to);

	if (f->nev + strlen(n) + 2 < sizeof(f->events))
		f->nev += (size_t)snprintf(f->events + f->nev,
					   sizeof(f->events) - f->nev, "%s%s",
					   f->nev ? ">" : "", n);
}

static uint8_t code[0x100];

/* Firmware: code at 0x10000, data (table first) at 0x20000 with a .bss,
 * a carveout with pa "any", one at a fixed pa, a trace buffer, a vdev
 * with vrings at "any". */
static size_t build_image(uint8_t **out, uint32_t fixed_pa)
{
	static uint8_t data[0x400];
	const uint32_t vr[2] = { AMP_RSC_ADDR_ANY, AMP_RSC_ADDR_ANY };
	struct ib_spec s = { .elf_class = 32, .machine = 40, .entry = CODE_DA };
	struct rb rb;

	for (size_t i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(i * 7 + 1);
	rb_init(&rb, 4);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, CODE_DA, AMP_RSC_ADDR_ANY, MiB,
		    "fw");
	rb_carveout(&rb, AMP_RSC_CARVEOUT, FIXED_DA, fixed_pa, 0x10000,
		    "fixed");
	rb_trace(&rb, TRACE_DA, 0x1000, "trace0");
	rb_vdev(&rb, 2, vr, 4096, 16, 0);
	memset(data, 0, sizeof(data));
	memcpy(data, rb.buf, rb.len);
	memset(data + 0x300, 0x5a, 0x100); /* initialised data */
	s.seg[0] = (struct ib_seg){ .flags = 5,
				    .vaddr = CODE_DA,
				    .paddr = CODE_DA,
				    .filesz = sizeof(code),
				    .memsz = sizeof(code),
				    .align = 16,
				    .data = code };
	s.seg[1] = (struct ib_seg){ .flags = 6,
				    .vaddr = DATA_DA,
				    .paddr = DATA_DA,
				    .filesz = sizeof(data),
				    .memsz = 0x2000, /* .bss */
				    .align = 16,
				    .data = data };
	s.nseg = 2;
	s.sec[0] = (struct ib_sec){ .name = ".resource_table",
				    .addr = DATA_DA,
				    .size = rb.len,
				    .in_seg = 2 };
	s.nsec = 1;
	return ib_build(&s, out);
}

struct fix {
	struct fake f;
	struct amp_rproc *rp;
	uint8_t *img;
	size_t img_size;
};

static int setup(void **state)
{
	static struct fix x;
	struct amp_rproc_config cfg = { .name = "r5f",
					.ops = &fake_ops,
					.priv = &x.f,
					.dma_bits = 32,
					.iommu = true,
					.recovery = true };

	memset(&x, 0, sizeof(x));
	cfg.priv = &x.f;
	if (amp_static_region_add("r5-fixed", FIXED_PA, 0x10000, 0, NULL, 0) ||
	    amp_rproc_create(&cfg, &x.rp) ||
	    amp_rproc_subscribe(x.rp, on_event, &x.f))
		return -1;
	x.img_size = build_image(&x.img, (uint32_t)FIXED_PA);
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	struct fix *x = *state;

	free(x->img);
	return amp_rproc_destroy(x->rp) || amp_static_region_remove("r5-fixed");
}

static void expect_bytes(struct amp_dev *dev, uint64_t da, const void *want,
			 size_t len)
{
	uint8_t got[0x400];

	assert_true(len <= sizeof(got));
	assert_int_equal(amp_dev_read(dev, da, got, len), 0);
	assert_memory_equal(got, want, len);
}

static void load_start_trace(void **state)
{
	struct fix *x = *state;
	uint8_t zeros[0x100] = { 0 }, five[0x100];
	struct amp_rproc_rsc *rsc;
	const struct amp_rproc_rsc_entry *e;
	struct amp_dev *dev;
	void *table;
	size_t tsize;
	uint64_t tda;
	char trace[16];

	memset(five, 0x5a, sizeof(five));
	assert_int_equal(amp_rproc_load(x->rp, x->img, x->img_size), 0);
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_LOADED);
	dev = amp_rproc_dev(x->rp);
	assert_non_null(dev);
	/* Segments at their device addresses, .bss zeroed. */
	expect_bytes(dev, CODE_DA, code, sizeof(code));
	expect_bytes(dev, DATA_DA + 0x300, five, sizeof(five));
	expect_bytes(dev, DATA_DA + 0x400, zeros, sizeof(zeros));
	/* The loaded table, in the core's memory, has the chosen addresses. */
	assert_int_equal(amp_rproc_rsc_table(x->rp, &table, &tsize, &tda), 0);
	assert_int_equal(tda, DATA_DA);
	assert_int_equal(amp_rproc_rsc_parse(table, tsize, &rsc), 0);
	e = amp_rproc_rsc_entry(rsc, 0);
	assert_int_equal(e->u.mem.da, CODE_DA);
	assert_true(e->u.mem.pa != AMP_ADDR_ANY && e->u.mem.pa < (1ull << 32));
	e = amp_rproc_rsc_entry(rsc, 1);
	assert_int_equal(e->u.mem.pa, FIXED_PA);
	for (unsigned v = 0; v < 2; v++) {
		const struct amp_rproc_rsc_vring *vr =
			amp_rproc_rsc_vring(rsc, 3, v);
		uint8_t b;

		assert_true(vr->da != AMP_ADDR_ANY);
		assert_int_equal(vr->da & 4095, 0);
		/* The core can reach its vrings. */
		assert_int_equal(
			amp_dev_read(dev, vr->da + vr->size - 1, &b, 1), 0);
	}
	amp_rproc_rsc_free(rsc);
	/* The fixed carveout is the static region's memory. */
	assert_int_equal(amp_dev_write(dev, FIXED_DA, "fixed!", 7), 0);

	assert_int_equal(amp_rproc_start(x->rp), 0);
	assert_int_equal(x->f.entry, CODE_DA);
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_RUNNING);
	assert_int_equal(amp_rproc_load(x->rp, x->img, x->img_size), -EBUSY);
	/* The firmware logs; the host reads its trace buffer. */
	assert_int_equal(amp_dev_write(dev, TRACE_DA, "booted", 7), 0);
	assert_int_equal(amp_rproc_read_trace(x->rp, trace, sizeof(trace)),
			 (int)sizeof(trace));
	assert_string_equal(trace, "booted");
}

/* A crash takes back what the core held; recovery reloads and restarts. */
static void crash_and_recover(void **state)
{
	struct fix *x = *state;
	struct amp_dev *dev = amp_rproc_dev(x->rp);
	uint64_t free0 = amp_sysmem_free_bytes();
	struct amp_rproc_crash c;
	const struct amp_sg *sg;
	struct amp_shm *buf;
	size_t n;

	for (int round = 0; round < 50; round++) {
		int starts = x->f.starts;

		assert_int_equal(amp_shm_open("sysmem/rpbuf", MiB, 0, &buf), 0);
		assert_int_equal(
			amp_shm_attach(buf, dev, AMP_DIR_BIDIR, &sg, &n), 0);
		assert_int_equal(amp_shm_sync_for_device(buf, dev,
							 AMP_DIR_FROM_DEVICE, 0,
							 4096),
				 0);
		assert_int_equal(amp_shm_sync_for_device(buf, dev,
							 AMP_DIR_TO_DEVICE,
							 8192, 4096),
				 0);
		/* The core writes its result, corrupts its own code, dies. */
		assert_int_equal(amp_dev_write(dev, sg[0].addr, "partial", 8),
				 0);
		assert_int_equal(amp_dev_write(dev, CODE_DA, "garbage", 8), 0);
		x->f.nev = 0;
		assert_int_equal(amp_rproc_report_crash(x->rp, "wild write",
							0xdead0000, 0x10040),
				 0);
		assert_string_equal(x->f.events, "crashed>recovering>running");
		assert_int_equal(x->f.starts, starts + 1);
		/* Everything it held is the CPU's; what it wrote is there. */
		assert_int_equal(amp_shm_owner(buf, dev, 0), -ENOTCONN);
		assert_string_equal((char *)amp_shm_va(buf), "partial");
		assert_int_equal(amp_shm_close(buf), 0);
		/* Reloaded: the code is the image's again. */
		expect_bytes(dev, CODE_DA, code, sizeof(code));
	}
	amp_rproc_last_crash(x->rp, &c);
	assert_int_equal(c.count, 50);
	assert_int_equal(c.ranges, 2);
	assert_int_equal(c.fault_da, 0xdead0000);
	assert_int_equal(c.pc, 0x10040);
	assert_string_equal(c.reason, "wild write");
	assert_int_equal(amp_sysmem_free_bytes(), free0);
}

static void coredump(void **state)
{
	struct fix *x = *state;
	char path[] = "/tmp/ampshm-core-XXXXXX";
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t got[sizeof(code)];
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(amp_rproc_coredump(x->rp, path), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(&eh, sizeof(eh), 1, f), 1);
	assert_memory_equal(eh.e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(eh.e_phnum, 3); /* fw, fixed, vdev */
	assert_int_equal(fread(&ph, sizeof(ph), 1, f), 1);
	assert_int_equal(ph.p_vaddr, CODE_DA);
	assert_int_equal(fseek(f, (long)ph.p_offset, SEEK_SET), 0);
	assert_int_equal(fread(got, sizeof(got), 1, f), 1);
	assert_memory_equal(got, code, sizeof(code));
	fclose(f);
	unlink(path);
}

static void stop_then_start_again(void **state)
{
	struct fix *x = *state;
	uint64_t before;

	assert_int_equal(amp_rproc_stop(x->rp), 0);
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_OFFLINE);
	assert_null(amp_rproc_dev(x->rp));
	before = amp_sysmem_free_bytes();
	/* "Second start fails, only a reboot helps": not here. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(amp_rproc_load(x->rp, x->img, x->img_size), 0);
		assert_int_equal(amp_rproc_start(x->rp), 0);
		expect_bytes(amp_rproc_dev(x->rp), CODE_DA, code, sizeof(code));
		assert_int_equal(amp_rproc_stop(x->rp), 0);
		assert_int_equal(amp_sysmem_free_bytes(), before);
	}
	/* A start the backend refuses leaves it loaded. */
	assert_int_equal(amp_rproc_load(x->rp, x->img, x->img_size), 0);
	x->f.fail_start = 1;
	assert_int_equal(amp_rproc_start(x->rp), -EIO);
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_LOADED);
	x->f.fail_start = 0;
	assert_int_equal(amp_rproc_stop(x->rp), 0);
}

/*
 * A crafted image: the .resource_table section's file bytes (what the
 * host plans from) are a full table, but its segment loads a table with
 * one entry at the same address.
 */
static size_t build_crafted(uint8_t **out)
{
	static uint8_t seg[0x400], full[0x400];
	struct ib_spec s = { .elf_class = 32, .machine = 40, .entry = CODE_DA };
	struct rb small, rb;

	rb_init(&rb, 2);
	rb_carveout(&rb, AMP_RSC_CARVEOUT, CODE_DA, AMP_RSC_ADDR_ANY, MiB,
		    "fw");
	rb_carveout(&rb, AMP_RSC_CARVEOUT, FIXED_DA, (uint32_t)FIXED_PA,
		    0x10000, "fixed");
	memset(full, 0, sizeof(full));
	memcpy(full, rb.buf, rb.len);
	rb_init(&small, 1);
	rb_trace(&small, TRACE_DA, 0x1000, "trace0");
	memset(seg, 0, sizeof(seg));
	memcpy(seg, small.buf, small.len);
	s.seg[0] = (struct ib_seg){ .flags = 5, .vaddr = CODE_DA,
				    .paddr = CODE_DA, .filesz = sizeof(code),
				    .memsz = sizeof(code), .align = 16,
				    .data = code };
	s.seg[1] = (struct ib_seg){ .flags = 6, .vaddr = DATA_DA,
				    .paddr = DATA_DA, .filesz = sizeof(seg),
				    .memsz = sizeof(seg), .align = 16,
				    .data = seg };
	s.nseg = 2;
	s.sec[0] = (struct ib_sec){ .name = ".resource_table",
				    .addr = DATA_DA,
				    .size = rb.len,
				    .data = full };
	s.nsec = 1;
	return ib_build(&s, out);
}

static void bad_images(void **state)
{
	struct fix *x = *state;
	uint8_t *img;
	size_t n = build_image(&img, 0x7000000u); /* no memory there */

	assert_int_equal(amp_rproc_load(x->rp, img, n), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "not memory ampshm manages"));
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_OFFLINE);
	img[0] = 0; /* not an ELF any more */
	assert_int_equal(amp_rproc_load(x->rp, img, n), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "magic"));
	free(img);
	n = build_crafted(&img);
	assert_int_equal(amp_rproc_load(x->rp, img, n), -EINVAL);
	assert_int_equal(amp_rproc_state(x->rp), AMP_RPROC_OFFLINE);
	free(img);
	assert_int_equal(amp_rproc_start(x->rp), -EBUSY);
	assert_int_equal(amp_rproc_report_crash(x->rp, "late", 0, 0), 0);
}

/* With a coredump directory, a crash dumps the memory as the core left it
 * (before recovery reloads it). */
static void coredump_on_crash(void **state)
{
	struct fix *x = *state;
	char dir[] = "/tmp/ampshm-dumps-XXXXXX";
	struct amp_rproc_config cfg = { .name = "dumper",
					.ops = &fake_ops,
					.dma_bits = 32,
					.recovery = true,
					.coredump_dir = dir };
	struct fake f = { 0 };
	struct amp_rproc_crash c;
	struct amp_rproc *rp;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	char got[8];
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	cfg.priv = &f;
	assert_int_equal(amp_rproc_create(&cfg, &rp), 0);
	assert_int_equal(amp_rproc_load(rp, x->img, x->img_size), 0);
	assert_int_equal(amp_rproc_start(rp), 0);
	assert_int_equal(amp_dev_write(amp_rproc_dev(rp), CODE_DA, "garbage",
				       8),
			 0);
	assert_int_equal(amp_rproc_report_crash(rp, "boom", AMP_ADDR_ANY,
						AMP_ADDR_ANY),
			 0);
	amp_rproc_last_crash(rp, &c);
	assert_non_null(strstr(c.coredump, "/dumper-1.core"));
	fp = fopen(c.coredump, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(&eh, sizeof(eh), 1, fp), 1);
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(fread(&ph, sizeof(ph), 1, fp), 1);
	assert_int_equal(fseek(fp, (long)ph.p_offset, SEEK_SET), 0);
	assert_int_equal(fread(got, sizeof(got), 1, fp), 1);
	fclose(fp);
	assert_string_equal(got, "garbage"); /* as it died */
	expect_bytes(amp_rproc_dev(rp), CODE_DA, code, sizeof(code));
	unlink(c.coredump);
	rmdir(dir);
	assert_int_equal(amp_rproc_destroy(rp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_start_trace),
		cmocka_unit_test(crash_and_recover),
		cmocka_unit_test(coredump),
		cmocka_unit_test(stop_then_start_again),
		cmocka_unit_test(bad_images),
		cmocka_unit_test(coredump_on_crash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
