/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Range syncs: the ownership state machine and every misuse error. What
 * the hand-overs do to the data (the cache maintenance per direction, the
 * line rules) is checked through a cache model in test_cache_data.c.
 */
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
};

static int setup(void **state)
{
	static struct fix f;
	struct amp_dev_config cfg = { .name = "dsp", .iommu = true };

	if (amp_dev_create(&cfg, &f.dev) ||
	    amp_shm_open("sysmem/sync", 4 * MiB, 0, &f.shm) ||
	    amp_shm_attach(f.shm, f.dev, AMP_DIR_BIDIR, NULL, NULL))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	return amp_shm_detach(f->shm, f->dev) || amp_shm_close(f->shm) ||
	       amp_dev_destroy(f->dev);
}

static struct amp_cache_stats stats(void)
{
	struct amp_cache_stats st;

	amp_cache_get_stats(&st);
	amp_cache_reset_stats();
	return st;
}

static void split_ranges(void **state)
{
	struct fix *f = *state;

	/* Hand over a range; take it back in two pieces. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_FROM_DEVICE, 0, 65536),
			 0);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 4096, 4096),
			 0);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 0), AMP_OWNER_DEVICE);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 4096), AMP_OWNER_CPU);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 8192), AMP_OWNER_DEVICE);
	/* The hole can be handed over again; then all comes back at once. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_FROM_DEVICE, 4096,
						 4096),
			 0);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 0, 65536),
			 0);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 8192), AMP_OWNER_CPU);
	/* len 0 = to the end. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 3 * MiB, 0),
			 0);
	assert_int_equal(amp_shm_owner(f->shm, f->dev, 4 * MiB - 1),
			 AMP_OWNER_DEVICE);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      3 * MiB, 0),
			 0);
}

static void misuse(void **state)
{
	struct fix *f = *state;
	struct amp_dev_config cfg = { .name = "other", .iommu = true };
	struct amp_dev *other;
	struct amp_shm *ro;

	assert_int_equal(amp_dev_create(&cfg, &other), 0);
	/* Syncing a buffer that is not attached to that device. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, other,
						 AMP_DIR_TO_DEVICE, 0, 4096),
			 -ENOTCONN);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, other, AMP_DIR_TO_DEVICE,
					      0, 4096),
			 -ENOTCONN);
	assert_int_equal(amp_shm_owner(f->shm, other, 0), -ENOTCONN);
	/* Handing the device what it already owns, wholly or partly. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 0, 8192),
			 0);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 0, 8192),
			 -EBUSY);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 4096, 8192),
			 -EBUSY);
	assert_non_null(strstr(amp_last_error(), "already owns"));
	/* Taking back with another direction than it was handed with. */
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev,
					      AMP_DIR_FROM_DEVICE, 0, 8192),
			 -EINVAL);
	/* Taking back what the CPU already owns (partly). */
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      0, 12288),
			 -EPERM);
	/* Detaching or closing while the device owns a range. */
	assert_int_equal(amp_shm_detach(f->shm, f->dev), -EBUSY);
	assert_non_null(strstr(amp_last_error(), "sync it for the CPU"));
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      0, 8192),
			 0);
	assert_int_equal(amp_shm_sync_for_cpu(f->shm, f->dev, AMP_DIR_TO_DEVICE,
					      0, 8192),
			 -EPERM);
	/* Ranges outside the buffer, including overflowing ones. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE,
						 4 * MiB - 4096, 8192),
			 -ERANGE);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 4096,
						 UINT64_MAX),
			 -ERANGE);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 AMP_DIR_TO_DEVICE, 4 * MiB, 0),
			 -ERANGE);
	/* Bad directions. */
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 (enum amp_dir)0, 0, 4096),
			 -EINVAL);
	assert_int_equal(amp_shm_sync_for_device(f->shm, f->dev,
						 (enum amp_dir)7, 0, 4096),
			 -EINVAL);
	/* A direction the attachment does not allow. */
	assert_int_equal(amp_shm_open("sysmem/ro2", MiB, 0, &ro), 0);
	assert_int_equal(
		amp_shm_attach(ro, other, AMP_DIR_TO_DEVICE, NULL, NULL), 0);
	assert_int_equal(amp_shm_sync_for_device(ro, other, AMP_DIR_FROM_DEVICE,
						 0, 4096),
			 -EINVAL);
	/* Closing the last open of an attached buffer: the attachment keeps
	 * it (still syncable) until detach frees it. */
	assert_int_equal(amp_shm_close(ro), 0);
	assert_int_equal(amp_shm_sync_for_device(ro, other, AMP_DIR_TO_DEVICE,
						 0, 4096),
			 0);
	assert_int_equal(amp_shm_detach(ro, other), -EBUSY);
	assert_int_equal(amp_shm_sync_for_cpu(ro, other, AMP_DIR_TO_DEVICE, 0,
					      4096),
			 0);
	assert_int_equal(amp_shm_detach(ro, other), 0);
	assert_int_equal(amp_shm_open("sysmem/ro2", 0, AMP_SHM_F_NOCREATE, &ro),
			 -ENOENT);
	assert_int_equal(amp_dev_destroy(other), 0);
	assert_int_equal(amp_shm_sync_for_device(NULL, f->dev,
						 AMP_DIR_TO_DEVICE, 0, 1),
			 -EINVAL);
}

/*
 * The one test that counts maintenance requests, because data cannot show
 * it: an uncached CPU mapping has no cache lines, so a faithful cache model
 * holds nothing for the buffer and the bytes are right whether or not the
 * library asks for maintenance. What the rule saves is the cost of useless
 * maintenance by address over a possibly huge range.
 */
static void uncached_no_maintenance(void **state)
{
	struct fix *f = *state;
	struct amp_shm *u;
	struct amp_cache_stats st;

	assert_int_equal(
		amp_shm_open("sysmem/unc", MiB, AMP_SHM_F_UNCACHED, &u), 0);
	assert_int_equal(amp_shm_attach(u, f->dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	amp_cache_reset_stats();
	assert_int_equal(
		amp_shm_sync_for_device(u, f->dev, AMP_DIR_BIDIR, 0, 0), 0);
	assert_int_equal(amp_shm_sync_for_cpu(u, f->dev, AMP_DIR_BIDIR, 0, 0),
			 0);
	st = stats();
	assert_int_equal(st.clean_ops + st.inval_ops + st.flush_ops, 0);
	assert_int_equal(amp_shm_detach(u, f->dev), 0);
	assert_int_equal(amp_shm_close(u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_ranges),
		cmocka_unit_test(misuse),
		cmocka_unit_test(uncached_no_maintenance),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
