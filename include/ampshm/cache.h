/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file cache.h
 * @brief Data-cache maintenance through port operations.
 *
 * The library never issues cache instructions itself: it calls the port's
 * operations, which a platform port sets once with amp_cache_set_ops(). The
 * default operations are those of a coherent host: they do nothing. Every
 * operation is counted (calls and bytes) whatever the port does, so tests
 * and benchmarks can check which maintenance a sync asked for.
 *
 * This file is freestanding: the firmware side uses it too.
 */
#ifndef AMPSHM_CACHE_H
#define AMPSHM_CACHE_H

#include <ampshm/export.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Port operations for data-cache maintenance by virtual address range. */
struct amp_cache_ops {
	/** Write dirty lines back to memory (keep them valid). */
	void (*clean)(void *va, size_t len, void *priv);
	/** Discard lines without writing them back. */
	void (*invalidate)(void *va, size_t len, void *priv);
	/** Clean then invalidate. */
	void (*flush)(void *va, size_t len, void *priv);
	/** Cache line size in bytes (a power of two), used for the edge rule. */
	size_t line_size;
	/** Opaque pointer passed to every operation. */
	void *priv;
};

/** Counters of the maintenance the library asked for. */
struct amp_cache_stats {
	uint64_t clean_ops; /**< number of clean calls */
	uint64_t clean_bytes; /**< bytes cleaned */
	uint64_t inval_ops; /**< number of invalidate calls */
	uint64_t inval_bytes; /**< bytes invalidated */
	uint64_t flush_ops; /**< number of clean+invalidate calls */
	uint64_t flush_bytes; /**< bytes cleaned+invalidated */
};

/**
 * @brief Install the port's cache operations.
 * @param ops operations (copied); NULL restores the coherent defaults.
 */
AMP_API void amp_cache_set_ops(const struct amp_cache_ops *ops);

/** @brief Cache line size currently in force (64 by default). */
AMP_API size_t amp_cache_line_size(void);

/** @brief Clean [va, va+len) (counted). */
AMP_API void amp_cache_clean(void *va, size_t len);
/** @brief Invalidate [va, va+len) (counted). */
AMP_API void amp_cache_invalidate(void *va, size_t len);
/** @brief Clean+invalidate [va, va+len) (counted). */
AMP_API void amp_cache_flush(void *va, size_t len);

/**
 * @brief Invalidate a range that may not be line aligned, safely.
 *
 * Whole lines inside the range are invalidated; a first or last line that
 * also holds bytes outside the range is cleaned+invalidated instead, so
 * that the neighbours' dirty data is never lost.
 */
AMP_API void amp_cache_invalidate_range(void *va, size_t len);

/** @brief Read the counters. */
AMP_API void amp_cache_get_stats(struct amp_cache_stats *st);
/** @brief Zero the counters. */
AMP_API void amp_cache_reset_stats(void);

#ifdef __cplusplus
}
#endif
#endif /* AMPSHM_CACHE_H */
