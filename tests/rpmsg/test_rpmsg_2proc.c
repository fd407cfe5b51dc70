/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host and remote in two processes (fork), sharing the memfd passed over a
 * UNIX socket: echo with the name service, remote-to-host zero-copy
 * streaming with held buffers, 4 KiB buffers.
 */
#include "rp_pair.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "testutil.h"

enum mode { M_ECHO, M_STREAM };

/*
 * Ring size, host spin budget and notifier of the next link_open(). The
 * futex doorbells go over the original API (send_fd/remote_attach), the
 * others with amp_linux_ipc_send()/remote_recv().
 */
static uint32_t g_num = 256, g_spin_us = 50;
static enum amp_linux_notify_kind g_notify = AMP_LINUX_NOTIFY_FUTEX;

struct remote {
	struct amp_rpmsg_endpoint ept;
	int quit;
	uint32_t stream_n;
};

static int remote_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		     uint32_t src, void *priv)
{
	struct remote *r = priv;

	if (len == 4 && !memcmp(data, "quit", 4)) {
		r->quit = 1;
		return 0;
	}
	if (len == 8 && !memcmp(data, "go", 2)) {
		memcpy(&r->stream_n, (char *)data + 4, 4);
		return 0;
	}
	amp_rpmsg_sendto(ept, data, len, src);
	return 0;
}

/* The remote process. Exit status 0 = success. */
static void remote_main(int sock, enum mode mode, uint32_t bufsize)
{
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct remote r;
	uint32_t i, cap;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&r, 0, sizeof(r));
	if (g_notify != AMP_LINUX_NOTIFY_FUTEX) {
		if (amp_linux_ipc_remote_recv(sock, NULL, &ipc))
			_exit(11);
	} else {
		if (amp_linux_ipc_recv_fd(sock, &fd))
			_exit(10);
		if (amp_linux_ipc_remote_attach(fd, NULL, &ipc))
			_exit(11);
	}
	if (amp_linux_ipc_rpmsg_start(ipc, &rdev, 10000000))
		_exit(12);
	if (amp_rpmsg_create_ept(&r.ept, &rdev,
				 mode == M_ECHO ? "echo" : "stream",
				 AMP_RPMSG_ADDR_ANY, AMP_RPMSG_ADDR_ANY,
				 remote_cb, NULL, &r))
		_exit(13);
	while (mode == M_STREAM && !r.stream_n)
		if (amp_rpmsg_poll(&rdev, 10000000) < 0)
			_exit(14);
	/* Stream r.stream_n numbered messages without copying. */
	for (i = 0; i < r.stream_n; i++) {
		uint8_t *b =
			amp_rpmsg_get_tx_payload_buffer(&r.ept, &cap, true);
		uint32_t len = 4 + i % (cap - 3);

		if (!b || cap != bufsize - 16)
			_exit(15);
		memcpy(b, &i, 4);
		tu_fill(b + 4, len - 4, i);
		if (amp_rpmsg_send_nocopy(&r.ept, b, len) != (int)len)
			_exit(16);
	}
	while (!r.quit) {
		int n = amp_rpmsg_poll(&rdev, 10000000);

		if (n < 0)
			_exit(17);
	}
	amp_rpmsg_deinit(&rdev);
	amp_linux_ipc_destroy(ipc);
	_exit(0);
}

struct host {
	struct amp_rpmsg_endpoint ept;
	bool bound;
	int n;
	uint32_t expect;
	size_t len;
	uint8_t data[4096];
	int bad;
	bool hold;
	void *held[8];
	int nheld;
};

static int host_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	struct host *h = priv;
	uint32_t seq;

	(void)src;
	h->n++;
	h->len = len;
	memcpy(h->data, data, len);
	if (h->hold) {
		memcpy(&seq, data, 4);
		if (seq != h->expect ||
		    tu_check((char *)data + 4, len - 4, seq))
			h->bad++;
		h->expect++;
		/* Keep a few buffers for a while, release them later. */
		if (seq % 3 == 0 && h->nheld < 8 &&
		    !amp_rpmsg_hold_rx_buffer(ept, data))
			h->held[h->nheld++] = data;
		if (h->nheld == 8) {
			for (int i = 0; i < 8; i++)
				if (amp_rpmsg_release_rx_buffer(ept,
								h->held[i]))
					h->bad++;
			h->nheld = 0;
		}
	}
	return 0;
}

