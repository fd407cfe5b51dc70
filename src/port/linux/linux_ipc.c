/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux port: shared memory (sealed memfd) laid out for RPMsg, doorbells,
 * and the amp_ipc_port of each side.
 *
 * Layout (offsets from the start of the memfd):
 *   0x0000  struct shm_hdr: magic, numbering, doorbells (one line each)
 *   0x0100  resource table: header, offset[1], VDEV entry + 2 vrings
 *   0x1000  vring0 (remote-to-host), align 4096
 *   ...     vring1 (host-to-remote), page aligned
 *   ...     num remote-to-host buffers, then num host-to-remote buffers
 */
#include <ampshm/linux_ipc.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "port/linux/doorbell.h"

#define SHM_MAGIC 0x52504d41u /* "AMPR" */
#define SHM_VERSION 1u
#define RSC_OFF 0x100u
#define VRING_ALIGN 4096u
#define PAGE 4096u

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
	uint32_t pad[3];
	struct amp_bell bell[2]; /* [0]: the host waits on it, [1]: remote */
};
_Static_assert(sizeof(struct shm_hdr) <= RSC_OFF, "shm header too big");
_Static_assert(offsetof(struct shm_hdr, bell) == 64, "bell alignment");

struct amp_linux_ipc {
	enum amp_rpmsg_role role;
	int memfd;
	char *map;
	size_t size;
	struct shm_hdr *hdr;
	struct amp_rsc_vdev *vdev;
	struct amp_ipc_region region;
	struct amp_ipc_port port;
	pthread_mutex_t lock;
	struct amp_bell_waiter waiter; /* our bell */
	struct amp_bell *peer; /* the other side's bell */
	struct amp_vq_slot *slots[2];
	unsigned int nslots[2];
	struct amp_linux_ipc_cfg cfg;
};

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
}

/* ---- port operations ---------------------------------------------------- */

static int lx_notify(void *priv, uint32_t notifyid)
{
	struct amp_linux_ipc *ipc = priv;

	(void)notifyid; /* one doorbell per side serves every vring */
	amp_bell_ring(ipc->peer, &ipc->waiter.st);
	return 0;
}

static uint32_t lx_wait_prepare(void *priv)
{
	struct amp_linux_ipc *ipc = priv;

	return amp_bell_prepare(&ipc->waiter);
}

