/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Regression tests, one per defect of the "One model underneath" issue
 * (numbers in the test names), over the loopback test port (tpair.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "tpair.h"

struct rec {
	int n;
	uint32_t src;
	size_t len;
	char data[1024];
	bool hold;
	void *ptr;
	uint32_t reserved_seen; /* OR of the header's reserved field */
};

static int rec_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		  uint32_t src, void *priv)
{
	struct rec *r = priv;
	struct amp_rpmsg_hdr h;

	memcpy(&h, (char *)data - AMP_RPMSG_HDR_SIZE, sizeof(h));
	r->reserved_seen |= h.reserved;
	r->n++;
	r->src = src;
	r->len = len;
	r->ptr = data;
	memcpy(r->data, data, len < sizeof(r->data) ? len : sizeof(r->data));
	if (r->hold)
		assert_int_equal(amp_rpmsg_hold_rx_buffer(ept, data), 0);
	return 0;
}

static uint32_t cnt(struct amp_rpmsg_dev *d, enum amp_ipc_err e)
{
	struct amp_rpmsg_stats st;

	amp_rpmsg_get_stats(d, &st);
	return st.ipc.err[e];
}

/* ---- (7) one deadline per blocking call --------------------------------- */

struct ringer {
	struct tport *t;
	atomic_bool stop;
};

static void *ringer_main(void *arg)
{
	struct ringer *r = arg;

	while (!atomic_load(&r->stop)) {
		tport_ring(r->t); /* a peer that keeps ringing for nothing */
		usleep(100);
	}
	return NULL;
}

struct sender {
	struct amp_rpmsg_endpoint *ept;
	atomic_int done;
	int ret;
	uint64_t us;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint64_t t0 = tp_now_us();

	s->ret = amp_rpmsg_send(s->ept, "late", 4);
	s->us = tp_now_us() - t0;
	atomic_store(&s->done, 1);
	return NULL;
}

static void test_7_send_deadline_constant_wakeups(void **state)
{
	struct tpair *p = tpair_new(4, 512, 512);
	struct amp_rpmsg_endpoint h, r;
	struct ringer rg = { .t = &p->hp };
	struct sender s = { .ept = &h };
	pthread_t rt, st;
	struct rec rr;
	int i;

	(void)state;
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      rec_cb, NULL, &rr),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      rec_cb, NULL, &rr),
			 0);
	/* The remote never processes: the host runs out of TX buffers. */
	for (i = 0; i < 4; i++)
		assert_int_equal(amp_rpmsg_trysend(&h, "x", 1), 1);
	amp_rpmsg_set_tx_timeout(&p->hd, 500000);
	pthread_create(&rt, NULL, ringer_main, &rg);
	pthread_create(&st, NULL, sender_main, &s);
	/* Generous bound (10x): a restarted timeout never ends at all. */
	for (i = 0; i < 500 && !atomic_load(&s.done); i++)
		usleep(10000);
	atomic_store(&rg.stop, true);
	pthread_join(rt, NULL);
	pthread_join(st, NULL);
	assert_true(i < 500);
	assert_int_equal(s.ret, -ETIMEDOUT);
	assert_true(s.us >= 500000);
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* A port that can no longer wait (a peer that hung up): the send returns
 * the port's error at once instead of spinning until its timeout (or
 * forever, with an infinite one). */
static int dead_wait(void *priv, uint32_t token, uint32_t *remaining)
{
	return -EPIPE;
}

