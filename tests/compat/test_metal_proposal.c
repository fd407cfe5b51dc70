/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A program written against the 2019 libmetal shared-memory proposal
 * (<metal/shmem.h> and friends), built with ampshm's compat include
 * directory and linked with ampshm. Only sim_device.h (device creation and
 * the device's own accesses, which the proposal has no calls for) is not
 * the proposal's; amp_last_error() and amp_metal_shm_detach_result() are
 * ampshm's documented additions to the compat headers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <metal/device.h>
#include <metal/io.h>
#include <metal/scatterlist.h>
#include <metal/shmem-provider.h>
#include <metal/shmem.h>

#include "sim_device.h"

#define MIB (1024 * 1024)

static struct metal_device *dev;

static int setup(void **state)
{
	(void)state;
	if (sim_device_create("copro"))
		return -1;
	return metal_device_open("platform", "copro", &dev);
}

static int teardown(void **state)
{
	(void)state;
	metal_device_close(dev);
	return sim_device_destroy("copro");
}

static size_t list_bytes(struct metal_scatter_list *sg)
{
	struct metal_io_region *ios;
	int n = metal_scatterlist_get_ios(sg, &ios);
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += metal_io_region_size(&ios[i]);
	return total;
}

static void fill(struct metal_scatter_list *sg, unsigned char seed)
{
	for (int i = 0; i < sg->nents; i++) {
		unsigned char *p = metal_io_virt(&sg->ios[i], 0);

		for (size_t j = 0; j < sg->ios[i].size; j++)
			p[j] = (unsigned char)(seed + i + j * 7);
	}
}

static int filled(struct metal_scatter_list *sg, unsigned char seed)
{
	for (int i = 0; i < sg->nents; i++) {
		unsigned char *p = metal_io_virt(&sg->ios[i], 0);

		for (size_t j = 0; j < sg->ios[i].size; j++)
			if (p[j] != (unsigned char)(seed + i + j * 7))
				return 0;
	}
	return 1;
}

/* Every open takes a reference on the same buffer; the last close frees. */
static void open_close_refcounts(void **state)
{
	struct metal_generic_shmem *a, *b, *c;

	(void)state;
	assert_int_equal(metal_shmem_open("/sysmem/refs", MIB, 0, &a), 0);
	assert_int_equal(a->refcount, 1);
	assert_int_equal(a->size, MIB);
	assert_int_equal(metal_shmem_open("/sysmem/refs", 0, 0, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(a->refcount, 2);
	assert_int_equal(metal_shmem_close(b), 0);
	assert_int_equal(a->refcount, 1);
	assert_int_equal(metal_shmem_close(a), 0);
	/* Freed: a new open allocates a new buffer. */
	assert_int_equal(metal_shmem_open("sysmem/refs", 2 * MIB, 0, &c), 0);
	assert_int_equal(c->size, 2 * MIB);
	assert_int_equal(c->refcount, 1);
	assert_int_equal(metal_shmem_close(c), 0);

	assert_int_equal(metal_shmem_open("/nosuch/x", MIB, 0, &a), -ENOENT);
	assert_int_equal(metal_shmem_open("/sysmem/f", MIB, 4, &a), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "flag"));
	assert_int_equal(
		metal_shmem_open("/sysmem/"
				 "a-name-far-longer-than-the-proposal-allows-"
				 "in-its-name-field",
				 MIB, 0, &a),
		-ENAMETOOLONG);
}

/* A mapping keeps the buffer, and its data, alive after the last close. */
static void mmap_holds_reference(void **state)
{
	struct metal_generic_shmem *shm, *again;
	struct metal_scatter_list *sg;

	(void)state;
	assert_int_equal(metal_shmem_open("/sysmem/mapped", MIB, 0, &shm), 0);
	assert_null(metal_shmem_mmap(shm, 2 * MIB));
	sg = metal_shmem_mmap(shm, 0);
	assert_non_null(sg);
	assert_true(metal_scatterlist_get_nents(sg) >= 1);
	assert_int_equal(list_bytes(sg), MIB);
	assert_int_equal(shm->refcount, 2);
	fill(sg, 3);

	assert_int_equal(metal_shmem_close(shm), 0);
	assert_int_equal(shm->refcount, 1);
	assert_true(filled(sg, 3)); /* still mapped */
	/* Still the same buffer, with its data. */
	assert_int_equal(metal_shmem_open("/sysmem/mapped", 0, 0, &again), 0);
	assert_ptr_equal(again, shm);
	assert_int_equal(shm->refcount, 2);
	assert_int_equal(metal_shmem_close(again), 0);
	assert_true(filled(sg, 3));

	/* A partial mapping covers what was asked. */
	{
		struct metal_scatter_list *part = metal_shmem_mmap(shm, 8192);

		assert_non_null(part);
		assert_int_equal(list_bytes(part), 8192);
		assert_int_equal(shm->refcount, 2);
		metal_shmem_munmap(shm, part);
	}
	assert_int_equal(shm->refcount, 1);
	metal_shmem_munmap(shm, sg); /* the last reference: freed */
}

/*
 * Attach, hand over, device accesses at the device addresses of the
 * attach list, take back: data checked on both sides.
 */
static void attach_sync_data(void **state)
{
	struct metal_generic_shmem *shm;
	struct metal_scatter_list *cpu, *dsg;
	metal_phys_addr_t da;
	char buf[32];

	(void)state;
	assert_int_equal(metal_shmem_open("/sysmem/data", MIB, 0, &shm), 0);
	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	fill(cpu, 11);
	strcpy(metal_io_virt(&cpu->ios[0], 100), "from the cpu");

	dsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_RW);
	assert_non_null(dsg);
	assert_int_equal(list_bytes(dsg), MIB);
	assert_int_equal(shm->refcount, 3);
	/* The device list maps device addresses and CPU addresses alike. */
	assert_ptr_equal(metal_io_virt(&dsg->ios[0], 100),
			 metal_io_virt(&cpu->ios[0], 100));
	da = metal_io_phys(&dsg->ios[0], 100);
	assert_int_not_equal(da, METAL_BAD_PHYS);
	assert_int_equal(metal_io_phys_to_offset(&dsg->ios[0], da), 100);

	/* Not handed over yet: the device's copy is stale. */
	assert_int_equal(sim_device_read("copro", da, buf, 13), 0);
	assert_string_not_equal(buf, "from the cpu");

	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_RW), 0);
	assert_int_equal(sim_device_read("copro", da, buf, 13), 0);
	assert_string_equal(buf, "from the cpu");
	assert_int_equal(sim_device_write("copro", da, "from the device", 16),
			 0);
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_RW), 0);
	assert_string_equal(metal_io_virt(&cpu->ios[0], 100),
			    "from the device");
	/* Bytes the device did not write are the CPU's. */
	assert_int_equal(*(unsigned char *)metal_io_virt(&cpu->ios[0], 0), 11);

	/* Handing over twice without taking back is refused. */
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_R), 0);
	assert_int_equal(metal_shm_sync_for_device(shm, dev,
						   METAL_SHM_DIR_DEV_R),
			 -EBUSY);
	assert_int_equal(metal_shm_sync_for_cpu(shm, 0), -EINVAL);
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_R), 0);

	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), 0);
	assert_int_equal(shm->refcount, 2);
	metal_shmem_munmap(shm, cpu);
	assert_int_equal(metal_shmem_close(shm), 0);
}

