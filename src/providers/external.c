/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Providers registered by the application (<ampshm/provider.h>), and the
 * lookup of every provider by name. An external provider is adapted to
 * the internal provider interface: the core maps its pieces for the CPU
 * and registers their physical ranges for its buffers' lifetime.
 */
#include <ampshm/provider.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ampshm/error.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "port/linux/dmabuf.h"
#include "port/linux/mem.h"

struct ext_provider {
	struct amp_provider prov; /* first: the core sees this */
	struct amp_list node;
	char name[16];
	struct amp_shm_provider_ops ops;
	void *priv;
	unsigned open; /* buffers from it */
};

/* What a buffer from an external provider keeps. */
struct ext_buf {
	struct ext_provider *ep;
	void *cookie;
	size_t nreg; /* pieces registered in the physical map */
	amp_pa_t reg[];
};

static const struct amp_provider *const builtins[] = {
	&amp_provider_static,
	&amp_provider_sysmem,
	&amp_provider_user,
	&amp_provider_dmaheap,
};

static struct amp_list externals = AMP_LIST_INIT(externals);

static struct ext_provider *ext_of(const struct amp_provider *p)
{
	return (struct ext_provider *)p;
}

static void ext_unregister_pieces(struct ext_buf *b)
{
	while (b->nreg)
		amp_phys_remove(b->reg[--b->nreg]);
}

static int ext_alloc(struct amp_shm *shm, const char *subname, uint64_t size,
		     unsigned flags, const void *arg)
{
	struct ext_provider *ep = ext_of(shm->provider);
	const struct amp_shm_piece *pc = NULL;
	struct amp_map_piece *mp = NULL;
	struct ext_buf *b = NULL;
	size_t n = 0;
	uint64_t total = 0;
	void *cookie = NULL;
	int ret;

	amp_err(0, "%s", ""); /* what the provider says, if anything */
	ret = ep->ops.alloc(ep->priv, subname, size, flags, &pc, &n, &cookie);
	if (ret) {
		char why[160];

		snprintf(why, sizeof(why), "%s", amp_last_error());
		return amp_err(ret < 0 ? ret : -EIO,
			       "%s: the provider could not allocate '%s' "
			       "(%d)%s%s",
			       ep->name, subname, ret, why[0] ? ": " : "", why);
	}
	if (!n || !pc) {
		ret = amp_err(-EINVAL, "%s: the provider returned no memory",
			      ep->name);
		goto err;
	}
	b = calloc(1, sizeof(*b) + n * sizeof(b->reg[0]));
	mp = calloc(n, sizeof(*mp));
	shm->segs = calloc(n, sizeof(*shm->segs));
	if (!b || !mp || !shm->segs) {
		ret = amp_err(-ENOMEM, "%s: out of memory", ep->name);
		goto err;
	}
	for (size_t i = 0; i < n; i++) {
		struct amp_phys_region r = { .pa = pc[i].pa,
					     .size = pc[i].len,
					     .fd = pc[i].fd,
					     .fd_off = pc[i].fd_offset };

		if (!pc[i].len ||
		    ((pc[i].pa | pc[i].len | pc[i].fd_offset) & 0xfff) ||
		    pc[i].fd < 0 || total + pc[i].len < total) {
			ret = amp_err(-EINVAL,
				      "%s: piece %zu of '%s' is empty, not "
				      "page aligned or has no file",
				      ep->name, i, subname);
			goto err;
		}
		ret = amp_linux_map_fd(pc[i].fd, pc[i].fd_offset, pc[i].len,
				       &r.map);
		if (ret) {
			amp_err(ret, "%s: cannot map piece %zu", ep->name, i);
			goto err;
		}
		snprintf(r.what, sizeof(r.what), "%s/%s", ep->name, subname);
		ret = amp_phys_add(&r);
		if (ret) {
			amp_linux_unmap(r.map, r.size);
			goto err;
		}
		b->reg[b->nreg++] = r.pa;
		mp[i] = (struct amp_map_piece){ pc[i].fd, pc[i].fd_offset,
						pc[i].len };
		shm->segs[i] = (struct amp_cpu_seg){ .pa = pc[i].pa,
						     .len = pc[i].len,
						     .offset = total };
		total += pc[i].len;
	}
	ret = amp_linux_map_pieces(mp, n, total, 0, &shm->va);
	if (ret) {
		amp_err(ret, "%s: cannot map '%s' for the CPU", ep->name,
			subname);
		goto err;
	}
	for (size_t i = 0; i < n; i++)
		shm->segs[i].va = (char *)shm->va + shm->segs[i].offset;
	free(mp);
	shm->nsegs = n;
	shm->size = total;
	shm->page_size = 4096;
	b->ep = ep;
	b->cookie = cookie;
	shm->priv = b;
	ep->open++;
	return 0;
err:
	if (b) {
		for (size_t i = 0; i < b->nreg; i++) {
			struct amp_phys_region r;

			if (!amp_phys_lookup(b->reg[i], &r))
				amp_linux_unmap(r.map, r.size);
		}
		ext_unregister_pieces(b);
	}
	free(b);
	free(mp);
	free(shm->segs);
	shm->segs = NULL;
	ep->ops.free(ep->priv, cookie);
	return ret;
}

