/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The notifier contract, for every notifier of the Linux port (futex
 * doorbells, eventfd pair, socket byte, a user's fd with its own kick):
 * a kick between prepare() and wait() is not lost, every waiting thread
 * of a side wakes on one kick, and wake-ups never restart a deadline.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/linux_notify.h>

enum { K_FUTEX, K_EVENTFD, K_SOCKET, K_PIPE, K_MAX };

struct pair {
	struct amp_linux_notifier a, b; /* two ends of one link */
	void *bells;
	int pipes[2][2];
};

/* A "mailbox driver": kicking writes a byte the other side's fd reads. */
static int pipe_kick(void *priv)
{
	int fd = (int)(intptr_t)priv;

	return write(fd, "k", 1) == 1 || errno == EAGAIN ? 0 : -errno;
}

static void pair_open(struct pair *p, int kind)
{
	memset(p, 0, sizeof(*p));
	switch (kind) {
	case K_FUTEX:
		p->bells = aligned_alloc(64, 2 * AMP_LINUX_BELL_SIZE);
		assert_non_null(p->bells);
		memset(p->bells, 0, 2 * AMP_LINUX_BELL_SIZE);
		assert_int_equal(amp_linux_notifier_futex(
					 p->bells,
					 (char *)p->bells + AMP_LINUX_BELL_SIZE,
					 20, &p->a),
				 0);
		assert_int_equal(amp_linux_notifier_futex(
					 (char *)p->bells + AMP_LINUX_BELL_SIZE,
					 p->bells, 0, &p->b),
				 0);
		break;
	case K_EVENTFD: {
		int fds[2];

		assert_int_equal(amp_linux_notifier_eventfd_pair(&p->a), 0);
		assert_int_equal(p->a.npeer_fds, 2);
		fds[0] = dup(p->a.peer_fds[0]);
		fds[1] = dup(p->a.peer_fds[1]);
		assert_int_equal(
			amp_linux_notifier_open_peer(AMP_LINUX_NOTIFY_EVENTFD,
						     fds, 2, &p->b),
			0);
		break;
	}
	case K_SOCKET: {
		int fd;

		assert_int_equal(amp_linux_notifier_socket_pair(&p->a), 0);
		assert_int_equal(p->a.npeer_fds, 1);
		fd = dup(p->a.peer_fds[0]);
		assert_int_equal(
			amp_linux_notifier_open_peer(AMP_LINUX_NOTIFY_SOCKET,
						     &fd, 1, &p->b),
			0);
		break;
	}
	default: {
		struct amp_linux_fd_notifier_cfg c = { .kick_fd = -1 };

		assert_int_equal(pipe(p->pipes[0]), 0);
		assert_int_equal(pipe(p->pipes[1]), 0);
		c.wait_fd = p->pipes[0][0];
		c.kick = pipe_kick;
		c.kick_priv = (void *)(intptr_t)p->pipes[1][1];
		assert_int_equal(amp_linux_notifier_fd(&c, &p->a), 0);
		c.wait_fd = p->pipes[1][0];
		c.kick_priv = (void *)(intptr_t)p->pipes[0][1];
		assert_int_equal(amp_linux_notifier_fd(&c, &p->b), 0);
	}
	}
}

static void pair_close(struct pair *p)
{
	amp_linux_notifier_close(&p->a);
	amp_linux_notifier_close(&p->b);
	if (p->pipes[0][1]) {
		close(p->pipes[0][1]);
		close(p->pipes[1][1]);
	}
	free(p->bells);
}

static uint32_t prep(struct amp_linux_notifier *n)
{
	return n->ops->prepare(n->priv);
}

static int nwait(struct amp_linux_notifier *n, uint32_t tok, uint32_t *rem)
{
	return n->ops->wait(n->priv, tok, rem);
}

static void kick(struct amp_linux_notifier *n)
{
	assert_int_equal(n->ops->notify(n->priv), 0);
}

/* A kick after the snapshot, before the wait, is not lost (both ways). */
static void test_no_lost_wakeup(void **state)
{
	(void)state;
	for (int k = 0; k < K_MAX; k++) {
		struct pair p;
		uint32_t tok, rem;

		pair_open(&p, k);
		for (int i = 0; i < 100; i++) {
			tok = prep(&p.a);
			kick(&p.b);
			rem = 10000000;
			assert_int_equal(nwait(&p.a, tok, &rem), 0);
			tok = prep(&p.b);
			kick(&p.a);
			rem = 10000000;
			assert_int_equal(nwait(&p.b, tok, &rem), 0);
		}
		/* Nothing new since a fresh snapshot: the wait times out. */
		do {
			tok = prep(&p.a);
			rem = 1000;
		} while (nwait(&p.a, tok, &rem) == 0); /* drain stale kicks */
		assert_int_equal(rem, 0);
		pair_close(&p);
	}
}

struct waiter {
	struct amp_linux_notifier *n;
	pthread_barrier_t *bar;
	int ret;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint32_t tok = prep(w->n), rem = 20000000;

	pthread_barrier_wait(w->bar);
	w->ret = nwait(w->n, tok, &rem);
	return NULL;
}

/* Several threads of one side waiting: one kick wakes them all. */
static void test_all_waiters_wake(void **state)
{
	(void)state;
	for (int k = 0; k < K_MAX; k++) {
		for (int round = 0; round < 20; round++) {
			struct waiter w[4];
			pthread_t th[4];
			pthread_barrier_t bar;
			struct pair p;
			int i;

			pair_open(&p, k);
			pthread_barrier_init(&bar, NULL, 5);
			for (i = 0; i < 4; i++) {
				w[i] = (struct waiter){ &p.a, &bar, 1 };
				assert_int_equal(pthread_create(&th[i], NULL,
								wait_thread,
								&w[i]),
						 0);
			}
			pthread_barrier_wait(&bar);
			if (round & 1)
				usleep(1000); /* let them fall asleep */
			kick(&p.b);
			for (i = 0; i < 4; i++) {
				pthread_join(th[i], NULL);
				assert_int_equal(w[i].ret, 0);
			}
			pthread_barrier_destroy(&bar);
			pair_close(&p);
		}
	}
}

struct kicker {
	struct amp_linux_notifier *n;
	atomic_bool stop;
};

static void *kick_thread(void *arg)
{
	struct kicker *kk = arg;

	while (!atomic_load(&kk->stop)) {
		kick(kk->n);
		usleep(200);
	}
	return NULL;
}

/* A caller looping over wait() keeps one deadline, however often woken. */
static void test_deadline_not_restarted(void **state)
{
	(void)state;
	for (int k = 0; k < K_MAX; k++) {
		struct kicker kk;
		struct pair p;
		pthread_t th;
		uint32_t rem = 50000, last = rem;
		int ret, woken = 0;

		pair_open(&p, k);
		kk.n = &p.b;
		atomic_init(&kk.stop, false);
		assert_int_equal(pthread_create(&th, NULL, kick_thread, &kk),
				 0);
		do {
			uint32_t tok = prep(&p.a);

			ret = nwait(&p.a, tok, &rem);
			assert_true(rem <= last);
			last = rem;
			woken += ret == 0;
		} while (ret == 0);
		assert_int_equal(ret, -ETIMEDOUT);
		assert_int_equal(rem, 0);
		atomic_store(&kk.stop, true);
		pthread_join(th, NULL);
		pair_close(&p);
		assert_true(woken > 0); /* the kicker really woke it */
	}
}

/* Forever is forever: UINT32_MAX is left unchanged. */
static void test_forever_unchanged(void **state)
{
	(void)state;
	for (int k = 0; k < K_MAX; k++) {
		struct pair p;
		uint32_t tok, rem = UINT32_MAX;

		pair_open(&p, k);
		tok = prep(&p.a);
		kick(&p.b);
		assert_int_equal(nwait(&p.a, tok, &rem), 0);
		assert_int_equal(rem, UINT32_MAX);
		pair_close(&p);
	}
}

/* A socket peer that hung up ends the wait with -EPIPE, no spinning. */
static void test_peer_gone(void **state)
{
	struct pair p;
	uint32_t tok, rem = 10000000;

	(void)state;
	pair_open(&p, K_SOCKET);
	amp_linux_notifier_close(&p.b);
	/* The host still holds the peer's end until it is closed too. */
	close(p.a.peer_fds[0]);
	p.a.npeer_fds = 0;
	tok = prep(&p.a);
	assert_int_equal(nwait(&p.a, tok, &rem), -EPIPE);
	amp_linux_notifier_close(&p.a);
}

static void test_bad_args(void **state)
{
	struct amp_linux_fd_notifier_cfg c = { .wait_fd = -1, .kick_fd = -1 };
	struct amp_linux_notifier n;
	char bell[256] __attribute__((aligned(64)));
	int fd = dup(0);

	(void)state;
	assert_int_equal(amp_linux_notifier_fd(&c, &n), -EINVAL);
	assert_int_equal(amp_linux_notifier_futex(bell + 4, bell + 128, 0, &n),
			 -EINVAL);
	assert_int_equal(amp_linux_notifier_open_peer(AMP_LINUX_NOTIFY_EVENTFD,
						      &fd, 1, &n),
			 -EINVAL);
	amp_linux_notifier_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_lost_wakeup),
		cmocka_unit_test(test_all_waiters_wake),
		cmocka_unit_test(test_deadline_not_restarted),
		cmocka_unit_test(test_forever_unchanged),
		cmocka_unit_test(test_peer_gone),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
