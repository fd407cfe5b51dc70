/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ownership hand-over (DMA-API sense) by byte range: one state machine per
 * buffer, device and range, and the one path every listener hangs off.
 *
 * Order of the listeners on the way to the device: bounce copy, cache
 * clean (both cannot fail), then the provider's hook (dma-buf), the
 * checker, and the device's own listener (hand-over protocol). If one
 * fails, the fallible ones before it are undone and the range goes back
 * to the CPU. On the way back the order is reversed.
 *
 * Everything here costs O(range + log(ranges owned)), never O(buffer).
 */
#include <errno.h>
#include <string.h>

#include <ampshm/cache.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/shm_internal.h"

static int provider_to_device(const struct amp_sync *s, void *priv)
{
	return s->shm->provider->to_device ?
		       s->shm->provider->to_device(s->shm, s->dir) :
		       0;
}

static int provider_to_cpu(const struct amp_sync *s, void *priv)
{
	return s->shm->provider->to_cpu ?
		       s->shm->provider->to_cpu(s->shm, s->dir) :
		       0;
}

/* Undoing a hand-over to the device is handing it back. */
static void provider_undo(const struct amp_sync *s, void *priv)
{
	provider_to_cpu(s, priv);
}

static const struct amp_own_listener provider_listener = {
	.name = "provider",
	.to_device = provider_to_device,
	.undo_to_device = provider_undo,
	.to_cpu = provider_to_cpu,
};

static int checker_to_device(const struct amp_sync *s, void *priv)
{
	if (!s->shm->checked)
		return 0;
	return amp_checker_protect(s->shm, s->a, s->off, s->len);
}

static void checker_undo(const struct amp_sync *s, void *priv)
{
	if (s->shm->checked)
		amp_checker_unprotect(s->shm, s->a, s->off, s->len);
}

static const struct amp_own_listener checker_listener = {
	.name = "checker",
	.to_device = checker_to_device,
	.undo_to_device = checker_undo,
};

enum { L_BOUNCE, L_CACHE, L_PROVIDER, L_CHECKER, L_DEVICE, L_NUM };

/* Listener @i for this hand-over (NULL if none), and its private data. */
static const struct amp_own_listener *listener(const struct amp_sync *s, int i,
					       void **priv)
{
	*priv = NULL;
	switch (i) {
	case L_BOUNCE:
		return &amp_bounce_listener;
	case L_CACHE:
		return &amp_cache_listener;
	case L_PROVIDER:
		return &provider_listener;
	case L_CHECKER:
		return &checker_listener;
	default:
		*priv = s->a->dev->own_priv;
		return s->a->dev->own;
	}
}

/* Common checks. Called with shm->lock held. */
static int sync_check(struct amp_shm *shm, struct amp_dev *dev,
		      enum amp_dir dir, uint64_t off, uint64_t *len,
		      struct amp_attach **out, const char *what)
{
	struct amp_attach *a = amp_shm_find_attach(shm, dev);
	uint64_t line = amp_cache_line_size();

	if (!a)
		return amp_err(-ENOTCONN, "%s: '%s' is not attached to '%s'",
			       what, shm->name, dev->name);
	if (dir < AMP_DIR_TO_DEVICE || dir > AMP_DIR_BIDIR || (dir & ~a->dir))
		return amp_err(-EINVAL,
			       "%s: direction %s is not within the "
			       "attachment's direction %s",
			       what, amp_dir_name(dir), amp_dir_name(a->dir));
	if (!*len && off < shm->size)
		*len = shm->size - off;
	if (!*len || !amp_range_ok(off, *len, shm->size))
		return amp_err(-ERANGE,
			       "%s: [0x%llx, +0x%llx) is not inside "
			       "'%s' (0x%llx bytes)",
			       what, (unsigned long long)off,
			       (unsigned long long)*len, shm->name,
			       (unsigned long long)shm->size);
	if ((dir & AMP_DIR_FROM_DEVICE) && ((off | *len) & (line - 1)))
		return amp_err(-EINVAL,
			       "%s: [0x%llx, +0x%llx) of '%s' is written by "
			       "the device but not aligned to the %llu-byte "
			       "cache line: a shared edge line would be "
			       "written back over its data",
			       what, (unsigned long long)off,
			       (unsigned long long)*len, shm->name,
			       (unsigned long long)line);
	*out = a;
	return 0;
}

