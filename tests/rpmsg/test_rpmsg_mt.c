/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-threaded RPMsg over the loopback port with real blocking waits:
 * a poll thread and several blocking senders on each side (every payload
 * checked, none lost, per-sender order kept), endpoints destroyed by
 * another thread while their callback runs, and from inside it. No timing
 * assertions: sleeps only widen race windows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "tpair.h"

#define NSEND 3
#define NMSG 2000

struct poller {
	struct amp_rpmsg_dev *dev;
	atomic_bool stop;
	pthread_t th;
};

static void *poll_main(void *arg)
{
	struct poller *p = arg;

	while (!atomic_load(&p->stop))
		amp_rpmsg_poll(p->dev, 20000);
	return NULL;
}

static void poller_start(struct poller *p, struct amp_rpmsg_dev *dev)
{
	p->dev = dev;
	atomic_store(&p->stop, false);
	pthread_create(&p->th, NULL, poll_main, p);
}

static void poller_stop(struct poller *p)
{
	atomic_store(&p->stop, true);
	pthread_join(p->th, NULL);
}

/* ---- no message lost ------------------------------------------------------ */

struct msg {
	uint32_t sender;
	uint32_t seq;
	uint8_t fill[40];
};

struct sink {
	atomic_uint total;
	uint32_t next[NSEND]; /* only the dispatching thread writes */
	atomic_uint bad;
};

static int sink_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		   uint32_t src, void *priv)
{
	struct sink *s = priv;
	struct msg m;
	unsigned int i;

	(void)ept;
	(void)src;
	if (len != sizeof(m)) {
		atomic_fetch_add(&s->bad, 1);
		return 0;
	}
	memcpy(&m, data, sizeof(m));
	if (m.sender >= NSEND || m.seq != s->next[m.sender]) {
		atomic_fetch_add(&s->bad, 1);
		return 0;
	}
	for (i = 0; i < sizeof(m.fill); i++)
		if (m.fill[i] != (uint8_t)(m.seq * 31 + m.sender + i))
			break;
	if (i != sizeof(m.fill))
		atomic_fetch_add(&s->bad, 1);
	s->next[m.sender]++;
	atomic_fetch_add(&s->total, 1);
	return 0;
}

struct sender {
	struct amp_rpmsg_endpoint *ept;
	uint32_t id;
	int fails;
	pthread_t th;
};

static void *send_main(void *arg)
{
	struct sender *s = arg;
	struct msg m;
	uint32_t i, k;

	for (i = 0; i < NMSG; i++) {
		m.sender = s->id;
		m.seq = i;
		for (k = 0; k < sizeof(m.fill); k++)
			m.fill[k] = (uint8_t)(i * 31 + s->id + k);
		if (amp_rpmsg_send(s->ept, &m, sizeof(m)) != (int)sizeof(m))
			s->fails++;
	}
	return NULL;
}

static void wait_total(struct sink *s, unsigned int n)
{
	int i;

	/* Generous: 120 s on a loaded machine; normally well under 1 s. */
	for (i = 0; i < 12000 && atomic_load(&s->total) < n; i++)
		usleep(10000);
}

static void test_threads_no_loss(void **state)
{
	struct tpair *p = tpair_new(32, 512, 512);
	struct amp_rpmsg_endpoint h, r;
	struct sender hs[NSEND], rs[NSEND];
	struct poller hp, rp;
	struct sink hsink, rsink;
	int i;

	(void)state;
	memset(&hsink, 0, sizeof(hsink));
	memset(&rsink, 0, sizeof(rsink));
	assert_int_equal(tpair_start(p), 0);
	amp_rpmsg_set_tx_timeout(&p->hd, 30000000);
	amp_rpmsg_set_tx_timeout(&p->rd, 30000000);
	assert_int_equal(amp_rpmsg_create_ept(&h, &p->hd, NULL, 1024, 1025,
					      sink_cb, NULL, &hsink),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1024,
					      sink_cb, NULL, &rsink),
			 0);
	poller_start(&hp, &p->hd);
	poller_start(&rp, &p->rd);
	for (i = 0; i < NSEND; i++) {
		hs[i] = (struct sender){ .ept = &h, .id = (uint32_t)i };
		rs[i] = (struct sender){ .ept = &r, .id = (uint32_t)i };
		pthread_create(&hs[i].th, NULL, send_main, &hs[i]);
		pthread_create(&rs[i].th, NULL, send_main, &rs[i]);
	}
	for (i = 0; i < NSEND; i++) {
		pthread_join(hs[i].th, NULL);
		pthread_join(rs[i].th, NULL);
	}
	wait_total(&hsink, NSEND * NMSG);
	wait_total(&rsink, NSEND * NMSG);
	poller_stop(&hp);
	poller_stop(&rp);
	for (i = 0; i < NSEND; i++) {
		assert_int_equal(hs[i].fails, 0);
		assert_int_equal(rs[i].fails, 0);
		assert_int_equal(hsink.next[i], NMSG);
		assert_int_equal(rsink.next[i], NMSG);
	}
	assert_int_equal(atomic_load(&hsink.bad), 0);
	assert_int_equal(atomic_load(&rsink.bad), 0);
	assert_int_equal(atomic_load(&hsink.total), NSEND * NMSG);
	assert_int_equal(atomic_load(&rsink.total), NSEND * NMSG);
	for (i = 0; i < AMP_IPC_ERR_MAX; i++) {
		struct amp_rpmsg_stats st;

		amp_rpmsg_get_stats(&p->hd, &st);
		assert_int_equal(st.ipc.err[i], 0);
		amp_rpmsg_get_stats(&p->rd, &st);
		assert_int_equal(st.ipc.err[i], 0);
	}
	amp_rpmsg_destroy_ept(&h);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- destroy while the callback runs, from another thread ---------------- */