/*
 * The direction rule: what was handed over for the device to write is
 * taken back as such, whatever direction sync_for_cpu() names.
 */
static void sync_for_cpu_direction(void **state)
{
	struct metal_generic_shmem *shm;
	struct metal_scatter_list *cpu, *dsg;
	metal_phys_addr_t da;

	(void)state;
	assert_int_equal(metal_shmem_open("/sysmem/dir", MIB, 0, &shm), 0);
	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	memset(metal_io_virt(&cpu->ios[0], 0), 'c', 64);
	dsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_RW);
	assert_non_null(dsg);
	da = metal_io_phys(&dsg->ios[0], 0);

	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_W), 0);
	assert_int_equal(sim_device_write("copro", da, "written", 8), 0);
	/* The caller names the wrong direction: the data is not lost. */
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_R), 0);
	assert_string_equal(metal_io_virt(&cpu->ios[0], 0), "written");
	assert_int_equal(*(char *)metal_io_virt(&cpu->ios[0], 8), 'c');

	/* And with the device not written: the CPU's data stays. */
	strcpy(metal_io_virt(&cpu->ios[0], 0), "cpu again");
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_R), 0);
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_RW), 0);
	assert_string_equal(metal_io_virt(&cpu->ios[0], 0), "cpu again");

	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), 0);
	metal_shmem_munmap(shm, cpu);
	assert_int_equal(metal_shmem_close(shm), 0);
}

