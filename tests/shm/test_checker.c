/* SPDX-License-Identifier: BSD-3-Clause */
/* The ownership checker catches a CPU access to a device-owned range. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "testutil.h"

#define MiB (1ull << 20)

struct scenario {
	unsigned flags;
	uint64_t touch; /* offset the CPU writes to */
	bool give_back; /* sync_for_cpu before touching */
};

static void child(void *arg)
{
	const struct scenario *sc = arg;
	struct amp_dev_config cfg = { .name = "dsp0", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	volatile char *p;

	if (amp_dev_create(&cfg, &dev) ||
	    amp_shm_open("sysmem/checked", MiB, sc->flags, &shm) ||
	    amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL))
		_exit(10);
	p = amp_shm_va(shm);
	p[0x10000] = 1; /* the CPU owns everything: fine */
	if (amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, 0x10000, 0x2000))
		_exit(11);
	p[0x20000] = 2; /* outside the device's range: fine */
	if (sc->give_back &&
	    amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, 0x10000, 0x2000))
		_exit(12);
	p[sc->touch] = 3;
	_exit(0);
}

static int run(const struct scenario *sc, char *err, size_t len)
{
	return tu_run_child((void (*)(void *))child, (void *)sc, err, len);
}

static void catches_cpu_write(void **state)
{
	struct scenario sc = { AMP_SHM_F_CHECK, 0x10000 + 0x123, false };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	assert_non_null(strstr(err, "ownership violation"));
	assert_non_null(strstr(err, "'sysmem/checked'"));
	assert_non_null(strstr(err, "offset 0x10123"));
	assert_non_null(strstr(err, "owned by device 'dsp0'"));
}

static void allows_after_sync_for_cpu(void **state)
{
	struct scenario sc = { AMP_SHM_F_CHECK, 0x10000 + 0x123, true };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void unchecked_write_goes_through(void **state)
{
	/* Without the checker the same bug corrupts silently. */
	struct scenario sc = { 0, 0x10000 + 0x123, false };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void env_enables_checker(void **state)
{
	struct scenario sc = { 0, 0x11fff, false };
	char err[1024];
	int st;

	setenv("AMPSHM_CHECK", "1", 1);
	st = run(&sc, err, sizeof(err));
	unsetenv("AMPSHM_CHECK");
	assert_true(WIFSIGNALED(st));
	assert_non_null(strstr(err, "offset 0x11fff"));
}

/* A handler that records instead of aborting lets the program go on. */
static volatile struct amp_violation last;
static volatile int nviol;
static void record(const struct amp_violation *v)
{
	last.offset = v->offset;
	last.owner = v->owner;
	last.shm_name = v->shm_name;
	nviol++;
}

static void custom_handler(void **state)
{
	struct amp_dev_config cfg = { .name = "npu", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	volatile char *p;

	amp_shm_set_violation_handler(record);
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_open("sysmem/rec", MiB, AMP_SHM_F_CHECK, &shm),
			 0);
	assert_int_equal(
		amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, NULL, NULL), 0);
	p = amp_shm_va(shm);
	/* The device owns [100, 200): page 0 is protected. */
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE,
						 100, 100),
			 0);
	(void)p[150];
	assert_int_equal(nviol, 1);
	assert_int_equal(last.offset, 150);
	assert_string_equal(last.owner, "npu");
	assert_string_equal(last.shm_name, "sysmem/rec");
	assert_int_equal(
		amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 100, 100), 0);
	/* A CPU-owned byte on a page shared with a device-owned range. */
	assert_int_equal(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE,
						 8192, 100),
			 0);
	(void)p[8192 + 1000];
	assert_int_equal(nviol, 2);
	assert_null(last.owner);
	assert_int_equal(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 8192,
					      100),
			 0);
	/* Two devices: pages stay protected while either owns them. */
	{
		struct amp_dev *dev2;

		assert_int_equal(amp_dev_create(&cfg, &dev2), 0);
		assert_int_equal(amp_shm_attach(shm, dev2, AMP_DIR_TO_DEVICE,
						NULL, NULL),
				 0);
		assert_int_equal(amp_shm_sync_for_device(
					 shm, dev, AMP_DIR_TO_DEVICE, 0, 8192),
				 0);
		assert_int_equal(amp_shm_sync_for_device(shm, dev2,
							 AMP_DIR_TO_DEVICE,
							 4096, 8192),
				 0);
		assert_int_equal(amp_shm_sync_for_cpu(
					 shm, dev, AMP_DIR_TO_DEVICE, 0, 8192),
				 0);
		(void)p[10]; /* page 0: free again */
		assert_int_equal(nviol, 2);
		(void)p[4096 + 10]; /* page 1: still dev2's */
		assert_int_equal(nviol, 3);
		assert_int_equal(amp_shm_sync_for_cpu(shm, dev2,
						      AMP_DIR_TO_DEVICE, 4096,
						      8192),
				 0);
		(void)p[8192 + 10];
		assert_int_equal(nviol, 3);
		assert_int_equal(amp_shm_detach(shm, dev2), 0);
		assert_int_equal(amp_dev_destroy(dev2), 0);
	}
	amp_shm_set_violation_handler(NULL);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catches_cpu_write),
		cmocka_unit_test(allows_after_sync_for_cpu),
		cmocka_unit_test(unchecked_write_goes_through),
		cmocka_unit_test(env_enables_checker),
		cmocka_unit_test(custom_handler),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
