/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux port: shared memory (sealed memfd) laid out for RPMsg, a notifier
 * per side, and the amp_ipc_port of each side.
 *
 * The layout is described by struct amp_linux_layout. The default
 * (ampshm) one, offsets from the start of the memfd:
 *   0x0000  struct shm_hdr: magic, numbering, doorbells (one line each)
 *   0x0100  resource table: header, offset[1], VDEV entry + 2 vrings
 *   0x1000  vring0 (remote-to-host), align 4096
 *   ...     vring1 (host-to-remote), page aligned
 *   ...     num remote-to-host buffers, then num host-to-remote buffers
 * The rsc0 (OpenAMP-style) one puts the resource table at 0 with a vendor
 * entry giving the numbering and doorbells, the doorbells at 0x800.
 *
 * Trust: the host uses only its own copy of the layout it created; the
 * remote reads every field once into a local copy, validates the copy and
 * uses only it (the resource table is copied whole before parsing).
 */
#include <ampshm/linux_ipc.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/phys.h"
#include "port/linux/doorbell.h"
#include "port/linux/fdpass.h"

#define SHM_MAGIC 0x52504d41u /* "AMPR" */
#define SHM_VERSION 1u
#define HDR_SIZE 0x100u
#define VRING_ALIGN 4096u
#define PAGE 4096u
#define RSC0_TABLE_MAX 0x800u /* rsc0: table in [0, 0x800), bells after */
#define BELLS_SIZE (2 * AMP_LINUX_BELL_SIZE)
#define SEND_MAGIC 0x4c504d41u /* "AMPL" */

struct shm_hdr {
	uint32_t magic;
	uint32_t version;
	uint64_t size;
	uint64_t pa_base;
	uint32_t da_base;
	uint32_t rsc_off;
	uint32_t rsc_size;
	uint32_t vring_off[2];
	uint32_t rx_off; /* remote-to-host buffers */
	uint32_t tx_off; /* host-to-remote buffers */
	uint32_t bell_off;
	uint32_t pad[2];
	struct amp_bell bell[2]; /* [0]: the host waits on it, [1]: remote */
};
_Static_assert(sizeof(struct shm_hdr) <= HDR_SIZE, "shm header too big");
_Static_assert(offsetof(struct shm_hdr, bell) == 64, "bell alignment");
_Static_assert(sizeof(struct amp_linux_rsc_shm) == 32, "rsc shm entry");

struct amp_linux_ipc {
	enum amp_rpmsg_role role;
	int memfd;
	char *map;
	size_t size;
	struct amp_linux_layout lay; /* our own copy: never re-read */
	struct amp_rsc_vdev *vdev;
	struct amp_ipc_region region;
	struct amp_ipc_port port;
	pthread_mutex_t lock;
	pthread_mutex_t cblock; /* recursive: a callback may destroy itself */
	bool locked_init;
	bool phys_added;
	struct amp_linux_notifier nt;
	struct amp_vq_slot *slots[2];
	unsigned int nslots[2];
	struct amp_linux_ipc_cfg cfg;
};

/*
 * Copy bytes out of shared memory once. The barrier keeps the compiler
 * from reading the shared bytes again in place of the copy.
 */
static void amp_linux_shm_copy(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
	__asm__ __volatile__("" ::: "memory");
}

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void amp_linux_ipc_cfg_default(struct amp_linux_ipc_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->num = 256;
	cfg->h2r_buf_size = AMP_RPMSG_DEFAULT_BUF_SIZE;
	cfg->r2h_buf_size = AMP_RPMSG_DEFAULT_BUF_SIZE;
	cfg->pa_base = 0x900000000ull;
	cfg->da_base = 0x10000000u;
	cfg->spin_us = 50;
	cfg->dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS;
	cfg->hfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS;
	cfg->notify = AMP_LINUX_NOTIFY_FUTEX;
}

/* ---- layouts ------------------------------------------------------------- */

static int check_sizes(const struct amp_linux_ipc_cfg *cfg)
{
	if (!cfg->num || cfg->num > AMP_VRING_MAX_NUM ||
	    (cfg->num & (cfg->num - 1)) ||
	    cfg->h2r_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->r2h_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->h2r_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    cfg->r2h_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    ((cfg->h2r_buf_size | cfg->r2h_buf_size) & 3))
		return amp_err(-EINVAL, "linux_ipc: bad ring or buffer size");
	return 0;
}

