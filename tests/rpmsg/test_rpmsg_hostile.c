/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Both roles under a concurrent hostile peer (hostile.h) that keeps
 * rewriting the shared fields they validate and use: the VDEV entry during
 * either side's start, the rings and message headers during traffic.
 * Nothing may crash or touch memory outside the region (the ASan build
 * checks), loop forever, or break the host: after the attack, the host's
 * own layout is intact and its state consistent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "hostile.h"
#include "tpair.h"

#define NUM 16u

static int sink_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	volatile uint8_t x = 0;
	size_t i;

	(void)src;
	(void)priv;
	for (i = 0; i < len; i++) /* every byte claimed must be readable */
		x ^= ((uint8_t *)data)[i];
	if (len && (((uint8_t *)data)[0] & 1))
		amp_rpmsg_trysendto(ept, data, len > 8 ? 8 : len, src);
	(void)x;
	return 0;
}

static void add_vdev(struct hostile *h, struct tpair *p, unsigned int w)
{
	hostile_add(h, p->mem, TPAIR_RSC_SIZE, w);
}

static bool inside(const struct tpair *p, const void *q, size_t len)
{
	return (const uint8_t *)q >= p->mem &&
	       (const uint8_t *)q + len <= p->mem + p->size;
}

/* The remote starts while the "host" rewrites the entry and table. */
static void test_remote_start_under_attack(void **state)
{
	int i, j, ok = 0;

	(void)state;
	for (i = 0; i < 200; i++) {
		struct tpair *p = tpair_new(NUM, 512, 512);
		struct amp_rpmsg_remote_cfg rc = tpair_remote_cfg(p);
		struct amp_rpmsg_endpoint e;
		struct hostile h;
		int ret;

		assert_int_equal(tpair_host_start(p), 0);
		hostile_init(&h, (uint32_t)i * 2654435761u + 1, NUM);
		add_vdev(&h, p, 1);
		hostile_start(&h);
		hostile_wait_busy(&h);
		rc.vdev_size = TPAIR_RSC_SIZE - 20;
		for (j = 0; j < 50; j++) {
			if (i & 1)
				ret = amp_rpmsg_remote_init_rsc(
					&p->rd, &rc, p->mem, TPAIR_RSC_SIZE, 0);
			else
				ret = amp_rpmsg_remote_init(&p->rd, &rc, 0);
			if (!ret)
				break;
		}
		hostile_stop(&h);
		if (!ret) {
			ok++;
			/* Whatever it adopted lies inside the region. */
			assert_true(inside(p, p->rd.rvq.vr.desc,
					   amp_vring_size(p->rd.rvq.num, 16)));
			assert_true(inside(p, p->rd.tvq.vr.desc,
					   amp_vring_size(p->rd.tvq.num, 16)));
			assert_int_equal(
				amp_rpmsg_create_ept(&e, &p->rd, NULL, 1025,
						     1024, sink_cb, NULL, NULL),
				0);
			amp_rpmsg_trysend(&e, "x", 1);
			amp_rpmsg_process(&p->rd);
			amp_rpmsg_process(&p->hd);
			amp_rpmsg_destroy_ept(&e);
		} else {
			assert_true(ret == -EINVAL || ret == -EFAULT ||
				    ret == -EAGAIN || ret == -ENOENT);
		}
		tpair_free(p);
	}
	(void)ok;
}

/* The host starts while the "remote" rewrites the entry and table. */
static void test_host_start_under_attack(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < 200; i++) {
		struct tpair *p = tpair_new(NUM, 512, 512);
		struct amp_rpmsg_host_cfg hc = tpair_host_cfg(p);
		struct hostile h;
		int ret;

		hostile_init(&h, (uint32_t)i * 40503u + 7, NUM);
		add_vdev(&h, p, 1);
		hostile_start(&h);
		hostile_wait_busy(&h);
		hc.vdev = NULL;
		for (j = 0; j < 50; j++) {
			ret = amp_rpmsg_host_init_rsc(&p->hd, &hc, p->mem,
						      TPAIR_RSC_SIZE);
			if (!ret)
				break;
		}
		hostile_stop(&h);
		if (!ret) {
			/* Its rings never overlap the table or the buffers. */
			uint8_t *r0 = (uint8_t *)p->hd.rvq.vr.desc;
			uint8_t *r1 = (uint8_t *)p->hd.tvq.vr.desc;

			assert_true(r0 >= p->mem + TPAIR_RSC_SIZE);
			assert_true(r1 >= p->mem + TPAIR_RSC_SIZE);
			assert_true(r0 + amp_vring_size(p->hd.rvq.num, 16) <=
					    p->mem + p->rx_off ||
				    r0 >= p->mem + p->tx_off +
						    (size_t)NUM * 512);
			assert_int_equal(((struct amp_rsc_table *)p->mem)->ver,
					 ((struct amp_rsc_table *)p->mem)->ver);
		} else {
			assert_true(ret == -EINVAL || ret == -EFAULT ||
				    ret == -ENOENT);
		}
		tpair_free(p);
	}
}

