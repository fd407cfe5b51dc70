/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The remoteproc core: the policy of loading, starting, stopping,
 * crashing and recovering a coprocessor; backends give the mechanism
 * (struct amp_rproc_ops). See <ampshm/remoteproc.h>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/error.h>
#include <ampshm/shm.h>

#include "core/error.h"
#include "core/shm_internal.h"
#include "remoteproc/rproc_internal.h"

static const char *const state_names[] = {
	[AMP_RPROC_OFFLINE] = "offline",       [AMP_RPROC_LOADED] = "loaded",
	[AMP_RPROC_RUNNING] = "running",       [AMP_RPROC_CRASHED] = "crashed",
	[AMP_RPROC_RECOVERING] = "recovering",
};

const char *amp_rproc_state_name(enum amp_rproc_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ?
		       state_names[s] :
		       "invalid";
}

/* Change state and tell the subscribers. Lock held. */
static void set_state(struct amp_rproc *rp, enum amp_rproc_state to)
{
	enum amp_rproc_state from = rp->state;

	rp->state = to;
	for (int i = 0; i < AMP_RPROC_MAX_SUBS; i++)
		if (rp->subs[i].fn)
			rp->subs[i].fn(rp->subs[i].priv, rp, from, to);
}

int amp_rproc_create(const struct amp_rproc_config *cfg, struct amp_rproc **rp)
{
	struct amp_rproc *r;

	if (!cfg || !rp || !cfg->ops || !cfg->ops->start || !cfg->ops->stop)
		return amp_err(-EINVAL, "rproc: a config with start and stop "
					"ops, and a result, are required");
	r = calloc(1, sizeof(*r));
	if (!r)
		return amp_err(-ENOMEM, "rproc: out of memory");
	snprintf(r->name, sizeof(r->name), "%s",
		 cfg->name ? cfg->name : "rproc");
	r->ops = *cfg->ops;
	r->priv = cfg->priv;
	r->dma_bits = cfg->dma_bits ? cfg->dma_bits : 32;
	r->iommu = cfg->iommu;
	r->recovery = cfg->recovery;
	r->vdev_mem = cfg->vdev_mem ? cfg->vdev_mem : 256 << 10;
	if (cfg->coredump_dir)
		snprintf(r->coredump_dir, sizeof(r->coredump_dir), "%s",
			 cfg->coredump_dir);
	r->vdev_area = -1;
	r->crash.fault_da = r->crash.pc = AMP_ADDR_ANY;
	pthread_mutex_init(&r->lock, NULL);
	*rp = r;
	return 0;
}

static int dev_write(void *priv, uint64_t da, const void *src, size_t len)
{
	return amp_dev_write(priv, da, src, len);
}

/*
 * Write the segments and fix the loaded table. The table the memory was
 * planned and checked from is the section's file bytes; the loaded one is
 * what the segment put at the section's address. A crafted image can make
 * them differ: refuse it. Lock held.
 */
static int load_image(struct amp_rproc *rp)
{
	const struct amp_rproc_load_ops ops = { .write = dev_write };
	const void *t;
	size_t tsize;
	uint64_t tda;
	int ret = amp_rproc_image_load(rp->img, &ops, rp->dev);

	if (ret || !rp->table)
		return ret;
	if (amp_rproc_image_rsc_table(rp->img, &t, &tsize, &tda) ||
	    tsize != rp->table_size || memcmp(t, rp->table, tsize))
		return amp_err(-EINVAL,
			       "rproc '%s': the loaded resource table at da "
			       "0x%llx is not the .resource_table section's "
			       "bytes (its segment loads other bytes there)",
			       rp->name, (unsigned long long)rp->table_da);
	return amp_rproc__fix_table(rp);
}

/* Undo load. Lock held. */
static void unload(struct amp_rproc *rp)
{
	if (rp->dev) {
		amp_dev_reclaim(rp->dev, AMP_RECLAIM_DETACH, NULL, NULL);
		amp_dev_destroy(rp->dev);
		rp->dev = NULL;
	}
	amp_rproc__free_areas(rp);
	amp_rproc_image_free(rp->img);
	rp->img = NULL;
	free(rp->image);
	rp->image = NULL;
	rp->table = NULL;
	rp->table_size = 0;
}