static void test_7_send_stops_on_port_error(void **state)
{
	struct tpair *p = tpair_new(4, 512, 512);
	struct amp_ipc_port_ops ops = tport_ops;
	struct amp_rpmsg_endpoint h, r;
	struct sender s = { .ept = &h };
	struct rec rr;
	pthread_t st;
	int i;

	(void)state;
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      rec_cb, NULL, &rr),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      rec_cb, NULL, &rr),
			 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(amp_rpmsg_trysend(&h, "x", 1), 1);
	ops.wait = dead_wait;
	p->hp.port.ops = &ops;
	amp_rpmsg_set_tx_timeout(&p->hd, UINT32_MAX);
	pthread_create(&st, NULL, sender_main, &s);
	for (i = 0; i < 500 && !atomic_load(&s.done); i++)
		usleep(10000);
	assert_true(atomic_load(&s.done)); /* else it spins for ever */
	pthread_join(st, NULL);
	assert_int_equal(s.ret, -EPIPE);
	p->hp.port.ops = &tport_ops;
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- (8) re-registering an endpoint; duplicate CREATE --------------------- */

struct bind_ctx {
	struct amp_rpmsg_endpoint ept;
	struct rec rec;
	int calls;
	int ret[4];
};

static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct bind_ctx *b = priv;
	int ret;

	/* The way tests bind: always the same endpoint storage. */
	ret = amp_rpmsg_create_ept(&b->ept, rdev, name, AMP_RPMSG_ADDR_ANY,
				   dest, rec_cb, NULL, &b->rec);
	if (b->calls < 4)
		b->ret[b->calls] = ret;
	b->calls++;
}

static void test_8_create_registered_ept(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_endpoint e;

	(void)state;
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&e, &p->hd, NULL, 2000, 2001,
					      NULL, NULL, NULL),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&e, &p->hd, NULL, 2002, 2001,
					      NULL, NULL, NULL),
			 -EBUSY);
	assert_int_equal(e.addr, 2000); /* untouched */
	amp_rpmsg_destroy_ept(&e);
	assert_int_equal(amp_rpmsg_create_ept(&e, &p->hd, NULL, 2002, 2001,
					      NULL, NULL, NULL),
			 0);
	amp_rpmsg_destroy_ept(&e);
	tpair_free(p);
}

static void test_8_duplicate_ns_create(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_endpoint r;
	struct amp_rpmsg_ns_msg m;
	struct bind_ctx b;
	struct rec rr;

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	amp_rpmsg_set_ns_bind_cb(&p->hd, bind_cb, &b);
	assert_int_equal(
		amp_rpmsg_create_ept(&r, &p->rd, "dup", AMP_RPMSG_ADDR_ANY,
				     AMP_RPMSG_ADDR_ANY, rec_cb, NULL, &rr),
		0);
	tpair_pump(p);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.ret[0], 0);
	/* The remote announces the same service again. */
	memset(&m, 0, sizeof(m));
	strcpy(m.name, "dup");
	m.addr = r.addr;
	assert_int_equal(amp_rpmsg_trysend_offchannel(
				 &r, r.addr, AMP_RPMSG_NS_ADDR, &m, sizeof(m)),
			 sizeof(m));
	tpair_pump(p);
	assert_int_equal(b.calls, 2);
	assert_int_equal(b.ret[1], -EBUSY);
	/* Lookups still end: a message to nobody is dropped and counted. */
	assert_int_equal(amp_rpmsg_trysendto(&r, "?", 1, 4242), 1);
	tpair_pump(p);
	assert_int_equal(cnt(&p->hd, AMP_IPC_ERR_NO_EPT), 1);
	/* And the bound endpoint still works. */
	assert_int_equal(amp_rpmsg_send(&b.ept, "hi", 2), 2);
	tpair_pump(p);
	assert_int_equal(rr.n, 1);
	assert_memory_equal(rr.data, "hi", 2);
	amp_rpmsg_destroy_ept(&b.ept);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- (11) the remote never writes bookkeeping into host buffers --------- */