/* vrings and buffers from @from on; fills size. */
static void place_rings(const struct amp_linux_ipc_cfg *cfg, size_t from,
			struct amp_linux_layout *l)
{
	size_t vring_bytes =
		round_up(amp_vring_size(cfg->num, VRING_ALIGN), PAGE);
	size_t rx_bytes = round_up((size_t)cfg->num * cfg->r2h_buf_size, PAGE);
	size_t tx_bytes = round_up((size_t)cfg->num * cfg->h2r_buf_size, PAGE);

	l->vring_off[0] = (uint32_t)from;
	l->vring_off[1] = (uint32_t)(from + vring_bytes);
	l->rx_off = (uint32_t)(from + 2 * vring_bytes);
	l->tx_off = (uint32_t)(l->rx_off + rx_bytes);
	l->size = l->tx_off + tx_bytes;
	l->pa_base = cfg->pa_base;
	l->da_base = cfg->da_base;
}

int amp_linux_layout_ampshm(const struct amp_linux_ipc_cfg *cfg,
			    struct amp_linux_layout *out)
{
	int ret = check_sizes(cfg);

	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->hdr_off = 0;
	out->bell_off = offsetof(struct shm_hdr, bell);
	out->rsc_off = HDR_SIZE;
	out->rsc_size = PAGE - HDR_SIZE;
	place_rings(cfg, PAGE, out);
	return 0;
}

int amp_linux_layout_rsc0(const struct amp_linux_ipc_cfg *cfg,
			  struct amp_linux_layout *out)
{
	int ret = check_sizes(cfg);

	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->hdr_off = AMP_LINUX_OFF_NONE;
	out->rsc_off = 0;
	out->rsc_size = RSC0_TABLE_MAX;
	out->bell_off = RSC0_TABLE_MAX;
	place_rings(cfg, PAGE, out);
	return 0;
}

struct area {
	uint64_t off, len;
	const char *what;
};

/* Host: every area inside the memory, aligned, and no two overlapping. */
static int check_layout(const struct amp_linux_layout *l,
			const struct amp_linux_ipc_cfg *cfg, size_t tbl_bytes)
{
	struct area a[7];
	unsigned int n = 0, i, j;

	if (l->size < PAGE || l->size % PAGE || l->size > UINT32_MAX ||
	    l->size > (uint64_t)UINT32_MAX - l->da_base ||
	    l->pa_base + l->size < l->pa_base)
		return amp_err(-EINVAL,
			       "linux_ipc: layout size 0x%llx is not a page "
			       "multiple that fits the 32-bit device numbering",
			       (unsigned long long)l->size);
	if (l->hdr_off != AMP_LINUX_OFF_NONE)
		a[n++] = (struct area){ l->hdr_off, HDR_SIZE, "header" };
	a[n++] = (struct area){ l->rsc_off, l->rsc_size, "resource table" };
	if (l->bell_off != AMP_LINUX_OFF_NONE &&
	    (l->hdr_off == AMP_LINUX_OFF_NONE ||
	     l->bell_off != l->hdr_off + offsetof(struct shm_hdr, bell)))
		a[n++] = (struct area){ l->bell_off, BELLS_SIZE, "doorbells" };
	for (i = 0; i < 2; i++)
		a[n++] = (struct area){ l->vring_off[i],
					amp_vring_size(cfg->num, VRING_ALIGN),
					i ? "vring1" : "vring0" };
	a[n++] = (struct area){ l->rx_off,
				(uint64_t)cfg->num * cfg->r2h_buf_size,
				"RX buffers" };
	a[n++] = (struct area){ l->tx_off,
				(uint64_t)cfg->num * cfg->h2r_buf_size,
				"TX buffers" };
	if (l->rsc_size < tbl_bytes)
		return amp_err(-EINVAL,
			       "linux_ipc: resource table needs %zu bytes, "
			       "layout gives %u",
			       tbl_bytes, l->rsc_size);
	if ((l->hdr_off != AMP_LINUX_OFF_NONE && l->hdr_off % 64) ||
	    l->rsc_off % 8 ||
	    (l->bell_off != AMP_LINUX_OFF_NONE && l->bell_off % 64) ||
	    l->vring_off[0] % VRING_ALIGN || l->vring_off[1] % VRING_ALIGN ||
	    l->rx_off % 4 || l->tx_off % 4)
		return amp_err(-EINVAL, "linux_ipc: misaligned layout area");
	for (i = 0; i < n; i++) {
		if (a[i].off > l->size || a[i].len > l->size - a[i].off)
			return amp_err(-EINVAL,
				       "linux_ipc: %s [0x%llx, +0x%llx) is "
				       "outside the shared memory (0x%llx)",
				       a[i].what, (unsigned long long)a[i].off,
				       (unsigned long long)a[i].len,
				       (unsigned long long)l->size);
		for (j = 0; j < i; j++)
			if (a[i].off < a[j].off + a[j].len &&
			    a[j].off < a[i].off + a[i].len)
				return amp_err(-EINVAL,
					       "linux_ipc: layout areas %s and "
					       "%s overlap",
					       a[j].what, a[i].what);
	}
	return 0;
}