struct victim {
	struct amp_rpmsg_endpoint ept;
	atomic_int in_cb;
	atomic_int destroyed; /* destroy returned */
	atomic_int calls;
	atomic_int violations;
};

static int victim_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		     uint32_t src, void *priv)
{
	struct victim *v = priv;

	(void)ept;
	(void)data;
	(void)len;
	(void)src;
	if (atomic_load(&v->destroyed))
		atomic_fetch_add(&v->violations, 1); /* ran after destroy */
	atomic_store(&v->in_cb, 1);
	atomic_fetch_add(&v->calls, 1);
	usleep(2000); /* widen the window */
	if (atomic_load(&v->destroyed))
		atomic_fetch_add(&v->violations, 1); /* destroy did not wait */
	atomic_store(&v->in_cb, 0);
	return 0;
}

struct spammer {
	struct amp_rpmsg_endpoint *ept;
	uint32_t dst;
	atomic_bool stop;
	pthread_t th;
};

static void *spam_main(void *arg)
{
	struct spammer *s = arg;

	while (!atomic_load(&s->stop))
		if (amp_rpmsg_trysendto(s->ept, "v", 1, s->dst) < 0)
			usleep(100);
	return NULL;
}

static void test_destroy_while_cb_runs(void **state)
{
	struct tpair *p = tpair_new(32, 512, 512);
	struct amp_rpmsg_endpoint r;
	static struct victim v;
	struct spammer sp;
	struct poller hp;
	int round, i;

	(void)state;
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1100,
					      NULL, NULL, NULL),
			 0);
	poller_start(&hp, &p->hd);
	/* The remote's own poll: it must give the buffers back. */
	sp = (struct spammer){ .ept = &r, .dst = 1100 };
	pthread_create(&sp.th, NULL, spam_main, &sp);
	for (round = 0; round < 20; round++) {
		memset(&v, 0, sizeof(v));
		assert_int_equal(amp_rpmsg_create_ept(&v.ept, &p->hd, NULL,
						      1100, 1025, victim_cb,
						      NULL, &v),
				 0);
		/* Wait (bounded, generously) until the callback runs. */
		for (i = 0; i < 600000 && !atomic_load(&v.in_cb); i++) {
			amp_rpmsg_process(&p->rd);
			usleep(100);
		}
		assert_true(atomic_load(&v.calls) > 0); /* it really ran */
		amp_rpmsg_destroy_ept(&v.ept);
		if (atomic_load(&v.in_cb))
			atomic_fetch_add(&v.violations, 1);
		atomic_store(&v.destroyed, 1);
		assert_int_equal(v.ept.refcnt, 0);
		assert_null(v.ept.rdev);
		/* More traffic for the dead address: dropped, no callback. */
		for (i = 0; i < 20; i++) {
			amp_rpmsg_process(&p->rd);
			usleep(100);
		}
		assert_int_equal(atomic_load(&v.violations), 0);
	}
	atomic_store(&sp.stop, true);
	pthread_join(sp.th, NULL);
	poller_stop(&hp);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

/* ---- destroy from inside the callback ------------------------------------- */

struct selfkill {
	struct amp_rpmsg_endpoint ept;
	int calls;
	bool destroyed;
	int after;
};

static int selfkill_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		       uint32_t src, void *priv)
{
	struct selfkill *s = priv;

	(void)data;
	(void)len;
	(void)src;
	if (s->destroyed)
		s->after++;
	s->calls++;
	amp_rpmsg_destroy_ept(ept); /* returns at once: our own callback */
	s->destroyed = true;
	/* Still valid storage: the dispatcher must not touch it again. */
	memset(ept, 0xA5, sizeof(*ept));
	return 0;
}

static void test_destroy_from_own_cb(void **state)
{
	struct tpair *p = tpair_new(32, 512, 512);
	struct amp_rpmsg_endpoint r;
	struct amp_rpmsg_stats st;
	struct selfkill s;
	int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(tpair_start(p), 0);
	assert_int_equal(amp_rpmsg_create_ept(&s.ept, &p->hd, NULL, 1200, 1025,
					      selfkill_cb, NULL, &s),
			 0);
	assert_int_equal(amp_rpmsg_create_ept(&r, &p->rd, NULL, 1025, 1200,
					      NULL, NULL, NULL),
			 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(amp_rpmsg_trysend(&r, &i, sizeof(i)),
				 sizeof(i));
	tpair_pump(p);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.after, 0);
	amp_rpmsg_get_stats(&p->hd, &st);
	assert_int_equal(st.ipc.err[AMP_IPC_ERR_NO_EPT], 9);
	/* The address is free again. */
	assert_int_equal(amp_rpmsg_create_ept(&s.ept, &p->hd, NULL, 1200, 1025,
					      selfkill_cb, NULL, &s),
			 0);
	amp_rpmsg_destroy_ept(&s.ept);
	amp_rpmsg_destroy_ept(&r);
	tpair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_no_loss),
		cmocka_unit_test(test_destroy_while_cb_runs),
		cmocka_unit_test(test_destroy_from_own_cb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