static void test_11_remote_leaves_host_buffers(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_endpoint h, r;
	struct amp_rpmsg_hdr hdr;
	struct rec hr, rr;
	void *held[3];
	uint32_t cap;
	char *b;
	int i;

	(void)state;
	memset(&hr, 0, sizeof(hr));
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      rec_cb, NULL, &hr),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      rec_cb, NULL, &rr),
			 0);
	rr.hold = true;
	for (i = 0; i < 3; i++) {
		assert_int_equal(amp_rpmsg_trysend(&h, "abc", 3), 3);
		assert_int_equal(amp_rpmsg_process(&p->rd), 1);
		held[i] = rr.ptr;
	}
	assert_int_equal(rr.reserved_seen, 0);
	for (i = 0; i < 3; i++) {
		memcpy(&hdr, (char *)held[i] - 16, sizeof(hdr));
		assert_int_equal(hdr.reserved, 0);
		assert_int_equal(amp_rpmsg_release_rx_buffer(&r, held[i]), 0);
	}
	/* Zero copy on the remote: the host's RX buffers stay untouched. */
	for (i = 0; i < 3; i++) {
		b = amp_rpmsg_get_tx_payload_buffer(&r, &cap, false);
		assert_non_null(b);
		memcpy(&hdr, b - 16, sizeof(hdr));
		assert_int_equal(hdr.reserved, 0);
		if (i == 1)
			assert_int_equal(amp_rpmsg_send_nocopy(&r, b, 0), 0);
		else
			assert_int_equal(amp_rpmsg_release_tx_buffer(&r, b), 0);
		memcpy(&hdr, b - 16, sizeof(hdr));
		assert_int_equal(hdr.reserved, 0);
	}
	tpair_pump(p);
	assert_int_equal(hr.n, 1);
	assert_int_equal(hr.reserved_seen, 0);
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- (12) reserved/ANY announcements; no announcement back ------------- */

static void test_12_ns_reserved_addr(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_endpoint r, x;
	struct amp_rpmsg_stats st0, st1;
	struct amp_rpmsg_ns_msg m;
	struct bind_ctx b;
	struct rec rr;
	uint32_t bad[] = { 0, AMP_RPMSG_NS_ADDR, 1023, AMP_RPMSG_ADDR_ANY };
	unsigned int i;

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	amp_rpmsg_set_ns_bind_cb(&p->hd, bind_cb, &b);
	/* The remote's unannounced sender endpoint. */
	assert_int_equal(amp_rpmsg_create_ept(&x, &p->rd, NULL, 1500, 1501,
					      NULL, NULL, NULL),
			 0);
	memset(&m, 0, sizeof(m));
	strcpy(m.name, "svc");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.addr = bad[i];
		assert_int_equal(amp_rpmsg_trysend_offchannel(&x, 1500,
							      AMP_RPMSG_NS_ADDR,
							      &m, sizeof(m)),
				 sizeof(m));
	}
	tpair_pump(p);
	assert_int_equal(b.calls, 0);
#ifndef TPAIR_NO_CB_LOCK
	assert_int_equal(cnt(&p->hd, AMP_IPC_ERR_NS_ADDR), 4);
#endif

	/* A real announcement binds; the reply endpoint is not announced. */
	assert_int_equal(
		amp_rpmsg_create_ept(&r, &p->rd, "svc", AMP_RPMSG_ADDR_ANY,
				     AMP_RPMSG_ADDR_ANY, rec_cb, NULL, &rr),
		0);
	amp_rpmsg_get_stats(&p->rd, &st0);
	tpair_pump(p);
	amp_rpmsg_get_stats(&p->rd, &st1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.ret[0], 0);
	assert_false(b.ept.announced);
	assert_int_equal(st1.rx_msgs, st0.rx_msgs); /* nothing came back */
	amp_rpmsg_destroy_ept(&b.ept);
	amp_rpmsg_destroy_ept(&r);
	amp_rpmsg_destroy_ept(&x);
	tpair_free(p);
}

/* ---- (13) OpenAMP layouts: 510-byte buffers, every other misaligned ----- */