/* ---- port operations ---------------------------------------------------- */

static int lx_notify(void *priv, uint32_t notifyid)
{
	struct amp_linux_ipc *ipc = priv;

	(void)notifyid; /* one notifier per side serves every vring */
	return ipc->nt.ops->notify(ipc->nt.priv);
}

static uint32_t lx_wait_prepare(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	return ipc->nt.ops->prepare(ipc->nt.priv);
}

static int lx_wait(void *priv, uint32_t token, uint32_t *remaining_us)
{
	struct amp_linux_ipc *ipc = priv;

	return ipc->nt.ops->wait(ipc->nt.priv, token, remaining_us);
}

static void lx_lock(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	pthread_mutex_lock(&ipc->lock);
}

static void lx_unlock(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	pthread_mutex_unlock(&ipc->lock);
}

static void lx_cb_lock(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	pthread_mutex_lock(&ipc->cblock);
}

static void lx_cb_unlock(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	pthread_mutex_unlock(&ipc->cblock);
}

static const struct amp_ipc_port_ops lx_ops = {
	.notify = lx_notify,
	.wait_prepare = lx_wait_prepare,
	.wait = lx_wait,
	.lock = lx_lock,
	.unlock = lx_unlock,
	.cb_lock = lx_cb_lock,
	.cb_unlock = lx_cb_unlock,
};

/* Take over the user's notifier, or create the futex one. */
static int setup_notifier(struct amp_linux_ipc *ipc)
{
	int b = ipc->role == AMP_RPMSG_HOST ? 0 : 1;
	uint32_t bo = ipc->lay.bell_off;
	int ret;

	if (ipc->cfg.notifier) {
		ipc->nt = *ipc->cfg.notifier;
		ipc->cfg.notifier->ops = NULL; /* ours now */
		ipc->cfg.notifier = NULL;
		if (!ipc->nt.ops || !ipc->nt.ops->notify ||
		    !ipc->nt.ops->prepare || !ipc->nt.ops->wait ||
		    !ipc->nt.ops->close)
			return amp_err(-EINVAL,
				       "linux_ipc: notifier without notify, "
				       "prepare, wait and close");
		return 0;
	}
	if (ipc->role == AMP_RPMSG_HOST &&
	    ipc->cfg.notify == AMP_LINUX_NOTIFY_EVENTFD)
		return amp_linux_notifier_eventfd_pair(&ipc->nt);
	if (ipc->role == AMP_RPMSG_HOST &&
	    ipc->cfg.notify == AMP_LINUX_NOTIFY_SOCKET)
		return amp_linux_notifier_socket_pair(&ipc->nt);
	if (ipc->role == AMP_RPMSG_HOST &&
	    ipc->cfg.notify != AMP_LINUX_NOTIFY_FUTEX)
		return amp_err(-EINVAL,
			       "linux_ipc: notifier kind %d needs "
			       "cfg.notifier",
			       (int)ipc->cfg.notify);
	if (bo == AMP_LINUX_OFF_NONE)
		return amp_err(-EINVAL,
			       "linux_ipc: futex doorbells need a bell area "
			       "in the layout (or give a notifier)");
	ret = amp_linux_notifier_futex(ipc->map + bo + b * AMP_LINUX_BELL_SIZE,
				       ipc->map + bo + !b * AMP_LINUX_BELL_SIZE,
				       ipc->cfg.spin_us, &ipc->nt);
	if (ret)
		return amp_err(ret, "linux_ipc: futex doorbells failed");
	return 0;
}

static int setup_port(struct amp_linux_ipc *ipc)
{
	ipc->region = (struct amp_ipc_region){ .va = ipc->map,
					       .pa = ipc->lay.pa_base,
					       .da = ipc->lay.da_base,
					       .size = ipc->size };
	ipc->port = (struct amp_ipc_port){
		.ops = &lx_ops,
		.priv = ipc,
		.regions = &ipc->region,
		.nregions = 1,
		.flags = ipc->cfg.noncoherent ? 0 : AMP_IPC_F_COHERENT,
	};
	pthread_mutex_init(&ipc->lock, NULL);
	{
		pthread_mutexattr_t a;

		pthread_mutexattr_init(&a);
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&ipc->cblock, &a);
		pthread_mutexattr_destroy(&a);
	}
	ipc->locked_init = true;
	return setup_notifier(ipc);
}