static void bind_cb(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct host *h = priv;

	if (!amp_rpmsg_create_ept(&h->ept, rdev, name, AMP_RPMSG_ADDR_ANY, dest,
				  host_cb, NULL, h))
		h->bound = true;
}

struct link {
	struct amp_linux_ipc *ipc;
	struct amp_rpmsg_dev rdev;
	struct host h;
	pid_t pid;
};

static void link_open(struct link *l, enum mode mode, uint32_t bufsize)
{
	struct amp_linux_ipc_cfg cfg;
	int sv[2];

	memset(l, 0, sizeof(*l));
	amp_linux_ipc_cfg_default(&cfg);
	cfg.h2r_buf_size = bufsize;
	cfg.r2h_buf_size = bufsize;
	cfg.num = g_num;
	cfg.spin_us = g_spin_us;
	cfg.notify = g_notify;
	assert_int_equal(amp_linux_ipc_host_create(&cfg, &l->ipc), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	fflush(NULL);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (l->pid == 0) {
		close(sv[0]);
		remote_main(sv[1], mode, bufsize);
	}
	close(sv[1]);
	/* Send the memfd first: the remote waits for DRIVER_OK itself. */
	if (g_notify != AMP_LINUX_NOTIFY_FUTEX)
		assert_int_equal(amp_linux_ipc_send(l->ipc, sv[0]), 0);
	else
		assert_int_equal(amp_linux_ipc_send_fd(
					 sv[0], amp_linux_ipc_memfd(l->ipc)),
				 0);
	close(sv[0]);
	assert_int_equal(amp_linux_ipc_rpmsg_start(l->ipc, &l->rdev, 0), 0);
	amp_rpmsg_set_ns_bind_cb(&l->rdev, bind_cb, &l->h);
	while (!l->h.bound)
		assert_true(amp_rpmsg_poll(&l->rdev, 10000000) >= 0);
}

static void link_close(struct link *l)
{
	struct amp_rpmsg_stats st;
	int status;

	assert_int_equal(amp_rpmsg_send(&l->h.ept, "quit", 4), 4);
	assert_int_equal(waitpid(l->pid, &status, 0), l->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	amp_rpmsg_get_stats(&l->rdev, &st);
	for (int i = 0; i < AMP_IPC_ERR_MAX; i++)
		assert_int_equal(st.ipc.err[i], 0);
	amp_rpmsg_deinit(&l->rdev);
	amp_linux_ipc_destroy(l->ipc);
}

static void echo_run(uint32_t bufsize, int count)
{
	static uint8_t msg[4096];
	struct link l;
	uint32_t cap;
	int i;

	link_open(&l, M_ECHO, bufsize);
	assert_string_equal(l.h.ept.name, bufsize ? "echo" : "");
	cap = amp_rpmsg_max_payload(&l.rdev);
	assert_int_equal(cap, bufsize - 16);
	for (i = 0; i < count; i++) {
		size_t len = (size_t)(i * 7919) % (cap + 1);

		tu_fill(msg, len, (uint32_t)i + 1);
		assert_int_equal(amp_rpmsg_send(&l.h.ept, msg, len), (int)len);
		while (l.h.n < i + 1)
			assert_true(amp_rpmsg_poll(&l.rdev, 10000000) >= 0);
		assert_int_equal(l.h.len, len);
		assert_int_equal(tu_check(l.h.data, len, (uint32_t)i + 1), 0);
	}
	link_close(&l);
}

static void test_echo_512(void **state)
{
	(void)state;
	echo_run(512, 3000);
}

static void test_echo_4k(void **state)
{
	(void)state;
	echo_run(4096, 1000);
}

static void test_remote_stream_held(void **state)
{
	uint8_t go[8] = { 'g', 'o' };
	uint32_t n = 50000;
	struct link l;

	(void)state;
	link_open(&l, M_STREAM, 512);
	l.h.hold = true;
	memcpy(go + 4, &n, 4);
	assert_int_equal(amp_rpmsg_send(&l.h.ept, go, sizeof(go)), 8);
	while (l.h.n < (int)n)
		assert_true(amp_rpmsg_poll(&l.rdev, 10000000) >= 0);
	assert_int_equal(l.h.bad, 0);
	assert_int_equal(l.h.expect, n);
	for (int i = 0; i < l.h.nheld; i++)
		assert_int_equal(
			amp_rpmsg_release_rx_buffer(&l.h.ept, l.h.held[i]), 0);
	link_close(&l);
}

/*
 * Defect 6 (lost/stolen wake-ups): a poll thread and a sending thread on
 * the host wait at the same time. Each must see every notification it
 * waits for: the sender must never sit out its TX timeout while the
 * remote has returned buffers, and every echo must arrive, in order.
 */
struct mt {
	struct link *l;
	uint32_t n; /* messages sent by the main thread */
	uint32_t got;
	uint32_t bad;
	int err;
};

#define MT_STOP 0xFFFFFFFFu

static int mt_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		 uint32_t src, void *priv)
{
	struct mt *m = priv;
	uint32_t seq;

	(void)ept;
	(void)src;
	memcpy(&seq, data, 4);
	if (seq == MT_STOP) {
		__atomic_store_n(&m->n, MT_STOP, __ATOMIC_RELEASE);
		return 0;
	}
	if (len != 64 || seq != m->got || tu_check((char *)data + 4, 60, seq))
		m->bad++;
	__atomic_store_n(&m->got, m->got + 1, __ATOMIC_RELEASE);
	return 0;
}

static void *mt_poll(void *arg)
{
	struct mt *m = arg;

	while (__atomic_load_n(&m->n, __ATOMIC_ACQUIRE) != MT_STOP) {
		int n = amp_rpmsg_poll(&m->l->rdev, UINT32_MAX);

		if (n < 0) {
			m->err = n;
			break;
		}
	}
	return NULL;
}

static void poll_thread_and_sender(enum amp_linux_notify_kind kind)
{
	struct amp_linux_ipc_stats st;
	struct mt m = { 0 };
	uint8_t msg[64];
	pthread_t th;
	struct link l;
	uint32_t i, count = kind == AMP_LINUX_NOTIFY_FUTEX ? 100000 : 30000;

	/* A small ring: the sender waits for buffers often; no spinning:
	 * both threads sleep, so each depends on its own wake-up. */
	g_num = 8;
	g_spin_us = 0;
	g_notify = kind;
	link_open(&l, M_ECHO, 512);
	g_num = 256;
	g_spin_us = 50;
	g_notify = AMP_LINUX_NOTIFY_FUTEX;
	m.l = &l;
	/* The echoes now go to mt_cb, run by the poll thread. */
	l.h.ept.cb = mt_cb;
	l.h.ept.priv = &m;
	/* A stolen wake-up would make a send sit out this whole timeout. */
	amp_rpmsg_set_tx_timeout(&l.rdev, 5000000);
	assert_int_equal(pthread_create(&th, NULL, mt_poll, &m), 0);
	for (i = 0; i < count; i++) {
		memcpy(msg, &i, 4);
		tu_fill(msg + 4, 60, i);
		assert_int_equal(amp_rpmsg_send(&l.h.ept, msg, sizeof(msg)),
				 (int)sizeof(msg));
		amp_linux_ipc_get_stats(l.ipc, &st);
		assert_int_equal(st.timeouts, 0); /* no send waited in vain */
	}
	i = MT_STOP;
	memcpy(msg, &i, 4);
	assert_int_equal(amp_rpmsg_send(&l.h.ept, msg, sizeof(msg)),
			 (int)sizeof(msg));
	pthread_join(th, NULL);
	assert_int_equal(m.err, 0);
	assert_int_equal(m.got, count);
	assert_int_equal(m.bad, 0);
	amp_linux_ipc_get_stats(l.ipc, &st);
	assert_int_equal(st.timeouts, 0);
	link_close(&l);
}

static void test_poll_thread_and_sender(void **state)
{
	(void)state;
	poll_thread_and_sender(AMP_LINUX_NOTIFY_FUTEX);
}

/* The same over the descriptor notifiers (one reader, several waiters). */
static void test_poll_thread_and_sender_fd(void **state)
{
	(void)state;
	poll_thread_and_sender(AMP_LINUX_NOTIFY_EVENTFD);
	poll_thread_and_sender(AMP_LINUX_NOTIFY_SOCKET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_512),
		cmocka_unit_test(test_echo_4k),
		cmocka_unit_test(test_remote_stream_held),
		cmocka_unit_test(test_poll_thread_and_sender),
		cmocka_unit_test(test_poll_thread_and_sender_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
