/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VFIO type1 behind a device's address space: the IOVAs the address space
 * hands out are mapped in the real IOMMU with VFIO_IOMMU_MAP_DMA of the
 * buffer's host memory (memfd-backed: a dma-buf mapping cannot be pinned),
 * and unmapped with VFIO_IOMMU_UNMAP_DMA before the simulated table drops
 * them (detach, reclaim). See <ampshm/vfio.h>.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include <ampshm/vfio.h>

#include "addrspace/addrspace.h"
#include "core/dev_internal.h"
#include "core/error.h"
#include "core/phys.h"

struct amp_vfio {
	int container;
	int group;
	int device;
	char pci[32];
};

static void undo(struct amp_vfio *v, amp_da_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.iova = iova,
						.size = len };

	if (len)
		ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &u);
}

static int vfio_map(void *priv, amp_da_t iova, const struct amp_sg *pa,
		    size_t n, unsigned prot)
{
	struct amp_vfio *v = priv;
	uint64_t done = 0;

	for (size_t i = 0; i < n; i++) {
		for (uint64_t off = 0; off < pa[i].len;) {
			struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(
								      m) };
			uint64_t contig = 0, len = pa[i].len - off;
			void *va = amp_phys_ptr(pa[i].addr + off, &contig);
			int err;

			if (!va) {
				undo(v, iova, done);
				return amp_err(
					-EFAULT,
					"vfio %s: physical 0x%llx is "
					"not memory",
					v->pci,
					(unsigned long long)(pa[i].addr + off));
			}
			if (contig < len)
				len = contig;
			m.vaddr = (uintptr_t)va;
			m.iova = iova + done;
			m.size = len;
			if (prot & AMP_DEV_PROT_READ)
				m.flags |= VFIO_DMA_MAP_FLAG_READ;
			if (prot & AMP_DEV_PROT_WRITE)
				m.flags |= VFIO_DMA_MAP_FLAG_WRITE;
			if (!ioctl(v->container, VFIO_IOMMU_MAP_DMA, &m)) {
				off += len;
				done += len;
				continue;
			}
			err = errno;
			undo(v, iova, done);
			return amp_err(-err,
				       "vfio %s: VFIO_IOMMU_MAP_DMA of 0x%llx "
				       "bytes at IOVA 0x%llx: %s%s",
				       v->pci, (unsigned long long)len,
				       (unsigned long long)m.iova,
				       strerror(err),
				       err == EFAULT ?
					       " (memory VFIO cannot "
					       "pin: a dma-buf mapping?)" :
					       "");
		}
	}
	return 0;
}

static void vfio_unmap(void *priv, amp_da_t iova, uint64_t len)
{
	struct amp_vfio *v = priv;
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.iova = iova,
						.size = len };

	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &u))
		amp_err(-errno, "vfio %s: VFIO_IOMMU_UNMAP_DMA at 0x%llx: %s",
			v->pci, (unsigned long long)iova, strerror(errno));
}

static void vfio_release(void *priv)
{
	struct amp_vfio *v = priv;

	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	free(v);
}

static const struct amp_as_backend vfio_backend = {
	.map = vfio_map,
	.unmap = vfio_unmap,
	.release = vfio_release,
};

/* Set the bus-master bit in the command register (vfio-pci leaves it off). */
static int enable_bus_master(struct amp_vfio *v)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri),
				       .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t cmd;

	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return amp_err(-errno, "vfio %s: no config space region: %s",
			       v->pci, strerror(errno));
	if (pread(v->device, &cmd, 2, (off_t)ri.offset + PCI_COMMAND) != 2)
		return amp_err(-EIO,
			       "vfio %s: cannot read the command register",
			       v->pci);
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (pwrite(v->device, &cmd, 2, (off_t)ri.offset + PCI_COMMAND) != 2)
		return amp_err(-EIO,
			       "vfio %s: cannot write the command register",
			       v->pci);
	return 0;
}

