/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal view of buffers, attachments and providers, shared by the
 * shared-memory core, the providers and the device layer.
 */
#ifndef AMP_CORE_SHM_INTERNAL_H
#define AMP_CORE_SHM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include <ampshm/shm.h>

#include "core/list.h"
#include "core/rangeset.h"

struct amp_shm;

/*
 * A provider allocates (or finds) the memory behind a buffer and maps it
 * for the CPU. It fills shm->segs/nsegs, shm->va, shm->size,
 * shm->page_size and may keep private state in shm->priv.
 */
struct amp_provider {
	const char *name;
	/* @arg: provider-specific (the import description for "user"). */
	int (*alloc)(struct amp_shm *shm, const char *subname, uint64_t size,
		     unsigned flags, const void *arg);
	void (*free)(struct amp_shm *shm);
	/*
	 * Optional, called at every hand-over (dma-buf CPU access
	 * windows): after a range went to a device, and after one came
	 * back. A failure is reported to the caller of the sync.
	 */
	int (*to_device)(struct amp_shm *shm, enum amp_dir dir);
	int (*to_cpu)(struct amp_shm *shm, enum amp_dir dir);
};

/* Open or create through a given provider (core/shm.c). */
int amp_shm_open_with(const struct amp_provider *prov, const char *subname,
		      uint64_t size, unsigned flags, const void *arg,
		      struct amp_shm **out);

/* Built-in or registered provider called @name (@len bytes); global lock
 * held. */
const struct amp_provider *amp_provider_find(const char *name, size_t len);

extern const struct amp_provider amp_provider_static;
extern const struct amp_provider amp_provider_sysmem;
extern const struct amp_provider amp_provider_user;

/* A device-side copy of a buffer (bounce mode). */
struct amp_bounce_buf {
	amp_pa_t pa;
	uint64_t size;
	void *va; /* CPU mapping, for cache maintenance of the copy */
};

/* One buffer mapped for one device. Holds a reference on the buffer. */
struct amp_attach {
	struct amp_list shm_node; /* in shm->attachments */
	struct amp_list dev_node; /* in dev->attachments */
	struct amp_shm *shm;
	struct amp_dev *dev;
	enum amp_dir dir;
	struct amp_sg *da_sg; /* device view */
	uint64_t *da_off; /* buffer offset of each da_sg entry */
	size_t nda;
	amp_da_t iova; /* IOMMU mapping, if any */
	uint64_t iova_len;
	bool bounced;
	struct amp_bounce_buf bounce;
	struct amp_rangeset owned; /* ranges the device owns, with dir */
	uint64_t own_cookie; /* the device listener's, set by its attach */
};

/*
 * Ownership is one state machine per buffer, device and range (sync.c).
 * Everything else that must happen at a hand-over listens to it: bounce
 * copies, cache maintenance, the provider's hook (dma-buf), the checker,
 * and the device's own listener (the hand-over protocol). A hand-over as
 * the listeners see it:
 */
struct amp_sync {
	struct amp_shm *shm;
	struct amp_attach *a;
	enum amp_dir dir;
	uint64_t off, len;
	bool forced; /* reclaim: the device is gone, do not ask it */
	uint64_t tag; /* to the device: its driver's (hand-over tag), or 0 */
};

struct amp_own_listener {
	const char *name;
	/*
	 * The device took [off, off+len) (state already changed). May fail:
	 * the listeners before it are undone and the range goes back to the
	 * CPU.
	 */
	int (*to_device)(const struct amp_sync *s, void *priv);
	/* Revert a successful to_device because a later listener failed. */
	void (*undo_to_device)(const struct amp_sync *s, void *priv);
	/*
	 * The CPU took [off, off+len) back (state already changed). A
	 * failure is reported to the caller; only the checker's failure is
	 * rolled back (the range stays with the device).
	 */
	int (*to_cpu)(const struct amp_sync *s, void *priv);
	/*
	 * Device listener only, all optional. attach: @a is mapped but not
	 * yet visible (global lock held); a failure fails the attach.
	 * detach: @a is going away, after its ranges were reclaimed (global
	 * lock held); @forced: the device is gone, do not ask it anything.
	 * wait_cpu: sync_for_cpu wants [off, off+len) back; called with no
	 * lock held, with the attachment's own_cookie: wait until the device
	 * gave the range back. 0 goes on; an error is returned to the caller
	 * and the range stays with the device.
	 */
	int (*attach)(struct amp_attach *a, void *priv);
	void (*detach)(struct amp_attach *a, bool forced, void *priv);
	int (*wait_cpu)(uint64_t cookie, uint64_t off, uint64_t len,
			void *priv);
};