static int create_dev(struct amp_rproc *rp)
{
	struct amp_window w[AMP_RPROC_MAX_AREAS];
	struct amp_dev_config dc = { .name = rp->name,
				     .dma_bits = rp->dma_bits,
				     .windows = w,
				     .nwindows = rp->narea,
				     .iommu = rp->iommu,
				     .bounce = AMP_BOUNCE_NEVER };

	int ret;

	for (size_t i = 0; i < rp->narea; i++)
		w[i] = (struct amp_window){ rp->area[i].da, rp->area[i].pa,
					    rp->area[i].len };
	ret = amp_dev_create(&dc, &rp->dev);
	if (!ret && rp->own)
		amp_dev_set_owner_listener(rp->dev, rp->own, rp->own_priv);
	return ret;
}

void amp_rproc__set_owner(struct amp_rproc *rp,
			  const struct amp_own_listener *l, void *priv)
{
	pthread_mutex_lock(&rp->lock);
	rp->own = l;
	rp->own_priv = priv;
	if (rp->dev)
		amp_dev_set_owner_listener(rp->dev, l, priv);
	pthread_mutex_unlock(&rp->lock);
}

/* The loaded table: where the section lands, in the device's memory. */
static int find_table(struct amp_rproc *rp)
{
	const void *t;
	size_t size;
	uint64_t da;
	int ret = amp_rproc_image_rsc_table(rp->img, &t, &size, &da);

	if (ret == -ENOENT)
		return 0; /* no table: nothing to fix, no vdev */
	if (ret)
		return ret;
	ret = amp_dev_ptr(rp->dev, da, size, &rp->table);
	if (ret)
		return amp_err(ret,
			       "rproc '%s': the loaded resource table at da "
			       "0x%llx is not in one carveout",
			       rp->name, (unsigned long long)da);
	rp->table_size = size;
	rp->table_da = da;
	return 0;
}

static int do_load(struct amp_rproc *rp, const void *image, size_t size)
{
	const struct amp_rproc_image_info *info;
	struct amp_rproc_rsc *rsc = NULL;
	struct amp_sg vmem;
	const void *t;
	size_t tsize;
	uint64_t tda;
	int ret;

	rp->image = malloc(size ? size : 1);
	if (!rp->image)
		return amp_err(-ENOMEM, "rproc '%s': out of memory", rp->name);
	memcpy(rp->image, image, size);
	rp->image_size = size;
	ret = amp_rproc_image_parse(rp->image, size, &rp->img);
	if (ret)
		return ret;
	info = amp_rproc_image_info(rp->img);
	rp->entry = info->entry;
	ret = amp_rproc_image_rsc_table(rp->img, &t, &tsize, &tda);
	if (ret && ret != -ENOENT)
		return ret;
	if (!ret) {
		ret = amp_rproc_rsc_parse(t, tsize, &rsc);
		if (ret)
			return ret;
	}
	if (rsc)
		ret = amp_rproc__plan(rp, rsc);
	if (!ret && rsc) {
		struct amp_rproc_layout lay = {
			.mem_limit = rp->dma_bits >= 64 ? 0 :
							  1ull << rp->dma_bits,
			.mem = &vmem,
			.nmem = rp->vdev_area >= 0,
		};

		if (rp->vdev_area >= 0)
			vmem = (struct amp_sg){ rp->area[rp->vdev_area].da,
						rp->area[rp->vdev_area].len };
		ret = amp_rproc_check_layout(rp->img, rsc, &lay);
	}
	amp_rproc_rsc_free(rsc);
	if (!ret)
		ret = create_dev(rp);
	if (!ret)
		ret = find_table(rp);
	if (!ret)
		ret = load_image(rp);
	return ret;
}