static void test_13_misaligned_510_buffers(void **state)
{
	struct tpair *p = tpair_new(16, 510, 510);
	struct amp_rpmsg_endpoint h, r;
	struct rec hr, rr;
	char msg[494];
	int i;

	(void)state;
	memset(&hr, 0, sizeof(hr));
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_max_payload(&p->hd), 494);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      rec_cb, NULL, &hr),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      rec_cb, NULL, &rr),
			 0);
	for (i = 0; i < 100; i++) {
		size_t len = (size_t)(i * 7) % sizeof(msg) + 1;

		memset(msg, 'a' + i % 26, sizeof(msg));
		memcpy(msg, &i, sizeof(i));
		assert_int_equal(amp_rpmsg_trysend(&h, msg, len), (int)len);
		assert_int_equal(amp_rpmsg_process(&p->rd), 1);
		assert_int_equal(rr.n, i + 1);
		assert_int_equal(rr.len, len);
		assert_memory_equal(rr.data, msg, len);
		assert_int_equal(amp_rpmsg_trysend(&r, msg, len), (int)len);
		assert_int_equal(amp_rpmsg_process(&p->hd), 1);
		assert_int_equal(hr.n, i + 1);
		assert_int_equal(hr.len, len);
		assert_memory_equal(hr.data, msg, len);
	}
	for (i = 0; i < AMP_IPC_ERR_MAX; i++) {
		assert_int_equal(cnt(&p->hd, i), 0);
		assert_int_equal(cnt(&p->rd, i), 0);
	}
	/* Buffers went back with the length they were posted with. */
	for (i = 84; i < 100; i++)
		assert_int_equal(p->hd.tvq.vr.used->ring[i & 15].len,
				 16 + (size_t)(i * 7) % sizeof(msg) + 1);
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- (9) the host refuses a layout the remote rewrote ------------------- */

static void test_9_host_refuses_rewritten_layout(void **state)
{
	struct tpair *p;
	int ret;

	(void)state;
	/* A ring grown over the other ring and the buffers. */
	p = tpair_new(16, 512, 512);
	p->vdev->vring[0].num = 256; /* 0x2806 B: into vring1 */
	ret = tpair_host_start(p);
	assert_true(ret == -EINVAL || ret == -EFAULT);
	tpair_free(p);
	/* An alignment that pushes vring0's used ring over vring1. */
	p = tpair_new(16, 512, 512);
	p->vdev->vring[0].align = 1u << 14;
	assert_int_equal(tpair_host_start(p), -EINVAL);
	tpair_free(p);
	/* A vring at the very start of the region: over the table. */
	p = tpair_new(16, 512, 512);
	p->vdev->vring[0].da = 0x10000000u;
	assert_int_equal(tpair_host_start(p), -EINVAL);
	assert_int_equal(((struct amp_rsc_table *)p->mem)->ver, 1);
	tpair_free(p);
	/* Both vrings at the same place. */
	p = tpair_new(16, 512, 512);
	p->vdev->vring[0].da = 0x10000000u + (uint32_t)p->vring_off[1];
	p->vdev->vring[1].da = 0x10000000u + (uint32_t)p->vring_off[1];
	assert_int_equal(tpair_host_start(p), -EINVAL);
	tpair_free(p);
	/* The untouched layout is fine. */
	p = tpair_new(16, 512, 512);
	assert_int_equal(tpair_start(p), 0);
	tpair_free(p);
}

/* ---- (10) one validated snapshot of the VDEV entry; (3) rsc entries ---- */

static void host_starts_late(void *arg)
{
	struct tpair *p = arg;

	if (p->hd.ready)
		return;
	/* The host grows the entry past the remote's table, then starts. */
	p->vdev->num_of_vrings = 2;
	assert_int_equal(tpair_host_start(p), 0);
}