static int lx_wait(void *priv, uint32_t token, uint32_t *remaining_us)
{
	struct amp_linux_ipc *ipc = priv;

	return amp_bell_wait(&ipc->waiter, token, remaining_us);
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

static const struct amp_ipc_port_ops lx_ops = {
	.notify = lx_notify,
	.wait_prepare = lx_wait_prepare,
	.wait = lx_wait,
	.lock = lx_lock,
	.unlock = lx_unlock,
};

static void setup_port(struct amp_linux_ipc *ipc, uint64_t pa, uint32_t da)
{
	int b = ipc->role == AMP_RPMSG_HOST ? 0 : 1;

	ipc->region = (struct amp_ipc_region){
		.va = ipc->map, .pa = pa, .da = da, .size = ipc->size
	};
	ipc->port = (struct amp_ipc_port){
		.ops = &lx_ops,
		.priv = ipc,
		.regions = &ipc->region,
		.nregions = 1,
		.flags = ipc->cfg.noncoherent ? 0 : AMP_IPC_F_COHERENT,
	};
	pthread_mutex_init(&ipc->lock, NULL);
	amp_bell_waiter_init(&ipc->waiter, &ipc->hdr->bell[b],
			     ipc->cfg.spin_us);
	ipc->peer = &ipc->hdr->bell[!b];
}

static int alloc_slots(struct amp_linux_ipc *ipc, unsigned int n0,
		       unsigned int n1)
{
	ipc->slots[0] = calloc(n0, sizeof(struct amp_vq_slot));
	ipc->slots[1] = calloc(n1, sizeof(struct amp_vq_slot));
	if (!ipc->slots[0] || !ipc->slots[1])
		return -ENOMEM;
	ipc->nslots[0] = n0;
	ipc->nslots[1] = n1;
	return 0;
}

/* ---- host ------------------------------------------------------------------ */

static void write_rsc_table(struct amp_linux_ipc *ipc)
{
	char *t = ipc->map + RSC_OFF;
	struct amp_rsc_table *tbl = (struct amp_rsc_table *)t;
	struct amp_rsc_vdev *v;
	int i;

	tbl->ver = 1;
	tbl->num = 1;
	tbl->offset[0] = sizeof(*tbl) + sizeof(uint32_t);
	v = (struct amp_rsc_vdev *)(t + tbl->offset[0]);
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
	ipc->hdr->rsc_off = RSC_OFF;
	ipc->hdr->rsc_size = (uint32_t)(tbl->offset[0] + sizeof(*v) +
					2 * sizeof(struct amp_rsc_vring));
}

int amp_linux_ipc_host_create(const struct amp_linux_ipc_cfg *cfg,
			      struct amp_linux_ipc **out)
{
	struct amp_linux_ipc *ipc;
	size_t vring_bytes, rx_bytes, tx_bytes;
	struct shm_hdr *h;
	int ret;

	ipc = calloc(1, sizeof(*ipc));
	if (!ipc)
		return amp_err(-ENOMEM, "linux_ipc: out of memory");
	if (cfg)
		ipc->cfg = *cfg;
	else
		amp_linux_ipc_cfg_default(&ipc->cfg);
	cfg = &ipc->cfg;
	ipc->role = AMP_RPMSG_HOST;
	ipc->memfd = -1;
	if (!cfg->num || cfg->num > AMP_VRING_MAX_NUM ||
	    (cfg->num & (cfg->num - 1)) ||
	    cfg->h2r_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->r2h_buf_size <= AMP_RPMSG_HDR_SIZE ||
	    cfg->h2r_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    cfg->r2h_buf_size > 0xFFFFu + AMP_RPMSG_HDR_SIZE ||
	    ((cfg->h2r_buf_size | cfg->r2h_buf_size) & 3)) {
		ret = amp_err(-EINVAL, "linux_ipc: bad ring or buffer size");
		goto fail;
	}

	vring_bytes = round_up(amp_vring_size(cfg->num, VRING_ALIGN), PAGE);
	rx_bytes = round_up((size_t)cfg->num * cfg->r2h_buf_size, PAGE);
	tx_bytes = round_up((size_t)cfg->num * cfg->h2r_buf_size, PAGE);
	ipc->size = PAGE + 2 * vring_bytes + rx_bytes + tx_bytes;
	if (ipc->size > UINT32_MAX - cfg->da_base) {
		ret = amp_err(-EINVAL, "linux_ipc: region too large");
		goto fail;
	}

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
	h = ipc->hdr = (struct shm_hdr *)ipc->map;
	h->version = SHM_VERSION;
	h->size = ipc->size;
	h->pa_base = cfg->pa_base;
	h->da_base = cfg->da_base;
	h->vring_off[0] = PAGE;
	h->vring_off[1] = (uint32_t)(PAGE + vring_bytes);
	h->rx_off = (uint32_t)(PAGE + 2 * vring_bytes);
	h->tx_off = (uint32_t)(h->rx_off + rx_bytes);
	write_rsc_table(ipc);
	ret = alloc_slots(ipc, cfg->num, cfg->num);
	if (ret)
		goto fail;
	setup_port(ipc, cfg->pa_base, cfg->da_base);
	__atomic_store_n(&h->magic, SHM_MAGIC, __ATOMIC_RELEASE);
	*out = ipc;
	return 0;
fail:
	amp_linux_ipc_destroy(ipc);
	return ret;
}

/* ---- remote ------------------------------------------------------------- */

int amp_linux_ipc_remote_attach(int memfd, const struct amp_linux_ipc_cfg *cfg,
				struct amp_linux_ipc **out)
{
	struct amp_linux_ipc *ipc;
	struct shm_hdr *h;
	struct stat st;
	uint32_t n0, n1;
	int ret, seals;

	ipc = calloc(1, sizeof(*ipc));
	if (!ipc) {
		close(memfd);
		return amp_err(-ENOMEM, "linux_ipc: out of memory");
	}
	if (cfg)
		ipc->cfg = *cfg;
	else
		amp_linux_ipc_cfg_default(&ipc->cfg);
	ipc->role = AMP_RPMSG_REMOTE;
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
	h = ipc->hdr = (struct shm_hdr *)ipc->map;
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != SHM_MAGIC ||
	    h->version != SHM_VERSION || h->size != ipc->size ||
	    h->rsc_off > ipc->size || h->rsc_size > ipc->size - h->rsc_off) {
		ret = amp_err(-EINVAL, "linux_ipc: not an ampshm RPMsg region");
		goto fail;
	}
	ret = amp_rsc_find_vdev(ipc->map + h->rsc_off, h->rsc_size,
				AMP_VIRTIO_ID_RPMSG, &ipc->vdev);
	if (ret || ipc->vdev->num_of_vrings < 2) {
		ret = amp_err(-EINVAL, "linux_ipc: no RPMsg VDEV entry");
		goto fail;
	}
	n0 = ipc->vdev->vring[0].num;
	n1 = ipc->vdev->vring[1].num;
	if (!n0 || !n1 || n0 > AMP_VRING_MAX_NUM || n1 > AMP_VRING_MAX_NUM) {
		ret = amp_err(-EINVAL, "linux_ipc: bad vring size");
		goto fail;
	}
	ret = alloc_slots(ipc, n0, n1);
	if (ret)
		goto fail;
	setup_port(ipc, h->pa_base, h->da_base);
	*out = ipc;
	return 0;
fail:
	amp_linux_ipc_destroy(ipc);
	return ret;
}

