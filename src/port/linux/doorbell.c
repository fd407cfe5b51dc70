/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Futex doorbell with adaptive spin.
 *
 * notify: seq++ (seq_cst), then FUTEX_WAKE only if the waiter announced it
 * is asleep. wait: spin on seq for up to spin_ns, then announce sleep
 * (sleepers++, seq_cst), re-check seq and FUTEX_WAIT on it. The two seq_cst
 * sequences (store seq / load sleepers, store sleepers / load seq) make a
 * lost wake-up impossible. The futex is shared (not FUTEX_PRIVATE): the
 * two processes map the memfd at different addresses.
 *
 * The spin budget adapts: halved after a wait that had to sleep long (the
 * peer is idle: do not burn CPU), doubled up to spin_max after a wait that
 * slept only briefly (spinning a little longer would have avoided the
 * system calls).
 */
#include "port/linux/doorbell.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include <ampshm/linux_notify.h>

#define SPIN_MIN_NS 1000u
#define SPIN_YIELD_NS 1000u

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	sched_yield();
#endif
}

void amp_bell_waiter_init(struct amp_bell_waiter *w, struct amp_bell *bell,
			  uint32_t spin_us)
{
	w->bell = bell;
	w->spin_max_ns = spin_us * 1000u;
	atomic_store(&w->spin_ns, w->spin_max_ns);
}

uint32_t amp_bell_prepare(struct amp_bell_waiter *w)
{
	return atomic_load_explicit(&w->bell->seq, memory_order_seq_cst);
}

void amp_bell_ring(struct amp_bell *bell, struct amp_linux_ipc_stats *st)
{
	st->notifies++;
	atomic_fetch_add_explicit(&bell->seq, 1, memory_order_seq_cst);
	/*
	 * Wake every sleeper: several threads of one side may wait (a poll
	 * thread, senders), each on its own token. With one sleeper INT_MAX
	 * costs the same as 1.
	 */
	if (atomic_load_explicit(&bell->sleepers, memory_order_seq_cst)) {
		st->futex_wakes++;
		syscall(SYS_futex, &bell->seq, FUTEX_WAKE, INT_MAX, NULL, NULL,
			0);
	}
}

static bool rang(struct amp_bell_waiter *w, uint32_t token)
{
	return atomic_load_explicit(&w->bell->seq, memory_order_acquire) !=
	       token;
}

static void charge(uint32_t *remaining_us, uint64_t t0)
{
	uint64_t spent;

	if (*remaining_us == UINT32_MAX)
		return;
	/* Round up: a caller woken again and again still reaches 0. */
	spent = (now_ns() - t0 + 999u) / 1000u;
	*remaining_us =
		spent >= *remaining_us ? 0 : *remaining_us - (uint32_t)spent;
}

