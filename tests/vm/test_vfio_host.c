/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * On the host, without VFIO: the address-space backend hook a VFIO device
 * uses (src/addrspace: every IOMMU mapping repeated through the backend,
 * a refusal undoing it, unmapping before the page table drops it,
 * release at destroy) with a recording backend, and the VFIO errors that
 * need no kernel support. The VM test vm_vfio covers the real thing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include <ampshm/vfio.h>

#include "addrspace/addrspace.h"
#include "core/dev_internal.h"

struct rec {
	int maps, unmaps, releases;
	int fail; /* map answers this when non-zero */
	amp_da_t iova;
	uint64_t len, unmap_len;
	unsigned prot;
};

static int rec_map(void *priv, amp_da_t iova, const struct amp_sg *pa, size_t n,
		   unsigned prot)
{
	struct rec *r = priv;
	uint64_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += pa[i].len;
	r->maps++;
	if (r->fail)
		return r->fail;
	r->iova = iova;
	r->len = len;
	r->prot = prot;
	return 0;
}

static void rec_unmap(void *priv, amp_da_t iova, uint64_t len)
{
	struct rec *r = priv;

	r->unmaps++;
	assert_int_equal(iova, r->iova);
	r->unmap_len = len;
}

static void rec_release(void *priv)
{
	((struct rec *)priv)->releases++;
}

static const struct amp_as_backend rec_backend = { rec_map, rec_unmap,
						   rec_release };

static int count_run(void *priv, const struct amp_dev_run *run)
{
	(void)run;
	(*(int *)priv)++;
	return 0;
}

static void backend_hook(void **state)
{
	struct amp_dev_config cfg = { .name = "rec",
				      .iommu = true,
				      .dma_bits = 32 };
	struct amp_dev *dev;
	struct amp_shm *shm;
	const struct amp_sg *sg;
	struct rec r = { 0 };
	size_t nsg;
	amp_da_t first;
	int runs = 0;

	(void)state;
	assert_int_equal(amp_shm_open("sysmem/vfio-hook", 3 * 4096, 0, &shm),
			 0);
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_as_set_backend(dev->as, &rec_backend, &r), 0);
	assert_ptr_equal(amp_as_backend_priv(dev->as, &rec_backend), &r);
	assert_int_equal(amp_as_set_backend(dev->as, &rec_backend, &r), -EBUSY);
	/* Not a VFIO device. */
	assert_int_equal(amp_dev_vfio_fd(dev), -ENOTSUP);

	/* The backend refuses: attach fails with its error, nothing left. */
	r.fail = -EFAULT;
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, &sg, &nsg),
			 -EFAULT);
	assert_int_equal(amp_dev_export(dev, count_run, &runs), 0);
	assert_int_equal(runs, 0);
	r.fail = 0;

	/* Mapped through the backend at the IOVA attach reports. */
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, &sg, &nsg),
			 0);
	assert_int_equal(r.maps, 2);
	assert_int_equal(nsg, 1);
	assert_int_equal(r.iova, sg[0].addr);
	assert_int_equal(r.len, 3 * 4096);
	assert_int_equal(r.prot, AMP_DEV_PROT_READ);
	first = sg[0].addr;
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(r.unmaps, 1);
	assert_int_equal(r.unmap_len, 3 * 4096);

	/* The refused attempt left its IOVA free: the same one again. */
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	assert_int_equal(sg[0].addr, first);
	assert_int_equal(r.prot, AMP_DEV_PROT_READ | AMP_DEV_PROT_WRITE);
	/* Reclaim with detach unmaps through the backend too. */
	assert_int_equal(
		amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, 0, 4096), 0);
	assert_int_equal(amp_dev_reclaim(dev, AMP_RECLAIM_DETACH, NULL, NULL),
			 1);
	assert_int_equal(r.unmaps, 2);

	/* A backend cannot be added once something is mapped. */
	assert_int_equal(amp_dev_destroy(dev), 0);
	assert_int_equal(r.releases, 1);
	assert_int_equal(amp_dev_create(&cfg, &dev), 0);
	assert_int_equal(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	assert_int_equal(amp_as_set_backend(dev->as, &rec_backend, &r), -EBUSY);
	assert_int_equal(amp_shm_detach(shm, dev), 0);
	assert_int_equal(amp_dev_destroy(dev), 0);
	assert_int_equal(amp_shm_close(shm), 0);
}

static void vfio_errors(void **state)
{
	struct amp_dev_config cfg = { .name = "v", .iommu = true };
	struct amp_window w = { 0 };
	struct amp_dev *dev = NULL;

	(void)state;
	assert_int_equal(amp_dev_create_vfio(NULL, "0000:00:01.0", &dev),
			 -EINVAL);
	assert_int_equal(amp_dev_create_vfio(&cfg, NULL, &dev), -EINVAL);
	assert_int_equal(amp_dev_create_vfio(&cfg, "", &dev), -EINVAL);
	assert_int_equal(amp_dev_create_vfio(&cfg, "../../x", &dev), -EINVAL);
	cfg.iommu = false;
	cfg.windows = &w;
	cfg.nwindows = 1;
	assert_int_equal(amp_dev_create_vfio(&cfg, "0000:00:01.0", &dev),
			 -EINVAL);
	assert_non_null(strstr(amp_last_error(), "IOMMU"));
	cfg.iommu = true;
	cfg.windows = NULL;
	cfg.nwindows = 0;
	if (access("/dev/vfio/vfio", F_OK)) {
		assert_int_equal(amp_dev_create_vfio(&cfg, "0000:00:01.0",
						     &dev),
				 -ENODEV);
		assert_non_null(strstr(amp_last_error(), "CONFIG_VFIO"));
	}
	assert_null(dev);
	assert_int_equal(amp_dev_vfio_fd(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backend_hook),
		cmocka_unit_test(vfio_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