/* Traffic both ways while the peer scribbles rings and headers. */
static void test_traffic_under_attack(void **state)
{
	int round;

	(void)state;
	for (round = 0; round < 8; round++) {
		struct tpair *p = tpair_new(NUM, 512, 512);
		struct amp_rpmsg_endpoint he, re;
		struct hostile h;
		unsigned int i;
		char msg[64];
		int ret;

		assert_int_equal(tpair_start(p), 0);
		assert_int_equal(amp_rpmsg_create_ept(&he, &p->hd, "fz", 1024,
						      1025, sink_cb, NULL,
						      NULL),
				 0);
		assert_int_equal(amp_rpmsg_create_ept(&re, &p->rd, NULL, 1025,
						      1024, sink_cb, NULL,
						      NULL),
				 0);
		hostile_init(&h, (uint32_t)round * 7919u + 3, NUM);
		/* Each round attacks one kind of field harder. */
		hostile_add(&h, p->mem + p->vring_off[0],
			    amp_vring_size(NUM, 4096), round % 4 == 0 ? 8 : 1);
		hostile_add(&h, p->mem + p->vring_off[1],
			    amp_vring_size(NUM, 4096), round % 4 == 1 ? 8 : 1);
		hostile_add(&h, p->mem + p->rx_off, (size_t)NUM * 512,
			    round % 4 == 2 ? 8 : 1);
		hostile_add(&h, p->mem + p->tx_off, (size_t)NUM * 512,
			    round % 4 == 3 ? 8 : 1);
		hostile_add(&h, p->vdev, 28 + 40, 1);
		hostile_start(&h);
		hostile_wait_busy(&h);
		for (i = 0; i < 3000; i++) {
			memset(msg, (int)i, sizeof(msg));
			amp_rpmsg_trysend(&he, msg, i % sizeof(msg));
			amp_rpmsg_trysend(&re, msg, i % sizeof(msg));
			amp_rpmsg_process(&p->rd);
			amp_rpmsg_process(&p->hd);
			if (i % 64 == 0) {
				uint32_t cap;
				char *b = amp_rpmsg_get_tx_payload_buffer(
					&re, &cap, false);

				if (b)
					amp_rpmsg_send_nocopy(&re, b, 4);
			}
		}
		hostile_stop(&h);
		/* The host is still up: its calls answer, its layout holds. */
		ret = amp_rpmsg_process(&p->hd);
		assert_true(ret >= 0 || ret == -EIO);
		ret = amp_rpmsg_trysend(&he, "alive", 5);
		assert_true(ret == 5 || ret == -EAGAIN || ret == -EIO);
		assert_ptr_equal(p->hd.rvq.vr.desc, p->mem + p->vring_off[0]);
		assert_ptr_equal(p->hd.tvq.vr.desc, p->mem + p->vring_off[1]);
		assert_ptr_equal(p->hd.rx_base, p->mem + p->rx_off);
		assert_ptr_equal(p->hd.tx_base, p->mem + p->tx_off);
		for (i = 0; i < NUM; i++) {
			assert_ptr_equal(p->hd.rvq.slots[i].va,
					 p->mem + p->rx_off + i * 512);
			assert_ptr_equal(p->hd.tvq.slots[i].va,
					 p->mem + p->tx_off + i * 512);
		}
		amp_rpmsg_destroy_ept(&he);
		amp_rpmsg_destroy_ept(&re);
		tpair_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_start_under_attack),
		cmocka_unit_test(test_host_start_under_attack),
		cmocka_unit_test(test_traffic_under_attack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