/* Run the to_device listeners; undo on failure. shm->lock held. */
static int notify_to_device(const struct amp_sync *s)
{
	int i, ret = 0;
	void *priv;

	for (i = 0; i < L_NUM; i++) {
		const struct amp_own_listener *l = listener(s, i, &priv);

		if (!l || !l->to_device)
			continue;
		ret = l->to_device(s, priv);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	while (i-- > 0) {
		const struct amp_own_listener *l = listener(s, i, &priv);

		if (l && l->undo_to_device)
			l->undo_to_device(s, priv);
	}
	return ret;
}

int amp_shm_sync_for_device(struct amp_shm *shm, struct amp_dev *dev,
			    enum amp_dir dir, uint64_t offset, uint64_t len)
{
	return amp_sync_for_device_tag(shm, dev, dir, offset, len, 0);
}

int amp_sync_for_device_tag(struct amp_shm *shm, struct amp_dev *dev,
			    enum amp_dir dir, uint64_t offset, uint64_t len,
			    uint64_t tag)
{
	struct amp_sync s;
	struct amp_attach *a;
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	pthread_mutex_lock(&shm->lock);
	ret = sync_check(shm, dev, dir, offset, &len, &a, "sync_for_device");
	if (ret)
		goto out;
	ret = amp_rangeset_add(&a->owned, offset, offset + len, dir);
	if (ret == -EBUSY) {
		const struct amp_range *r =
			&a->owned.r[amp_rangeset_lower(&a->owned, offset)];

		amp_err(ret,
			"sync_for_device: '%s' already owns "
			"[0x%llx, 0x%llx) of '%s'",
			dev->name, (unsigned long long)r->start,
			(unsigned long long)r->end, shm->name);
	}
	if (ret)
		goto out;
	s = (struct amp_sync){ .shm = shm,
			       .a = a,
			       .dir = dir,
			       .off = offset,
			       .len = len,
			       .tag = tag };
	ret = notify_to_device(&s);
	if (ret)
		amp_rangeset_remove(&a->owned, offset, offset + len);
out:
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

/*
 * Take [off, off+len) back; the caller checked the device owns it. The
 * checker goes first: pages must be accessible before the copies and the
 * cache maintenance, and if they cannot be made so, the range stays with
 * the device (unless forced). Then the device's listener, the provider,
 * the cache and the bounce copy, in reverse order of the way out.
 */
static int take_back(struct amp_attach *a, enum amp_dir dir, uint64_t off,
		     uint64_t len, bool forced)
{
	struct amp_sync s = { .shm = a->shm,
			      .a = a,
			      .dir = dir,
			      .off = off,
			      .len = len,
			      .forced = forced };
	int ret;

	ret = amp_rangeset_remove(&a->owned, off, off + len);
	if (ret)
		return amp_err(ret, "sync_for_cpu: out of memory");
	if (a->shm->checked) {
		ret = amp_checker_unprotect(a->shm, a, off, len);
		if (ret && !forced) {
			amp_rangeset_add(&a->owned, off, off + len, dir);
			return ret;
		}
	}
	ret = 0;
	for (int i = L_NUM; i-- > 0;) {
		const struct amp_own_listener *l;
		void *priv;
		int r;

		if (i == L_CHECKER)
			continue;
		l = listener(&s, i, &priv);
		if (!l || !l->to_cpu)
			continue;
		r = l->to_cpu(&s, priv);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

int amp_shm_sync_for_cpu(struct amp_shm *shm, struct amp_dev *dev,
			 enum amp_dir dir, uint64_t offset, uint64_t len)
{
	struct amp_attach *a;
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	pthread_mutex_lock(&shm->lock);
	ret = sync_check(shm, dev, dir, offset, &len, &a, "sync_for_cpu");
	if (ret)
		goto out;
	if (dev->own && dev->own->wait_cpu) {
		/*
		 * The device gives ranges back by itself (the hand-over
		 * protocol): wait for that without the buffer's lock, so
		 * other ranges keep moving, then check everything again.
		 */
		const struct amp_own_listener *l = dev->own;
		uint64_t cookie = a->own_cookie;
		void *lpriv = dev->own_priv;

		if (amp_rangeset_covered(&a->owned, offset, offset + len,
					 dir) == 0) {
			pthread_mutex_unlock(&shm->lock);
			ret = l->wait_cpu(cookie, offset, len, lpriv);
			if (ret)
				return ret;
			pthread_mutex_lock(&shm->lock);
			ret = sync_check(shm, dev, dir, offset, &len, &a,
					 "sync_for_cpu");
			if (ret)
				goto out;
		}
	}
	ret = amp_rangeset_covered(&a->owned, offset, offset + len, dir);
	if (ret == -EPERM) {
		amp_err(ret,
			"sync_for_cpu: part of [0x%llx, +0x%llx) of '%s' "
			"is not owned by '%s'",
			(unsigned long long)offset, (unsigned long long)len,
			shm->name, dev->name);
		goto out;
	}
	if (ret) {
		amp_err(ret,
			"sync_for_cpu: [0x%llx, +0x%llx) of '%s' was "
			"handed to '%s' with another direction than %s",
			(unsigned long long)offset, (unsigned long long)len,
			shm->name, dev->name, amp_dir_name(dir));
		goto out;
	}
	ret = take_back(a, dir, offset, len, false);
out:
	pthread_mutex_unlock(&shm->lock);
	return ret;
}

int amp_sync_reclaim_locked(struct amp_attach *a, amp_reclaim_fn fn, void *priv)
{
	int n = 0;

	while (a->owned.n) {
		struct amp_range r = a->owned.r[0];
		struct amp_reclaimed rep = { a->shm, a->dev, r.start,
					     r.end - r.start,
					     (enum amp_dir)r.tag };

		take_back(a, (enum amp_dir)r.tag, r.start, r.end - r.start,
			  true);
		if (fn)
			fn(priv, &rep);
		n++;
	}
	return n;
}

int amp_shm_owner(struct amp_shm *shm, struct amp_dev *dev, uint64_t offset)
{
	struct amp_attach *a;
	int ret;

	if ((ret = AMP_CHECK_SHM(shm)) || (ret = AMP_CHECK_DEV(dev)))
		return ret;
	pthread_mutex_lock(&shm->lock);
	a = amp_shm_find_attach(shm, dev);
	if (!a)
		ret = amp_err(-ENOTCONN, "'%s' is not attached to '%s'",
			      shm->name, dev->name);
	else if (offset >= shm->size)
		ret = amp_err(-ERANGE, "offset past the end of '%s'",
			      shm->name);
	else
		ret = amp_rangeset_find(&a->owned, offset) ? AMP_OWNER_DEVICE :
							     AMP_OWNER_CPU;
	pthread_mutex_unlock(&shm->lock);
	return ret;
}