/* Detach takes back what the device owns; a failing detach is reported. */
static void detach_results(void **state)
{
	struct metal_generic_shmem *shm;
	struct metal_scatter_list *cpu, *dsg;
	metal_phys_addr_t da;

	(void)state;
	assert_int_equal(metal_shmem_open("/sysmem/det", MIB, 0, &shm), 0);
	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	dsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_W);
	assert_non_null(dsg);
	da = metal_io_phys(&dsg->ios[0], 4096);
	/* A direction the attachment does not allow. */
	assert_int_equal(metal_shm_sync_for_device(shm, dev,
						   METAL_SHM_DIR_DEV_RW),
			 -EINVAL);
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_W), 0);
	assert_int_equal(sim_device_write("copro", da, "last words", 11), 0);
	/* Detached while the device owns the buffer: taken back first. */
	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), 0);
	assert_string_equal(metal_io_virt(&cpu->ios[0], 4096), "last words");
	assert_int_equal(shm->refcount, 2);

	/* Detaching again fails, and says so. */
	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), -ENOTCONN);
	assert_non_null(strstr(amp_last_error(), "metal_shm_detach"));
	assert_non_null(strstr(amp_last_error(), "copro"));
	/* A NULL device too. */
	metal_shm_detach(shm, NULL);
	assert_int_equal(amp_metal_shm_detach_result(shm), -EINVAL);

	metal_shmem_munmap(shm, cpu);
	assert_int_equal(metal_shmem_close(shm), 0);
}

/* A provider written the proposal's way: memory from a memfd. */
struct memfd_prov {
	int allocs, frees;
	int fail_to_cpu; /* make the take-back hook fail */
	unsigned to_dev_dir, to_cpu_dir; /* what the hooks were told */
	struct metal_device *to_dev_dev;
	void *virt; /* the provider's own mapping */
	size_t size;
	metal_phys_addr_t pa[2];
	struct metal_io_region ios[2];
};

static struct memfd_prov mp;

static int memfd_sync_for_device(struct metal_generic_shmem *shm,
				 struct metal_device *d, unsigned int dir)
{
	(void)shm;
	mp.to_dev_dir = dir;
	mp.to_dev_dev = d;
	return 0;
}

static int memfd_sync_for_cpu(struct metal_generic_shmem *shm, unsigned int dir)
{
	(void)shm;
	mp.to_cpu_dir = dir;
	return mp.fail_to_cpu ? -EIO : 0;
}

static struct metal_shm_ops memfd_ops = {
	memfd_sync_for_device,
	memfd_sync_for_cpu,
	NULL,
	NULL,
};

static int memfd_alloc(struct metal_shm_provider *provider,
		       struct metal_generic_shmem *shm, size_t size)
{
	struct memfd_prov *p = provider->priv;
	size_t half = size / 2;
	int fd;

	if (!size || size % 8192)
		return -EINVAL;
	fd = memfd_create("metal-provider", 0);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -errno;
	}
	p->virt = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p->virt == MAP_FAILED) {
		close(fd);
		return -ENOMEM;
	}
	p->size = size;
	/* Two physically separate pieces, back to back in the file. */
	p->pa[0] = 0x400000000ull;
	p->pa[1] = 0x480000000ull;
	metal_io_init(&p->ios[0], p->virt, &p->pa[0], half, (unsigned)-1, 0,
		      NULL);
	metal_io_init(&p->ios[1], (char *)p->virt + half, &p->pa[1],
		      size - half, (unsigned)-1, 0, NULL);
	shm->id = fd;
	shm->sg.ios = p->ios;
	shm->sg.nents = 2;
	shm->size = size;
	shm->ops = &memfd_ops;
	p->allocs++;
	return 0;
}

static void memfd_free(struct metal_shm_provider *provider,
		       struct metal_generic_shmem *shm)
{
	struct memfd_prov *p = provider->priv;

	munmap(p->virt, p->size);
	close(shm->id);
	p->frees++;
}

