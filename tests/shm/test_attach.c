/* SPDX-License-Identifier: BSD-3-Clause */
/* Attach/detach through carveout windows and an IOMMU; 64-bit reach. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "testutil.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* The default DDR: [0x80000000, 0x180000000). */
#define DDR_PA 0x80000000ull
#define DDR_SIZE (4 * GiB)

static void carveout_contig(void **state)
{
	struct amp_window w = { .da = 0x10000000ull,
				.pa = DDR_PA,
				.size = DDR_SIZE };
	struct amp_dev_config cfg = { .name = "r5",
				      .windows = &w,
				      .nwindows = 1 };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	size_t n, nsg;
	char buf[32];
	amp_da_t da;
	amp_pa_t pa;
	uint64_t off;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(
		amp_shm_open("sysmem/cv", 4 * MiB, AMP_SHM_F_CONTIG, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	amp_shm_cpu_sg(shm, &segs, &n);
	assert_int_equal(nsg, 1);
	/* Linear map: da = window.da + (pa - window.pa). */
	assert_int_equal(sg[0].addr, w.da + (segs[0].pa - w.pa));
	assert_int_equal(sg[0].len, 4 * MiB);
	assert_true(sg[0].addr > 0xffffffffull); /* 64-bit device address */
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL),
			 -EALREADY);

	/* Translations both ways. */
	assert_int_equal(amp_shm_offset_to_da(shm, dev, 100, &da), 0);
	assert_int_equal(da, sg[0].addr + 100);
	assert_int_equal(amp_shm_da_to_offset(shm, dev, da, &off), 0);
	assert_int_equal(off, 100);
	assert_int_equal(amp_dev_da_to_pa(dev, da, &pa), 0);
	assert_int_equal(pa, segs[0].pa + 100);
	assert_int_equal(amp_dev_pa_to_da(dev, pa, &da), 0);
	assert_int_equal(da, sg[0].addr + 100);
	assert_int_equal(amp_shm_offset_to_da(shm, dev, 4 * MiB, &da), -ERANGE);

	/* The device really sees the CPU's bytes and vice versa. */
	strcpy(amp_shm_va(shm), "cpu wrote this");
	assert_int_equal(amp_dev_read(dev, sg[0].addr, buf, 15), 0);
	assert_string_equal(buf, "cpu wrote this");
	assert_int_equal(amp_dev_write(dev, sg[0].addr + 64, "dev", 4), 0);
	assert_string_equal((char *)amp_shm_va(shm) + 64, "dev");

	/* Outside every window: a fault. */
	assert_int_equal(amp_dev_read(dev, 0x1000, buf, 4), -EFAULT);
	assert_true(amp_dev_fault_count(dev) >= 1);

	assert_int_equal(amp_dev_destroy(dev), -EBUSY);
	/* The attachment holds the buffer: closing the last open leaves it
	 * alive and mapped for the device until detach. */
	assert_int_equal(amp_shm_refcount(shm), 2);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_shm_refcount(shm), 1);
	assert_int_equal(amp_dev_read(dev, sg[0].addr + 64, buf, 4), 0);
	assert_string_equal(buf, "dev");
	assert_int_equal(amp_shm_detach(shm, dev), 0); /* frees it */
	/* The window still reaches DDR, where freed memory reads as 0. */
	assert_int_equal(amp_dev_read(dev, da - 100 + 64, buf, 4), 0);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(amp_shm_open("sysmem/cv", 0, AMP_SHM_F_NOCREATE,
				      &shm),
			 -ENOENT);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void carveout_scattered(void **state)
{
	struct amp_window w = { .da = 0x200000000ull,
				.pa = DDR_PA,
				.size = DDR_SIZE };
	struct amp_dev_config cfg = { .name = "dsp",
				      .windows = &w,
				      .nwindows = 1 };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	size_t n, nsg;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/cs", 6 * MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, &sg, &nsg),
			 0);
	amp_shm_cpu_sg(shm, &segs, &n);
	/* Without an IOMMU the device sees the physical scatter. */
	assert_int_equal(nsg, n);
	assert_true(nsg > 1);
	for (size_t i = 0; i < nsg; i++) {
		assert_int_equal(sg[i].addr, w.da + (segs[i].pa - w.pa));
		assert_int_equal(sg[i].len, segs[i].len);
	}
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void iommu_scattered_contiguous(void **state)
{
	struct amp_dev_config cfg = { .name = "npu",
				      .dma_bits = 40,
				      .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	size_t n, nsg;
	uint8_t *tmp = malloc(10 * MiB);
	uint64_t off;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/io", 10 * MiB, 0, &shm), 0);
	amp_shm_cpu_sg(shm, &segs, &n);
	assert_true(n > 1);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	/* Scattered pages, one contiguous device range. */
	assert_int_equal(nsg, 1);
	assert_int_equal(sg[0].len, 10 * MiB);
	assert_true(sg[0].addr + sg[0].len - 1 < (1ull << 40));

	/* The device streams the whole buffer across its scattered pages. */
	tu_fill(amp_shm_va(shm), 10 * MiB, 99);
	assert_int_equal(amp_dev_read(dev, sg[0].addr, tmp, 10 * MiB), 0);
	assert_int_equal(tu_check(tmp, 10 * MiB, 99), 0);
	tu_fill(tmp, 10 * MiB, 5);
	assert_int_equal(amp_dev_write(dev, sg[0].addr, tmp, 10 * MiB), 0);
	assert_int_equal(tu_check(amp_shm_va(shm), 10 * MiB, 5), 0);

	/* Every segment translates back. */
	for (size_t i = 0; i < n; i++) {
		amp_da_t da;
		amp_pa_t pa;

		assert_int_equal(
			amp_shm_offset_to_da(shm, dev, segs[i].offset, &da), 0);
		assert_int_equal(da, sg[0].addr + segs[i].offset);
		assert_int_equal(amp_dev_da_to_pa(dev, da, &pa), 0);
		assert_int_equal(pa, segs[i].pa);
		assert_int_equal(amp_dev_pa_to_da(dev, pa, &da), 0);
		assert_int_equal(amp_shm_da_to_offset(shm, dev, da, &off), 0);
		assert_int_equal(off, segs[i].offset);
	}

	/* Just past the mapping: an IOMMU fault, nothing read. */
	assert_int_equal(amp_dev_read(dev, sg[0].addr + sg[0].len, tmp, 1),
			 -EFAULT);
	assert_int_equal(amp_dev_read(dev, sg[0].addr + sg[0].len - 4, tmp, 8),
			 -EFAULT);
	assert_true(amp_dev_fault_count(dev) >= 2);

	/* After detach the device can reach nothing. */
	{
		amp_da_t base = sg[0].addr;

		assert_int_equal(amp_shm_detach(shm, dev), 0);
		assert_int_equal(amp_dev_read(dev, base, tmp, 1), -EFAULT);
	}
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
	free(tmp);
}

static void iommu_direction_enforced(void **state)
{
	struct amp_dev_config cfg = { .name = "ro", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_sg *sg;
	size_t nsg;
	char c = 1;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/ro", MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, &sg, &nsg),
			 0);
	/* Attached for device reads only: a device write faults. */
	assert_int_equal(amp_dev_read(dev, sg[0].addr, &c, 1), 0);
	assert_int_equal(amp_dev_write(dev, sg[0].addr, &c, 1), -EFAULT);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void narrow_device(void **state)
{
	/* A 32-bit core that sees the low 2 GiB of DDR at da 0. */
	struct amp_window w = { .da = 0, .pa = DDR_PA, .size = 2 * GiB };
	struct amp_dev_config cfg = { .name = "m4",
				      .dma_bits = 32,
				      .windows = &w,
				      .nwindows = 1,
				      .bounce = AMP_BOUNCE_NEVER };
	struct amp_dev *strict, *bouncy;
	struct amp_shm *shm;
	const struct amp_sg *sg;
	size_t nsg;
	char buf[8];

	assert_int_equal(amp_dev_create(&cfg, &strict), 0);
	cfg.name = "m4b";
	cfg.bounce = AMP_BOUNCE_IF_NEEDED;
	assert_int_equal(amp_dev_create(&cfg, &bouncy), 0);
	/* Ordinary buffers live above 4 GiB: out of a 32-bit core's reach. */
	assert_int_equal(amp_shm_open("sysmem/hi", MiB, AMP_SHM_F_CONTIG, &shm),
			 0);
	assert_int_equal(amp_shm_attach(shm, strict, AMP_DIR_BIDIR, &sg, &nsg),
			 -ERANGE);
	assert_non_null(strstr(amp_last_error(), "bouncing is disabled"));
	/* The other one gets a bounce buffer in low memory. */
	assert_int_equal(amp_shm_attach(shm, bouncy, AMP_DIR_BIDIR, &sg, &nsg),
			 0);
	assert_true(amp_shm_is_bounced(shm, bouncy));
	assert_int_equal(nsg, 1);
	assert_true(sg[0].addr + sg[0].len - 1 <= 0xffffffffull);
	strcpy(amp_shm_va(shm), "abc");
	assert_int_equal(amp_shm_sync_for_device(shm, bouncy, AMP_DIR_TO_DEVICE,
						 0, 4096),
			 0);
	assert_int_equal(amp_dev_read(bouncy, sg[0].addr, buf, 4), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(amp_shm_sync_for_cpu(shm, bouncy, AMP_DIR_TO_DEVICE, 0,
					      4096),
			 0);
	assert_int_equal(amp_shm_detach(shm, bouncy), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(bouncy), 0);

	/* A window beyond the device's address width is refused. */
	w.da = 0xfff00000ull;
	w.size = 2 * MiB;
	assert_int_equal(amp_dev_create(&cfg, &bouncy), -EINVAL);
	w.da = 0;
	assert_int_equal(amp_dev_destroy(strict), 0);
}

static void iommu_32bit_high_memory(void **state)
{
	/* An IOMMU lets a 32-bit device reach memory above 4 GiB. */
	struct amp_dev_config cfg = { .name = "iommu32",
				      .dma_bits = 32,
				      .iommu = true,
				      .bounce = AMP_BOUNCE_NEVER };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	size_t n, nsg;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/hi32", 64 * MiB, 0, &shm), 0);
	amp_shm_cpu_sg(shm, &segs, &n);
	assert_true(segs[0].pa > 0xffffffffull);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	assert_false(amp_shm_is_bounced(shm, dev));
	assert_true(sg[0].addr + sg[0].len - 1 <= 0xffffffffull);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void iova_exhaustion(void **state)
{
	struct amp_dev_config cfg = { .name = "small",
				      .iommu = true,
				      .iova_base = 0x100000,
				      .iova_size = 4 * MiB };
	struct amp_dev *dev;
	struct amp_shm *a, *b;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/ia", 3 * MiB, 0, &a), 0);
	assert_int_equal(amp_shm_open("sysmem/ib", 3 * MiB, 0, &b), 0);
	assert_int_equal(amp_shm_attach(a, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	assert_int_equal(amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL),
			 -ENOSPC);
	assert_int_equal(amp_shm_detach(a, dev), 0);
	assert_int_equal(amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	assert_int_equal(amp_shm_detach(b, dev), 0);
	amp_shm_close(a);
	amp_shm_close(b);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void static_and_user_reach(void **state)
{
	/* A carveout-only device reaches its static region but not user
	 * memory (unless bounced); an IOMMU device reaches both. */
	struct amp_window w = { .da = 0x20000000,
				.pa = 0x3e000000,
				.size = 16 * MiB };
	struct amp_dev_config cfg = { .name = "cv",
				      .windows = &w,
				      .nwindows = 1,
				      .bounce = AMP_BOUNCE_NEVER };
	struct amp_dev_config icfg = { .name = "iv", .iommu = true };
	struct amp_dev *cv, *iv;
	struct amp_shm *st, *us;
	const struct amp_sg *sg;
	size_t nsg;
	int fd = memfd_create("u", 0);

	assert_int_equal(ftruncate(fd, MiB), 0);
	assert_int_equal(amp_static_region_add("carve", 0x3e000000, 16 * MiB, 0,
					       NULL, 0),
			 0);
	assert_int_equal(amp_dev_create(&cfg, &cv), 0);
	assert_int_equal(amp_dev_create(&icfg, &iv), 0);
	assert_int_equal(amp_shm_open("static/carve", 0, 0, &st), 0);
	assert_int_equal(amp_shm_attach(st, cv, AMP_DIR_BIDIR, &sg, &nsg), 0);
	assert_int_equal(sg[0].addr, 0x20000000);
	assert_int_equal(amp_shm_import_fd("user/u", fd, 0, MiB, 0, &us), 0);
	assert_int_equal(amp_shm_attach(us, cv, AMP_DIR_BIDIR, &sg, &nsg),
			 -ERANGE);
	assert_int_equal(amp_shm_attach(us, iv, AMP_DIR_BIDIR, &sg, &nsg), 0);
	strcpy(amp_shm_va(us), "user bytes");
	{
		char buf[16];

		assert_int_equal(amp_dev_read(iv, sg[0].addr, buf, 11), 0);
		assert_string_equal(buf, "user bytes");
	}
	assert_int_equal(amp_shm_detach(us, iv), 0);
	assert_int_equal(amp_shm_detach(st, cv), 0);
	amp_shm_close(us);
	amp_shm_close(st);
	amp_dev_destroy(cv);
	amp_dev_destroy(iv);
	close(fd);
}

static void bad_devices(void **state)
{
	struct amp_window w[2] = { { 0, 0x80000000, MiB },
				   { MiB / 2, 0x90000000, MiB } };
	struct amp_dev_config cfg = { .name = "bad",
				      .windows = w,
				      .nwindows = 2 };
	struct amp_dev *d;

	assert_int_equal(amp_dev_create(&cfg, &d), -EINVAL); /* overlap */
	cfg.nwindows = 0;
	assert_int_equal(amp_dev_create(&cfg, &d), -EINVAL); /* no reach */
	cfg.dma_bits = 8;
	cfg.iommu = true;
	assert_int_equal(amp_dev_create(&cfg, &d), -EINVAL);
	assert_int_equal(amp_dev_create(NULL, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(carveout_contig),
		cmocka_unit_test(carveout_scattered),
		cmocka_unit_test(iommu_scattered_contiguous),
		cmocka_unit_test(iommu_direction_enforced),
		cmocka_unit_test(narrow_device),
		cmocka_unit_test(iommu_32bit_high_memory),
		cmocka_unit_test(iova_exhaustion),
		cmocka_unit_test(static_and_user_reach),
		cmocka_unit_test(bad_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