/* ---- both ------------------------------------------------------------------ */

int amp_linux_ipc_rpmsg_start(struct amp_linux_ipc *ipc,
			      struct amp_rpmsg_dev *rdev, uint32_t timeout_us)
{
	int ret;

	if (ipc->role == AMP_RPMSG_HOST) {
		struct amp_rpmsg_host_cfg hc = {
			.vdev = ipc->vdev,
			.port = &ipc->port,
			.vring_mem = { ipc->map + ipc->hdr->vring_off[0],
				       ipc->map + ipc->hdr->vring_off[1] },
			.rx_bufs = ipc->map + ipc->hdr->rx_off,
			.rx_buf_size = ipc->cfg.r2h_buf_size,
			.tx_bufs = ipc->map + ipc->hdr->tx_off,
			.tx_buf_size = ipc->cfg.h2r_buf_size,
			.slots = { ipc->slots[0], ipc->slots[1] },
			.nslots = { ipc->nslots[0], ipc->nslots[1] },
			.features = ipc->cfg.hfeatures,
		};

		ret = amp_rpmsg_host_init(rdev, &hc);
	} else {
		struct amp_rpmsg_remote_cfg rc = {
			.vdev = ipc->vdev,
			.port = &ipc->port,
			.slots = { ipc->slots[0], ipc->slots[1] },
			.nslots = { ipc->nslots[0], ipc->nslots[1] },
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
	*st = ipc->waiter.st;
	st->spin_ns = atomic_load(&ipc->waiter.spin_ns);
}

void amp_linux_ipc_destroy(struct amp_linux_ipc *ipc)
{
	if (!ipc)
		return;
	if (ipc->map) {
		munmap(ipc->map, ipc->size);
		pthread_mutex_destroy(&ipc->lock);
	}
	if (ipc->memfd >= 0)
		close(ipc->memfd);
	free(ipc->slots[0]);
	free(ipc->slots[1]);
	free(ipc);
}
