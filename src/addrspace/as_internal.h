/* SPDX-License-Identifier: BSD-3-Clause */
/* State of an address space, shared by its source files only. */
#ifndef AMP_ADDRSPACE_AS_INTERNAL_H
#define AMP_ADDRSPACE_AS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "addrspace/addrspace.h"
#include "core/list.h"

struct amp_iommu;
struct amp_ralloc;

/* One IOMMU mapping made by amp_as_map(): what export reports. */
struct amp_as_map_rec {
	struct amp_list node;
	amp_da_t iova;
	uint64_t len;
	unsigned prot; /* AMP_DEV_PROT_* */
	size_t npa;
	struct amp_sg pa[]; /* the physical segments, back to back */
};

#define AMP_AS_MAX_WATCHERS 4

struct amp_as_watcher {
	amp_dev_watch_fn fn;
	void *priv;
};

struct amp_as {
	char name[32];
	unsigned dma_bits;
	uint64_t mask; /* highest address the device can emit */
	struct amp_window *win;
	size_t nwin;
	struct amp_iommu *mmu; /* NULL: windows only */
	const struct amp_as_backend *be; /* a real IOMMU behind it, or NULL */
	void *be_priv;
	struct amp_ralloc *iova;
	unsigned pgsizes;
	struct amp_list maps; /* of struct amp_as_map_rec */
	pthread_mutex_t lock; /* page table, IOVA space, maps */
	/* Watchers are called under watch_lock, never under lock. */
	pthread_mutex_t watch_lock;
	struct amp_as_watcher watchers[AMP_AS_MAX_WATCHERS];
	/* window misses, permission faults, non-memory (IOMMU misses are
	 * counted by the IOMMU) */
	_Atomic uint64_t faults;
};

/* Tell the watchers about a mapping record (export.c). */
void amp_as_notify(struct amp_as *as, const struct amp_as_map_rec *m,
		   bool mapped);

#endif
