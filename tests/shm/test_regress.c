/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regression tests for defects found in review of the shared-memory core:
 * provider hooks (dma-buf) at every hand-over, IOVAs handed out inside a
 * carveout window, errors that collapsed or wrapped, config numbers that
 * overflowed, device accesses racing with a region's removal, and the
 * physical map's overlap refusal.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#include "core/shm_internal.h"

#define MiB (1ull << 20)

/* ---- provider hooks: every hand-over is bracketed (defect 5) ---------- */

static char hook_log[64];
static size_t hook_n;
static int hook_fail;

static int rec_to_device(struct amp_shm *shm, enum amp_dir dir)
{
	if (hook_n + 2 < sizeof(hook_log)) {
		hook_log[hook_n++] = 'D';
		hook_log[hook_n++] = (char)('0' + dir);
	}
	return hook_fail;
}

static int rec_to_cpu(struct amp_shm *shm, enum amp_dir dir)
{
	if (hook_n + 2 < sizeof(hook_log)) {
		hook_log[hook_n++] = 'C';
		hook_log[hook_n++] = (char)('0' + dir);
	}
	return hook_fail;
}

static void provider_hooks_every_handover(void **state)
{
	struct amp_provider prov = amp_provider_sysmem;
	struct amp_dev_config cfg = { .name = "hooks", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;

	prov.name = "rec";
	prov.to_device = rec_to_device;
	prov.to_cpu = rec_to_cpu;
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open_with(&prov, "b", MiB, 0, NULL, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	/* Three ranges out, taken back one by one: six hooks, in order. */
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
						 4096),
			 0);
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE,
						 4096, 4096),
			 0);
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, 8192,
						 4096),
			 0);
	assert_int_equal(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE,
					      4096, 4096),
			 0);
	assert_int_equal(
		amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096), 0);
	assert_int_equal(
		amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, 8192, 4096), 0);
	hook_log[hook_n] = '\0';
	assert_string_equal(hook_log, "D1D2D3C2C1C3");

	/* A failing hook is reported and nothing is handed over. */
	hook_fail = -EIO;
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
						 4096),
			 -EIO);
	assert_int_equal(amp_shm_owner(shm, dev, 0), AMP_OWNER_CPU);
	hook_fail = 0;
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
						 4096),
			 0);
	/* On the way back the failure is reported; the CPU owns it. */
	hook_fail = -EIO;
	assert_int_equal(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0,
					      4096),
			 -EIO);
	hook_fail = 0;
	assert_int_equal(amp_shm_owner(shm, dev, 0), AMP_OWNER_CPU);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

/* ---- IOVAs never inside a carveout window (defect 14) ----------------- */

static void iova_not_in_straddling_window(void **state)
{
	/* The window starts below the IOVA range and reaches into it. */
	struct amp_window w = { .da = 0x100000,
				.pa = 0x80000000ull,
				.size = 4 * MiB };
	struct amp_dev_config cfg = { .name = "straddle",
				      .dma_bits = 32,
				      .iommu = true,
				      .iova_base = 0x200000,
				      .windows = &w,
				      .nwindows = 1 };
	const struct amp_sg *sg;
	struct amp_dev *dev;
	struct amp_shm *shm;
	size_t n;
	char buf[8];

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/straddle", MiB, 0, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &n), 0);
	assert_true(sg[0].addr >= w.da + w.size ||
		    sg[0].addr + sg[0].len <= w.da);
	/* Both still work: the buffer at its IOVA, the window at its da. */
	memcpy(amp_shm_va(shm), "buffer!", 8);
	assert_int_equal(amp_dev_read(dev, sg[0].addr, buf, 8), 0);
	assert_string_equal(buf, "buffer!");
	assert_int_equal(amp_dev_read(dev, w.da + 0x300000, buf, 8), 0);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

/* ---- errors keep their meaning (defect 15) ----------------------------- */

static void bounce_out_of_memory_is_enomem(void **state)
{
	/* A 5 GiB import cannot be bounced through 4 GiB of DDR. */
	struct amp_dev_config cfg = { .name = "bnc",
				      .iommu = true,
				      .bounce = AMP_BOUNCE_ALWAYS };
	uint64_t len = 5ull << 30;
	struct amp_dev *dev;
	struct amp_shm *shm;
	int fd = memfd_create("big", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_import_fd("user/big", fd, 0, len, 0, &shm), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL),
			 -ENOMEM);
	assert_non_null(strstr(amp_last_error(), "bounce"));
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
	close(fd);
}

