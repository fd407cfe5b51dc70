/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cache maintenance dispatch: counts every request, then calls the port's
 * operations. Freestanding (no OS calls): shared with the firmware side.
 */
#include <ampshm/cache.h>

#include <stdatomic.h>

static struct amp_cache_ops cache_ops = { .line_size = 64 };

static _Atomic uint64_t st_clean_ops, st_clean_bytes;
static _Atomic uint64_t st_inval_ops, st_inval_bytes;
static _Atomic uint64_t st_flush_ops, st_flush_bytes;

void amp_cache_set_ops(const struct amp_cache_ops *ops)
{
	if (ops) {
		cache_ops = *ops;
		if (!cache_ops.line_size ||
		    (cache_ops.line_size & (cache_ops.line_size - 1)))
			cache_ops.line_size = 64;
	} else {
		cache_ops = (struct amp_cache_ops){ .line_size = 64 };
	}
}

size_t amp_cache_line_size(void)
{
	return cache_ops.line_size;
}

static void count(_Atomic uint64_t *ops, _Atomic uint64_t *bytes, size_t len)
{
	atomic_fetch_add_explicit(ops, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(bytes, len, memory_order_relaxed);
}

void amp_cache_clean(void *va, size_t len)
{
	if (!len)
		return;
	count(&st_clean_ops, &st_clean_bytes, len);
	if (cache_ops.clean)
		cache_ops.clean(va, len, cache_ops.priv);
}

void amp_cache_invalidate(void *va, size_t len)
{
	if (!len)
		return;
	count(&st_inval_ops, &st_inval_bytes, len);
	if (cache_ops.invalidate)
		cache_ops.invalidate(va, len, cache_ops.priv);
}

void amp_cache_flush(void *va, size_t len)
{
	if (!len)
		return;
	count(&st_flush_ops, &st_flush_bytes, len);
	if (cache_ops.flush)
		cache_ops.flush(va, len, cache_ops.priv);
}

void amp_cache_invalidate_range(void *va, size_t len)
{
	uintptr_t line = cache_ops.line_size;
	uintptr_t start = (uintptr_t)va;
	uintptr_t end = start + len;
	uintptr_t first_full, last_full;

	if (!len)
		return;
	first_full = (start + line - 1) & ~(line - 1);
	last_full = end & ~(line - 1);

	if (first_full >= last_full) {
		/* No whole line inside: every touched line is shared. */
		uintptr_t a = start & ~(line - 1);
		uintptr_t b = (end + line - 1) & ~(line - 1);

		amp_cache_flush((void *)a, b - a);
		return;
	}
	if (start != first_full)
		amp_cache_flush((void *)(first_full - line), line);
	amp_cache_invalidate((void *)first_full, last_full - first_full);
	if (end != last_full)
		amp_cache_flush((void *)last_full, line);
}

void amp_cache_get_stats(struct amp_cache_stats *st)
{
	st->clean_ops = atomic_load(&st_clean_ops);
	st->clean_bytes = atomic_load(&st_clean_bytes);
	st->inval_ops = atomic_load(&st_inval_ops);
	st->inval_bytes = atomic_load(&st_inval_bytes);
	st->flush_ops = atomic_load(&st_flush_ops);
	st->flush_bytes = atomic_load(&st_flush_bytes);
}

void amp_cache_reset_stats(void)
{
	atomic_store(&st_clean_ops, 0);
	atomic_store(&st_clean_bytes, 0);
	atomic_store(&st_inval_ops, 0);
	atomic_store(&st_inval_bytes, 0);
	atomic_store(&st_flush_ops, 0);
	atomic_store(&st_flush_bytes, 0);
}
