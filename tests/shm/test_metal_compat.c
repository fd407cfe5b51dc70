/* SPDX-License-Identifier: BSD-3-Clause */
/* Code written against the libmetal proposal compiles and works. */
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
	struct metal_device *dev;
	struct metal_generic_shmem *shm, *again;
	struct metal_scatter_list *cpu, *devsg;
	char buf[8];

	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(metal_shm_open("/sysmem/metal", 1 << 20, 0, &shm), 0);
	assert_int_equal(metal_shmem_open("/sysmem/metal", 0, 0, &again), 0);
	assert_ptr_equal(shm, again);
	assert_int_equal(metal_shmem_close(again), 0);

	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	assert_true(cpu->nents >= 1);
	strcpy(cpu->sgs[0].virt, "metal");

	devsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_RW);
	assert_non_null(devsg);
	assert_int_equal(devsg->nents, 1);
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_RW), 0);
	assert_int_equal(amp_dev_read(dev, devsg->sgs[0].phys, buf, 6), 0);
	assert_string_equal(buf, "metal");
	assert_int_equal(amp_dev_write(dev, devsg->sgs[0].phys, "METAL", 6), 0);
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_RW), 0);
	assert_string_equal(cpu->sgs[0].virt, "METAL");
	metal_shm_detach(shm, dev);
	metal_shmem_munmap(shm, cpu);
	assert_int_equal(metal_shm_close(shm), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metal_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
