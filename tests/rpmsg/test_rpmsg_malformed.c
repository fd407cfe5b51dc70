/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A peer that writes garbage into the rings and buffers: every rule is
 * checked, the bad input dropped and counted, the error callback told,
 * and the link keeps running.
 */
#include "rp_pair.h"

struct errs {
	int n;
	enum amp_ipc_err last;
	uint64_t detail;
};

static void err_cb(enum amp_ipc_err err, uint64_t detail, void *priv)
{
	struct errs *e = priv;

	e->n++;
	e->last = err;
	e->detail = detail;
}

struct rx {
	int n;
	bool hold;
	void *ptr;
};

static int rx_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		 uint32_t src, void *priv)
{
	struct rx *r = priv;

	(void)len;
	(void)src;
	r->n++;
	r->ptr = data;
	if (r->hold)
		amp_rpmsg_hold_rx_buffer(ept, data);
	return 0;
}

struct fx {
	struct rp_pair p;
	struct amp_rpmsg_endpoint he, re;
	struct rx hrx, rrx;
	struct errs herr, rerr;
	char *shm;
	size_t size;
	uint64_t pa_base;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct amp_linux_ipc_cfg cfg;

	amp_linux_ipc_cfg_default(&cfg);
	rp_pair_open(&f->p, &cfg);
	f->pa_base = cfg.pa_base;
	f->shm = amp_linux_ipc_shm(f->p.h, &f->size);
	assert_int_equal(amp_rpmsg_create_ept(&f->he, &f->p.hd, NULL, 2001,
					      2000, rx_cb, NULL, &f->hrx),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&f->re, &f->p.rd, NULL, 2000,
					      2001, rx_cb, NULL, &f->rrx),
			 0);
	amp_rpmsg_set_err_cb(&f->p.hd, err_cb, &f->herr);
	amp_rpmsg_set_err_cb(&f->p.rd, err_cb, &f->rerr);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rp_pair_close(&f->p);
	free(f);
	return 0;
}

static uint32_t cnt(struct amp_rpmsg_dev *d, enum amp_ipc_err e)
{
	struct amp_rpmsg_stats st;

	amp_rpmsg_get_stats(d, &st);
	return st.ipc.err[e];
}

/* A host that posts whatever it likes on vring1 (host-to-remote). */
static void evil_post(struct fx *f, uint16_t id, uint64_t addr, uint32_t len,
		      uint16_t flags)
{
	struct amp_vring *vr = &f->p.hd.tvq.vr;
	uint16_t idx = vr->avail->idx;

	if (id < vr->num)
		vr->desc[id] = (struct amp_vring_desc){ addr, len, flags, 0 };
	vr->avail->ring[idx & (vr->num - 1)] = id;
	__atomic_store_n(&vr->avail->idx, (uint16_t)(idx + 1),
			 __ATOMIC_RELEASE);
}

/* A remote that returns whatever it likes on vring0 (remote-to-host). */
static void evil_used(struct fx *f, uint32_t id, uint32_t len)
{
	struct amp_vring *vr = &f->p.rd.tvq.vr;
	uint16_t idx = vr->used->idx;

	vr->used->ring[idx & (vr->num - 1)] =
		(struct amp_vring_used_elem){ id, len };
	__atomic_store_n(&vr->used->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
}

/* Address and pointer of host TX buffer @i (a legitimate buffer). */
static uint64_t txpa(struct fx *f, unsigned int i)
{
	return f->p.hd.tvq.slots[i].pa;
}

static struct amp_rpmsg_hdr *txhdr(struct fx *f, unsigned int i)
{
	return f->p.hd.tvq.slots[i].va;
}

static void put_msg(struct fx *f, unsigned int i, uint32_t dst, uint16_t len)
{
	*txhdr(f, i) =
		(struct amp_rpmsg_hdr){ .src = 2001, .dst = dst, .len = len };
}

static uint16_t used_idx1(struct fx *f)
{
	return f->p.hd.tvq.vr.used->idx;
}

static void test_desc_id_out_of_range(void **state)
{
	struct fx *f = *state;

	evil_post(f, 300, 0, 0, 0);
	evil_post(f, 0xFFFF, 0, 0, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_ID), 2);
	assert_int_equal(f->rerr.n, 2);
	assert_int_equal(f->rerr.last, AMP_IPC_ERR_DESC_ID);
	assert_int_equal(f->rerr.detail, 0xFFFF);
	assert_int_equal(used_idx1(f), 0); /* nothing to give back */
	/* Still running: a good message goes through. */
	put_msg(f, 1, 2000, 4);
	evil_post(f, 1, txpa(f, 1), 20, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 1);
	assert_int_equal(f->rrx.n, 1);
}

