/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Linux port layouts and trust: the host uses its own copy of the layout
 * (not what the remote may rewrite), the remote survives a host flipping
 * the fields it validates, the region is registered in the physical map,
 * and the OpenAMP-style and user-described layouts carry RPMsg.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include <ampshm/error.h>
#include <ampshm/linux_ipc.h>
#include <ampshm/phys.h>
#include <ampshm/rpmsg.h>

#include "testutil.h"

/* Offsets of the default layout's private header (docs/port-linux.md). */
#define HDR_RSC_OFF 32
#define HDR_RSC_SIZE 36
#define RSC_OFF 0x100

/* Defect 9: the remote rewrites the host's layout fields before start. */
static void test_host_keeps_own_layout(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_ipc *h;
	struct amp_rpmsg_dev rd;
	struct amp_rsc_vdev *v;
	size_t size;
	char *shm;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
	shm = amp_linux_ipc_shm(h, &size);
	/* Everything after magic and version: numbering and offsets. */
	memset(shm + 8, 0xFF, 56);
	assert_int_equal(amp_linux_ipc_rpmsg_start(h, &rd, 0), 0);
	v = amp_linux_ipc_vdev(h);
	/* The vrings are where the host put them, not where it was told. */
	assert_int_equal(v->vring[0].da, cfg.da_base + 0x1000);
	assert_int_equal(v->vring[1].da, cfg.da_base + 0x4000);
	amp_rpmsg_deinit(&rd);
	amp_linux_ipc_destroy(h);
}

struct flipper {
	char *shm;
	size_t size;
	atomic_bool stop;
};

/* A hostile host: flip what the remote validates, as fast as it can. */
static void *flip(void *arg)
{
	struct flipper *f = arg;
	volatile uint32_t *rsc_off = (uint32_t *)(f->shm + HDR_RSC_OFF);
	volatile uint32_t *rsc_size = (uint32_t *)(f->shm + HDR_RSC_SIZE);
	volatile uint32_t *t = (uint32_t *)(f->shm + RSC_OFF);
	uint32_t good_off = *rsc_off, good_size = *rsc_size;
	uint32_t good_num = t[1], good_eoff = t[4];
	/* VDEV entry: vring[0].num at +28+8, num_of_vrings byte at +25. */
	volatile uint32_t *num0 =
		(uint32_t *)(f->shm + RSC_OFF + good_eoff + 36);
	volatile uint8_t *nvr = (uint8_t *)(f->shm + RSC_OFF + good_eoff + 25);
	uint32_t good_num0 = *num0;
	uint8_t good_nvr = *nvr;
	unsigned int i = 0;

	while (!atomic_load_explicit(&f->stop, memory_order_relaxed)) {
		bool bad = i++ & 1;

		*rsc_off = bad ? 0x7FFFFF00u : good_off;
		*rsc_size = bad ? 0x7FFFFFFFu : good_size;
		t[1] = bad ? 0x10000000u : good_num;
		t[4] = bad ? 0x40000000u : good_eoff;
		*num0 = bad ? 0xFFFFFFFFu : good_num0;
		*nvr = bad ? 0xFF : good_nvr;
	}
	*rsc_off = good_off;
	*rsc_size = good_size;
	t[1] = good_num;
	t[4] = good_eoff;
	*num0 = good_num0;
	*nvr = good_nvr;
	return NULL;
}

/* Defect 10: no double fetch in remote_attach; under ASan, no crash. */
static void test_remote_attach_hostile_host(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_ipc *h, *r;
	struct flipper f = { 0 };
	pthread_t th;
	int i, ok = 0, refused = 0;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	cfg.num = 16;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
	f.shm = amp_linux_ipc_shm(h, &f.size);
	assert_int_equal(pthread_create(&th, NULL, flip, &f), 0);
	for (i = 0; i < 20000; i++) {
		int ret = amp_linux_ipc_remote_attach(
			dup(amp_linux_ipc_memfd(h)), &cfg, &r);

		if (!ret) {
			struct amp_rsc_vdev *v = amp_linux_ipc_vdev(r);
			size_t rsize;
			char *rshm = amp_linux_ipc_shm(r, &rsize);

			/* Whatever was accepted lies inside the mapping. */
			assert_true((char *)v >= rshm &&
				    (char *)(v->vring + 2) <= rshm + rsize);
			amp_linux_ipc_destroy(r);
			ok++;
		} else {
			assert_int_equal(ret, -EINVAL);
			refused++;
		}
	}
	atomic_store(&f.stop, true);
	pthread_join(th, NULL);
	assert_int_equal(ok + refused, 20000);
	/* Quiet again: the same memory attaches. */
	assert_int_equal(amp_linux_ipc_remote_attach(
				 dup(amp_linux_ipc_memfd(h)), &cfg, &r),
			 0);
	amp_linux_ipc_destroy(r);
	amp_linux_ipc_destroy(h);
}