static int alloc_slots(struct amp_linux_ipc *ipc, unsigned int n0,
		       unsigned int n1)
{
	ipc->slots[0] = calloc(n0, sizeof(struct amp_vq_slot));
	ipc->slots[1] = calloc(n1, sizeof(struct amp_vq_slot));
	if (!ipc->slots[0] || !ipc->slots[1])
		return amp_err(-ENOMEM, "linux_ipc: out of memory");
	ipc->nslots[0] = n0;
	ipc->nslots[1] = n1;
	return 0;
}

static struct amp_linux_ipc *new_ipc(const struct amp_linux_ipc_cfg *cfg,
				     enum amp_rpmsg_role role)
{
	struct amp_linux_ipc *ipc = calloc(1, sizeof(*ipc));

	if (!ipc)
		return NULL;
	if (cfg)
		ipc->cfg = *cfg;
	else
		amp_linux_ipc_cfg_default(&ipc->cfg);
	ipc->role = role;
	ipc->memfd = -1;
	return ipc;
}

/* ---- host ------------------------------------------------------------------ */

static size_t rsc_table_bytes(bool vendor)
{
	size_t v = round_up(sizeof(struct amp_rsc_table) + 2 * sizeof(uint32_t),
			    8);

	v += round_up(sizeof(struct amp_rsc_vdev) +
			      2 * sizeof(struct amp_rsc_vring),
		      8);
	return v + (vendor ? sizeof(struct amp_linux_rsc_shm) : 0);
}

/* Written from locals only: nothing is read back from the shared table. */
static void write_rsc_table(struct amp_linux_ipc *ipc, bool vendor)
{
	const struct amp_linux_layout *l = &ipc->lay;
	char *t = ipc->map + l->rsc_off;
	struct amp_rsc_table *tbl = (struct amp_rsc_table *)t;
	uint32_t num = vendor ? 2 : 1;
	uint32_t voff =
		(uint32_t)round_up(sizeof(*tbl) + num * sizeof(uint32_t), 8);
	uint32_t eoff =
		(uint32_t)round_up(voff + sizeof(struct amp_rsc_vdev) +
					   2 * sizeof(struct amp_rsc_vring),
				   8);
	struct amp_rsc_vdev *v = (struct amp_rsc_vdev *)(t + voff);
	int i;

	tbl->ver = 1;
	tbl->num = num;
	tbl->offset[0] = voff;
	v->type = AMP_RSC_VDEV;
	v->id = AMP_VIRTIO_ID_RPMSG;
	v->notifyid = 2;
	v->dfeatures = ipc->cfg.dfeatures;
	v->num_of_vrings = 2;
	for (i = 0; i < 2; i++) {
		/* "any": the host places them and writes the da back. */
		v->vring[i].da = AMP_RSC_ADDR_ANY;
		v->vring[i].align = VRING_ALIGN;
		v->vring[i].num = ipc->cfg.num;
		v->vring[i].notifyid = (uint32_t)i;
	}
	ipc->vdev = v;
	if (vendor) {
		struct amp_linux_rsc_shm e = {
			.type = AMP_LINUX_RSC_SHM,
			.len = sizeof(e),
			.pa_base = l->pa_base,
			.da_base = l->da_base,
			.size = (uint32_t)l->size,
			.bell_off = l->bell_off,
		};

		tbl->offset[1] = eoff;
		memcpy(t + eoff, &e, sizeof(e));
	}
}

static void write_hdr(struct amp_linux_ipc *ipc)
{
	const struct amp_linux_layout *l = &ipc->lay;
	struct shm_hdr *h = (struct shm_hdr *)(ipc->map + l->hdr_off);

	h->version = SHM_VERSION;
	h->size = l->size;
	h->pa_base = l->pa_base;
	h->da_base = l->da_base;
	h->rsc_off = l->rsc_off;
	h->rsc_size = l->rsc_size;
	h->vring_off[0] = l->vring_off[0];
	h->vring_off[1] = l->vring_off[1];
	h->rx_off = l->rx_off;
	h->tx_off = l->tx_off;
	h->bell_off = l->bell_off;
	__atomic_store_n(&h->magic, SHM_MAGIC, __ATOMIC_RELEASE);
}