static void test_desc_chain_indirect(void **state)
{
	struct fx *f = *state;

	put_msg(f, 0, 2000, 4);
	put_msg(f, 1, 2000, 4);
	evil_post(f, 0, txpa(f, 0), 20, AMP_VRING_DESC_F_NEXT);
	evil_post(f, 1, txpa(f, 1), 20, AMP_VRING_DESC_F_INDIRECT);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_CHAIN), 2);
	assert_int_equal(f->rrx.n, 0);
	/*
	 * Valid ids are handed back untouched, with the descriptor's length
	 * (OpenAMP takes the used len as the buffer size: 0 would wrap).
	 */
	assert_int_equal(used_idx1(f), 2);
	assert_int_equal(f->p.hd.tvq.vr.used->ring[0].len, 20);
	assert_int_equal(f->p.hd.tvq.vr.used->ring[1].len, 20);
}

static void test_desc_addr_outside(void **state)
{
	struct fx *f = *state;

	evil_post(f, 0, f->pa_base - 16, 512, 0); /* below */
	evil_post(f, 1, f->pa_base + f->size - 100, 512, 0); /* straddles */
	evil_post(f, 2, UINT64_MAX - 8, 512, 0); /* wraps */
	evil_post(f, 3, 0x1000, 512, 0); /* a low address */
	evil_post(f, 4, f->pa_base, 0xFFFFFFFFu, 0); /* huge len */
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_ADDR), 5);
	assert_int_equal(used_idx1(f), 5);
	/* The last byte of the region is fine. */
	evil_post(f, 5, f->pa_base + f->size - 16, 16, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_ADDR), 5);
	/* Misaligned (OpenAMP carves odd sizes back to back): accepted. */
	{
		struct amp_rpmsg_hdr h = { .src = 2001, .dst = 2000, .len = 4 };

		memcpy((char *)txhdr(f, 6) + 2, &h, sizeof(h));
		memcpy((char *)txhdr(f, 6) + 2 + 16, "odd!", 4);
	}
	evil_post(f, 6, txpa(f, 6) + 2, 64, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 1);
	assert_int_equal(f->rrx.n, 1);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_ADDR), 5);
	/* Refused descriptors went back with their own length. */
	assert_int_equal(f->p.hd.tvq.vr.used->ring[4].len, 0xFFFFFFFFu);
}

static void test_desc_len(void **state)
{
	struct fx *f = *state;

	put_msg(f, 0, 2000, 4);
	evil_post(f, 0, txpa(f, 0), 0, 0); /* zero */
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_LEN), 1);
	put_msg(f, 1, 2000, 4);
	evil_post(f, 1, txpa(f, 1), 8, 0); /* shorter than a header */
	put_msg(f, 2, 2000, 5);
	evil_post(f, 2, txpa(f, 2), 20, 0); /* hdr.len 5 > 20 - 16 */
	put_msg(f, 3, 2000, 497);
	evil_post(f, 3, txpa(f, 3), 512, 0); /* hdr.len > buffer */
	put_msg(f, 4, 2000, 0xFFFF);
	evil_post(f, 4, txpa(f, 4), 512, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_HDR_LEN), 4);
	assert_int_equal(f->rrx.n, 0);
	/* hdr.len is trusted over a larger descriptor len (OpenAMP). */
	put_msg(f, 5, 2000, 4);
	evil_post(f, 5, txpa(f, 5), 512, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 1);
}