static void sizes_that_wrap(void **state)
{
	struct amp_shm *shm;
	int fd = memfd_create("small", MFD_CLOEXEC);

	assert_int_equal(amp_shm_open("sysmem/wrap", SIZE_MAX, 0, &shm),
			 -ENOMEM);
	assert_non_null(strstr(amp_last_error(), "larger than system memory"));
	assert_int_equal(amp_shm_open("sysmem/wrap2", SIZE_MAX - 4095, 0, &shm),
			 -ENOMEM);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(amp_shm_import_fd("user/wrap", fd, 0, UINT64_MAX, 0,
					   &shm),
			 -EINVAL);
	assert_non_null(strstr(amp_last_error(), "too large"));
	close(fd);
}

static void config_numbers_that_overflow(void **state)
{
	char path[] = "/tmp/ampshm-cfg-XXXXXX";
	int fd = mkstemp(path);
	/* (2^34 + 1) << 30 wraps to exactly 1 GiB: a plausible region. */
	const char *text = "wrapped 0x300000000 0x400000001G\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(amp_static_load_config(path), -EINVAL);
	assert_non_null(strstr(amp_last_error(), ":1:"));
	assert_non_null(strstr(amp_last_error(), "0x400000001G"));
	assert_int_equal(amp_static_region_remove("wrapped"), -ENOENT);
	unlink(path);
}

/* ---- device accesses and region removal (defect 15) -------------------- */

struct race {
	struct amp_dev *dev;
	volatile int stop;
	unsigned reads_ok;
};

static void *reader(void *p)
{
	struct race *r = p;
	char buf[4096];

	while (!r->stop)
		if (!amp_dev_read(r->dev, 0, buf, sizeof(buf)))
			r->reads_ok++;
	return NULL;
}

static void access_races_region_removal(void **state)
{
	struct amp_window w = { .da = 0, .pa = 0x30000000ull, .size = MiB };
	struct amp_dev_config cfg = { .name = "racer",
				      .windows = &w,
				      .nwindows = 1 };
	struct race r = { 0 };
	pthread_t t;

	assert_int_equal(amp_dev_create(&cfg, &r.dev), 0);
	assert_int_equal(amp_static_region_add("race", w.pa, MiB, 0, NULL, 0),
			 0);
	assert_int_equal(pthread_create(&t, NULL, reader, &r), 0);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(amp_static_region_remove("race"), 0);
		assert_int_equal(amp_static_region_add("race", w.pa, MiB, 0,
						       NULL, 0),
				 0);
	}
	r.stop = 1;
	pthread_join(t, NULL);
	assert_int_equal(amp_static_region_remove("race"), 0);
	assert_int_equal(amp_dev_destroy(r.dev), 0);
}

/* ---- one authority over physical addresses ----------------------------- */

static void phys_overlap_names_both(void **state)
{
	assert_int_equal(amp_static_region_add("first", 0x20000000ull, 2 * MiB,
					       0, NULL, 0),
			 0);
	assert_int_equal(amp_static_region_add("second", 0x20100000ull, 2 * MiB,
					       0, NULL, 0),
			 -EEXIST);
	assert_non_null(strstr(amp_last_error(), "static/second"));
	assert_non_null(strstr(amp_last_error(), "static/first"));
	/* The user aperture is owned too (an import above registered it):
	 * no region may be put inside it. */
	assert_int_equal(amp_static_region_add("inaperture", 16ull << 40, MiB,
					       0, NULL, 0),
			 -EEXIST);
	assert_non_null(strstr(amp_last_error(), "user aperture"));
	assert_int_equal(amp_static_region_remove("first"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(provider_hooks_every_handover),
		cmocka_unit_test(iova_not_in_straddling_window),
		cmocka_unit_test(bounce_out_of_memory_is_enomem),
		cmocka_unit_test(sizes_that_wrap),
		cmocka_unit_test(config_numbers_that_overflow),
		cmocka_unit_test(access_races_region_removal),
		cmocka_unit_test(phys_overlap_names_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
