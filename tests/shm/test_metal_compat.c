/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * <ampshm/metal_shm.h>: the libmetal proposal's calls through ampshm's own
 * include path, mixed with the ampshm API (the buffer behind a handle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ampshm/metal_shm.h>

static void metal_flow(void **state)
{
	struct amp_dev_config cfg = { .name = "metal",
				      .iommu = true,
				      .bounce = AMP_BOUNCE_ALWAYS };
	struct amp_dev *adev;
	struct metal_device *dev;
	struct metal_generic_shmem *shm, *again;
	struct metal_scatter_list *cpu, *devsg;
	char buf[8];

	(void)state;
	assert_int_equal(amp_dev_create(&cfg, &adev), 0);
	assert_int_equal(amp_metal_device_create(adev, &dev), 0);
	assert_int_equal(metal_shm_open("/sysmem/metal", 1 << 20, 0, &shm), 0);
	assert_int_equal(metal_shmem_open("/sysmem/metal", 0, 0, &again), 0);
	assert_ptr_equal(shm, again);
	assert_int_equal(amp_shm_refcount(shm->amp_shm), 2);
	assert_int_equal(metal_shmem_close(again), 0);
	assert_int_equal(amp_shm_refcount(shm->amp_shm), 1);

	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	assert_true(cpu->nents >= 1);
	assert_ptr_equal(metal_io_virt(&cpu->ios[0], 0),
			 amp_shm_va(shm->amp_shm));
	strcpy(metal_io_virt(&cpu->ios[0], 0), "metal");

	devsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_RW);
	assert_non_null(devsg);
	assert_int_equal(devsg->nents, 1);
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_RW), 0);
	assert_int_equal(amp_dev_read(adev, metal_io_phys(&devsg->ios[0], 0),
				      buf, 6),
			 0);
	assert_string_equal(buf, "metal");
	assert_int_equal(amp_dev_write(adev, metal_io_phys(&devsg->ios[0], 0),
				       "METAL", 6),
			 0);
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_RW), 0);
	assert_string_equal(metal_io_virt(&cpu->ios[0], 0), "METAL");
	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), 0);
	metal_shmem_munmap(shm, cpu);
	assert_int_equal(metal_shm_close(shm), 0);
	assert_int_equal(amp_metal_device_destroy(dev), 0);
	assert_int_equal(amp_dev_destroy(adev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metal_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
