// SPDX-License-Identifier: BSD-3-Clause
/* The RPMsg link of a coprocessor's backend: see link.h. */
#include "remoteproc/link.h"

#include <errno.h>
#include <string.h>

#include "core/error.h"
#include "core/phys.h"
#include "core/shm_internal.h"

static int port_notify(void *priv, uint32_t id)
{
	const struct amp_linux_notifier *b = priv;

	(void)id;
	return b->ops->notify(b->priv);
}

static uint32_t port_prepare(void *priv)
{
	const struct amp_linux_notifier *b = priv;

	return b->ops->prepare(b->priv);
}

static int port_wait(void *priv, uint32_t token, uint32_t *remaining)
{
	const struct amp_linux_notifier *b = priv;

	return b->ops->wait(b->priv, token, remaining);
}

void amp_rproc_link_init(struct amp_rproc_link *l, struct amp_rproc *rp,
			 const struct amp_linux_notifier *bell,
			 void (*wake)(void *priv), void *wake_priv)
{
	l->rp = rp;
	l->bell = bell;
	l->wake = wake;
	l->wake_priv = wake_priv;
	l->up = false;
	pthread_mutex_init(&l->mu, NULL);
}

void amp_rproc_link_fini(struct amp_rproc_link *l)
{
	pthread_mutex_destroy(&l->mu);
}

int amp_rproc_link_up(struct amp_rproc_link *l)
{
	struct amp_rproc *rp = l->rp;
	struct amp_rpmsg_host_cfg cfg;
	const struct amp_rproc_area *co = NULL;
	uint8_t *bufs = NULL;
	uint64_t off,
		need = 2ull * AMP_RPROC_LINK_SLOTS * AMP_RPROC_LINK_BUF_SIZE;
	size_t nreg = 0;
	int ret;

	if (!rp->table)
		return 0; /* no resource table: no link */
	for (size_t i = 0; i < rp->narea; i++) {
		const struct amp_rproc_area *a = &rp->area[i];
		uint64_t contig = 0;
		void *va = amp_phys_ptr(a->pa, &contig);

		if (!va || contig < a->len)
			continue; /* DEVMEM that is not memory */
		l->regions[nreg++] = (struct amp_ipc_region){
			.va = va, .pa = a->pa, .da = a->da, .size = a->len
		};
		if (!co && a->entry >= 0 && !a->devmem) {
			co = a;
			bufs = va;
		}
	}
	if (!co)
		return amp_err(-ENOSPC,
			       "rproc '%s': no carveout for the "
			       "host's RPMsg buffers",
			       rp->name);
	/* The host's buffers: the top quarter of the first carveout. */
	off = amp_align_up(co->len - co->len / 4, 64);
	if (off > co->len || need > co->len - off)
		return amp_err(-ENOSPC,
			       "rproc '%s': carveout '%s' too small for the "
			       "host's RPMsg buffers (0x%llx bytes)",
			       rp->name, co->name, (unsigned long long)need);
	l->port_ops = (struct amp_ipc_port_ops){ .notify = port_notify,
						 .wait_prepare = port_prepare,
						 .wait = port_wait };
	l->port = (struct amp_ipc_port){ .ops = &l->port_ops,
					 .priv = (void *)l->bell,
					 .regions = l->regions,
					 .nregions = nreg,
					 .flags = AMP_IPC_F_COHERENT };
	memset(&cfg, 0, sizeof(cfg));
	cfg.port = &l->port;
	cfg.rx_bufs = bufs + off;
	cfg.rx_buf_size = AMP_RPROC_LINK_BUF_SIZE;
	cfg.tx_bufs = bufs + off + need / 2;
	cfg.tx_buf_size = AMP_RPROC_LINK_BUF_SIZE;
	cfg.slots[0] = l->slots[0];
	cfg.slots[1] = l->slots[1];
	cfg.nslots[0] = AMP_RPROC_LINK_SLOTS;
	cfg.nslots[1] = AMP_RPROC_LINK_SLOTS;
	cfg.features = 1u << AMP_VIRTIO_RPMSG_F_NS;
	pthread_mutex_lock(&l->mu);
	ret = amp_rpmsg_host_init_rsc(&l->rdev, &cfg, rp->table,
				      rp->table_size);
	if (ret == -ENOENT) {
		ret = 0; /* no RPMsg VDEV: no link */
	} else if (!ret) {
		amp_rpmsg_set_tx_timeout(&l->rdev, 200 * 1000);
		amp_rpmsg_set_ns_bind_cb(&l->rdev, l->ns_cb, l->ns_priv);
		l->up = true;
		__atomic_add_fetch(&l->gen, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&l->mu);
	return ret;
}

void amp_rproc_link_down(struct amp_rproc_link *l)
{
	pthread_mutex_lock(&l->mu);
	if (l->up)
		amp_rpmsg_deinit(&l->rdev);
	l->up = false;
	pthread_mutex_unlock(&l->mu);
	/* wake a poller sleeping on the doorbell: it sees the link down */
	l->wake(l->wake_priv);
}

struct amp_rpmsg_dev *amp_rproc_link_lock_op(void *priv, struct amp_rproc *rp)
{
	struct amp_rproc_link *l = priv;

	(void)rp;
	pthread_mutex_lock(&l->mu);
	if (l->up)
		return &l->rdev;
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

void amp_rproc_link_unlock_op(void *priv, struct amp_rproc *rp)
{
	struct amp_rproc_link *l = priv;

	(void)rp;
	pthread_mutex_unlock(&l->mu);
}

int amp_rproc_link_poll_op(void *priv, struct amp_rproc *rp,
			   uint32_t timeout_us)
{
	struct amp_rproc_link *l = priv;
	const struct amp_linux_notifier *b = l->bell;
	uint32_t remaining = timeout_us;

	(void)rp;
	for (;;) {
		uint32_t token;
		int ret;

		pthread_mutex_lock(&l->mu);
		if (!l->up) {
			pthread_mutex_unlock(&l->mu);
			return -ENOTCONN;
		}
		token = b->ops->prepare(b->priv);
		ret = amp_rpmsg_poll(&l->rdev, 0);
		pthread_mutex_unlock(&l->mu);
		if (ret > 0 || (ret < 0 && ret != -ETIMEDOUT && ret != -EAGAIN))
			return ret;
		if (!remaining)
			return -ETIMEDOUT;
		ret = b->ops->wait(b->priv, token, &remaining);
		if (ret < 0 && ret != -ETIMEDOUT)
			return ret == -EPIPE ? -ENOTCONN : ret;
	}
}

void amp_rproc_link_set_ns_op(void *priv, struct amp_rproc *rp,
			      amp_rpmsg_ns_bind_cb cb, void *cb_priv)
{
	struct amp_rproc_link *l = priv;

	(void)rp;
	pthread_mutex_lock(&l->mu);
	l->ns_cb = cb;
	l->ns_priv = cb_priv;
	if (l->up)
		amp_rpmsg_set_ns_bind_cb(&l->rdev, cb, cb_priv);
	pthread_mutex_unlock(&l->mu);
}

unsigned amp_rproc_link_gen_op(void *priv, struct amp_rproc *rp)
{
	struct amp_rproc_link *l = priv;

	(void)rp;
	return __atomic_load_n(&l->gen, __ATOMIC_ACQUIRE);
}