int amp_bell_wait(struct amp_bell_waiter *w, uint32_t token,
		  uint32_t *remaining_us)
{
	uint32_t spin = atomic_load_explicit(&w->spin_ns, memory_order_relaxed);
	uint64_t t0, deadline, spin_end, slept_from;
	uint32_t i;
	int ret = -ETIMEDOUT;

	if (rang(w, token))
		return 0;
	if (!*remaining_us) {
		w->st.timeouts++;
		return -ETIMEDOUT;
	}
	t0 = now_ns();
	deadline = *remaining_us == UINT32_MAX ?
			   UINT64_MAX :
			   t0 + (uint64_t)*remaining_us * 1000u;
	spin_end = t0 + spin;
	if (spin_end > deadline)
		spin_end = deadline;

	for (i = 0; spin; i++) {
		uint64_t now;

		cpu_relax();
		if (rang(w, token)) {
			w->st.spin_wakeups++;
			charge(remaining_us, t0);
			return 0;
		}
		if ((i & 31) != 31)
			continue;
		now = now_ns();
		if (now >= spin_end)
			break;
		/*
		 * Spinning long: the peer may be waiting for this very CPU
		 * (more runnable tasks than cores). Let it run; with a core
		 * to itself sched_yield() returns at once.
		 */
		if (now - t0 >= SPIN_YIELD_NS)
			sched_yield();
	}

	slept_from = now_ns();
	atomic_fetch_add_explicit(&w->bell->sleepers, 1, memory_order_seq_cst);
	for (;;) {
		struct timespec ts, *tsp = NULL;
		uint64_t now;

		if (rang(w, token)) {
			ret = 0;
			break;
		}
		now = now_ns();
		if (now >= deadline)
			break;
		if (deadline != UINT64_MAX) {
			uint64_t rem = deadline - now;

			ts.tv_sec = (time_t)(rem / 1000000000u);
			ts.tv_nsec = (long)(rem % 1000000000u);
			tsp = &ts;
		}
		/* Sleeps only while seq still equals our snapshot. */
		syscall(SYS_futex, &w->bell->seq, FUTEX_WAIT, token, tsp, NULL,
			0);
	}
	atomic_fetch_sub_explicit(&w->bell->sleepers, 1, memory_order_seq_cst);
	charge(remaining_us, t0);

	if (ret == 0) {
		uint64_t slept = now_ns() - slept_from;

		w->st.sleep_wakeups++;
		if (slept < 4ull * w->spin_max_ns)
			spin = spin * 2 > w->spin_max_ns || !spin ?
				       w->spin_max_ns :
				       spin * 2;
		else if (spin / 2 >= SPIN_MIN_NS)
			spin /= 2;
	} else {
		w->st.timeouts++;
		if (spin / 2 >= SPIN_MIN_NS)
			spin /= 2;
	}
	atomic_store_explicit(&w->spin_ns, spin, memory_order_relaxed);
	w->st.spin_ns = spin;
	return ret;
}

/* ---- as a notifier ------------------------------------------------------ */

struct amp_futex_notifier {
	struct amp_bell_waiter w;
	struct amp_bell *peer;
};

static int fx_notify(void *priv)
{
	struct amp_futex_notifier *f = priv;

	amp_bell_ring(f->peer, &f->w.st);
	return 0;
}

static uint32_t fx_prepare(void *priv)
{
	struct amp_futex_notifier *f = priv;

	return amp_bell_prepare(&f->w);
}

static int fx_wait(void *priv, uint32_t token, uint32_t *remaining_us)
{
	struct amp_futex_notifier *f = priv;

	return amp_bell_wait(&f->w, token, remaining_us);
}

static void fx_stats(void *priv, struct amp_linux_ipc_stats *st)
{
	struct amp_futex_notifier *f = priv;

	*st = f->w.st;
	st->spin_ns = atomic_load(&f->w.spin_ns);
}

static void fx_close(void *priv)
{
	free(priv);
}

static const struct amp_linux_notifier_ops fx_ops = {
	.notify = fx_notify,
	.prepare = fx_prepare,
	.wait = fx_wait,
	.get_stats = fx_stats,
	.close = fx_close,
};

int amp_linux_notifier_futex(void *own_bell, void *peer_bell, uint32_t spin_us,
			     struct amp_linux_notifier *out)
{
	struct amp_futex_notifier *f;

	_Static_assert(sizeof(struct amp_bell) == AMP_LINUX_BELL_SIZE,
		       "bell size");
	if (!own_bell || !peer_bell || !out ||
	    (((uintptr_t)own_bell | (uintptr_t)peer_bell) &
	     (AMP_LINUX_BELL_SIZE - 1)))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	amp_bell_waiter_init(&f->w, own_bell, spin_us);
	f->peer = peer_bell;
	*out = (struct amp_linux_notifier){
		.ops = &fx_ops,
		.priv = f,
		.kind = AMP_LINUX_NOTIFY_FUTEX,
	};
	return 0;
}