static void test_unknown_dst(void **state)
{
	struct fx *f = *state;

	assert_int_equal(amp_rpmsg_trysendto(&f->he, "x", 1, 4242), 1);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_NO_EPT), 1);
	assert_int_equal(f->rerr.detail, 4242);
}

static void test_avail_idx_jump(void **state)
{
	struct fx *f = *state;
	struct amp_vring *vr = &f->p.hd.tvq.vr;

	vr->avail->idx = 257; /* 257 entries "available" on a 256 ring */
	assert_int_equal(amp_rpmsg_process(&f->p.rd), -EIO);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_AVAIL_IDX), 1);
	assert_int_equal(f->rrx.n, 0);
	/* The queue stays stopped; nothing is read, nothing counted twice. */
	assert_int_equal(amp_rpmsg_process(&f->p.rd), -EIO);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_AVAIL_IDX), 1);
	/* The other direction still works. */
	assert_int_equal(amp_rpmsg_trysend(&f->re, "ok", 2), 2);
	assert_int_equal(amp_rpmsg_process(&f->p.hd), 1);
}

static void test_dup_avail_id(void **state)
{
	struct fx *f = *state;

	f->rrx.hold = true;
	put_msg(f, 0, 2000, 4);
	evil_post(f, 0, txpa(f, 0), 20, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 1);
	/* Same id again while the remote holds it. */
	evil_post(f, 0, txpa(f, 0), 20, 0);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 0);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_DESC_STATE), 1);
	assert_int_equal(amp_rpmsg_release_rx_buffer(&f->re, f->rrx.ptr), 0);
}

static void ns_send(struct fx *f, const void *m, size_t len)
{
	assert_int_equal(amp_rpmsg_trysend_offchannel(
				 &f->he, 2001, AMP_RPMSG_NS_ADDR, m, len),
			 (int)len);
	amp_rpmsg_process(&f->p.rd);
}

static int binds;
static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	(void)rdev;
	(void)name;
	(void)dest;
	(void)priv;
	binds++;
}

static void test_ns_garbage(void **state)
{
	struct fx *f = *state;
	struct amp_rpmsg_ns_msg m;
	char big[41];

	binds = 0;
	amp_rpmsg_set_ns_bind_cb(&f->p.rd, bind_cb, NULL);
	memset(&m, 0, sizeof(m));
	strcpy(m.name, "svc");
	m.addr = 1500;
	ns_send(f, &m, 39);
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	ns_send(f, big, 41);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_NS_LEN), 2);
	memset(m.name, 'A', sizeof(m.name)); /* no terminator */
	ns_send(f, &m, sizeof(m));
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_NS_NAME), 1);
	strcpy(m.name, "svc");
	m.flags = 7;
	ns_send(f, &m, sizeof(m));
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_NS_FLAGS), 1);
	assert_int_equal(binds, 0);
	m.flags = AMP_RPMSG_NS_CREATE;
	ns_send(f, &m, sizeof(m));
	assert_int_equal(binds, 1);
}

/* ---- a remote that lies in the used ring of vring0 ---------------------- */

static void test_used_id_out_of_range(void **state)
{
	struct fx *f = *state;

	evil_used(f, 256, 16);
	evil_used(f, 0xFFFFFFFFu, 16);
	assert_int_equal(amp_rpmsg_process(&f->p.hd), 0);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_DESC_ID), 2);
	assert_int_equal(f->herr.last, AMP_IPC_ERR_DESC_ID);
}

static void test_used_not_posted(void **state)
{
	struct fx *f = *state;
	uint32_t id;

	f->hrx.hold = true;
	assert_int_equal(amp_rpmsg_trysend(&f->re, "abcd", 4), 4);
	assert_int_equal(amp_rpmsg_process(&f->p.hd), 1);
	id = f->p.rd.tvq.vr.used->ring[0].id;
	/* The host holds buffer @id; the remote returns it again. */
	evil_used(f, id, 20);
	assert_int_equal(amp_rpmsg_process(&f->p.hd), 0);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_DESC_STATE), 1);
	assert_int_equal(f->hrx.n, 1);
	assert_int_equal(amp_rpmsg_release_rx_buffer(&f->he, f->hrx.ptr), 0);
}