static METAL_SHM_PROVIDER_DECLARE(memfd_provider, "memfd", &mp, memfd_alloc,
				  memfd_free)

	static void provider_registered(void **state)
{
	struct metal_shm_provider bad = METAL_SHM_PROVIDER_DEFINE(
		"no/slash", NULL, memfd_alloc, memfd_free);
	struct metal_generic_shmem *shm, *again;
	struct metal_scatter_list *cpu, *dsg;
	size_t half = MIB;
	char buf[16];

	(void)state;
	assert_int_equal(metal_shm_provider_register(&memfd_provider), 0);
	assert_int_equal(metal_shm_provider_register(&memfd_provider), 0);
	assert_int_equal(metal_shm_provider_register(&bad), -EINVAL);
	assert_ptr_equal(metal_shmem_get_provider("memfd"), &memfd_provider);
	assert_null(metal_shmem_get_provider("nosuch"));

	assert_int_equal(metal_shmem_open("/memfd/buf", 2 * MIB, 0, &shm), 0);
	assert_int_equal(mp.allocs, 1);
	assert_ptr_equal(shm->provider, &memfd_provider);
	assert_true(shm->id >= 0);
	assert_int_equal(shm->size, 2 * MIB);
	assert_int_equal(metal_shmem_open("/memfd/buf", 0, 0, &again), 0);
	assert_ptr_equal(again, shm);
	assert_int_equal(mp.allocs, 1);
	assert_int_equal(metal_shmem_close(again), 0);

	/* The CPU list: one region per physical piece. */
	cpu = metal_shmem_mmap(shm, 0);
	assert_non_null(cpu);
	assert_int_equal(cpu->nents, 2);
	assert_int_equal(metal_io_phys(&cpu->ios[0], 0), 0x400000000ull);
	assert_int_equal(metal_io_phys(&cpu->ios[1], 16), 0x480000000ull + 16);
	assert_int_equal(metal_io_phys(&cpu->ios[1], half), METAL_BAD_PHYS);
	/* It is the provider's memory. */
	strcpy(metal_io_virt(&cpu->ios[1], 0), "second piece");
	assert_string_equal((char *)mp.virt + half, "second piece");

	dsg = metal_shm_attach(shm, dev, METAL_SHM_DIR_DEV_RW);
	assert_non_null(dsg);
	assert_int_equal(list_bytes(dsg), 2 * MIB);
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_RW), 0);
	assert_int_equal(mp.to_dev_dir, METAL_SHM_DIR_DEV_RW);
	assert_ptr_equal(mp.to_dev_dev, dev);
	/* The device sees one contiguous range across the two pieces. */
	{
		metal_phys_addr_t da = metal_io_phys(&dsg->ios[0], 0);
		unsigned long off = metal_io_virt_to_offset(
			&dsg->ios[0], metal_io_virt(&cpu->ios[1], 0));

		assert_int_equal(off, half);
		if (dsg->nents == 1) {
			assert_int_equal(sim_device_read("copro", da + half,
							 buf, 13),
					 0);
			assert_string_equal(buf, "second piece");
		}
		assert_int_equal(
			sim_device_write("copro",
					 metal_io_phys(&dsg->ios[0], 0),
					 "first", 6),
			0);
	}
	assert_int_equal(metal_shm_sync_for_cpu(shm, METAL_SHM_DIR_DEV_RW), 0);
	assert_int_equal(mp.to_cpu_dir, METAL_SHM_DIR_DEV_RW);
	assert_string_equal((char *)mp.virt, "first");

	/* Busy: unregistering is refused, the provider stays. */
	metal_shm_provider_unregister(&memfd_provider);
	assert_ptr_equal(metal_shmem_get_provider("memfd"), &memfd_provider);

	/* A take-back the provider refuses makes the detach report it. */
	assert_int_equal(
		metal_shm_sync_for_device(shm, dev, METAL_SHM_DIR_DEV_W), 0);
	mp.fail_to_cpu = 1;
	metal_shm_detach(shm, dev);
	mp.fail_to_cpu = 0;
	assert_int_equal(mp.to_cpu_dir, METAL_SHM_DIR_DEV_W);
	assert_int_equal(amp_metal_shm_detach_result(shm), -EIO);
	assert_non_null(strstr(amp_last_error(), "metal_shm_detach"));
	/* ... and the buffer is detached all the same. */
	metal_shm_detach(shm, dev);
	assert_int_equal(amp_metal_shm_detach_result(shm), -ENOTCONN);

	assert_int_equal(metal_shmem_close(shm), 0);
	assert_int_equal(mp.frees, 0); /* the mapping holds it */
	assert_string_equal(metal_io_virt(&cpu->ios[1], 0), "second piece");
	metal_shmem_munmap(shm, cpu);
	assert_int_equal(mp.frees, 1);

	metal_shm_provider_unregister(&memfd_provider);
	assert_null(metal_shmem_get_provider("memfd"));
}

/* A provider that maps in its mmap op gives ampshm nothing: refused. */
static int lazy_alloc(struct metal_shm_provider *provider,
		      struct metal_generic_shmem *shm, size_t size)
{
	(void)provider;
	shm->size = size;
	return 0;
}

static void lazy_free(struct metal_shm_provider *provider,
		      struct metal_generic_shmem *shm)
{
	(void)provider;
	(void)shm;
}

static void provider_without_memory(void **state)
{
	static METAL_SHM_PROVIDER_DECLARE(
		lazy, "lazy", NULL, lazy_alloc,
		lazy_free) struct metal_generic_shmem *shm;
	struct metal_device *none;

	(void)state;
	assert_int_equal(metal_shm_provider_register(&lazy), 0);
	assert_int_equal(metal_shmem_open("/lazy/x", MIB, 0, &shm), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "shm->id"));
	metal_shm_provider_unregister(&lazy);
	assert_null(metal_shmem_get_provider("lazy"));

	assert_int_equal(metal_device_open("platform", "nosuch", &none),
			 -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_close_refcounts),
		cmocka_unit_test(mmap_holds_reference),
		cmocka_unit_test(attach_sync_data),
		cmocka_unit_test(sync_for_cpu_direction),
		cmocka_unit_test(detach_results),
		cmocka_unit_test(provider_registered),
		cmocka_unit_test(provider_without_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