static void test_10_remote_revalidates_vdev(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_remote_cfg rc;

	(void)state;
	/* The remote's table ends right after a VDEV entry with no vrings. */
	p->vdev->num_of_vrings = 0;
	p->rp.wait_hook = host_starts_late;
	p->rp.hook_arg = p;
	rc = tpair_remote_cfg(p);
	assert_int_equal(amp_rpmsg_remote_init_rsc(&p->rd, &rc, p->mem, 20 + 28,
						   5000000),
			 -EINVAL);
	assert_true(p->hd.ready);
	assert_false(p->rd.ready);
	/* The same through remote_init() with the entry's size. */
	rc.vdev_size = 28;
	assert_int_equal(amp_rpmsg_remote_init(&p->rd, &rc, 0), -EINVAL);
	rc.vdev_size = 28 + 40;
	assert_int_equal(amp_rpmsg_remote_init(&p->rd, &rc, 0), 0);
	tpair_free(p);
}

static void test_3_start_from_rsc_table(void **state)
{
	struct tpair *p = tpair_new(16, 512, 512);
	struct amp_rpmsg_host_cfg hc = tpair_host_cfg(p);
	struct amp_rpmsg_remote_cfg rc = tpair_remote_cfg(p);
	struct amp_rpmsg_endpoint h, r;
	struct rec hr, rr;

	(void)state;
	memset(&hr, 0, sizeof(hr));
	memset(&rr, 0, sizeof(rr));
	hc.vdev = NULL;
	rc.vdev = NULL;
	/* A table without an RPMsg VDEV. */
	p->vdev->id = 5;
	assert_int_equal(amp_rpmsg_host_init_rsc(&p->hd, &hc, p->mem,
						 TPAIR_RSC_SIZE),
			 -ENOENT);
	p->vdev->id = AMP_VIRTIO_ID_RPMSG;
	/* An entry at (or past) the end of the table given is refused. */
	hc.vdev = p->vdev;
	hc.rsc_table = p->mem;
	hc.rsc_size = 20;
	assert_int_equal(amp_rpmsg_host_init(&p->hd, &hc), -EINVAL);
	hc.rsc_size = 20 + 28 + 39;
	assert_int_equal(amp_rpmsg_host_init(&p->hd, &hc), -EINVAL);
	hc.vdev = NULL;
	/* The table must not overlap what the host places. */
	assert_int_equal(amp_rpmsg_host_init_rsc(&p->hd, &hc, p->mem, 0x1800),
			 -EINVAL);
	assert_int_equal(amp_rpmsg_host_init_rsc(&p->hd, &hc, p->mem,
						 TPAIR_RSC_SIZE),
			 0);
	assert_int_equal(amp_rpmsg_remote_init_rsc(&p->rd, &rc, p->mem,
						   TPAIR_RSC_SIZE, 0),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      rec_cb, NULL, &hr),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      rec_cb, NULL, &rr),
			 0);
	assert_int_equal(amp_rpmsg_trysend(&h, "rsc", 3), 3);
	assert_int_equal(amp_rpmsg_trysend(&r, "RSC", 3), 3);
	tpair_pump(p);
	assert_int_equal(rr.n, 1);
	assert_memory_equal(rr.data, "rsc", 3);
	assert_int_equal(hr.n, 1);
	assert_memory_equal(hr.data, "RSC", 3);
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_7_send_deadline_constant_wakeups),
		cmocka_unit_test(test_7_send_stops_on_port_error),
		cmocka_unit_test(test_8_create_registered_ept),
		cmocka_unit_test(test_8_duplicate_ns_create),
		cmocka_unit_test(test_11_remote_leaves_host_buffers),
		cmocka_unit_test(test_12_ns_reserved_addr),
		cmocka_unit_test(test_13_misaligned_510_buffers),
		cmocka_unit_test(test_9_host_refuses_rewritten_layout),
		cmocka_unit_test(test_10_remote_revalidates_vdev),
		cmocka_unit_test(test_3_start_from_rsc_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