static int vfio_open(const char *pci, struct amp_vfio *v)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct vfio_group_status st = { .argsz = sizeof(st) };
	const char *grp;
	ssize_t l;

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return amp_err(errno == ENOENT ? -ENODEV : -errno,
			       "vfio: cannot open /dev/vfio/vfio: %s (the "
			       "kernel lacks CONFIG_VFIO, or the vfio module "
			       "is not loaded)",
			       strerror(errno));
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return amp_err(-ENODEV, "vfio: unknown VFIO API version");
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0)
		return amp_err(-ENODEV,
			       "vfio: no type1 IOMMU (the kernel lacks "
			       "CONFIG_VFIO_IOMMU_TYPE1, or vfio_iommu_type1 "
			       "is not loaded)");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pci);
	if (access(path, F_OK))
		return amp_err(-ENOENT, "vfio: no PCI device %s", pci);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 pci);
	l = readlink(path, link, sizeof(link) - 1);
	if (l < 0)
		return amp_err(-ENODEV,
			       "vfio: %s has no IOMMU group (no IOMMU: boot "
			       "with intel_iommu=on / an SMMU)",
			       pci);
	link[l] = '\0';
	grp = strrchr(link, '/');
	grp = grp ? grp + 1 : link;
	snprintf(path, sizeof(path), "/dev/vfio/%.32s", grp);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return amp_err(errno == ENOENT ? -ENODEV : -errno,
			       "vfio: cannot open %s: %s (is %s bound to "
			       "vfio-pci?)",
			       path, strerror(errno), pci);
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return amp_err(-EBUSY,
			       "vfio: group %s is not viable (bind every "
			       "device of the group to vfio-pci)",
			       grp);
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return amp_err(-errno, "vfio: VFIO_GROUP_SET_CONTAINER: %s",
			       strerror(errno));
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		return amp_err(-errno, "vfio: VFIO_SET_IOMMU type1: %s",
			       strerror(errno));
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, pci);
	if (v->device < 0)
		return amp_err(-errno, "vfio: VFIO_GROUP_GET_DEVICE_FD %s: %s",
			       pci, strerror(errno));
	return enable_bus_master(v);
}

int amp_dev_create_vfio(const struct amp_dev_config *cfg, const char *pci,
			struct amp_dev **dev)
{
	struct amp_vfio *v;
	struct amp_dev *d;
	int ret;

	if (!cfg || !pci || !dev)
		return amp_err(-EINVAL, "vfio: NULL argument");
	if (!cfg->iommu || cfg->nwindows)
		return amp_err(-EINVAL,
			       "vfio: the device needs an IOMMU and no "
			       "carveout windows");
	if (!pci[0] || strlen(pci) >= sizeof(v->pci) || strchr(pci, '/'))
		return amp_err(-EINVAL, "vfio: bad PCI address");
	v = calloc(1, sizeof(*v));
	if (!v)
		return amp_err(-ENOMEM, "vfio: out of memory");
	v->container = v->group = v->device = -1;
	snprintf(v->pci, sizeof(v->pci), "%s", pci);
	ret = vfio_open(pci, v);
	if (ret) {
		vfio_release(v);
		return ret;
	}
	ret = amp_dev_create(cfg, &d);
	if (ret) {
		vfio_release(v);
		return ret;
	}
	ret = amp_as_set_backend(d->as, &vfio_backend, v);
	if (ret) {
		amp_dev_destroy(d);
		vfio_release(v);
		return ret;
	}
	*dev = d;
	return 0;
}

int amp_dev_vfio_fd(struct amp_dev *dev)
{
	struct amp_vfio *v;

	if (!dev)
		return amp_err(-EINVAL, "vfio: NULL device");
	v = amp_as_backend_priv(dev->as, &vfio_backend);
	if (!v)
		return amp_err(-ENOTSUP, "vfio: '%s' is not a VFIO device",
			       dev->name);
	return v->device;
}
