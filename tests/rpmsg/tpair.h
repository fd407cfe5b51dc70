/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test helpers: a loopback port with real blocking waits (pthread mutex +
 * condition variable, wait_prepare/wait tokens, one deadline counted
 * down), a recursive callback lock, and a host and a remote in one process
 * over one region laid out from a resource table at offset 0:
 *
 *   0x0000 resource table (ver 1, one VDEV entry, two vrings "any")
 *   0x1000 vring0, then vring1 (page aligned), then the RX buffers of the
 *          host (num * r2h), then its TX buffers (num * h2r), unpadded.
 */
#ifndef AMP_TEST_TPAIR_H
#define AMP_TEST_TPAIR_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ampshm/rpmsg.h>

struct tport {
	pthread_mutex_t m; /* notification state */
	pthread_cond_t c;
	uint32_t seq;
	struct tport *peer;
	pthread_mutex_t lock;
	pthread_mutex_t cblock; /* recursive */
	atomic_uint notifies;
	/* Called at the start of every wait (a hostile peer's hook). */
	void (*wait_hook)(void *arg);
	void *hook_arg;
	struct amp_ipc_region region;
	struct amp_ipc_port port;
};

static inline uint64_t tp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Ring @t's doorbell (what the peer's notify does). */
static inline void tport_ring(struct tport *t)
{
	pthread_mutex_lock(&t->m);
	t->seq++;
	pthread_cond_broadcast(&t->c);
	pthread_mutex_unlock(&t->m);
}

static inline int tp_notify(void *priv, uint32_t id)
{
	struct tport *t = priv;

	(void)id;
	atomic_fetch_add(&t->peer->notifies, 1);
	tport_ring(t->peer);
	return 0;
}

static inline uint32_t tp_wait_prepare(void *priv)
{
	struct tport *t = priv;
	uint32_t s;

	pthread_mutex_lock(&t->m);
	s = t->seq;
	pthread_mutex_unlock(&t->m);
	return s;
}

static inline int tp_wait(void *priv, uint32_t token, uint32_t *remaining)
{
	struct tport *t = priv;
	uint64_t start = tp_now_us(), deadline, now;
	int ret = 0;

	if (t->wait_hook)
		t->wait_hook(t->hook_arg);
	deadline = start + *remaining;
	pthread_mutex_lock(&t->m);
	while (t->seq == token) {
		if (*remaining == UINT32_MAX) {
			pthread_cond_wait(&t->c, &t->m);
			continue;
		}
		now = tp_now_us();
		if (now >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		{
			struct timespec ts;
			uint64_t left = deadline - now;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(left / 1000000u);
			ts.tv_nsec += (long)(left % 1000000u) * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&t->c, &t->m, &ts);
		}
	}
	pthread_mutex_unlock(&t->m);
	if (*remaining != UINT32_MAX) {
		uint64_t spent = tp_now_us() - start;

		*remaining = ret || spent >= *remaining ?
				     0 :
				     *remaining - (uint32_t)spent;
	}
	return ret;
}

static inline void tp_lock(void *priv)
{
	pthread_mutex_lock(&((struct tport *)priv)->lock);
}

static inline void tp_unlock(void *priv)
{
	pthread_mutex_unlock(&((struct tport *)priv)->lock);
}

#ifndef TPAIR_NO_CB_LOCK
static inline void tp_cb_lock(void *priv)
{
	pthread_mutex_lock(&((struct tport *)priv)->cblock);
}

static inline void tp_cb_unlock(void *priv)
{
	pthread_mutex_unlock(&((struct tport *)priv)->cblock);
}
#endif

static const struct amp_ipc_port_ops tport_ops = {
	.notify = tp_notify,
	.wait_prepare = tp_wait_prepare,
	.wait = tp_wait,
	.lock = tp_lock,
	.unlock = tp_unlock,
#ifndef TPAIR_NO_CB_LOCK
	.cb_lock = tp_cb_lock,
	.cb_unlock = tp_cb_unlock,
#endif
};

static inline void tport_init(struct tport *t, struct tport *peer, void *mem,
			      size_t size)
{
	pthread_mutexattr_t a;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->m, NULL);
	pthread_cond_init(&t->c, NULL);
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&t->cblock, &a);
	pthread_mutexattr_destroy(&a);
	t->peer = peer;
	t->region = (struct amp_ipc_region){
		.va = mem, .pa = 0x900000000ull, .da = 0x10000000u, .size = size
	};
	t->port = (struct amp_ipc_port){ .ops = &tport_ops,
					 .priv = t,
					 .regions = &t->region,
					 .nregions = 1,
					 .flags = AMP_IPC_F_COHERENT };
}

static inline void tport_destroy(struct tport *t)
{
	pthread_mutex_destroy(&t->m);
	pthread_cond_destroy(&t->c);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->cblock);
}