/* Register [pa_base, +size) in the physical map, naming a conflict. */
static int add_phys(struct amp_linux_ipc *ipc)
{
	struct amp_phys_region r = {
		.pa = ipc->lay.pa_base,
		.size = ipc->size,
		.map = ipc->map,
		.fd = ipc->memfd,
		.fd_off = 0,
	};
	struct amp_phys_region o;
	uint64_t off;
	int ret;

	snprintf(r.what, sizeof(r.what), "rpmsg");
	ret = amp_phys_add(&r);
	if (!ret) {
		ipc->phys_added = true;
		return 0;
	}
	if (ret != -EEXIST)
		return amp_err(ret, "linux_ipc: registering the RPMsg memory "
				    "in the physical map failed");
	/* Error path only: find the first registered page in our range. */
	for (off = 0; off < r.size; off += PAGE)
		if (!amp_phys_lookup(r.pa + off, &o) &&
		    r.pa + off - o.pa < o.size)
			return amp_err(-EEXIST,
				       "linux_ipc: RPMsg memory [0x%llx, "
				       "0x%llx) overlaps %s [0x%llx, 0x%llx) "
				       "in the physical map: choose another "
				       "pa_base",
				       (unsigned long long)r.pa,
				       (unsigned long long)(r.pa + r.size),
				       o.what, (unsigned long long)o.pa,
				       (unsigned long long)(o.pa + o.size));
	return amp_err(-EEXIST,
		       "linux_ipc: RPMsg memory [0x%llx, 0x%llx) overlaps a "
		       "registered physical range: choose another pa_base",
		       (unsigned long long)r.pa,
		       (unsigned long long)(r.pa + r.size));
}

