/* SPDX-License-Identifier: BSD-3-Clause */
/* The remoteproc core's state, shared by its source files. */
#ifndef AMP_REMOTEPROC_RPROC_INTERNAL_H
#define AMP_REMOTEPROC_RPROC_INTERNAL_H

#include <pthread.h>

#include <ampshm/remoteproc.h>
#include <ampshm/remoteproc_image.h>

#define AMP_RPROC_MAX_AREAS 16
#define AMP_RPROC_MAX_SUBS 4

/* One range of the coprocessor's memory: a carveout, DEVMEM, vdev area. */
struct amp_rproc_area {
	amp_da_t da;
	amp_pa_t pa;
	uint64_t len;
	bool allocated; /* from system memory: freed at stop */
	bool devmem; /* registers: not dumped */
	int entry; /* resource-table entry, or -1 */
	char name[33];
};

struct amp_rproc {
	char name[32];
	struct amp_rproc_ops ops;
	void *priv;
	unsigned dma_bits;
	bool iommu, recovery;
	uint64_t vdev_mem;
	char coredump_dir[200]; /* "" : no dump on crash */
	pthread_mutex_t lock; /* lifecycle */
	enum amp_rproc_state state;
	/* from load to stop */
	void *image;
	size_t image_size;
	struct amp_rproc_image *img;
	uint64_t entry;
	struct amp_rproc_area area[AMP_RPROC_MAX_AREAS];
	size_t narea;
	int vdev_area; /* index of the vdev area, -1 if none */
	struct amp_dev *dev;
	void *table; /* the loaded resource table */
	size_t table_size;
	uint64_t table_da;
	struct amp_rproc_crash crash;
	/* the driver hung on every device this coprocessor gets (handover) */
	const struct amp_own_listener *own;
	void *own_priv;
	struct {
		amp_rproc_event_fn fn;
		void *priv;
	} subs[AMP_RPROC_MAX_SUBS];
};

/* Write the core file; lock held (coredump.c). */
int amp_rproc__coredump_locked(struct amp_rproc *rp, const char *path);

/* Place the memory the table asks for (carveouts.c). */
int amp_rproc__plan(struct amp_rproc *rp, const struct amp_rproc_rsc *rsc);
/* Give back what plan allocated. */
void amp_rproc__free_areas(struct amp_rproc *rp);
/*
 * Write the chosen carveout and vring addresses into the loaded table,
 * after the segments were (re)loaded.
 */
int amp_rproc__fix_table(struct amp_rproc *rp);

/*
 * amp_rproc_report_crash(), but ignored unless @current(@ctx) says, under
 * the coprocessor's lock, that the report is about the core running now
 * (a backend's monitor thread racing a stop and a new start).
 */
int amp_rproc__report_crash_if(struct amp_rproc *rp, const char *reason,
			       uint64_t fault_da, uint64_t pc,
			       bool (*current)(void *ctx), void *ctx);

/*
 * Hang @l on the coprocessor's device, now and every time it is created
 * again (load). NULL removes it. Takes the coprocessor's lock.
 */
struct amp_own_listener;
void amp_rproc__set_owner(struct amp_rproc *rp,
			  const struct amp_own_listener *l, void *priv);

#endif
