/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Misuse never corrupts: NULL arguments, handles used after their last
 * close or destroy, unknown flags, reopening with other flags, duplicate
 * device names; each gets a clear error (the text is checked), nothing
 * crashes.
 */
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

#define MiB (1ull << 20)

#define assert_err(call, err, text)                                \
	do {                                                       \
		assert_int_equal((call), (err));                   \
		assert_non_null(strstr(amp_last_error(), (text))); \
	} while (0)

static void null_arguments(void **state)
{
	struct amp_dev_config cfg = { .name = "nulls", .iommu = true };
	struct amp_shm *shm;
	struct amp_dev *dev;
	const struct amp_cpu_seg *segs;
	size_t n;
	uint64_t off;
	amp_pa_t pa;

	assert_err(amp_shm_open(NULL, MiB, 0, &shm), -EINVAL, "required");
	assert_err(amp_shm_open("sysmem/x", MiB, 0, NULL), -EINVAL, "required");
	assert_err(amp_shm_close(NULL), -EINVAL, "NULL buffer");
	assert_err(amp_shm_attach(NULL, NULL, AMP_DIR_BIDIR, NULL, NULL),
		   -EINVAL, "NULL buffer");
	assert_err(amp_shm_sync_for_device(NULL, NULL, AMP_DIR_BIDIR, 0, 0),
		   -EINVAL, "NULL");
	assert_err(amp_dev_create(NULL, &dev), -EINVAL, "required");
	assert_err(amp_dev_destroy(NULL), -EINVAL, "NULL device");
	assert_err(amp_dev_read(NULL, 0, &n, 1), -EINVAL, "NULL device");
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/nulls", MiB, 0, &shm), 0);
	assert_err(amp_shm_cpu_sg(shm, NULL, &n), -EINVAL, "NULL argument");
	assert_err(amp_shm_offset_to_pa(shm, 0, NULL, NULL), -EINVAL,
		   "NULL argument");
	assert_err(amp_shm_pa_to_offset(shm, 0, NULL), -EINVAL,
		   "NULL argument");
	assert_err(amp_dev_da_to_pa(dev, 0, NULL), -EINVAL, "NULL argument");
	assert_err(amp_dev_read(dev, 0, NULL, 4), -EINVAL, "NULL argument");
	assert_int_equal(amp_shm_cpu_sg(shm, &segs, &n), 0);
	assert_int_equal(amp_shm_offset_to_pa(shm, 0, &pa, NULL), 0);
	assert_int_equal(amp_shm_pa_to_offset(shm, pa, &off), 0);
	assert_string_equal(amp_shm_name(NULL), "(invalid buffer)");
	assert_string_equal(amp_dev_name(NULL), "(invalid device)");
	assert_int_equal(amp_shm_size(NULL), 0);
	assert_null(amp_shm_va(NULL));
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

static void use_after_close_or_destroy(void **state)
{
	struct amp_dev_config cfg = { .name = "gone", .iommu = true };
	struct amp_shm *shm;
	struct amp_dev *dev;

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/gone", MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	/* Double close, attach and sync after the last close. */
	assert_err(amp_shm_close(shm), -EBADF, "already freed");
	assert_err(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL), -EBADF,
		   "used after its last close");
	assert_err(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, 64),
		   -EBADF, "already freed");
	assert_string_equal(amp_shm_name(shm), "(invalid buffer)");
	/* A buffer freed by its last detach. */
	assert_int_equal(amp_shm_open("sysmem/gone", MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_err(amp_shm_detach(shm, dev), -EBADF, "already freed");
	/* Double destroy. */
	assert_int_equal(amp_dev_destroy(dev), 0);
	assert_err(amp_dev_destroy(dev), -EBADF, "already destroyed");
	assert_err(amp_dev_read(dev, 0, &cfg, 1), -EBADF, "already destroyed");
	/* Something that is not a handle at all. */
	assert_err(amp_shm_close((struct amp_shm *)&cfg), -EBADF,
		   "not an ampshm buffer");
}

static void flags_and_names(void **state)
{
	struct amp_dev_config cfg = { .name = "twin", .iommu = true };
	struct amp_shm *shm, *again;
	struct amp_dev *dev, *dev2;

	assert_err(amp_shm_open("sysmem/flags", MiB, 1u << 20, &shm), -EINVAL,
		   "unknown flag bits 0x100000");
	assert_int_equal(
		amp_shm_open("sysmem/flags", MiB, AMP_SHM_F_CONTIG, &shm), 0);
	assert_err(amp_shm_open("sysmem/flags", 0, AMP_SHM_F_UNCACHED, &again),
		   -EINVAL, "exists with flags CONTIG; reopened with UNCACHED");
	assert_int_equal(amp_shm_open("sysmem/flags", 0, 0, &again), 0);
	assert_ptr_equal(again, shm);
	assert_int_equal(amp_shm_close(again), 0);
	assert_int_equal(amp_shm_close(shm), 0);

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_err(amp_dev_create(&cfg, &dev2), -EEXIST,
		   "a device named 'twin' exists");
	assert_int_equal(amp_dev_destroy(dev), 0);
	assert_int_equal(amp_dev_create(&cfg, &dev2), 0); /* free again */
	assert_int_equal(amp_dev_destroy(dev2), 0);
}

static void directions_by_name(void **state)
{
	struct amp_dev_config cfg = { .name = "dirs", .iommu = true };
	struct amp_shm *shm;
	struct amp_dev *dev;

	assert_string_equal(amp_dir_name(AMP_DIR_TO_DEVICE), "TO_DEVICE");
	assert_string_equal(amp_dir_name(AMP_DIR_FROM_DEVICE), "FROM_DEVICE");
	assert_string_equal(amp_dir_name(AMP_DIR_BIDIR), "BIDIR");
	assert_string_equal(amp_dir_name((enum amp_dir)9), "invalid");
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/dirs", MiB, 0, &shm), 0);
	assert_int_equal(
		amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, NULL, NULL), 0);
	assert_err(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, 0,
					   4096),
		   -EINVAL,
		   "direction FROM_DEVICE is not within the attachment's "
		   "direction TO_DEVICE");
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

