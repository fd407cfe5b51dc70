/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forced reclaim: everything a (crashed) device owns comes back to the CPU
 * in one call, through the same path as sync_for_cpu (bounce copy-back,
 * checker pages made accessible), each range reported; with
 * AMP_RECLAIM_DETACH the mappings go too and closed buffers are freed.
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

struct seen {
	struct amp_reclaimed r[16];
	size_t n;
};

static void on_reclaim(void *priv, const struct amp_reclaimed *r)
{
	struct seen *s = priv;

	if (s->n < 16)
		s->r[s->n++] = *r;
}

static bool reported(const struct seen *s, struct amp_shm *shm, uint64_t off,
		     uint64_t len, enum amp_dir dir)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].shm == shm && s->r[i].offset == off &&
		    s->r[i].len == len && s->r[i].dir == dir)
			return true;
	return false;
}

static void reclaim_everything(void **state)
{
	struct amp_dev_config dcfg = { .name = "crashy", .iommu = true };
	struct amp_dev_config bcfg = { .name = "crashy-b",
				       .iommu = true,
				       .bounce = AMP_BOUNCE_ALWAYS };
	struct amp_dev *dev, *bdev;
	struct amp_shm *a, *b;
	const struct amp_sg *asg, *bsg;
	struct seen s = { 0 };
	size_t n;
	char *va, tmp[8];
	amp_da_t a_da;

	assert_int_equal(amp_dev_create(&dcfg, &dev), 0);
	assert_int_equal(amp_dev_create(&bcfg, &bdev), 0);
	assert_int_equal(
		amp_shm_open("sysmem/ra", 2 * MiB, AMP_SHM_F_CHECK, &a), 0);
	assert_int_equal(amp_shm_open("sysmem/rb", MiB, 0, &b), 0);
	assert_int_equal(amp_shm_attach(a, dev, AMP_DIR_BIDIR, &asg, &n), 0);
	a_da = asg[0].addr;
	assert_int_equal(amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	assert_int_equal(amp_shm_attach(b, bdev, AMP_DIR_BIDIR, &bsg, &n), 0);

	/* Ranges out in both buffers, in every direction. */
	assert_int_equal(
		amp_shm_sync_for_device(a, dev, AMP_DIR_TO_DEVICE, 0, 4096), 0);
	assert_int_equal(amp_shm_sync_for_device(a, dev, AMP_DIR_FROM_DEVICE,
						 MiB, 8192),
			 0);
	assert_int_equal(
		amp_shm_sync_for_device(b, dev, AMP_DIR_BIDIR, 4096, 4096), 0);
	assert_int_equal(amp_shm_sync_for_device(b, bdev, AMP_DIR_FROM_DEVICE,
						 0, 4096),
			 0);
	/* The devices write before they "crash". */
	assert_int_equal(amp_dev_write(dev, asg[0].addr + MiB, "partial", 8),
			 0);
	assert_int_equal(amp_dev_write(bdev, bsg[0].addr, "bounced", 8), 0);

	assert_int_equal(amp_dev_reclaim(dev, 0, on_reclaim, &s), 3);
	assert_int_equal(s.n, 3);
	assert_true(reported(&s, a, 0, 4096, AMP_DIR_TO_DEVICE));
	assert_true(reported(&s, a, MiB, 8192, AMP_DIR_FROM_DEVICE));
	assert_true(reported(&s, b, 4096, 4096, AMP_DIR_BIDIR));
	assert_int_equal(amp_shm_owner(a, dev, MiB), AMP_OWNER_CPU);
	assert_int_equal(amp_shm_owner(b, dev, 4096), AMP_OWNER_CPU);
	/* The other device keeps its range. */
	assert_int_equal(amp_shm_owner(b, bdev, 0), AMP_OWNER_DEVICE);
	/* Checked pages are the CPU's again (a fault would kill us), and
	 * what the device wrote is there. */
	va = amp_shm_va(a);
	assert_string_equal(va + MiB, "partial");
	va[0] = 'x';
	va[MiB] = 'y';
	assert_int_equal(amp_dev_reclaim(dev, 0, on_reclaim, &s), 0);

	/* The bounced device: its copy comes back like sync_for_cpu's. */
	s.n = 0;
	assert_int_equal(
		amp_dev_reclaim(bdev, AMP_RECLAIM_DETACH, on_reclaim, &s), 1);
	assert_string_equal((char *)amp_shm_va(b), "bounced");
	assert_int_equal(amp_shm_owner(b, bdev, 0), -ENOTCONN);

	/* Detach frees buffers only the attachment still held, and the
	 * device loses the mapping. */
	assert_int_equal(amp_shm_close(a), 0);
	assert_int_equal(amp_dev_reclaim(dev, AMP_RECLAIM_DETACH, NULL, NULL),
			 0);
	assert_int_equal(amp_shm_open("sysmem/ra", 0, AMP_SHM_F_NOCREATE, &a),
			 -ENOENT);
	assert_int_equal(amp_dev_read(dev, a_da, tmp, 1), -EFAULT);
	assert_int_equal(amp_shm_owner(b, dev, 0), -ENOTCONN);
	assert_int_equal(amp_shm_close(b), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
	assert_int_equal(amp_dev_destroy(bdev), 0);
	assert_int_equal(amp_dev_reclaim(NULL, 0, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reclaim_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
