/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs inside the VFIO VM (q35, intel-iommu, QEMU's edu device bound to
 * vfio-pci by /init), statically linked: a sysmem buffer attached to a
 * VFIO device (amp_dev_create_vfio()) is really mapped in the IOMMU at the
 * IOVA the device's address space gave it. The edu device copies 2048
 * bytes from the buffer into its internal memory and back into the
 * buffer's other half by DMA, checked byte for byte; after detach, and
 * after a reclaim that detaches, the same DMA into the buffer is blocked
 * by the IOMMU (the buffer does not change). A udmabuf import is refused
 * (VFIO cannot pin the dma-buf's mapping). Prints "vmtest: ok" at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>
#include <ampshm/vfio.h>

#define EDU_BUF 0x40000u /* the edu device's internal buffer */
#define EDU_LEN 2048u /* QEMU 7.2's edu aborts on a full 4096-byte DMA */
#define EDU_SRC 0x80
#define EDU_DST 0x88
#define EDU_CNT 0x90
#define EDU_CMD 0x98
#define EDU_RUN 0x1
#define EDU_TO_PCI 0x2 /* from the edu buffer to memory */

#include "vmcheck.h"

/* The edu device's PCI address (vendor 1234, device 11e8). */
static int find_edu(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	int found = -1;

	if (!d)
		return -1;
	while (found && (de = readdir(d))) {
		char path[400], id[16] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(id, sizeof(id), f) && !strncmp(id, "0x11e8", 6)) {
			snprintf(bdf, len, "%.63s", de->d_name);
			found = 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

struct edu {
	int fd;
	uint64_t bar0; /* offset of BAR0 in the device fd */
};

static int edu_wr(struct edu *e, unsigned reg, uint32_t v)
{
	return pwrite(e->fd, &v, 4, (off_t)(e->bar0 + reg)) == 4 ? 0 : -EIO;
}

static int edu_rd(struct edu *e, unsigned reg, uint32_t *v)
{
	return pread(e->fd, v, 4, (off_t)(e->bar0 + reg)) == 4 ? 0 : -EIO;
}

/* One DMA; waits (the edu device runs it from a 100 ms timer). */
static int edu_dma(struct edu *e, uint32_t src, uint32_t dst, uint32_t cmd)
{
	double t0 = now_us();
	uint32_t v;

	if (edu_wr(e, EDU_SRC, src) || edu_wr(e, EDU_SRC + 4, 0) ||
	    edu_wr(e, EDU_DST, dst) || edu_wr(e, EDU_DST + 4, 0) ||
	    edu_wr(e, EDU_CNT, EDU_LEN) || edu_wr(e, EDU_CNT + 4, 0) ||
	    edu_wr(e, EDU_CMD, cmd | EDU_RUN))
		return -EIO;
	do {
		if (edu_rd(e, EDU_CMD, &v))
			return -EIO;
		if (!(v & EDU_RUN))
			return 0;
		usleep(1000);
	} while (now_us() - t0 < 20e6);
	return -ETIMEDOUT;
}

static void test_vfio_edu(void)
{
	struct amp_dev_config cfg = {
		.name = "edu",
		.dma_bits = 28, /* the edu device's DMA mask */
		.iommu = true,
		.iova_base = 0x100000,
	};
	struct vfio_region_info ri = { .argsz = sizeof(ri),
				       .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct amp_shm *shm;
	struct amp_dev *dev;
	const struct amp_sg *sg;
	size_t nsg;
	struct edu e;
	unsigned char *va;
	uint32_t id = 0, iova;
	char bdf[64];
	double t0;

	CHECK_EQ(find_edu(bdf, sizeof(bdf)), 0);
	printf("vmtest: edu device at %s\n", bdf);
	CHECK_EQ(amp_dev_create_vfio(&cfg, bdf, &dev), 0);
	e.fd = amp_dev_vfio_fd(dev);
	CHECK(e.fd >= 0);
	CHECK_EQ(ioctl(e.fd, VFIO_DEVICE_GET_REGION_INFO, &ri), 0);
	e.bar0 = ri.offset;
	CHECK_EQ(edu_rd(&e, 0, &id), 0);
	CHECK_EQ(id & 0xff, 0xed); /* identification: 0x010000ed */

	CHECK_EQ(amp_shm_open("sysmem/edu", 8192, 0, &shm), 0);
	va = amp_shm_va(shm);
	for (unsigned i = 0; i < 8192; i++)
		va[i] = (unsigned char)(i * 7 + 3);
	memset(va + EDU_LEN, 0, EDU_LEN);
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	CHECK_EQ(nsg, 1);
	iova = (uint32_t)sg[0].addr;
	CHECK(sg[0].addr >= 0x100000 && sg[0].addr + 8192 <= (1u << 28));
	printf("vmtest: buffer at IOVA 0x%x\n", iova);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
					 EDU_LEN),
		 0);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, EDU_LEN,
					 EDU_LEN),
		 0);
	t0 = now_us();
	CHECK_EQ(edu_dma(&e, iova, EDU_BUF, 0), 0);
	CHECK_EQ(edu_dma(&e, EDU_BUF, iova + EDU_LEN, EDU_TO_PCI), 0);
	printf("vmtest: figure: edu DMA round trip of %u bytes: %.0f ms "
	       "(two 100 ms device timers)\n",
	       EDU_LEN, (now_us() - t0) / 1e3);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE, EDU_LEN,
				      EDU_LEN),
		 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, EDU_LEN),
		 0);
	CHECK_EQ(memcmp(va, va + EDU_LEN, EDU_LEN), 0);
	printf("vmtest: edu copied %u bytes through the IOMMU, byte for byte\n",
	       EDU_LEN);

	/* Detached: the IOVA is gone from the IOMMU, the DMA is blocked. */
	CHECK_EQ(amp_shm_detach(shm, dev), 0);
	memset(va + EDU_LEN, 0, EDU_LEN);
	CHECK_EQ(edu_dma(&e, EDU_BUF, iova + EDU_LEN, EDU_TO_PCI), 0);
	for (unsigned i = 0; i < EDU_LEN; i++)
		CHECK_EQ(va[EDU_LEN + i], 0);
	printf("vmtest: after detach the edu DMA did not reach the buffer\n");

	/* Reclaim (a crashed coprocessor) unmaps as well. */
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_FROM_DEVICE, &sg, &nsg), 0);
	iova = (uint32_t)sg[0].addr;
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, 0,
					 8192),
		 0);
	CHECK_EQ(edu_dma(&e, EDU_BUF, iova + EDU_LEN, EDU_TO_PCI), 0);
	CHECK_EQ(amp_dev_reclaim(dev, AMP_RECLAIM_DETACH, NULL, NULL), 1);
	CHECK_EQ(memcmp(va, va + EDU_LEN, EDU_LEN), 0);
	memset(va + EDU_LEN, 0, EDU_LEN);
	CHECK_EQ(edu_dma(&e, EDU_BUF, iova + EDU_LEN, EDU_TO_PCI), 0);
	for (unsigned i = 0; i < EDU_LEN; i++)
		CHECK_EQ(va[EDU_LEN + i], 0);
	printf("vmtest: after reclaim the edu DMA did not reach the buffer\n");
	CHECK_EQ(amp_shm_close(shm), 0);

	/* A udmabuf import: its bytes are mapped through the dma-buf. */
	{
		int memfd = memfd_create("edu", MFD_ALLOW_SEALING);
		int ret;

		CHECK(memfd >= 0);
		CHECK_EQ(ftruncate(memfd, 8192), 0);
		CHECK_EQ(amp_shm_import_udmabuf("user/edu", memfd, 0, 8192, 0,
						&shm),
			 0);
		/* VFIO cannot pin a dma-buf mapping: refused, clearly. */
		ret = amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg);
		CHECK_EQ(ret, -EFAULT);
		CHECK(strstr(amp_last_error(), "VFIO_IOMMU_MAP_DMA"));
		printf("vmtest: udmabuf import refused: %s\n",
		       amp_last_error());
		CHECK_EQ(amp_shm_close(shm), 0);
		close(memfd);
	}
	CHECK_EQ(amp_dev_destroy(dev), 0);
}

int main(void)
{
	double t0 = now_us();

	setvbuf(stdout, NULL, _IONBF, 0);
	setenv("AMPSHM_SYSMEM_SIZE", "16M", 1);
	test_vfio_edu();
	printf("vmtest: %s in %.1f s, %d failure(s)\n",
	       failures ? "FAILED" : "ok", (now_us() - t0) / 1e6, failures);
	return failures ? 1 : 0;
}