/* The host's region is in the one physical map, and leaves it. */
static void test_phys_registered(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_phys_info pi;
	struct amp_linux_ipc *h;
	size_t size;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
	amp_linux_ipc_shm(h, &size);
	assert_int_equal(amp_phys_find(cfg.pa_base + 0x1000, &pi), 0);
	assert_true(pi.pa == cfg.pa_base);
	assert_int_equal(pi.size, size);
	assert_int_equal(pi.fd, amp_linux_ipc_memfd(h));
	amp_linux_ipc_destroy(h);
	assert_int_equal(amp_phys_find(cfg.pa_base + 0x1000, &pi), -ENOENT);
}

/* The default pa over a static region is refused, naming both ranges. */
static void test_phys_overlap_refused(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_ipc *h = NULL;
	const char *msg;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	assert_int_equal(amp_static_region_add("carve", cfg.pa_base + 0x2000,
					       0x10000, 0, NULL, 0),
			 0);
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), -EEXIST);
	assert_null(h);
	msg = amp_last_error();
	assert_non_null(strstr(msg, "0x900000000"));
	assert_non_null(strstr(msg, "static/carve"));
	assert_non_null(strstr(msg, "0x900002000"));
	/* Elsewhere it is fine. */
	cfg.pa_base = 0xA00000000ull;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
	amp_linux_ipc_destroy(h);
	assert_int_equal(amp_static_region_remove("carve"), 0);
}

/* ---- layouts carrying RPMsg, host and remote in one process ------------ */

struct echo {
	struct amp_rpmsg_endpoint ept;
	int n;
	size_t len;
	uint8_t data[512];
};

static int echo_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	amp_rpmsg_sendto(ept, data, len, src);
	(void)priv;
	return 0;
}

static int got_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		  uint32_t src, void *priv)
{
	struct echo *e = priv;

	(void)ept;
	(void)src;
	e->n++;
	e->len = len;
	memcpy(e->data, data, len);
	return 0;
}

/* Host and remote over @cfg (remote gets @rcfg), 200 echoes. */
static void run_pair(struct amp_linux_ipc_cfg *cfg,
		     const struct amp_linux_ipc_cfg *rcfg)
{
	struct amp_linux_ipc *h, *r;
	struct amp_rpmsg_dev hd, rd;
	struct echo he = { 0 }, re = { 0 };
	int i, a, b;

	assert_int_equal(amp_linux_ipc_host_create(cfg, &h), 0);
	assert_int_equal(amp_linux_ipc_remote_attach(
				 dup(amp_linux_ipc_memfd(h)), rcfg, &r),
			 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(h, &hd, 0), 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 0), 0);
	assert_int_equal(amp_rpmsg_create_ept(&re.ept, &rd, NULL, 1025, 1024,
					      echo_cb, NULL, &re),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&he.ept, &hd, NULL, 1024, 1025,
					      got_cb, NULL, &he),
			 0);
	for (i = 0; i < 200; i++) {
		uint8_t msg[100];

		tu_fill(msg, sizeof(msg), (uint32_t)i);
		assert_int_equal(amp_rpmsg_send(&he.ept, msg, sizeof(msg)),
				 (int)sizeof(msg));
		do {
			a = amp_rpmsg_process(&rd);
			b = amp_rpmsg_process(&hd);
		} while (a > 0 || b > 0);
		assert_int_equal(he.n, i + 1);
		assert_int_equal(he.len, sizeof(msg));
		assert_int_equal(tu_check(he.data, sizeof(msg), (uint32_t)i),
				 0);
	}
	amp_rpmsg_deinit(&hd);
	amp_rpmsg_deinit(&rd);
	amp_linux_ipc_destroy(r);
	amp_linux_ipc_destroy(h);
}

