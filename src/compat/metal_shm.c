/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libmetal shared-memory proposal (metal/shmem.h in the compat
 * include directory) on top of ampshm's public API.
 *
 * A proposal handle (struct metal_generic_shmem) is the first member of a
 * struct cm_shm, which counts what the proposal's calls hold on the
 * ampshm buffer: opens, mappings, attachments. Each of them holds one
 * ampshm reference (an amp_shm_open(), or the attachment itself), so a
 * handle in the list below always refers to a live buffer.
 *
 * Locking: cm_lock protects the list and every handle's bookkeeping. It
 * is never held while calling into ampshm, because ampshm calls back
 * (provider alloc/free, hand-over hooks) with its own locks held.
 */
#include <ampshm/metal-compat/metal/shmem.h>

#include <ampshm/provider.h>
#include <ampshm/shm.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* One attachment made (or synced) through the proposal's calls. */
struct cm_att {
	struct cm_att *next;
	struct metal_device *dev;
	unsigned handed; /* direction it was handed over with; 0: CPU owns */
	struct metal_scatter_list sg;
	struct metal_io_region *ios; /* NULL for an ampshm-made attachment */
	metal_phys_addr_t *phys;
};

/* One list from metal_shmem_mmap(), holding an ampshm reference. */
struct cm_map {
	struct cm_map *next;
	struct metal_scatter_list sg;
	struct amp_shm *ref;
	struct metal_io_region *ios;
	metal_phys_addr_t *phys;
};

struct cm_shm {
	struct metal_generic_shmem pub; /* first: handles point here */
	struct cm_shm *next; /* in cm_list */
	unsigned opens;
	struct cm_map *maps;
	struct cm_att *atts;
	int detach_result;
	bool from_provider; /* owned by the provider adapter (cookie) */
	/* CPU view for pub.sg (buffers of built-in providers). */
	struct metal_io_region *cpu_ios;
	metal_phys_addr_t *cpu_phys;
	/* Pieces handed to ampshm (buffers of proposal providers). */
	struct amp_shm_piece *pieces;
};

/* A provider registered the proposal's way. */
struct cm_prov {
	struct cm_prov *next;
	struct metal_shm_provider *p;
};

static pthread_mutex_t cm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cm_shm *cm_list;
static struct cm_prov *cm_provs;
/* Device of the metal_shm_* hand-over running on this thread, if any. */
static _Thread_local struct metal_device *cm_cur_dev;
/*
 * Why the provider adapter refused an allocation on this thread: ampshm
 * replaces the adapter's message with its own, metal_shmem_open() adds it
 * back.
 */
static _Thread_local char cm_alloc_why[192];

static struct cm_shm *cm_of(struct metal_generic_shmem *s)
{
	return (struct cm_shm *)s;
}

static unsigned cm_nattached(const struct cm_shm *c)
{
	unsigned n = 0;

	for (const struct cm_att *a = c->atts; a; a = a->next)
		n += a->ios != NULL;
	return n;
}

static unsigned cm_nmaps(const struct cm_shm *c)
{
	unsigned n = 0;

	for (const struct cm_map *m = c->maps; m; m = m->next)
		n++;
	return n;
}

/* cm_lock held. */
static void cm_update_refcount(struct cm_shm *c)
{
	c->pub.refcount = (int)(c->opens + cm_nmaps(c) + cm_nattached(c));
}

/* cm_lock held. Is @s a handle in the list? */
static bool cm_valid_locked(struct metal_generic_shmem *s)
{
	for (struct cm_shm *c = cm_list; c; c = c->next)
		if (&c->pub == s && c->pub.amp_shm)
			return true;
	return false;
}

