/* SPDX-License-Identifier: BSD-3-Clause */
/* Threads sharing one buffer: opens, attaches and range syncs at once. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#define NTHREADS 4
#define ROUNDS 2000
#define SLICE 65536ull

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	struct amp_dev_config cfg = { .iommu = true };
	struct amp_dev *dev;
	char name[16];
	struct amp_shm *shm;
	uint64_t off = id * SLICE;
	uintptr_t bad = 0;

	snprintf(name, sizeof(name), "t%u", (unsigned)id);
	cfg.name = name; /* device names are unique */
	if (amp_dev_create(&cfg, &dev))
		return (void *)1;
	for (int r = 0; r < ROUNDS / 100; r++) {
		if (amp_shm_open("sysmem/threads", NTHREADS * SLICE, 0, &shm))
			return (void *)2;
		if (amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL))
			return (void *)3;
		for (int i = 0; i < 100; i++) {
			volatile uint8_t *p = (uint8_t *)amp_shm_va(shm) + off;

			bad |= amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR,
						       off, SLICE) != 0;
			/* Another device owning another slice is fine; the
			 * same slice twice is not. */
			bad |= amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR,
						       off, SLICE) != -EBUSY;
			bad |= amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR,
						    off, SLICE) != 0;
			p[i] = (uint8_t)id;
		}
		if (amp_shm_detach(shm, dev) || amp_shm_close(shm))
			return (void *)4;
	}
	amp_dev_destroy(dev);
	return (void *)(uintptr_t)(bad ? 5 : 0);
}

static void many_threads(void **state)
{
	pthread_t th[NTHREADS];
	uint64_t before = amp_sysmem_free_bytes();
	struct amp_shm *shm;

	for (uintptr_t i = 0; i < NTHREADS; i++)
		assert_int_equal(
			pthread_create(&th[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		assert_int_equal((uintptr_t)ret, 0);
	}
	/* Every reference was dropped: the memory is back, the name gone. */
	assert_int_equal(amp_sysmem_free_bytes(), before);
	assert_int_equal(amp_shm_open("sysmem/threads", 0, AMP_SHM_F_NOCREATE,
				      &shm),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