int amp_rproc_load(struct amp_rproc *rp, const void *image, size_t size)
{
	int ret;

	if (!rp || !image)
		return amp_err(-EINVAL,
			       "rproc: coprocessor and image required");
	pthread_mutex_lock(&rp->lock);
	if (rp->state != AMP_RPROC_OFFLINE) {
		ret = amp_err(-EBUSY, "rproc '%s' is %s: stop it first",
			      rp->name, amp_rproc_state_name(rp->state));
		goto out;
	}
	ret = do_load(rp, image, size);
	if (ret) {
		char why[200];

		snprintf(why, sizeof(why), "%s", amp_last_error());
		unload(rp);
		amp_err(ret, "%s", why);
		goto out;
	}
	set_state(rp, AMP_RPROC_LOADED);
out:
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

int amp_rproc_start(struct amp_rproc *rp)
{
	int ret;

	if (!rp)
		return amp_err(-EINVAL, "rproc: NULL coprocessor");
	pthread_mutex_lock(&rp->lock);
	if (rp->state != AMP_RPROC_LOADED) {
		ret = amp_err(-EBUSY, "rproc '%s' is %s, not loaded", rp->name,
			      amp_rproc_state_name(rp->state));
	} else {
		ret = rp->ops.start(rp->priv, rp, rp->entry);
		if (ret) {
			char why[200]; /* the backend's own reason */

			snprintf(why, sizeof(why), "%s", amp_last_error());
			amp_err(ret,
				"rproc '%s': the backend could not start "
				"it: %s",
				rp->name, why);
		} else
			set_state(rp, AMP_RPROC_RUNNING);
	}
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

static int stop_locked(struct amp_rproc *rp)
{
	int ret = 0;

	if (rp->state == AMP_RPROC_OFFLINE)
		return 0;
	if (rp->state == AMP_RPROC_RUNNING || rp->state == AMP_RPROC_RECOVERING)
		ret = rp->ops.stop(rp->priv, rp);
	unload(rp);
	set_state(rp, AMP_RPROC_OFFLINE);
	return ret;
}

int amp_rproc_stop(struct amp_rproc *rp)
{
	int ret;

	if (!rp)
		return amp_err(-EINVAL, "rproc: NULL coprocessor");
	pthread_mutex_lock(&rp->lock);
	ret = stop_locked(rp);
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

int amp_rproc_destroy(struct amp_rproc *rp)
{
	if (!rp)
		return amp_err(-EINVAL, "rproc: NULL coprocessor");
	amp_rproc_stop(rp);
	if (rp->ops.release)
		rp->ops.release(rp->priv, rp);
	pthread_mutex_destroy(&rp->lock);
	free(rp);
	return 0;
}

static void count_range(void *priv, const struct amp_reclaimed *r)
{
	(*(unsigned *)priv)++;
}

int amp_rproc_report_crash(struct amp_rproc *rp, const char *reason,
			   uint64_t fault_da, uint64_t pc)
{
	return amp_rproc__report_crash_if(rp, reason, fault_da, pc, NULL, NULL);
}

int amp_rproc__report_crash_if(struct amp_rproc *rp, const char *reason,
			       uint64_t fault_da, uint64_t pc,
			       bool (*current)(void *ctx), void *ctx)
{
	unsigned ranges = 0;
	int ret = 0;

	if (!rp)
		return amp_err(-EINVAL, "rproc: NULL coprocessor");
	pthread_mutex_lock(&rp->lock);
	if (rp->state != AMP_RPROC_RUNNING || (current && !current(ctx))) {
		/* Late news about a core already stopped or crashed. */
		pthread_mutex_unlock(&rp->lock);
		return 0;
	}
	rp->crash.count++;
	snprintf(rp->crash.reason, sizeof(rp->crash.reason), "%s",
		 reason ? reason : "crashed");
	rp->crash.fault_da = fault_da;
	rp->crash.pc = pc;
	/* Make sure it no longer runs, dump its memory as it died, then
	 * take everything back. */
	rp->ops.stop(rp->priv, rp);
	rp->crash.coredump[0] = '\0';
	if (rp->coredump_dir[0]) {
		char path[sizeof(rp->crash.coredump)];

		snprintf(path, sizeof(path), "%s/%s-%u.core", rp->coredump_dir,
			 rp->name, rp->crash.count);
		if (!amp_rproc__coredump_locked(rp, path))
			snprintf(rp->crash.coredump, sizeof(rp->crash.coredump),
				 "%s", path);
	}
	amp_dev_reclaim(rp->dev, AMP_RECLAIM_DETACH, count_range, &ranges);
	rp->crash.ranges = ranges;
	set_state(rp, AMP_RPROC_CRASHED);
	if (rp->recovery) {
		set_state(rp, AMP_RPROC_RECOVERING);
		ret = load_image(rp);
		if (!ret)
			ret = rp->ops.start(rp->priv, rp, rp->entry);
		if (ret) {
			amp_err(ret, "rproc '%s': recovery failed", rp->name);
			set_state(rp, AMP_RPROC_CRASHED);
		} else {
			set_state(rp, AMP_RPROC_RUNNING);
		}
	}
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

enum amp_rproc_state amp_rproc_state(const struct amp_rproc *rp)
{
	return rp ? rp->state : AMP_RPROC_OFFLINE;
}

struct amp_dev *amp_rproc_dev(struct amp_rproc *rp)
{
	return rp ? rp->dev : NULL;
}

uint64_t amp_rproc_entry(const struct amp_rproc *rp)
{
	return rp ? rp->entry : 0;
}

int amp_rproc_rsc_table(struct amp_rproc *rp, void **table, size_t *size,
			uint64_t *da)
{
	int ret = 0;

	if (!rp || !table || !size)
		return amp_err(-EINVAL, "rproc: NULL argument");
	pthread_mutex_lock(&rp->lock);
	if (!rp->dev)
		ret = amp_err(-ENODEV, "rproc '%s' is offline", rp->name);
	else if (!rp->table)
		ret = amp_err(-ENOENT,
			      "rproc '%s': the firmware has no "
			      "resource table",
			      rp->name);
	if (!ret) {
		*table = rp->table;
		*size = rp->table_size;
		if (da)
			*da = rp->table_da;
	}
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

/* Parse a private copy of the loaded table. Lock held. */
static int parse_copy(struct amp_rproc *rp, struct amp_rproc_rsc **rsc)
{
	void *copy = malloc(rp->table_size);
	int ret;

	if (!copy)
		return amp_err(-ENOMEM, "rproc '%s': out of memory", rp->name);
	memcpy(copy, rp->table, rp->table_size);
	ret = amp_rproc_rsc_parse(copy, rp->table_size, rsc);
	free(copy);
	return ret;
}

int amp_rproc_read_trace(struct amp_rproc *rp, char *buf, size_t len)
{
	struct amp_rproc_rsc *rsc;
	int ret;

	if (!rp || (!buf && len))
		return amp_err(-EINVAL, "rproc: NULL argument");
	pthread_mutex_lock(&rp->lock);
	/* The running firmware may write its table: parse one copy. */
	ret = rp->table ? parse_copy(rp, &rsc) :
			  amp_err(-ENODEV, "rproc '%s' has no table", rp->name);
	if (!ret) {
		ret = amp_err(-ENOENT, "rproc '%s': no trace entry", rp->name);
		for (size_t i = 0; i < amp_rproc_rsc_count(rsc); i++) {
			const struct amp_rproc_rsc_entry *e =
				amp_rproc_rsc_entry(rsc, i);
			size_t n;

			if (e->kind != AMP_RPROC_RSC_TRACE)
				continue;
			n = e->u.trace.len < len ? e->u.trace.len : len;
			ret = amp_dev_read(rp->dev, e->u.trace.da, buf, n);
			if (!ret)
				ret = (int)n;
			break;
		}
		amp_rproc_rsc_free(rsc);
	}
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

void amp_rproc_last_crash(struct amp_rproc *rp, struct amp_rproc_crash *out)
{
	if (!rp || !out)
		return;
	pthread_mutex_lock(&rp->lock);
	*out = rp->crash;
	pthread_mutex_unlock(&rp->lock);
}

int amp_rproc_subscribe(struct amp_rproc *rp, amp_rproc_event_fn fn, void *priv)
{
	int ret = -ENOSPC;

	if (!rp || !fn)
		return amp_err(-EINVAL, "rproc: NULL argument");
	pthread_mutex_lock(&rp->lock);
	for (int i = 0; i < AMP_RPROC_MAX_SUBS; i++) {
		if (!rp->subs[i].fn) {
			rp->subs[i].fn = fn;
			rp->subs[i].priv = priv;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&rp->lock);
	if (ret)
		return amp_err(ret, "rproc '%s': %d subscribers already",
			       rp->name, AMP_RPROC_MAX_SUBS);
	return 0;
}

/* ---- the RPMsg link, through the backend ---------------------------- */

struct amp_rpmsg_dev *amp_rproc_rpmsg_lock(struct amp_rproc *rp)
{
	return rp && rp->ops.rpmsg_lock ? rp->ops.rpmsg_lock(rp->priv, rp) :
					  NULL;
}

void amp_rproc_rpmsg_unlock(struct amp_rproc *rp)
{
	if (rp && rp->ops.rpmsg_unlock)
		rp->ops.rpmsg_unlock(rp->priv, rp);
}

int amp_rproc_poll(struct amp_rproc *rp, uint32_t timeout_us)
{
	if (!rp)
		return amp_err(-EINVAL, "rproc: NULL coprocessor");
	if (!rp->ops.poll)
		return amp_err(-EOPNOTSUPP, "rproc '%s': no RPMsg link",
			       rp->name);
	return rp->ops.poll(rp->priv, rp, timeout_us);
}

void amp_rproc_set_ns_bind_cb(struct amp_rproc *rp, amp_rpmsg_ns_bind_cb cb,
			      void *priv)
{
	if (rp && rp->ops.set_ns_bind_cb)
		rp->ops.set_ns_bind_cb(rp->priv, rp, cb, priv);
}

unsigned amp_rproc_link_gen(struct amp_rproc *rp)
{
	return rp && rp->ops.link_gen ? rp->ops.link_gen(rp->priv, rp) : 0;
}