static void ext_free(struct amp_shm *shm)
{
	struct ext_buf *b = shm->priv;

	amp_linux_unmap(shm->va, shm->size);
	for (size_t i = 0; i < b->nreg; i++) {
		struct amp_phys_region r;

		if (!amp_phys_lookup(b->reg[i], &r))
			amp_linux_unmap(r.map, r.size);
	}
	ext_unregister_pieces(b);
	b->ep->ops.free(b->ep->priv, b->cookie);
	b->ep->open--;
	free(shm->segs);
	free(b);
}

static int ext_to_device(struct amp_shm *shm, enum amp_dir dir)
{
	struct ext_buf *b = shm->priv;

	return b->ep->ops.to_device ?
		       b->ep->ops.to_device(b->ep->priv, b->cookie, dir) :
		       0;
}

static int ext_to_cpu(struct amp_shm *shm, enum amp_dir dir)
{
	struct ext_buf *b = shm->priv;

	return b->ep->ops.to_cpu ?
		       b->ep->ops.to_cpu(b->ep->priv, b->cookie, dir) :
		       0;
}

/* Global lock held. */
const struct amp_provider *amp_provider_find(const char *name, size_t len)
{
	struct amp_list *n;

	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strlen(builtins[i]->name) == len &&
		    !strncmp(builtins[i]->name, name, len))
			return builtins[i];
	amp_list_for_each(n, &externals)
	{
		struct ext_provider *ep =
			amp_container_of(n, struct ext_provider, node);

		if (strlen(ep->name) == len && !strncmp(ep->name, name, len))
			return &ep->prov;
	}
	return NULL;
}

int amp_shm_provider_register(const char *name,
			      const struct amp_shm_provider_ops *ops,
			      void *priv)
{
	struct ext_provider *ep;
	size_t len = name ? strlen(name) : 0;

	if (!len || len >= sizeof(ep->name) || strchr(name, '/'))
		return amp_err(-EINVAL, "provider: name must be 1..15 "
					"characters without '/'");
	if (!ops || !ops->alloc || !ops->free)
		return amp_err(-EINVAL, "provider: '%s' needs alloc and free",
			       name);
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return amp_err(-ENOMEM, "provider: out of memory");
	memcpy(ep->name, name, len);
	ep->ops = *ops;
	ep->priv = priv;
	ep->prov = (struct amp_provider){ .name = ep->name,
					  .alloc = ext_alloc,
					  .free = ext_free,
					  .to_device = ext_to_device,
					  .to_cpu = ext_to_cpu };
	amp_global_lock();
	if (amp_provider_find(name, len)) {
		amp_global_unlock();
		free(ep);
		return amp_err(-EEXIST, "provider: '%s' is already registered",
			       name);
	}
	amp_list_add_tail(&externals, &ep->node);
	amp_global_unlock();
	return 0;
}

int amp_shm_provider_unregister(const char *name)
{
	const struct amp_provider *p;
	int ret = 0;

	if (!name)
		return amp_err(-EINVAL, "provider: NULL name");
	amp_global_lock();
	p = amp_provider_find(name, strlen(name));
	if (!p) {
		ret = amp_err(-ENOENT, "provider: no provider '%s'", name);
	} else if (p->alloc != ext_alloc) {
		ret = amp_err(-EPERM, "provider: '%s' is built in", name);
	} else if (ext_of(p)->open) {
		ret = amp_err(-EBUSY,
			      "provider: %u buffer(s) from '%s' are still "
			      "open",
			      ext_of(p)->open, name);
	} else {
		amp_list_del(&ext_of(p)->node);
		free(ext_of(p));
	}
	amp_global_unlock();
	return ret;
}