/* Config files: each mistake names its token and line; all or nothing. */
static int write_cfg(char *path, const char *text)
{
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	return close(fd);
}

static void config_mistakes(void **state)
{
	static const struct {
		const char *text, *msg;
		int err;
	} bad[] = {
		{ "a 0x10000000 1M\nb 0x10100000 1M bogus\n",
		  ":2: unknown option 'bogus'", EINVAL },
		{ "a 0x10000000\n", ":1: incomplete line (2 fields)", EINVAL },
		{ "a 0x10000000 1M offset=4K\n",
		  ":1: offset= needs file=", EINVAL },
		{ "a 0x10000000 1M offset=x file=/dev/zero\n",
		  ":1: 'offset=x': the offset is not a 64-bit number", EINVAL },
		{ "a 0x10000000 1Q\n", ":1: size '1Q' is not a 64-bit number",
		  EINVAL },
		{ "a 0x10000000 1M x x x x x x\n", ":1: too many fields at",
		  EINVAL },
		/* The first region is fine, the second overlaps it. */
		{ "a 0x10000000 1M\nb 0x10080000 1M\n", ":2: phys: static/b",
		  EEXIST },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[] = "/tmp/ampshm-cfg-XXXXXX";

		assert_int_equal(write_cfg(path, bad[i].text), 0);
		assert_int_equal(amp_static_load_config(path), -bad[i].err);
		if (!strstr(amp_last_error(), bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i,
				 amp_last_error(), bad[i].msg);
		/* Nothing from a failed config stays registered. */
		assert_int_equal(amp_static_region_remove("a"), -ENOENT);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_arguments),
		cmocka_unit_test(use_after_close_or_destroy),
		cmocka_unit_test(flags_and_names),
		cmocka_unit_test(directions_by_name),
		cmocka_unit_test(config_mistakes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
