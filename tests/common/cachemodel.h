/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A write-back data-cache model, installed as the port's cache operations,
 * so that tests can assert what a non-coherent CPU would really read and
 * what a device would really see. See docs/cache-model.md.
 *
 * Two copies of every byte of a registered region:
 * - memory: the real bytes at the CPU address (what devices read and
 *   write, through amp_dev_read() / amp_dev_write());
 * - the CPU cache: kept by the model, per line, with a valid bit, a dirty
 *   bit and the line's bytes.
 *
 * The test performs the CPU's accesses through the model (cm_read,
 * cm_write, cm_memset); the hardware's own moves are cm_prefetch (a
 * speculative fill) and cm_evict_all (an eviction). The library's
 * maintenance arrives through amp_cache_set_ops():
 * - clean: write the dirty lines back to memory, keep them valid (clean);
 * - invalidate: drop the lines WITHOUT writing them back (dirty data is
 *   lost, as on hardware);
 * - flush: clean, then invalidate.
 * Every operation works on whole lines: every line the range touches.
 * Maintenance of addresses outside every registered region is ignored (a
 * bounce buffer, an uncached buffer).
 */
#ifndef AMP_CACHEMODEL_H
#define AMP_CACHEMODEL_H

#include <stdbool.h>
#include <stddef.h>

struct cachemodel;

/* Largest number of regions one model covers. */
#define CM_MAX_REGIONS 8

/*
 * Create an empty model (every line invalid) with lines of @line_size
 * bytes (a power of two; 0 means 64). NULL on a bad size or no memory.
 */
struct cachemodel *cm_create(size_t line_size);

/* Free the model. Uninstall it first if it is installed. */
void cm_destroy(struct cachemodel *m);

/*
 * Cache the CPU addresses [va, va+len): @va and @len must be multiples of
 * the line size and the region must not overlap another one.
 * Returns 0, or -EINVAL, -ENOSPC (CM_MAX_REGIONS), -ENOMEM.
 */
int cm_add_region(struct cachemodel *m, void *va, size_t len);

/* Install the model as the port's cache operations (with its line size). */
void cm_install(struct cachemodel *m);

/* Restore the default (coherent) cache operations. */
void cm_uninstall(void);

/* Line size of the model. */
size_t cm_line_size(const struct cachemodel *m);

/*
 * CPU accesses. Every touched line is filled from memory if not valid
 * (write-allocate); writes go to the cached copy only and mark the line
 * dirty; reads return the cached copy. An access outside every region
 * fails the test (abort()), since it would silently bypass the model.
 */
void cm_write(struct cachemodel *m, void *va, const void *src, size_t len);
void cm_read(struct cachemodel *m, const void *va, void *dst, size_t len);
void cm_memset(struct cachemodel *m, void *va, int c, size_t len);

/*
 * Hardware moves, possible at any moment:
 * cm_prefetch fills the lines of [va, va+len) that are not valid from
 * memory (addresses outside every region are ignored);
 * cm_evict_all writes every dirty line back to memory and drops every line.
 */
void cm_prefetch(struct cachemodel *m, const void *va, size_t len);
void cm_evict_all(struct cachemodel *m);

/*
 * The maintenance operations themselves, as installed (usable directly,
 * for example to check a port's maintenance sequence).
 */
void cm_clean(struct cachemodel *m, const void *va, size_t len);
void cm_invalidate(struct cachemodel *m, const void *va, size_t len);
void cm_flush(struct cachemodel *m, const void *va, size_t len);

/* State of the line holding @va (false outside every region). */
bool cm_line_valid(const struct cachemodel *m, const void *va);
bool cm_line_dirty(const struct cachemodel *m, const void *va);

/* Number of dirty lines in [va, va+len). */
size_t cm_dirty_lines(const struct cachemodel *m, const void *va, size_t len);

#endif