/* amp_shm_sync_for_device() with a tag for the device's listener. */
int amp_sync_for_device_tag(struct amp_shm *shm, struct amp_dev *dev,
			    enum amp_dir dir, uint64_t offset, uint64_t len,
			    uint64_t tag);

/* Hang the device listener on @dev (NULL: none). Global lock taken. */
void amp_dev_set_owner_listener(struct amp_dev *dev,
				const struct amp_own_listener *l, void *priv);

/* Built-in listeners (one file each). */
extern const struct amp_own_listener amp_bounce_listener;
extern const struct amp_own_listener amp_cache_listener;

/* Bounce copies (core/bounce.c). */
int amp_bounce_setup(struct amp_attach *a);
void amp_bounce_teardown(struct amp_attach *a);

/*
 * Give back to the CPU, without asking the device, every range @a's
 * device owns, reporting each to @fn. Called with shm->lock held.
 * Returns the number of ranges.
 */
int amp_sync_reclaim_locked(struct amp_attach *a, amp_reclaim_fn fn,
			    void *priv);

struct amp_shm {
	uint32_t magic; /* AMP_MAGIC_SHM while alive (core/handle.h) */
	struct amp_list node; /* in the global registry */
	char name[96];
	const struct amp_provider *provider;
	unsigned flags;
	unsigned refs; /* opens + attachments */
	uint64_t size;
	void *va;
	size_t page_size; /* CPU mapping granule (checker) */
	struct amp_cpu_seg *segs; /* by offset; physically contiguous each */
	size_t nsegs;
	struct amp_cpu_seg **by_pa; /* segs sorted by pa */
	struct amp_list attachments;
	unsigned nattach;
	bool checked; /* ownership checker on */
	pthread_mutex_t lock; /* syncs and ownership */
	void *priv; /* provider state */
};

/* Global lock for the registry, attach/detach and device lists. */
void amp_global_lock(void);
void amp_global_unlock(void);

/* Build shm->by_pa after a provider filled shm->segs. */
int amp_shm_index_segments(struct amp_shm *shm);

struct amp_attach *amp_shm_find_attach(struct amp_shm *shm,
				       struct amp_dev *dev);

/* Take / drop a reference; the last drop frees. Global lock held. */
void amp_shm_get_locked(struct amp_shm *shm);
void amp_shm_put_locked(struct amp_shm *shm);

/* Detach; global lock held. With @force, ranges the device still owns
 * are reclaimed first (reported to @fn) instead of failing with -EBUSY.
 * Returns how many ranges were reclaimed, or a negative errno. */
int amp_shm_detach_locked(struct amp_shm *shm, struct amp_dev *dev, bool force,
			  amp_reclaim_fn fn, void *priv);

/*
 * Ownership checker (core/checker.c). protect/unprotect are called with
 * shm->lock held, after the ownership state changed: protect when the
 * device of @a took [off, off+len), unprotect when the CPU took it back
 * (pages another range still holds stay protected). Both return 0 or a
 * negative errno (mprotect failure), with amp_last_error() set.
 */
int amp_checker_register(struct amp_shm *shm);
void amp_checker_unregister(struct amp_shm *shm);
int amp_checker_protect(struct amp_shm *shm, struct amp_attach *a, uint64_t off,
			uint64_t len);
int amp_checker_unprotect(struct amp_shm *shm, struct amp_attach *a,
			  uint64_t off, uint64_t len);
bool amp_checker_env_enabled(void);

/* System memory allocations, for buffers and bounce buffers. */
#define AMP_SYSMEM_LOW (1u << 31) /* allocate bottom-up (low memory) */
int amp_sysmem_alloc_contig(uint64_t size, uint64_t align, unsigned how,
			    amp_pa_t *pa);
void amp_sysmem_free_range(amp_pa_t pa, uint64_t size);
int amp_sysmem_map(amp_pa_t pa, uint64_t size, void **va);

/* Round up to a power of two @a; 0 if the result does not fit. */
static inline uint64_t amp_align_up(uint64_t x, uint64_t a)
{
	if (x > UINT64_MAX - (a - 1))
		return 0;
	return (x + a - 1) & ~(a - 1);
}

static inline uint64_t amp_align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* True if [off, off+len) lies within [0, size), without overflow. */
static inline bool amp_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

#endif /* AMP_CORE_SHM_INTERNAL_H */