int amp_linux_ipc_host_create(const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out)
{
	struct amp_linux_ipc *ipc;
	bool vendor;
	int ret;

	ipc = new_ipc(cfg, AMP_RPMSG_HOST);
	if (!ipc) {
		if (cfg && cfg->notifier)
			amp_linux_notifier_close(cfg->notifier);
		return amp_err(-ENOMEM, "linux_ipc: out of memory");
	}
	cfg = &ipc->cfg;
	ret = check_sizes(cfg);
	if (ret)
		goto fail;
	if (cfg->layout)
		ipc->lay = *cfg->layout;
	else
		amp_linux_layout_ampshm(cfg, &ipc->lay);
	/* A table of its own at offset 0 says where the rest is. */
	vendor = ipc->lay.hdr_off == AMP_LINUX_OFF_NONE;
	ret = check_layout(&ipc->lay, cfg, rsc_table_bytes(vendor));
	if (ret)
		goto fail;
	ipc->size = (size_t)ipc->lay.size;

	ipc->memfd =
		memfd_create("ampshm-rpmsg", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (ipc->memfd < 0) {
		ret = amp_err(-errno, "linux_ipc: memfd_create failed");
		goto fail;
	}
	if (ftruncate(ipc->memfd, (off_t)ipc->size) ||
	    fcntl(ipc->memfd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		ret = amp_err(-errno, "linux_ipc: sizing/sealing memfd failed");
		goto fail;
	}
	ipc->map = mmap(NULL, ipc->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, ipc->memfd, 0);
	if (ipc->map == MAP_FAILED) {
		ipc->map = NULL;
		ret = amp_err(-errno, "linux_ipc: mmap failed");
		goto fail;
	}
	ret = add_phys(ipc);
	if (ret)
		goto fail;
	write_rsc_table(ipc, vendor);
	ret = alloc_slots(ipc, cfg->num, cfg->num);
	if (!ret)
		ret = setup_port(ipc);
	if (ret)
		goto fail;
	if (ipc->lay.hdr_off != AMP_LINUX_OFF_NONE)
		write_hdr(ipc); /* magic last: the remote may look now */
	*out = ipc;
	return 0;
fail:
	amp_linux_ipc_destroy(ipc);
	return ret;
}

/* ---- remote ------------------------------------------------------------- */

/*
 * Find the layout from offset 0: an ampshm header, else a resource table.
 * Each shared field is read once (volatile copy), then checked.
 */
static int remote_layout(struct amp_linux_ipc *ipc)
{
	struct amp_linux_layout *l = &ipc->lay;
	struct shm_hdr h;

	if (ipc->cfg.layout) {
		*l = *ipc->cfg.layout;
		return 0;
	}
	memset(l, 0, sizeof(*l));
	l->hdr_off = AMP_LINUX_OFF_NONE;
	l->bell_off = AMP_LINUX_OFF_NONE;
	if (__atomic_load_n((uint32_t *)ipc->map, __ATOMIC_ACQUIRE) !=
	    SHM_MAGIC) {
		/* rsc0: a table at 0; numbering from its vendor entry. */
		l->rsc_off = 0;
		l->rsc_size = (uint32_t)(ipc->size < PAGE ? ipc->size : PAGE);
		l->pa_base = ipc->cfg.pa_base;
		l->da_base = ipc->cfg.da_base;
		return 0;
	}
	/* One fetch of the whole header; only the copy is looked at. */
	amp_linux_shm_copy(&h, ipc->map, offsetof(struct shm_hdr, bell));
	if (h.version != SHM_VERSION || h.size != ipc->size)
		return amp_err(-EINVAL,
			       "linux_ipc: not an ampshm RPMsg region");
	l->hdr_off = 0;
	l->rsc_off = h.rsc_off;
	l->rsc_size = h.rsc_size;
	l->bell_off = h.bell_off;
	l->pa_base = h.pa_base;
	l->da_base = h.da_base;
	l->size = h.size;
	return 0;
}

/* The vendor entry, looked for in our copy of the table. */
static void find_rsc_shm(struct amp_linux_ipc *ipc, const char *tbl,
			 size_t size)
{
	const struct amp_rsc_table *t = (const void *)tbl;
	struct amp_linux_rsc_shm e;
	uint32_t i;

	if (t->num > (size - sizeof(*t)) / sizeof(uint32_t))
		return;
	for (i = 0; i < t->num; i++) {
		uint32_t off = t->offset[i];

		if (off % 4 || off > size || size - off < sizeof(e))
			continue;
		memcpy(&e, tbl + off, sizeof(e));
		if (e.type != AMP_LINUX_RSC_SHM || e.len < sizeof(e))
			continue;
		ipc->lay.pa_base = e.pa_base;
		ipc->lay.da_base = e.da_base;
		ipc->lay.bell_off = e.bell_off;
		return;
	}
}

int amp_linux_ipc_remote_attach(int memfd, const struct amp_linux_ipc_cfg *cfg,
				struct amp_linux_ipc **out)
{
	struct amp_linux_ipc *ipc;
	struct amp_rsc_vdev *v;
	struct stat st;
	uint32_t n0, n1, rsc_off, rsc_size;
	char *tbl = NULL;
	int ret, seals;

	ipc = new_ipc(cfg, AMP_RPMSG_REMOTE);
	if (!ipc) {
		close(memfd);
		if (cfg && cfg->notifier)
			amp_linux_notifier_close(cfg->notifier);
		return amp_err(-ENOMEM, "linux_ipc: out of memory");
	}
	ipc->memfd = memfd;

	/* Only a region the host cannot shrink under us is safe to map. */
	seals = fcntl(memfd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		ret = amp_err(-EINVAL, "linux_ipc: memfd not sealed");
		goto fail;
	}
	if (fstat(memfd, &st) || st.st_size < (off_t)PAGE ||
	    (uint64_t)st.st_size > UINT32_MAX) {
		ret = amp_err(-EINVAL, "linux_ipc: bad memfd size");
		goto fail;
	}
	ipc->size = (size_t)st.st_size;
	ipc->map = mmap(NULL, ipc->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_POPULATE, memfd, 0);
	if (ipc->map == MAP_FAILED) {
		ipc->map = NULL;
		ret = amp_err(-errno, "linux_ipc: mmap failed");
		goto fail;
	}
	ret = remote_layout(ipc);
	if (ret)
		goto fail;
	rsc_off = ipc->lay.rsc_off;
	rsc_size = ipc->lay.rsc_size;
	if (rsc_off > ipc->size || rsc_size > ipc->size - rsc_off ||
	    rsc_off % 8) {
		ret = amp_err(-EINVAL,
			      "linux_ipc: resource table [0x%x, +0x%x) outside "
			      "the shared memory",
			      rsc_off, rsc_size);
		goto fail;
	}
	/* Parse a private copy: the host may rewrite the shared table. */
	tbl = malloc(rsc_size ? rsc_size : 1);
	if (!tbl) {
		ret = amp_err(-ENOMEM, "linux_ipc: out of memory");
		goto fail;
	}
	amp_linux_shm_copy(tbl, ipc->map + rsc_off, rsc_size);
	ret = amp_rsc_find_vdev(tbl, rsc_size, AMP_VIRTIO_ID_RPMSG, &v);
	if (ret || v->num_of_vrings < 2) {
		ret = amp_err(-EINVAL, "linux_ipc: no RPMsg VDEV entry");
		goto fail;
	}
	n0 = v->vring[0].num;
	n1 = v->vring[1].num;
	if (!n0 || !n1 || n0 > AMP_VRING_MAX_NUM || n1 > AMP_VRING_MAX_NUM) {
		ret = amp_err(-EINVAL, "linux_ipc: bad vring size");
		goto fail;
	}
	/* The same entry in the shared table (the host writes status). */
	ipc->vdev =
		(struct amp_rsc_vdev *)(ipc->map + rsc_off + ((char *)v - tbl));
	if (!ipc->cfg.layout && ipc->lay.hdr_off == AMP_LINUX_OFF_NONE)
		find_rsc_shm(ipc, tbl, rsc_size);
	if (ipc->lay.bell_off != AMP_LINUX_OFF_NONE &&
	    (ipc->lay.bell_off % 64 || ipc->lay.bell_off > ipc->size ||
	     ipc->size - ipc->lay.bell_off < BELLS_SIZE)) {
		ret = amp_err(-EINVAL, "linux_ipc: doorbells outside the "
				       "shared memory");
		goto fail;
	}
	if (ipc->lay.pa_base + ipc->size < ipc->lay.pa_base ||
	    ipc->size > (uint64_t)UINT32_MAX - ipc->lay.da_base) {
		ret = amp_err(-EINVAL, "linux_ipc: bad numbering");
		goto fail;
	}
	ret = alloc_slots(ipc, n0, n1);
	if (!ret)
		ret = setup_port(ipc);
	if (ret)
		goto fail;
	free(tbl);
	*out = ipc;
	return 0;
fail:
	free(tbl);
	amp_linux_ipc_destroy(ipc);
	return ret;
}

/* ---- both ------------------------------------------------------------------ */

int amp_linux_ipc_rpmsg_start(struct amp_linux_ipc *ipc,
			      struct amp_rpmsg_dev *rdev, uint32_t timeout_us)
{
	int ret;

	if (ipc->role == AMP_RPMSG_HOST) {
		/* Our own layout, never what the shared header says now. */
		const struct amp_linux_layout *l = &ipc->lay;
		struct amp_rpmsg_host_cfg hc = {
			.vdev = ipc->vdev,
			.port = &ipc->port,
			.vring_mem = { ipc->map + l->vring_off[0],
				       ipc->map + l->vring_off[1] },
			.rx_bufs = ipc->map + l->rx_off,
			.rx_buf_size = ipc->cfg.r2h_buf_size,
			.tx_bufs = ipc->map + l->tx_off,
			.tx_buf_size = ipc->cfg.h2r_buf_size,
			.slots = { ipc->slots[0], ipc->slots[1] },
			.nslots = { ipc->nslots[0], ipc->nslots[1] },
			.features = ipc->cfg.hfeatures,
		};

		/* Rings and buffers must stay clear of the table and, in
		 * our layout, of the header (doorbells) in front of it. */
		if (l->hdr_off != AMP_LINUX_OFF_NONE && l->hdr_off < l->rsc_off) {
			hc.rsc_table = ipc->map + l->hdr_off;
			hc.rsc_size = l->rsc_off + l->rsc_size - l->hdr_off;
		} else {
			hc.rsc_table = ipc->map + l->rsc_off;
			hc.rsc_size = l->rsc_size;
		}
		ret = amp_rpmsg_host_init(rdev, &hc);
	} else {
		struct amp_rpmsg_remote_cfg rc = {
			.vdev = ipc->vdev,
			.port = &ipc->port,
			.slots = { ipc->slots[0], ipc->slots[1] },
			.nslots = { ipc->nslots[0], ipc->nslots[1] },
			/* The entry may not reach past the table. */
			.vdev_size = (size_t)(ipc->map + ipc->lay.rsc_off +
					      ipc->lay.rsc_size -
					      (char *)ipc->vdev),
		};

		ret = amp_rpmsg_remote_init(rdev, &rc, timeout_us);
	}
	if (ret)
		return amp_err(ret, "linux_ipc: RPMsg start failed (%d)", ret);
	return 0;
}

int amp_linux_ipc_memfd(const struct amp_linux_ipc *ipc)
{
	return ipc->memfd;
}

const struct amp_ipc_port *amp_linux_ipc_port(struct amp_linux_ipc *ipc)
{
	return &ipc->port;
}

struct amp_rsc_vdev *amp_linux_ipc_vdev(struct amp_linux_ipc *ipc)
{
	return ipc->vdev;
}

void *amp_linux_ipc_shm(struct amp_linux_ipc *ipc, size_t *size)
{
	if (size)
		*size = ipc->size;
	return ipc->map;
}

void amp_linux_ipc_get_stats(struct amp_linux_ipc *ipc,
			     struct amp_linux_ipc_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (ipc->nt.ops && ipc->nt.ops->get_stats)
		ipc->nt.ops->get_stats(ipc->nt.priv, st);
}

void amp_linux_ipc_destroy(struct amp_linux_ipc *ipc)
{
	if (!ipc)
		return;
	amp_linux_notifier_close(&ipc->nt);
	if (ipc->cfg.notifier)
		amp_linux_notifier_close(ipc->cfg.notifier);
	if (ipc->phys_added)
		amp_phys_remove(ipc->lay.pa_base);
	if (ipc->map)
		munmap(ipc->map, ipc->size);
	if (ipc->locked_init) {
		pthread_mutex_destroy(&ipc->lock);
		pthread_mutex_destroy(&ipc->cblock);
	}
	if (ipc->memfd >= 0)
		close(ipc->memfd);
	free(ipc->slots[0]);
	free(ipc->slots[1]);
	free(ipc);
}

/* ---- passing the memfd and the notifier's ends ------------------------ */

struct send_msg {
	uint32_t magic;
	uint32_t kind;
	uint32_t nfds;
};

int amp_linux_ipc_send(struct amp_linux_ipc *ipc, int sock)
{
	int fds[1 + AMP_LINUX_NOTIFY_MAX_FDS];
	struct send_msg m = { SEND_MAGIC, (uint32_t)ipc->nt.kind, 1 };
	int ret;

	if (ipc->role != AMP_RPMSG_HOST ||
	    ipc->nt.kind == AMP_LINUX_NOTIFY_CUSTOM ||
	    (ipc->nt.kind != AMP_LINUX_NOTIFY_FUTEX && !ipc->nt.npeer_fds))
		return amp_err(-EINVAL,
			       "linux_ipc: only a host with a ready-made "
			       "notifier can send it, once");
	fds[0] = ipc->memfd;
	for (unsigned int i = 0; i < ipc->nt.npeer_fds; i++)
		fds[m.nfds++] = ipc->nt.peer_fds[i];
	ret = amp_linux_send_fds(sock, &m, sizeof(m), fds, m.nfds);
	if (ret)
		return amp_err(ret, "linux_ipc: sending the memfd failed");
	/* The peer has its ends now: without ours, its exit is seen. */
	for (unsigned int i = 0; i < ipc->nt.npeer_fds; i++)
		close(ipc->nt.peer_fds[i]);
	ipc->nt.npeer_fds = 0;
	return 0;
}

int amp_linux_ipc_remote_recv(int sock, const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out)
{
	int fds[1 + AMP_LINUX_NOTIFY_MAX_FDS];
	struct send_msg m;
	struct amp_linux_ipc_cfg c;
	struct amp_linux_notifier nt;
	unsigned int nfds = 0, i;
	ssize_t n;
	int ret;

	if (cfg && cfg->notifier)
		return amp_err(-EINVAL, "linux_ipc: the notifier comes from "
					"the host here");
	n = amp_linux_recv_fds(sock, &m, sizeof(m), fds,
			       1 + AMP_LINUX_NOTIFY_MAX_FDS, &nfds, 0);
	if (n == 0)
		return amp_err(-ECONNRESET, "linux_ipc: peer closed");
	if (n < 0 && n != -EPROTO)
		return amp_err((int)n, "linux_ipc: receiving the memfd failed");
	if (n != (ssize_t)sizeof(m) || m.magic != SEND_MAGIC || !nfds ||
	    m.nfds != nfds) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return amp_err(-EPROTO, "linux_ipc: bad memfd message");
	}
	if (cfg)
		c = *cfg;
	else
		amp_linux_ipc_cfg_default(&c);
	if (m.kind != AMP_LINUX_NOTIFY_FUTEX) {
		ret = amp_linux_notifier_open_peer(
			(enum amp_linux_notify_kind)m.kind, fds + 1, nfds - 1,
			&nt);
		if (ret) {
			close(fds[0]);
			return ret;
		}
		c.notifier = &nt;
	} else if (nfds != 1) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return amp_err(-EPROTO, "linux_ipc: bad memfd message");
	}
	return amp_linux_ipc_remote_attach(fds[0], &c, out);
}
