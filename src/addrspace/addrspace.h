/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A device's address space: how the addresses one coprocessor emits (da)
 * reach physical memory (pa). Made of carveout windows (linear maps) and,
 * optionally, an IOMMU page table over an IOVA range. Mechanism only: the
 * shared-memory core decides what to map (attach) and when (policy), and
 * reaches memory through the physical map (core/phys.h) after this layer
 * translated da to pa.
 *
 * The address space can be exported as runs {da, len, prot, pa, fd,
 * offset}, so that another process can map exactly what the device may
 * reach at the device's own addresses, and watchers are told of every run
 * mapped or unmapped.
 */
#ifndef AMP_ADDRSPACE_ADDRSPACE_H
#define AMP_ADDRSPACE_ADDRSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include <ampshm/device.h>

struct amp_as;

/* Validate the address-space part of @cfg and build it. */
int amp_as_create(const struct amp_dev_config *cfg, const char *name,
		  struct amp_as **out);
void amp_as_destroy(struct amp_as *as);

/* Address width and the highest address the device can emit. */
unsigned amp_as_dma_bits(const struct amp_as *as);
bool amp_as_has_iommu(const struct amp_as *as);

/*
 * Map physical segments: one contiguous IOVA range through the IOMMU
 * (read and/or write permission from @dir), or the windows' linear map.
 * On success *da is a malloc'ed list (adjacent segments merged) and
 * *iova, *iova_len name the IOMMU mapping (0 without an IOMMU). -ERANGE if
 * the device cannot reach the segments, -ENOSPC if the IOVA space is full,
 * -ENOMEM.
 */
int amp_as_map(struct amp_as *as, const struct amp_sg *pa, size_t n,
	       enum amp_dir dir, struct amp_sg **da, size_t *nda,
	       amp_da_t *iova, uint64_t *iova_len);
/* Undo amp_as_map()'s IOMMU mapping (watchers are told first). */
void amp_as_unmap(struct amp_as *as, amp_da_t iova, uint64_t len);

/* Device address of @pa through a carveout window, or -ERANGE. */
int amp_as_window_pa_to_da(const struct amp_as *as, amp_pa_t pa, amp_da_t *da);

/*
 * Translate @da for an access: physical address, and how many bytes from
 * there are contiguous. -EFAULT if unmapped, -EACCES if the mapping does
 * not allow the access (counted as faults).
 */
int amp_as_translate(struct amp_as *as, amp_da_t da, bool write, amp_pa_t *pa,
		     uint64_t *run);

/* The simulated device's accesses; -EFAULT on anything not given to it. */
int amp_as_access(struct amp_as *as, amp_da_t da, void *buf, size_t len,
		  bool write);

uint64_t amp_as_fault_count(const struct amp_as *as);

/*
 * A real IOMMU behind the simulated one (VFIO): every IOMMU mapping the
 * page table takes is repeated through @map (a failure undoes it and
 * fails amp_as_map()), every unmapping through @unmap before the page
 * table drops it; @release when the address space is destroyed. Set
 * before anything is mapped. The page table stays the record that
 * export, watchers and the simulated accesses use.
 */
struct amp_as_backend {
	int (*map)(void *priv, amp_da_t iova, const struct amp_sg *pa, size_t n,
		   unsigned prot);
	void (*unmap)(void *priv, amp_da_t iova, uint64_t len);
	void (*release)(void *priv);
};

int amp_as_set_backend(struct amp_as *as, const struct amp_as_backend *be,
		       void *priv);
/* The backend's pointer if @be backs @as, else NULL. */
void *amp_as_backend_priv(struct amp_as *as, const struct amp_as_backend *be);

/* Export and watch; see amp_dev_export() / amp_dev_watch(). */
int amp_as_export(struct amp_as *as, amp_dev_run_fn fn, void *priv);
int amp_as_watch(struct amp_as *as, amp_dev_watch_fn fn, void *priv);
int amp_as_unwatch(struct amp_as *as, amp_dev_watch_fn fn, void *priv);

#endif
