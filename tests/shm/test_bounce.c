/* SPDX-License-Identifier: BSD-3-Clause */
/* Bounce (non-coherent) mode: a missing sync shows as stale data. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#define MiB (1ull << 20)

struct fix {
	struct amp_dev *dev;
	struct amp_shm *shm;
	amp_da_t da;
};

static int setup(void **state)
{
	static struct fix f;
	struct amp_dev_config cfg = { .name = "noncoherent",
				      .iommu = true,
				      .bounce = AMP_BOUNCE_ALWAYS };
	const struct amp_sg *sg;
	size_t n;

	if (amp_dev_create(&cfg, &f.dev) ||
	    amp_shm_open("sysmem/bounce", MiB, 0, &f.shm) ||
	    amp_shm_attach(f.shm, f.dev, AMP_DIR_BIDIR, &sg, &n) || n != 1)
		return -1;
	f.da = sg[0].addr;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	return amp_shm_detach(f->shm, f->dev) || amp_shm_close(f->shm) ||
	       amp_dev_destroy(f->dev);
}

static void missing_sync_for_device_is_stale(void **state)
{
	struct fix *f = *state;
	char buf[16];

	assert_true(amp_shm_is_bounced(f->shm, f->dev));
	strcpy(amp_shm_va(f->shm), "new data");
	/* The device reads without a hand-over: it sees its stale copy. */
	assert_int_equal(amp_dev_read(f->dev, f->da, buf, 9), 0);
	assert_memory_not_equal(buf, "new data", 9);
	/* With the hand-over it sees the CPU's data. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 0, 4096),
			 0);
	assert_int_equal(amp_dev_read(f->dev, f->da, buf, 9), 0);
	assert_string_equal(buf, "new data");
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      0, 4096),
			 0);
}

static void missing_sync_for_cpu_is_stale(void **state)
{
	struct fix *f = *state;

	strcpy((char *)amp_shm_va(f->shm) + 8192, "old");
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_FROM_DEVICE, 8192,
						 4096),
			 0);
	assert_int_equal(amp_dev_write(f->dev, f->da + 8192, "dev", 4), 0);
	/* Before the CPU takes it back it still sees its own copy. */
	assert_string_equal((char *)amp_shm_va(f->shm) + 8192, "old");
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 8192, 4096),
			 0);
	assert_string_equal((char *)amp_shm_va(f->shm) + 8192, "dev");
}

static void only_the_range_is_copied(void **state)
{
	struct fix *f = *state;
	char *p = amp_shm_va(f->shm);
	char buf[4];

	memcpy(p + 100000, "AAA", 4);
	memcpy(p + 200000, "BBB", 4);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 100000, 4),
			 0);
	assert_int_equal(amp_dev_read(f->dev, f->da + 100000, buf, 4), 0);
	assert_string_equal(buf, "AAA");
	assert_int_equal(amp_dev_read(f->dev, f->da + 200000, buf, 4), 0);
	assert_memory_not_equal(buf, "BBB", 4);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      100000, 4),
			 0);
	/* Device writes outside the range it was handed never reach the
	 * CPU's copy. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev, AMP_DIR_BIDIR,
						 0, 4096),
			 0);
	assert_int_equal(amp_dev_write(f->dev, f->da + 5000, "XYZ", 4), 0);
	assert_int_equal(amp_dev_write(f->dev, f->da + 10, "in", 3), 0);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_BIDIR, 0,
					      4096),
			 0);
	assert_string_equal(p + 10, "in");
	assert_memory_not_equal(p + 5000, "XYZ", 4);
}

static void unwritten_bytes_survive(void **state)
{
	struct fix *f = *state;
	char *p = amp_shm_va(f->shm);

	/* The device writes only part of a FROM_DEVICE range: the rest comes
	 * back as the CPU left it, not as stale bounce contents. */
	strcpy(p + 300000, "keep me");
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_FROM_DEVICE, 299008,
						 8192),
			 0);
	assert_int_equal(amp_dev_write(f->dev, f->da + 299008, "w", 2), 0);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 299008,
					      8192),
			 0);
	assert_string_equal(p + 299008, "w");
	assert_string_equal(p + 300000, "keep me");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_sync_for_device_is_stale),
		cmocka_unit_test(missing_sync_for_cpu_is_stale),
		cmocka_unit_test(only_the_range_is_copied),
		cmocka_unit_test(unwritten_bytes_survive),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
