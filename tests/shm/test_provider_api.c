/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A memory source plugged in by the application (<ampshm/provider.h>): an
 * "FPGA BAR" made of two pieces of a memfd at a fixed physical address.
 * Its buffers are mapped for the CPU, reachable by devices through the
 * physical map, and go through the same hand-over path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#define MiB (1ull << 20)
#define BAR_PA 0x500000000ull

struct bar {
	int fd;
	struct amp_shm_piece pieces[2];
	int allocs, frees, to_dev, to_cpu;
};

static int bar_alloc(void *priv, const char *name, uint64_t size,
		     unsigned flags, const struct amp_shm_piece **pieces,
		     size_t *n, void **cookie)
{
	struct bar *b = priv;

	if (size > 2 * MiB)
		return -ENOMEM;
	/* Two pieces, the second below the first: physically scattered. */
	b->pieces[0] = (struct amp_shm_piece){ BAR_PA + MiB, MiB, b->fd, MiB };
	b->pieces[1] = (struct amp_shm_piece){ BAR_PA, MiB, b->fd, 0 };
	*pieces = b->pieces;
	*n = 2;
	*cookie = b;
	b->allocs++;
	return 0;
}

static void bar_free(void *priv, void *cookie)
{
	struct bar *b = priv;

	b->frees++;
}

static int bar_to_device(void *priv, void *cookie, enum amp_dir dir)
{
	((struct bar *)priv)->to_dev++;
	return 0;
}

static int bar_to_cpu(void *priv, void *cookie, enum amp_dir dir)
{
	((struct bar *)priv)->to_cpu++;
	return 0;
}

static const struct amp_shm_provider_ops bar_ops = {
	.alloc = bar_alloc,
	.free = bar_free,
	.to_device = bar_to_device,
	.to_cpu = bar_to_cpu,
};

static void plugged_provider(void **state)
{
	struct amp_dev_config cfg = { .name = "fpga-dma", .iommu = true };
	struct bar b = { .fd = memfd_create("bar", MFD_CLOEXEC) };
	const struct amp_cpu_seg *segs;
	const struct amp_sg *sg;
	struct amp_shm *shm;
	struct amp_dev *dev;
	char got[16], raw[16];
	size_t n;

	assert_true(b.fd >= 0);
	assert_int_equal(ftruncate(b.fd, 2 * MiB), 0);
	assert_int_equal(amp_shm_provider_register("fpga", &bar_ops, &b), 0);
	assert_int_equal(amp_shm_provider_register("fpga", &bar_ops, &b),
			 -EEXIST);
	assert_int_equal(amp_shm_provider_register("sysmem", &bar_ops, &b),
			 -EEXIST);
	assert_int_equal(amp_shm_provider_unregister("sysmem"), -EPERM);

	assert_int_equal(amp_shm_open("fpga/frame", 2 * MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_cpu_sg(shm, &segs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(segs[0].pa, BAR_PA + MiB);
	/* The CPU view is the file's bytes, in buffer order. */
	memcpy((char *)amp_shm_va(shm) + MiB, "second piece", 13);
	assert_int_equal(pread(b.fd, raw, 13, 0), 13);
	assert_string_equal(raw, "second piece");
	/* The physical range now has an owner. */
	assert_int_equal(amp_static_region_add("clash", BAR_PA, MiB, 0, NULL,
					       0),
			 -EEXIST);
	assert_non_null(strstr(amp_last_error(), "fpga/frame"));

	/* A device reaches it through the physical map. */
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &n), 0);
	assert_int_equal(
		amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, MiB, 4096), 0);
	assert_int_equal(amp_dev_read(dev, sg[0].addr + MiB, got, 13), 0);
	assert_string_equal(got, "second piece");
	assert_int_equal(
		amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, MiB, 4096), 0);
	assert_int_equal(b.to_dev, 1);
	assert_int_equal(b.to_cpu, 1);
	assert_int_equal(amp_shm_provider_unregister("fpga"), -EBUSY);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(b.frees, 1);
	assert_int_equal(
		amp_static_region_add("clash", BAR_PA, MiB, 0, NULL, 0), 0);
	assert_int_equal(amp_static_region_remove("clash"), 0);
	assert_int_equal(amp_shm_provider_unregister("fpga"), 0);
	assert_int_equal(amp_shm_open("fpga/frame", MiB, 0, &shm), -ENOENT);
	assert_int_equal(amp_dev_destroy(dev), 0);
	close(b.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plugged_provider),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