/* OpenAMP-style: resource table at offset 0, found from it alone. */
static void test_layout_rsc0(void **state)
{
	struct amp_linux_ipc_cfg cfg, rcfg;
	struct amp_linux_layout lay;
	struct amp_linux_ipc *h;
	uint32_t *t;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	cfg.pa_base = 0xB00000000ull; /* the remote learns it from the table */
	cfg.da_base = 0x20000000u;
	assert_int_equal(amp_linux_layout_rsc0(&cfg, &lay), 0);
	cfg.layout = &lay;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
	t = amp_linux_ipc_shm(h, NULL);
	assert_int_equal(t[0], 1); /* ver: a resource table at offset 0 */
	assert_true((char *)amp_linux_ipc_vdev(h) < (char *)t + 0x100);
	amp_linux_ipc_destroy(h);
	amp_linux_ipc_cfg_default(&rcfg); /* remote knows nothing */
	run_pair(&cfg, &rcfg);
}

/* The user's own layout and numbering, known to both sides. */
static void test_layout_custom(void **state)
{
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_layout lay = {
		.size = 0x80000,
		.hdr_off = AMP_LINUX_OFF_NONE,
		.rsc_off = 0x7F000,
		.rsc_size = 0x400,
		.bell_off = 0x7F800,
		.vring_off = { 0x40000, 0x10000 },
		.rx_off = 0x20000,
		.tx_off = 0x50000,
		.pa_base = 0xC00000000ull,
		.da_base = 0x30000000u,
	};
	struct amp_linux_ipc *h;

	(void)state;
	amp_linux_ipc_cfg_default(&cfg);
	cfg.layout = &lay;
	run_pair(&cfg, &cfg);
	/* Areas that overlap, or stick out, are refused. */
	lay.tx_off = 0x21000;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "overlap"));
	lay.tx_off = 0x7E000;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), -EINVAL);
	lay.tx_off = 0x50000;
	lay.bell_off = 0x7F820;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), -EINVAL);
}

/* rsc0 with eventfd and socket notifiers (no doorbell area needed). */
static void test_layout_rsc0_fd_notifiers(void **state)
{
	static const enum amp_linux_notify_kind kinds[] = {
		AMP_LINUX_NOTIFY_EVENTFD, AMP_LINUX_NOTIFY_SOCKET
	};
	struct amp_linux_ipc_cfg cfg;
	struct amp_linux_layout lay;

	(void)state;
	for (unsigned int k = 0; k < 2; k++) {
		struct amp_linux_ipc *h, *r;
		struct amp_rpmsg_dev hd, rd;
		struct echo he = { 0 }, re = { 0 };
		int sv[2], i;

		amp_linux_ipc_cfg_default(&cfg);
		assert_int_equal(amp_linux_layout_rsc0(&cfg, &lay), 0);
		lay.bell_off = AMP_LINUX_OFF_NONE;
		cfg.layout = &lay;
		cfg.notify = kinds[k];
		assert_int_equal(amp_linux_ipc_host_create(&cfg, &h), 0);
		/* The memfd and the notifier's other end, as to a process. */
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(amp_linux_ipc_send(h, sv[0]), 0);
		/* The peer's ends went with it: only once. */
		assert_int_equal(amp_linux_ipc_send(h, sv[0]), -EINVAL);
		amp_linux_ipc_cfg_default(&cfg);
		assert_int_equal(amp_linux_ipc_remote_recv(sv[1], &cfg, &r), 0);
		close(sv[0]);
		close(sv[1]);
		assert_int_equal(amp_linux_ipc_rpmsg_start(h, &hd, 0), 0);
		assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 1000000), 0);
		assert_int_equal(amp_rpmsg_create_ept(&re.ept, &rd, NULL, 1025,
						      1024, echo_cb, NULL, &re),
				 0);
		assert_int_equal(amp_rpmsg_create_ept(&he.ept, &hd, NULL, 1024,
						      1025, got_cb, NULL, &he),
				 0);
		for (i = 0; i < 100; i++) {
			assert_int_equal(amp_rpmsg_send(&he.ept, "ping", 4), 4);
			assert_true(amp_rpmsg_poll(&rd, 10000000) > 0);
			while (he.n < i + 1)
				assert_true(amp_rpmsg_poll(&hd, 10000000) > 0);
			assert_memory_equal(he.data, "ping", 4);
		}
		amp_rpmsg_deinit(&hd);
		amp_rpmsg_deinit(&rd);
		amp_linux_ipc_destroy(r);
		amp_linux_ipc_destroy(h);
	}
}

