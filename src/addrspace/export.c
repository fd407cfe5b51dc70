/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exporting a device's address space as runs {da, len, prot, pa, fd,
 * offset}, and telling watchers when runs appear and disappear. Runs are
 * cut at physical-region boundaries: one run is one range of one file.
 * Parts of a window that are not memory are not reported (the device
 * faults there).
 */
#include <errno.h>

#include "addrspace/as_internal.h"
#include "core/error.h"
#include "core/phys.h"

/*
 * Report [pa, pa+len) seen at @da with @prot, one run per physical
 * region. Stops at the first non-zero return of @fn.
 */
static int emit(amp_da_t da, amp_pa_t pa, uint64_t len, unsigned prot,
		amp_dev_run_fn fn, void *priv)
{
	amp_pa_t last = pa + (len - 1), pos = pa; /* callers: no wrap */

	while (len) {
		struct amp_phys_region r;
		struct amp_dev_run run;
		amp_pa_t from, to;
		int ret;

		if (amp_phys_next(pos, &r) || r.pa > last)
			break;
		from = r.pa > pos ? r.pa : pos;
		to = r.pa + (r.size - 1) < last ? r.pa + (r.size - 1) : last;
		if (r.map && r.fd >= 0) {
			run = (struct amp_dev_run){
				.da = da + (from - pa),
				.len = to - from + 1,
				.prot = prot,
				.pa = from,
				.fd = r.fd,
				.fd_offset = r.fd_off + (from - r.pa),
			};
			ret = fn(priv, &run);
			if (ret)
				return ret;
		}
		if (to == last)
			break;
		pos = to + 1;
	}
	return 0;
}

static int emit_map(const struct amp_as_map_rec *m, amp_dev_run_fn fn,
		    void *priv)
{
	amp_da_t da = m->iova;
	int ret;

	for (size_t i = 0; i < m->npa; i++) {
		ret = emit(da, m->pa[i].addr, m->pa[i].len, m->prot, fn, priv);
		if (ret)
			return ret;
		da += m->pa[i].len;
	}
	return 0;
}

int amp_as_export(struct amp_as *as, amp_dev_run_fn fn, void *priv)
{
	struct amp_list *n;
	int ret = 0;

	if (!fn)
		return amp_err(-EINVAL, "dev: export needs a callback");
	pthread_mutex_lock(&as->lock);
	for (size_t i = 0; i < as->nwin && !ret; i++)
		ret = emit(as->win[i].da, as->win[i].pa, as->win[i].size,
			   AMP_DEV_PROT_READ | AMP_DEV_PROT_WRITE, fn, priv);
	amp_list_for_each(n, &as->maps)
	{
		if (ret)
			break;
		ret = emit_map(amp_container_of(n, struct amp_as_map_rec, node),
			       fn, priv);
	}
	pthread_mutex_unlock(&as->lock);
	return ret;
}

struct notify_ctx {
	const struct amp_as_watcher *w;
	bool mapped;
};

static int notify_one(void *priv, const struct amp_dev_run *run)
{
	struct notify_ctx *c = priv;

	c->w->fn(c->w->priv, run, c->mapped);
	return 0;
}

void amp_as_notify(struct amp_as *as, const struct amp_as_map_rec *m,
		   bool mapped)
{
	pthread_mutex_lock(&as->watch_lock);
	for (size_t i = 0; i < AMP_AS_MAX_WATCHERS; i++) {
		struct notify_ctx c = { &as->watchers[i], mapped };

		if (as->watchers[i].fn)
			emit_map(m, notify_one, &c);
	}
	pthread_mutex_unlock(&as->watch_lock);
}

int amp_as_watch(struct amp_as *as, amp_dev_watch_fn fn, void *priv)
{
	int ret = -ENOSPC;

	if (!fn)
		return amp_err(-EINVAL, "dev: watch needs a callback");
	pthread_mutex_lock(&as->watch_lock);
	for (size_t i = 0; i < AMP_AS_MAX_WATCHERS; i++) {
		if (!as->watchers[i].fn) {
			as->watchers[i] = (struct amp_as_watcher){ fn, priv };
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&as->watch_lock);
	if (ret)
		return amp_err(ret, "dev: '%s' has %d watchers already",
			       as->name, AMP_AS_MAX_WATCHERS);
	return 0;
}

int amp_as_unwatch(struct amp_as *as, amp_dev_watch_fn fn, void *priv)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&as->watch_lock);
	for (size_t i = 0; i < AMP_AS_MAX_WATCHERS; i++) {
		if (as->watchers[i].fn == fn && as->watchers[i].priv == priv) {
			as->watchers[i] = (struct amp_as_watcher){ 0 };
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&as->watch_lock);
	return ret;
}