#define TPAIR_RSC_SIZE (20u + 28u + 40u)
#define TPAIR_SLOTS 4096u

struct tpair {
	uint8_t *mem;
	size_t size;
	unsigned int num;
	uint32_t h2r, r2h;
	size_t vring_off[2], rx_off, tx_off;
	struct amp_rsc_vdev *vdev;
	struct tport hp, rp;
	struct amp_rpmsg_dev hd, rd;
	struct amp_vq_slot hs[2][TPAIR_SLOTS], rs[2][TPAIR_SLOTS];
};

static inline size_t tp_round(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Lay out the region and write the resource table (no start yet). */
static inline struct tpair *tpair_new(unsigned int num, uint32_t h2r,
				      uint32_t r2h)
{
	struct tpair *p = calloc(1, sizeof(*p));
	size_t vsz = tp_round(amp_vring_size(num, 4096), 4096);
	struct amp_rsc_table *t;
	int i;

	p->num = num;
	p->h2r = h2r;
	p->r2h = r2h;
	p->vring_off[0] = 0x1000;
	p->vring_off[1] = 0x1000 + vsz;
	p->rx_off = 0x1000 + 2 * vsz;
	p->tx_off = p->rx_off + (size_t)num * r2h;
	p->size = tp_round(p->tx_off + (size_t)num * h2r, 4096);
	p->mem = aligned_alloc(4096, p->size);
	memset(p->mem, 0, p->size);
	t = (struct amp_rsc_table *)p->mem;
	t->ver = 1;
	t->num = 1;
	t->offset[0] = 20;
	p->vdev = (struct amp_rsc_vdev *)(p->mem + 20);
	p->vdev->type = AMP_RSC_VDEV;
	p->vdev->id = AMP_VIRTIO_ID_RPMSG;
	p->vdev->notifyid = 2;
	p->vdev->dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS;
	p->vdev->num_of_vrings = 2;
	for (i = 0; i < 2; i++)
		p->vdev->vring[i] = (struct amp_rsc_vring){ AMP_RSC_ADDR_ANY,
							    4096, num,
							    (uint32_t)i, 0 };
	tport_init(&p->hp, &p->rp, p->mem, p->size);
	tport_init(&p->rp, &p->hp, p->mem, p->size);
	return p;
}

static inline struct amp_rpmsg_host_cfg tpair_host_cfg(struct tpair *p)
{
	struct amp_rpmsg_host_cfg hc = {
		.vdev = p->vdev,
		.port = &p->hp.port,
		.vring_mem = { p->mem + p->vring_off[0],
			       p->mem + p->vring_off[1] },
		.rx_bufs = p->mem + p->rx_off,
		.rx_buf_size = p->r2h,
		.tx_bufs = p->mem + p->tx_off,
		.tx_buf_size = p->h2r,
		.slots = { p->hs[0], p->hs[1] },
		.nslots = { TPAIR_SLOTS, TPAIR_SLOTS },
		.features = 1u << AMP_VIRTIO_RPMSG_F_NS,
#ifndef TPAIR_NO_CB_LOCK
		.rsc_table = p->mem,
		.rsc_size = TPAIR_RSC_SIZE,
#endif
	};
	return hc;
}

static inline struct amp_rpmsg_remote_cfg tpair_remote_cfg(struct tpair *p)
{
	struct amp_rpmsg_remote_cfg rc = {
		.vdev = p->vdev,
		.port = &p->rp.port,
		.slots = { p->rs[0], p->rs[1] },
		.nslots = { TPAIR_SLOTS, TPAIR_SLOTS },
	};
	return rc;
}

static inline int tpair_host_start(struct tpair *p)
{
	struct amp_rpmsg_host_cfg hc = tpair_host_cfg(p);

	return amp_rpmsg_host_init(&p->hd, &hc);
}

static inline int tpair_remote_start(struct tpair *p, uint32_t timeout_us)
{
	struct amp_rpmsg_remote_cfg rc = tpair_remote_cfg(p);

	return amp_rpmsg_remote_init(&p->rd, &rc, timeout_us);
}

/* Both sides started; 0 or the first error. */
static inline int tpair_start(struct tpair *p)
{
	int ret = tpair_host_start(p);

	if (!ret)
		ret = tpair_remote_start(p, 0);
	return ret;
}

/* Process both sides until neither has anything left. */
static inline void tpair_pump(struct tpair *p)
{
	int a, b;

	do {
		a = amp_rpmsg_process(&p->hd);
		b = amp_rpmsg_process(&p->rd);
	} while (a > 0 || b > 0);
}

static inline void tpair_free(struct tpair *p)
{
	amp_rpmsg_deinit(&p->hd);
	amp_rpmsg_deinit(&p->rd);
	tport_destroy(&p->hp);
	tport_destroy(&p->rp);
	free(p->mem);
	free(p);
}

#endif