/* A "mailbox driver" notifier: the peer's pipe is written to kick it. */
static int pipe_kick(void *priv)
{
	/* Full pipe: the peer has kicks to read already. */
	return write((int)(intptr_t)priv, "k", 1) == 1 || errno == EAGAIN ?
		       0 :
		       -errno;
}

/* The user's own notifier on both sides, through cfg.notifier. */
static void test_custom_notifier(void **state)
{
	struct amp_linux_fd_notifier_cfg nc = { .kick_fd = -1,
						.kick = pipe_kick };
	struct amp_linux_notifier hn, rn;
	struct amp_linux_ipc_cfg hcfg, rcfg;
	struct amp_linux_layout lay;
	struct amp_linux_ipc *h, *r;
	struct amp_rpmsg_dev hd, rd;
	struct echo he = { 0 }, re = { 0 };
	struct amp_linux_ipc_stats st;
	int h2r[2], r2h[2], i;

	(void)state;
	assert_int_equal(pipe2(h2r, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(pipe2(r2h, O_NONBLOCK | O_CLOEXEC), 0);
	nc.wait_fd = r2h[0];
	nc.kick_priv = (void *)(intptr_t)h2r[1];
	assert_int_equal(amp_linux_notifier_fd(&nc, &hn), 0);
	nc.wait_fd = h2r[0];
	nc.kick_priv = (void *)(intptr_t)r2h[1];
	assert_int_equal(amp_linux_notifier_fd(&nc, &rn), 0);
	amp_linux_ipc_cfg_default(&hcfg);
	/* No doorbell area at all: the notifier does not need one. */
	assert_int_equal(amp_linux_layout_rsc0(&hcfg, &lay), 0);
	lay.bell_off = AMP_LINUX_OFF_NONE;
	hcfg.layout = &lay;
	rcfg = hcfg;
	hcfg.notifier = &hn;
	rcfg.notifier = &rn;
	assert_int_equal(amp_linux_ipc_host_create(&hcfg, &h), 0);
	assert_null(hn.ops); /* taken over */
	assert_int_equal(amp_linux_ipc_remote_attach(
				 dup(amp_linux_ipc_memfd(h)), &rcfg, &r),
			 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(h, &hd, 0), 0);
	assert_int_equal(amp_linux_ipc_rpmsg_start(r, &rd, 1000000), 0);
	assert_int_equal(amp_rpmsg_create_ept(&re.ept, &rd, NULL, 1025, 1024,
					      echo_cb, NULL, &re),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&he.ept, &hd, NULL, 1024, 1025,
					      got_cb, NULL, &he),
			 0);
	for (i = 0; i < 50; i++) {
		assert_int_equal(amp_rpmsg_send(&he.ept, "mbox", 4), 4);
		assert_true(amp_rpmsg_poll(&rd, 10000000) > 0);
		while (he.n < i + 1)
			assert_true(amp_rpmsg_poll(&hd, 10000000) > 0);
		assert_memory_equal(he.data, "mbox", 4);
	}
	amp_linux_ipc_get_stats(h, &st);
	assert_true(st.notifies > 0); /* the host kicked through it */
	amp_rpmsg_deinit(&hd);
	amp_rpmsg_deinit(&rd);
	amp_linux_ipc_destroy(r);
	amp_linux_ipc_destroy(h);
	close(h2r[1]);
	close(r2h[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_keeps_own_layout),
		cmocka_unit_test(test_remote_attach_hostile_host),
		cmocka_unit_test(test_phys_registered),
		cmocka_unit_test(test_phys_overlap_refused),
		cmocka_unit_test(test_layout_rsc0),
		cmocka_unit_test(test_layout_custom),
		cmocka_unit_test(test_layout_rsc0_fd_notifiers),
		cmocka_unit_test(test_custom_notifier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
