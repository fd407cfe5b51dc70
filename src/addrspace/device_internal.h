/* SPDX-License-Identifier: BSD-3-Clause */
/* Device internals shared by the device layer and the attach code. */
#ifndef AMP_ADDRSPACE_DEVICE_INTERNAL_H
#define AMP_ADDRSPACE_DEVICE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <ampshm/device.h>

#include "core/list.h"

struct amp_iommu;
struct amp_ralloc;

struct amp_dev {
	char name[32];
	unsigned dma_bits;
	uint64_t mask; /* highest address the device can emit */
	struct amp_window *win;
	size_t nwin;
	struct amp_iommu *mmu; /* NULL: windows only */
	struct amp_ralloc *iova;
	unsigned pgsizes;
	enum amp_bounce bounce;
	struct amp_list attachments; /* of struct amp_attach, by dev_node */
	unsigned nattach;
	pthread_mutex_t lock; /* page table, IOVA space */
	_Atomic uint64_t
		faults; /* window misses, permission faults, non-memory (IOMMU misses are counted by the IOMMU) */
};

/*
 * Map physical segments for @dev: one contiguous IOVA range through the
 * IOMMU, or the windows' linear map. On success *da is a malloc'ed list
 * (adjacent segments merged) and *iova, *iova_len name the IOMMU mapping
 * (0 without IOMMU). -ERANGE if the device cannot reach them, -ENOSPC if
 * the IOVA space is full.
 */
int amp_dev_map(struct amp_dev *dev, const struct amp_sg *pa, size_t n,
		enum amp_dir dir, struct amp_sg **da, size_t *nda,
		amp_da_t *iova, uint64_t *iova_len);

/* Undo amp_dev_map()'s IOMMU mapping. */
void amp_dev_unmap(struct amp_dev *dev, amp_da_t iova, uint64_t len);

#endif