static void cm_unlink_locked(struct cm_shm *c)
{
	for (struct cm_shm **pp = &cm_list; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

static void cm_free_handle(struct cm_shm *c)
{
	free(c->cpu_ios);
	free(c->cpu_phys);
	free(c->pieces);
	free(c);
}

/*
 * cm_lock held. After a count dropped: a handle of a built-in provider
 * that holds nothing any more leaves the list (its last ampshm reference
 * is about to go). Returns the handle to free once ampshm is done.
 */
static struct cm_shm *cm_release_locked(struct cm_shm *c)
{
	cm_update_refcount(c);
	if (c->from_provider || c->opens || c->maps || c->atts)
		return NULL;
	cm_unlink_locked(c);
	return c;
}

/* Build @n regions of the CPU view covering [0, limit) of @shm. */
static int cm_cpu_view(struct amp_shm *shm, uint64_t limit,
		       struct metal_io_region **ios_out,
		       metal_phys_addr_t **phys_out, int *n_out)
{
	const struct amp_cpu_seg *segs;
	struct metal_io_region *ios;
	metal_phys_addr_t *phys;
	size_t nsegs, n = 0;
	int ret = amp_shm_cpu_sg(shm, &segs, &nsegs);

	if (ret)
		return ret;
	ios = calloc(nsegs ? nsegs : 1, sizeof(*ios));
	phys = calloc(nsegs ? nsegs : 1, sizeof(*phys));
	if (!ios || !phys) {
		free(ios);
		free(phys);
		return amp_err(-ENOMEM, "metal: out of memory");
	}
	for (size_t i = 0; i < nsegs && segs[i].offset < limit; i++, n++) {
		uint64_t len = segs[i].len;

		if (len > limit - segs[i].offset)
			len = limit - segs[i].offset;
		phys[n] = segs[i].pa;
		metal_io_init(&ios[n], segs[i].va, &phys[n], (size_t)len,
			      (unsigned)-1, 0, NULL);
	}
	*ios_out = ios;
	*phys_out = phys;
	*n_out = (int)n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Providers registered the proposal's way                            */

static struct cm_prov *cm_prov_find_locked(const char *name,
					   struct metal_shm_provider *p)
{
	for (struct cm_prov *e = cm_provs; e; e = e->next)
		if (e->p == p || (name && !strcmp(e->p->name, name)))
			return e;
	return NULL;
}

/*
 * The provider's regions as ampshm pieces: each region's pages, merged
 * where physically contiguous, back to back in the provider's file.
 */
static int cm_pieces(struct cm_shm *c, size_t *npieces)
{
	const struct metal_scatter_list *sg = &c->pub.sg;
	const char *pname = c->pub.provider->name;
	uint64_t fd_off = 0;
	size_t n = 0, cap = 0;

	if (c->pub.id < 0 || sg->nents <= 0 || !sg->ios)
		return amp_err(-EINVAL,
			       "metal: provider '%s' gave no memory for '%s': "
			       "its alloc must set shm->id (a file holding "
			       "the bytes) and shm->sg (their physical "
			       "addresses)",
			       pname, c->pub.name);
	for (int i = 0; i < sg->nents; i++) {
		const struct metal_io_region *io = &sg->ios[i];
		uint64_t psize = io->page_shift >= 64 ?
					 io->size :
					 (uint64_t)1 << io->page_shift;

		if (!io->physmap || !io->size || !psize)
			return amp_err(-EINVAL,
				       "metal: provider '%s': region %d of "
				       "'%s' has no physmap or no size",
				       pname, i, c->pub.name);
		for (uint64_t off = 0; off < io->size; off += psize) {
			uint64_t len = io->size - off < psize ? io->size - off :
								psize;
			metal_phys_addr_t pa = io->physmap[off / psize];
			struct amp_shm_piece *last = n ? &c->pieces[n - 1] :
							 NULL;

			if (last && last->pa + last->len == pa &&
			    last->fd_offset + last->len == fd_off) {
				last->len += len;
				fd_off += len;
				continue;
			}
			if (n == cap) {
				size_t ncap = cap ? 2 * cap : 8;
				void *np = realloc(c->pieces,
						   ncap * sizeof(*c->pieces));

				if (!np)
					return amp_err(-ENOMEM,
						       "metal: out of memory");
				c->pieces = np;
				cap = ncap;
			}
			c->pieces[n++] =
				(struct amp_shm_piece){ .pa = pa,
							.len = len,
							.fd = c->pub.id,
							.fd_offset = fd_off };
			fd_off += len;
		}
	}
	*npieces = n;
	return 0;
}

static int cm_prov_alloc(void *priv, const char *name, uint64_t size,
			 unsigned flags, const struct amp_shm_piece **pieces,
			 size_t *npieces, void **cookie)
{
	struct metal_shm_provider *p = priv;
	struct cm_shm *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return amp_err(-ENOMEM, "metal: out of memory");
	if ((size_t)snprintf(c->pub.name, sizeof(c->pub.name), "/%s/%s",
			     p->name, name) >= sizeof(c->pub.name)) {
		free(c);
		return amp_err(-ENAMETOOLONG, "metal: name '%s/%s' too long",
			       p->name, name);
	}
	c->pub.flags = (flags & AMP_SHM_F_UNCACHED) ? METAL_SHM_NOTCACHED : 0;
	c->pub.id = -1;
	c->pub.provider = p;
	c->from_provider = true;
	ret = p->alloc(p, &c->pub, (size_t)size);
	if (ret) {
		free(c);
		return amp_err(ret < 0 ? ret : -EIO,
			       "metal: provider '%s' could not allocate '%s' "
			       "(%d)",
			       p->name, name, ret);
	}
	ret = cm_pieces(c, npieces);
	if (ret) {
		snprintf(cm_alloc_why, sizeof(cm_alloc_why), "%s",
			 amp_last_error());
		p->free(p, &c->pub);
		free(c->pieces);
		free(c);
		return ret;
	}
	*pieces = c->pieces;
	*cookie = c;
	/* Unbound (amp_shm NULL) until its open returns. */
	pthread_mutex_lock(&cm_lock);
	c->next = cm_list;
	cm_list = c;
	pthread_mutex_unlock(&cm_lock);
	return 0;
}

static void cm_prov_free(void *priv, void *cookie)
{
	struct metal_shm_provider *p = priv;
	struct cm_shm *c = cookie;

	pthread_mutex_lock(&cm_lock);
	cm_unlink_locked(c);
	pthread_mutex_unlock(&cm_lock);
	p->free(p, &c->pub);
	cm_free_handle(c);
}

static int cm_prov_to_device(void *priv, void *cookie, enum amp_dir dir)
{
	struct cm_shm *c = cookie;

	(void)priv;
	if (!c->pub.ops || !c->pub.ops->sync_for_device)
		return 0;
	return c->pub.ops->sync_for_device(&c->pub, cm_cur_dev, (unsigned)dir);
}

static int cm_prov_to_cpu(void *priv, void *cookie, enum amp_dir dir)
{
	struct cm_shm *c = cookie;

	(void)priv;
	if (!c->pub.ops || !c->pub.ops->sync_for_cpu)
		return 0;
	return c->pub.ops->sync_for_cpu(&c->pub, (unsigned)dir);
}

static const struct amp_shm_provider_ops cm_prov_ops = {
	.alloc = cm_prov_alloc,
	.free = cm_prov_free,
	.to_device = cm_prov_to_device,
	.to_cpu = cm_prov_to_cpu,
};

int amp_metal_shm_provider_register(struct metal_shm_provider *provider)
{
	struct cm_prov *e;
	int ret;

	if (!provider || !provider->name || !provider->alloc || !provider->free)
		return amp_err(-EINVAL, "metal_shm_provider_register: a "
					"provider needs a name, alloc and "
					"free");
	pthread_mutex_lock(&cm_lock);
	e = cm_prov_find_locked(NULL, provider);
	pthread_mutex_unlock(&cm_lock);
	if (e)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return amp_err(-ENOMEM, "metal: out of memory");
	ret = amp_shm_provider_register(provider->name, &cm_prov_ops, provider);
	if (ret) {
		free(e);
		return ret;
	}
	e->p = provider;
	pthread_mutex_lock(&cm_lock);
	e->next = cm_provs;
	cm_provs = e;
	pthread_mutex_unlock(&cm_lock);
	return 0;
}

int amp_metal_shm_provider_unregister(struct metal_shm_provider *provider)
{
	struct cm_prov **pp, *e = NULL;
	int ret;

	pthread_mutex_lock(&cm_lock);
	for (pp = &cm_provs; *pp; pp = &(*pp)->next)
		if ((*pp)->p == provider) {
			e = *pp;
			break;
		}
	pthread_mutex_unlock(&cm_lock);
	if (!e)
		return amp_err(-ENOENT,
			       "metal_shm_provider_unregister: '%s' "
			       "was not registered with "
			       "metal_shm_provider_register()",
			       provider && provider->name ? provider->name :
							    "(null)");
	ret = amp_shm_provider_unregister(provider->name);
	if (ret)
		return ret;
	pthread_mutex_lock(&cm_lock);
	for (pp = &cm_provs; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	pthread_mutex_unlock(&cm_lock);
	free(e);
	return 0;
}

struct metal_shm_provider *amp_metal_shmem_get_provider(const char *name)
{
	struct cm_prov *e;

	if (!name)
		return NULL;
	pthread_mutex_lock(&cm_lock);
	e = cm_prov_find_locked(name, NULL);
	pthread_mutex_unlock(&cm_lock);
	return e ? e->p : NULL;
}

/* ------------------------------------------------------------------ */
/* Open, close, CPU mappings                                          */

static const char *cm_skip_slash(const char *name)
{
	return *name == '/' ? name + 1 : name;
}

int amp_metal_shmem_open(const char *name, size_t size, unsigned int flags,
			 struct metal_generic_shmem **result)
{
	struct cm_shm *c = NULL, *fresh;
	struct amp_shm *shm;
	const char *aname;
	int ret;

	if (!name || !result)
		return amp_err(-EINVAL, "metal_shmem_open: name and result "
					"are required");
	if (flags & ~METAL_SHM_NOTCACHED)
		return amp_err(-EINVAL,
			       "metal_shmem_open: unknown flag bits "
			       "0x%x (only METAL_SHM_NOTCACHED)",
			       flags & ~METAL_SHM_NOTCACHED);
	if (strlen(name) >= sizeof(c->pub.name))
		return amp_err(-ENAMETOOLONG,
			       "metal_shmem_open: name '%s' "
			       "is longer than 63 bytes",
			       name);
	cm_alloc_why[0] = '\0';
	ret = amp_shm_open(
		name, size,
		(flags & METAL_SHM_NOTCACHED) ? AMP_SHM_F_UNCACHED : 0, &shm);
	if (ret && cm_alloc_why[0]) {
		char what[256];

		snprintf(what, sizeof(what), "%s", amp_last_error());
		return amp_err(ret, "%s: %s", what, cm_alloc_why);
	}
	if (ret)
		return ret;
	aname = amp_shm_name(shm);
	/* A handle in case the buffer has none yet, made outside the lock. */
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh || cm_cpu_view(shm, UINT64_MAX, &fresh->cpu_ios,
				  &fresh->cpu_phys, &fresh->pub.sg.nents)) {
		free(fresh);
		amp_shm_close(shm);
		return amp_err(-ENOMEM, "metal_shmem_open: out of memory");
	}
	pthread_mutex_lock(&cm_lock);
	for (c = cm_list; c; c = c->next)
		if (c->pub.amp_shm == shm)
			break;
	if (!c) /* allocated by a proposal provider in this open? */
		for (c = cm_list; c; c = c->next)
			if (!c->pub.amp_shm &&
			    !strcmp(cm_skip_slash(c->pub.name), aname))
				break;
	if (c && !c->pub.amp_shm) {
		c->pub.amp_shm = shm;
		c->pub.size = (size_t)amp_shm_size(shm);
	}
	if (!c) {
		c = fresh;
		fresh = NULL;
		memcpy(c->pub.name, name, strlen(name) + 1);
		c->pub.sg.ios = c->cpu_ios;
		c->pub.size = (size_t)amp_shm_size(shm);
		c->pub.flags = (amp_shm_flags(shm) & AMP_SHM_F_UNCACHED) ?
				       METAL_SHM_NOTCACHED :
				       0;
		c->pub.id = -1;
		c->pub.amp_shm = shm;
		c->next = cm_list;
		cm_list = c;
	}
	c->opens++;
	cm_update_refcount(c);
	pthread_mutex_unlock(&cm_lock);
	if (fresh)
		cm_free_handle(fresh);
	*result = &c->pub;
	return 0;
}

int amp_metal_shmem_close(struct metal_generic_shmem *shmem)
{
	struct cm_shm *c = cm_of(shmem), *dead;
	struct amp_shm *shm;

	pthread_mutex_lock(&cm_lock);
	if (!shmem || !cm_valid_locked(shmem)) {
		pthread_mutex_unlock(&cm_lock);
		return amp_err(-EINVAL,
			       "metal_shmem_close: %p is not an open "
			       "buffer",
			       (void *)shmem);
	}
	if (!c->opens) {
		pthread_mutex_unlock(&cm_lock);
		return amp_err(-EINVAL,
			       "metal_shmem_close: '%s' has no open "
			       "left (only mappings or attachments "
			       "hold it)",
			       shmem->name);
	}
	c->opens--;
	shm = c->pub.amp_shm;
	dead = cm_release_locked(c);
	pthread_mutex_unlock(&cm_lock);
	/* May free a provider's handle (c): not touched after. */
	amp_shm_close(shm);
	if (dead)
		cm_free_handle(dead);
	return 0;
}

/* The buffer of a valid handle, or NULL with an error recorded. */
static struct amp_shm *cm_buffer(struct metal_generic_shmem *shmem,
				 const char *what)
{
	struct amp_shm *shm = NULL;

	pthread_mutex_lock(&cm_lock);
	if (shmem && cm_valid_locked(shmem))
		shm = shmem->amp_shm;
	pthread_mutex_unlock(&cm_lock);
	if (!shm)
		amp_err(-EINVAL, "%s: %p is not an open buffer", what,
			(void *)shmem);
	return shm;
}

struct metal_scatter_list *
amp_metal_shmem_mmap(struct metal_generic_shmem *shmem, size_t size)
{
	struct amp_shm *shm = cm_buffer(shmem, "metal_shmem_mmap");
	struct cm_shm *c = cm_of(shmem);
	struct cm_map *m;

	if (!shm)
		return NULL;
	if (size > amp_shm_size(shm)) {
		amp_err(-EINVAL,
			"metal_shmem_mmap: '%s' is %llu bytes, %zu "
			"asked",
			shmem->name, (unsigned long long)amp_shm_size(shm),
			size);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		amp_err(-ENOMEM, "metal_shmem_mmap: out of memory");
		return NULL;
	}
	/* The mapping's own reference on the buffer. */
	if (amp_shm_open(amp_shm_name(shm), 0, AMP_SHM_F_NOCREATE, &m->ref)) {
		free(m);
		return NULL;
	}
	if (cm_cpu_view(shm, size ? size : UINT64_MAX, &m->ios, &m->phys,
			&m->sg.nents)) {
		amp_shm_close(m->ref);
		free(m);
		return NULL;
	}
	m->sg.ios = m->ios;
	pthread_mutex_lock(&cm_lock);
	m->next = c->maps;
	c->maps = m;
	cm_update_refcount(c);
	pthread_mutex_unlock(&cm_lock);
	return &m->sg;
}

void amp_metal_shmem_munmap(struct metal_generic_shmem *shmem,
			    struct metal_scatter_list *sg)
{
	struct cm_shm *c = cm_of(shmem), *dead = NULL;
	struct cm_map *m = NULL;

	pthread_mutex_lock(&cm_lock);
	if (shmem && cm_valid_locked(shmem))
		for (struct cm_map **pp = &c->maps; *pp; pp = &(*pp)->next)
			if (&(*pp)->sg == sg) {
				m = *pp;
				*pp = m->next;
				dead = cm_release_locked(c);
				break;
			}
	pthread_mutex_unlock(&cm_lock);
	if (!m) {
		amp_err(-EINVAL,
			"metal_shmem_munmap: %p is not a list "
			"metal_shmem_mmap() returned for this buffer",
			(void *)sg);
		return;
	}
	amp_shm_close(m->ref);
	free(m->ios);
	free(m->phys);
	free(m);
	if (dead)
		cm_free_handle(dead);
}

/* ------------------------------------------------------------------ */
/* Devices: attach, hand-over, detach                                 */

static bool cm_dir_ok(unsigned dir)
{
	return dir >= METAL_SHM_DIR_DEV_R && dir <= METAL_SHM_DIR_DEV_RW;
}

static const char *cm_dev_name(const struct metal_device *dev)
{
	return dev && dev->name ? dev->name : "(unnamed device)";
}

/* cm_lock held. */
static struct cm_att **cm_att_find_locked(struct cm_shm *c,
					  const struct metal_device *dev)
{
	for (struct cm_att **pp = &c->atts; *pp; pp = &(*pp)->next)
		if ((*pp)->dev == dev)
			return pp;
	return NULL;
}

static void cm_att_free(struct cm_att *a)
{
	if (!a)
		return;
	free(a->ios);
	free(a->phys);
	free(a);
}

struct metal_scatter_list *
amp_metal_shm_attach(struct metal_generic_shmem *shmem,
		     struct metal_device *dev, unsigned int direction)
{
	struct amp_shm *shm = cm_buffer(shmem, "metal_shm_attach");
	struct cm_shm *c = cm_of(shmem);
	const struct amp_sg *sg;
	struct cm_att *a;
	size_t n;
	char *va;

	if (!shm)
		return NULL;
	if (!dev || !dev->amp_dev) {
		amp_err(-EINVAL, "metal_shm_attach: no device (make one with "
				 "amp_metal_device_create())");
		return NULL;
	}
	if (!cm_dir_ok(direction)) {
		amp_err(-EINVAL,
			"metal_shm_attach: direction %u is not a "
			"METAL_SHM_DIR_*",
			direction);
		return NULL;
	}
	if (amp_shm_attach(shm, dev->amp_dev, (enum amp_dir)direction, &sg, &n))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a) {
		a->ios = calloc(n ? n : 1, sizeof(*a->ios));
		a->phys = calloc(n ? n : 1, sizeof(*a->phys));
	}
	if (!a || !a->ios || !a->phys) {
		cm_att_free(a);
		amp_shm_detach(shm, dev->amp_dev);
		amp_err(-ENOMEM, "metal_shm_attach: out of memory");
		return NULL;
	}
	va = amp_shm_va(shm);
	for (size_t i = 0; i < n; i++) {
		uint64_t off;
		void *virt = METAL_BAD_VA;

		if (!amp_shm_da_to_offset(shm, dev->amp_dev, sg[i].addr, &off))
			virt = va + off;
		a->phys[i] = sg[i].addr;
		metal_io_init(&a->ios[i], virt, &a->phys[i], (size_t)sg[i].len,
			      (unsigned)-1, 0, NULL);
	}
	a->dev = dev;
	a->sg.ios = a->ios;
	a->sg.nents = (int)n;
	pthread_mutex_lock(&cm_lock);
	a->next = c->atts;
	c->atts = a;
	cm_update_refcount(c);
	pthread_mutex_unlock(&cm_lock);
	return &a->sg;
}

int amp_metal_shm_sync_for_device(struct metal_generic_shmem *shmem,
				  struct metal_device *dev,
				  unsigned int direction)
{
	struct amp_shm *shm = cm_buffer(shmem, "metal_shm_sync_for_device");
	struct cm_shm *c = cm_of(shmem);
	struct cm_att *spare, **pp;
	int ret;

	if (!shm)
		return -EINVAL;
	if (!dev || !dev->amp_dev)
		return amp_err(-EINVAL, "metal_shm_sync_for_device: no device");
	if (!cm_dir_ok(direction))
		return amp_err(-EINVAL,
			       "metal_shm_sync_for_device: direction "
			       "%u is not a METAL_SHM_DIR_*",
			       direction);
	/* Bookkeeping for a device attached with the ampshm API. */
	spare = calloc(1, sizeof(*spare));
	if (!spare)
		return amp_err(-ENOMEM, "metal: out of memory");
	cm_cur_dev = dev;
	ret = amp_shm_sync_for_device(shm, dev->amp_dev,
				      (enum amp_dir)direction, 0, 0);
	cm_cur_dev = NULL;
	if (ret) {
		free(spare);
		return ret;
	}
	pthread_mutex_lock(&cm_lock);
	pp = cm_att_find_locked(c, dev);
	if (!pp) {
		spare->dev = dev;
		spare->next = c->atts;
		c->atts = spare;
		pp = &c->atts;
		spare = NULL;
	}
	(*pp)->handed = direction;
	pthread_mutex_unlock(&cm_lock);
	free(spare);
	return 0;
}

/*
 * Take back what was handed to @dev through these calls, with the
 * direction it was handed over with. Returns 0 or the take-back's error.
 */
static int cm_take_back(struct cm_shm *c, struct amp_shm *shm,
			struct metal_device *dev)
{
	struct cm_att **pp, *gone = NULL;
	unsigned handed;
	int ret;

	pthread_mutex_lock(&cm_lock);
	pp = cm_att_find_locked(c, dev);
	handed = pp ? (*pp)->handed : 0;
	pthread_mutex_unlock(&cm_lock);
	if (!handed)
		return 0;
	cm_cur_dev = dev;
	ret = amp_shm_sync_for_cpu(shm, dev->amp_dev, (enum amp_dir)handed, 0,
				   0);
	cm_cur_dev = NULL;
	/* A failing listener may still have given the range back. */
	if (ret && amp_shm_owner(shm, dev->amp_dev, 0) == AMP_OWNER_DEVICE)
		return ret;
	pthread_mutex_lock(&cm_lock);
	pp = cm_att_find_locked(c, dev);
	if (pp) {
		(*pp)->handed = 0;
		if (!(*pp)->ios) { /* only bookkeeping of a hand-over */
			gone = *pp;
			*pp = gone->next;
		}
	}
	pthread_mutex_unlock(&cm_lock);
	cm_att_free(gone);
	return ret;
}

int amp_metal_shm_sync_for_cpu(struct metal_generic_shmem *shmem,
			       unsigned int direction)
{
	struct amp_shm *shm = cm_buffer(shmem, "metal_shm_sync_for_cpu");
	struct cm_shm *c = cm_of(shmem);
	struct metal_device **devs = NULL;
	size_t n = 0;
	int ret = 0;

	if (!shm)
		return -EINVAL;
	if (!cm_dir_ok(direction))
		return amp_err(-EINVAL,
			       "metal_shm_sync_for_cpu: direction %u "
			       "is not a METAL_SHM_DIR_*",
			       direction);
	pthread_mutex_lock(&cm_lock);
	for (struct cm_att *a = c->atts; a; a = a->next)
		n += a->handed != 0;
	devs = calloc(n ? n : 1, sizeof(*devs));
	n = 0;
	if (devs)
		for (struct cm_att *a = c->atts; a; a = a->next)
			if (a->handed)
				devs[n++] = a->dev;
	pthread_mutex_unlock(&cm_lock);
	if (!devs)
		return amp_err(-ENOMEM, "metal: out of memory");
	for (size_t i = 0; i < n; i++) {
		int r = cm_take_back(c, shm, devs[i]);

		if (r && !ret)
			ret = r;
	}
	free(devs);
	return ret;
}

int amp_metal_shm_detach(struct metal_generic_shmem *shmem,
			 struct metal_device *dev)
{
	struct amp_shm *shm = cm_buffer(shmem, "metal_shm_detach");
	struct cm_shm *c = cm_of(shmem), *dead = NULL;
	struct cm_att **pp, *gone = NULL;
	char why[256] = "";
	struct amp_shm *hold;
	bool detached;
	int tb, ret;

	if (!shm)
		return -EINVAL;
	if (!dev || !dev->amp_dev) {
		ret = amp_err(-EINVAL, "metal_shm_detach: '%s': no device",
			      shmem->name);
		pthread_mutex_lock(&cm_lock);
		c->detach_result = ret;
		pthread_mutex_unlock(&cm_lock);
		return ret;
	}
	/*
	 * Hold the buffer: the detach may drop its last reference, and the
	 * handle of a proposal provider's buffer goes with it.
	 */
	ret = amp_shm_open(amp_shm_name(shm), 0, AMP_SHM_F_NOCREATE, &hold);
	if (ret)
		return ret;
	tb = cm_take_back(c, shm, dev);
	if (tb)
		snprintf(why, sizeof(why), "%s", amp_last_error());
	ret = amp_shm_detach(shm, dev->amp_dev);
	detached = !ret;
	if (ret) {
		snprintf(why, sizeof(why), "%s", amp_last_error());
		ret = amp_err(ret,
			      "metal_shm_detach: '%s' stays attached to "
			      "'%s': %s",
			      shmem->name, cm_dev_name(dev), why);
	} else if (tb) {
		ret = amp_err(tb,
			      "metal_shm_detach: '%s' detached from '%s', "
			      "but taking it back failed: %s",
			      shmem->name, cm_dev_name(dev), why);
	}
	pthread_mutex_lock(&cm_lock);
	c->detach_result = ret;
	pp = cm_att_find_locked(c, dev);
	if (pp && detached) {
		gone = *pp;
		*pp = gone->next;
		dead = cm_release_locked(c);
	}
	cm_update_refcount(c);
	pthread_mutex_unlock(&cm_lock);
	cm_att_free(gone);
	/* Only now may the buffer, and a provider's handle, go. */
	amp_shm_close(hold);
	if (dead)
		cm_free_handle(dead);
	return ret;
}

int amp_metal_shm_detach_result(struct metal_generic_shmem *shmem)
{
	int ret = -EINVAL;

	pthread_mutex_lock(&cm_lock);
	if (shmem && cm_valid_locked(shmem))
		ret = cm_of(shmem)->detach_result;
	pthread_mutex_unlock(&cm_lock);
	return ret;
}
