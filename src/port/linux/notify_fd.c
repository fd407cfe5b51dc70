/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notifiers over file descriptors: an eventfd per direction, one byte per
 * kick over an AF_UNIX socket pair, or any descriptor that becomes
 * readable when the peer kicks (a mailbox/IPI driver's fd).
 *
 * The descriptor only says "kicked at least once since the last drain".
 * To give every waiting thread every kick, waiters elect one reader that
 * polls the descriptor, drains it and bumps a local sequence (the token
 * is a snapshot of it); the other waiters sleep on a private futex word
 * (gen) that the reader bumps when it leaves, so one of them takes over
 * polling if the reader's own deadline ran out.
 */
#include <ampshm/linux_notify.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

struct amp_fd_notifier {
	int wait_fd;
	int kick_fd;
	uint32_t kick_bytes;
	int (*kick)(void *kick_priv);
	void *kick_priv;
	_Atomic uint32_t seq; /* kicks seen by this side */
	_Atomic uint32_t gen; /* bumped when a reader leaves */
	_Atomic uint32_t reader; /* 1 while a thread polls wait_fd */
	_Atomic uint32_t sleepers; /* threads asleep on gen */
	struct amp_linux_ipc_stats st;
};

static uint64_t amp_fdn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fdn_notify(void *priv)
{
	struct amp_fd_notifier *n = priv;
	uint64_t one = 1;
	ssize_t w;

	n->st.notifies++;
	n->st.futex_wakes++;
	if (n->kick)
		return n->kick(n->kick_priv);
	do
		w = n->kick_bytes == 8 ? write(n->kick_fd, &one, 8) :
					 send(n->kick_fd, "k", 1,
					      MSG_NOSIGNAL | MSG_DONTWAIT);
	while (w < 0 && errno == EINTR);
	/* Full: the peer has unread kicks already, it will wake up. */
	if (w < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

static uint32_t fdn_prepare(void *priv)
{
	struct amp_fd_notifier *n = priv;

	return atomic_load(&n->seq);
}

/*
 * Drain the descriptor: 1 if it held at least one kick, 0 if nothing,
 * -EPIPE if the peer hung up (end of file).
 */
static int fdn_drain(struct amp_fd_notifier *n)
{
	char buf[64];
	int got = 0;
	ssize_t r;

	for (;;) {
		r = read(n->wait_fd, buf, n->kick_bytes == 8 ? 8 : sizeof(buf));
		if (r > 0) {
			got = 1;
			if (n->kick_bytes == 8 || r < (ssize_t)sizeof(buf))
				break;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && !got)
			return -EPIPE;
		break;
	}
	return got;
}

static int fdn_wait(void *priv, uint32_t token, uint32_t *remaining_us)
{
	struct amp_fd_notifier *n = priv;
	uint64_t t0, deadline, spent;
	int ret = -ETIMEDOUT;

	if (atomic_load(&n->seq) != token)
		return 0;
	if (!*remaining_us) {
		n->st.timeouts++;
		return -ETIMEDOUT;
	}
	t0 = amp_fdn_now_ns();
	deadline = *remaining_us == UINT32_MAX ?
			   UINT64_MAX :
			   t0 + (uint64_t)*remaining_us * 1000u;
	for (;;) {
		struct timespec ts, *tsp = NULL;
		uint32_t g = atomic_load(&n->gen), zero = 0;
		uint64_t now;

		if (atomic_load(&n->seq) != token) {
			ret = 0;
			break;
		}
		now = amp_fdn_now_ns();
		if (now >= deadline)
			break;
		if (deadline != UINT64_MAX) {
			ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
			ts.tv_nsec = (long)((deadline - now) % 1000000000u);
			tsp = &ts;
		}
		if (atomic_compare_exchange_strong(&n->reader, &zero, 1)) {
			struct pollfd p = { .fd = n->wait_fd,
					    .events = POLLIN };
			int r = 0, got = 0;

			if (atomic_load(&n->seq) == token)
				r = ppoll(&p, 1, tsp, NULL);
			if (r > 0 && (p.revents & POLLIN))
				got = fdn_drain(n);
			else if (r > 0)
				got = -EPIPE; /* HUP/ERR without data */
			if (got > 0)
				atomic_fetch_add(&n->seq, 1);
			atomic_store(&n->reader, 0);
			atomic_fetch_add(&n->gen, 1);
			if (atomic_load(&n->sleepers))
				syscall(SYS_futex, &n->gen, FUTEX_WAKE_PRIVATE,
					INT_MAX, NULL, NULL, 0);
			if (got < 0) {
				/* Peer gone: do not spin on it. */
				ret = got;
				break;
			}
		} else {
			atomic_fetch_add(&n->sleepers, 1);
			if (atomic_load(&n->seq) == token)
				syscall(SYS_futex, &n->gen, FUTEX_WAIT_PRIVATE,
					g, tsp, NULL, 0);
			atomic_fetch_sub(&n->sleepers, 1);
		}
	}
	if (*remaining_us != UINT32_MAX) {
		spent = (amp_fdn_now_ns() - t0 + 999u) / 1000u;
		*remaining_us = spent >= *remaining_us ?
					0 :
					*remaining_us - (uint32_t)spent;
	}
	if (ret == 0)
		n->st.sleep_wakeups++;
	else if (ret == -ETIMEDOUT) {
		n->st.timeouts++;
		*remaining_us = 0;
	}
	return ret;
}

static void fdn_stats(void *priv, struct amp_linux_ipc_stats *st)
{
	struct amp_fd_notifier *n = priv;

	*st = n->st;
}

static void fdn_close(void *priv)
{
	struct amp_fd_notifier *n = priv;

	if (n->kick_fd >= 0 && n->kick_fd != n->wait_fd)
		close(n->kick_fd);
	if (n->wait_fd >= 0)
		close(n->wait_fd);
	free(n);
}

static const struct amp_linux_notifier_ops fdn_ops = {
	.notify = fdn_notify,
	.prepare = fdn_prepare,
	.wait = fdn_wait,
	.get_stats = fdn_stats,
	.close = fdn_close,
};

static void amp_close_fds(const struct amp_linux_fd_notifier_cfg *cfg)
{
	if (cfg->kick_fd >= 0 && cfg->kick_fd != cfg->wait_fd)
		close(cfg->kick_fd);
	if (cfg->wait_fd >= 0)
		close(cfg->wait_fd);
}

int amp_linux_notifier_fd(const struct amp_linux_fd_notifier_cfg *cfg,
			  struct amp_linux_notifier *out)
{
	struct amp_fd_notifier *n;
	int fl;

	if (!cfg || !out)
		return amp_err(-EINVAL, "notifier: no configuration");
	if (cfg->wait_fd < 0 || (!cfg->kick && cfg->kick_fd < 0) ||
	    (!cfg->kick && cfg->kick_bytes != 1 && cfg->kick_bytes != 8)) {
		amp_close_fds(cfg);
		return amp_err(-EINVAL,
			       "notifier: need a wait fd and a kick (fd "
			       "with 1 or 8 bytes per kick, or a function)");
	}
	fl = fcntl(cfg->wait_fd, F_GETFL);
	if (fl < 0 || fcntl(cfg->wait_fd, F_SETFL, fl | O_NONBLOCK)) {
		amp_close_fds(cfg);
		return amp_err(-EBADF, "notifier: bad wait descriptor");
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		amp_close_fds(cfg);
		return amp_err(-ENOMEM, "notifier: out of memory");
	}
	n->wait_fd = cfg->wait_fd;
	n->kick_fd = cfg->kick_fd;
	n->kick_bytes = cfg->kick_bytes ? cfg->kick_bytes : 8;
	n->kick = cfg->kick;
	n->kick_priv = cfg->kick_priv;
	*out = (struct amp_linux_notifier){
		.ops = &fdn_ops,
		.priv = n,
		.kind = AMP_LINUX_NOTIFY_CUSTOM,
	};
	return 0;
}

int amp_linux_notifier_eventfd_pair(struct amp_linux_notifier *out)
{
	/* mine: I wait on it, the peer kicks it; theirs: the other way. */
	int mine = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int theirs = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int pm = mine >= 0 ? dup(mine) : -1,
	    pt = theirs >= 0 ? dup(theirs) : -1;
	struct amp_linux_fd_notifier_cfg c = { .wait_fd = mine,
					       .kick_fd = theirs,
					       .kick_bytes = 8 };
	int ret;

	if (mine < 0 || theirs < 0 || pm < 0 || pt < 0) {
		ret = -errno;
		for (int *f = (int[]){ mine, theirs, pm, pt, -2 }; *f != -2;
		     f++)
			if (*f >= 0)
				close(*f);
		return amp_err(ret, "notifier: eventfd failed");
	}
	ret = amp_linux_notifier_fd(&c, out);
	if (ret) {
		close(pm);
		close(pt);
		return ret;
	}
	out->kind = AMP_LINUX_NOTIFY_EVENTFD;
	out->peer_fds[0] = pt; /* the peer waits on it */
	out->peer_fds[1] = pm; /* and kicks this one */
	out->npeer_fds = 2;
	return 0;
}

int amp_linux_notifier_socket_pair(struct amp_linux_notifier *out)
{
	struct amp_linux_fd_notifier_cfg c = { .kick_bytes = 1 };
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       sv))
		return amp_err(-errno, "notifier: socketpair failed");
	c.wait_fd = c.kick_fd = sv[0];
	ret = amp_linux_notifier_fd(&c, out);
	if (ret) {
		close(sv[1]);
		return ret;
	}
	out->kind = AMP_LINUX_NOTIFY_SOCKET;
	out->peer_fds[0] = sv[1];
	out->npeer_fds = 1;
	return 0;
}

int amp_linux_notifier_open_peer(enum amp_linux_notify_kind kind,
				 const int *fds, unsigned int nfds,
				 struct amp_linux_notifier *out)
{
	struct amp_linux_fd_notifier_cfg c = { .wait_fd = -1, .kick_fd = -1 };
	int ret;

	if (kind == AMP_LINUX_NOTIFY_EVENTFD && nfds == 2) {
		c.wait_fd = fds[0];
		c.kick_fd = fds[1];
		c.kick_bytes = 8;
	} else if (kind == AMP_LINUX_NOTIFY_SOCKET && nfds == 1) {
		c.wait_fd = c.kick_fd = fds[0];
		c.kick_bytes = 1;
	} else {
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		return amp_err(-EINVAL,
			       "notifier: kind %d with %u descriptors is not "
			       "a peer end",
			       (int)kind, nfds);
	}
	ret = amp_linux_notifier_fd(&c, out);
	if (!ret)
		out->kind = kind;
	return ret;
}

void amp_linux_notifier_close(struct amp_linux_notifier *n)
{
	if (!n || !n->ops)
		return;
	for (unsigned int i = 0; i < n->npeer_fds; i++)
		if (n->peer_fds[i] >= 0)
			close(n->peer_fds[i]);
	n->npeer_fds = 0;
	n->ops->close(n->priv);
	n->ops = NULL;
}