static void test_used_len_and_hdr_len(void **state)
{
	struct fx *f = *state;
	struct amp_rpmsg_hdr *h = f->p.hd.rvq.slots[9].va;

	evil_used(f, 7, 100000); /* more than the 512 B buffer */
	*h = (struct amp_rpmsg_hdr){ .src = 2000, .dst = 2001, .len = 600 };
	evil_used(f, 9, 512);
	assert_int_equal(amp_rpmsg_process(&f->p.hd), 0);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_USED_LEN), 1);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_HDR_LEN), 1);
	assert_int_equal(f->hrx.n, 0);
	/* Both buffers were posted again: the ring is full. */
	assert_int_equal(
		(uint16_t)(f->p.hd.rvq.vr.avail->idx - f->p.hd.rvq.last_seen),
		256);
}

static void test_used_idx_jump(void **state)
{
	struct fx *f = *state;

	f->p.rd.tvq.vr.used->idx = 1000;
	assert_int_equal(amp_rpmsg_process(&f->p.hd), -EIO);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_USED_IDX), 1);
	/* Host-to-remote still works. */
	assert_int_equal(amp_rpmsg_trysend(&f->he, "ok", 2), 2);
	assert_int_equal(amp_rpmsg_process(&f->p.rd), 1);
}

static void test_bad_release(void **state)
{
	struct fx *f = *state;
	char local[32];

	assert_int_equal(amp_rpmsg_release_rx_buffer(&f->he, local + 16),
			 -EINVAL);
	assert_int_equal(amp_rpmsg_release_rx_buffer(&f->re, local + 16),
			 -EINVAL);
	assert_int_equal(amp_rpmsg_release_tx_buffer(&f->he, local), -EINVAL);
	assert_int_equal(amp_rpmsg_send_nocopy(&f->re, local, 1), -EINVAL);
	assert_int_equal(cnt(&f->p.hd, AMP_IPC_ERR_BAD_RELEASE), 1);
	assert_int_equal(cnt(&f->p.rd, AMP_IPC_ERR_BAD_RELEASE), 1);
}

/* The remote refuses vrings the table places outside the region. */
static void test_vring_da_outside(void **state)
{
	struct amp_linux_ipc *h, *r;
	struct amp_rpmsg_dev hd, rd;
	struct amp_rsc_vdev *v;

	(void)state;
	assert_int_equal(amp_linux_ipc_host_create(NULL, &h), 0);
	assert_int_equal(amp_linux_ipc_remote_attach(
				 dup(amp_linux_ipc_memfd(h)), NULL, &r),
			 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(h, &hd, 0), 0);
	v = amp_linux_ipc_vdev(h);
	v->vring[1].da = 0x10000000u + 0x100000u - 0x1000; /* runs past */
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 0), -EFAULT);
	v->vring[1].da = 0x10004000u;
	v->vring[1].num = 100; /* not a power of two */
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 0), -EINVAL);
	v->vring[1].num = 256;
	v->status = AMP_VIRTIO_S_ACKNOWLEDGE; /* no DRIVER_OK */
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 0), -EAGAIN);
	v->status = 0x0F;
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 0), 0);
	amp_linux_ipc_destroy(h);
	amp_linux_ipc_destroy(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_desc_id_out_of_range),
		T(test_desc_chain_indirect),
		T(test_desc_addr_outside),
		T(test_desc_len),
		T(test_unknown_dst),
		T(test_avail_idx_jump),
		T(test_dup_avail_id),
		T(test_ns_garbage),
		T(test_used_id_out_of_range),
		T(test_used_not_posted),
		T(test_used_len_and_hdr_len),
		T(test_used_idx_jump),
		T(test_bad_release),
		cmocka_unit_test(test_vring_da_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
