// SPDX-License-Identifier: BSD-3-Clause
/*
 * The host side of the hand-over protocol: the ownership listener of a
 * remoteproc-managed coprocessor's device (attach shares, sync_for_device
 * hands over, sync_for_cpu waits for the give-back, detach unshares), and
 * the receiver of what the firmware sends, which it checks against the
 * table of what was shared (wire.c) before believing any of it.
 *
 * Locks, outermost first: global lock -> shm->lock -> the link
 * (amp_rproc_rpmsg_lock()) -> s->mu. Messages are received by whoever
 * polls the link (the session's thread, or the application), inside the
 * link; their handlers only take s->mu. Completion callbacks are queued
 * and run by the session's thread with no lock held. sync_for_cpu waits
 * for give-backs in wait_cpu(), with no lock held but s->mu, so a crash
 * reclaim never waits for a waiter.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ampshm/handover_session.h>

#include "core/error.h"
#include "core/shm_internal.h"
#include "remoteproc/rproc_internal.h"

/* How long a waiter looks for a give-back before it sleeps. */
#define SPIN_NS 50000u

/* Completions one buffer keeps until the CPU took their range back. */
#define MAX_PEND (2 * AMP_HOV_MAX_RANGES)

enum { P_FREE = 0, P_OUT, P_BACK };

struct pend {
	uint8_t state;
	uint32_t seq; /* of its HANDOVER */
	struct amp_hov_done d;
};

/*
 * A buffer shared with the core. When the core dies holding some of it,
 * the slot stays (dead) for the waiters, amp_hov_wait() included, until
 * the buffer is shared again or the slot is needed.
 */
struct share {
	struct amp_shm *shm; /* NULL: slot free */
	uint32_t id;
	bool dead; /* taken back from a dead core, detached */
	unsigned gen; /* link it was shared on */
	uint32_t seq_first, seq_last; /* its SHARE parts */
	uint32_t refused; /* the firmware's ERROR code about it, or 0 */
	struct pend p[MAX_PEND];
};

struct done_node {
	struct done_node *next;
	struct amp_hov_done d;
};

struct amp_hov_session {
	struct amp_rproc *rp;
	char service[AMP_RPMSG_NAME_SIZE];
	uint32_t timeout_ms;
	amp_hov_done_fn done_fn;
	void *done_priv;
	amp_rpmsg_ns_bind_cb ns_other;
	void *ns_other_priv;
	/* under the link */
	struct amp_rpmsg_endpoint ept;
	/* link generation the service is bound on (0: never); atomic */
	unsigned bound_gen;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	uint32_t seq, next_id;
	unsigned events; /* completions so far (atomic: spinners read it) */
	struct amp_hov_table tab;
	struct amp_hov_buf *tbufs;
	struct share *shares;
	unsigned nshares;
	struct done_node *dq, **dq_tail;
	struct amp_hov_stats st;
	bool quit;
	pthread_t thr;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool ready(const struct amp_hov_session *s)
{
	unsigned g = __atomic_load_n(&s->bound_gen, __ATOMIC_ACQUIRE);

	return g && g == amp_rproc_link_gen(s->rp);
}

/* Wait on s->cv until @deadline (ns, monotonic). mu held. */
static int wait_until(struct amp_hov_session *s, uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000u),
			       .tv_nsec = (long)(deadline % 1000000000u) };

	if (now_ns() >= deadline)
		return -ETIMEDOUT;
	return -pthread_cond_timedwait(&s->cv, &s->mu, &ts);
}

static uint64_t cookie_of(unsigned slot, uint32_t id)
{
	return (uint64_t)id << 32 | (slot + 1u);
}

/* The share a cookie names, if still that buffer (maybe dead). mu held. */
static struct share *share_of(struct amp_hov_session *s, uint64_t cookie)
{
	unsigned slot = (unsigned)(cookie & 0xffffffffu);
	uint32_t id = (uint32_t)(cookie >> 32);

	if (!slot || slot > s->nshares)
		return NULL;
	return s->shares[slot - 1].shm && s->shares[slot - 1].id == id ?
		       &s->shares[slot - 1] :
		       NULL;
}

/* The live share of @id: in the slot of its table entry. mu held. */
static struct share *share_by_id(struct amp_hov_session *s, uint32_t id)
{
	const struct amp_hov_buf *b = amp_hov_find(&s->tab, id);
	struct share *sh = b ? &s->shares[b - s->tbufs] : NULL;

	return sh && sh->shm && !sh->dead && sh->id == id ? sh : NULL;
}

static bool overlaps(const struct pend *p, uint64_t off, uint64_t len)
{
	return p->d.offset < off + len && off < p->d.offset + p->d.length;
}

/* Queue a completion for the session's thread. mu held. */
static void complete(struct amp_hov_session *s, const struct amp_hov_done *d)
{
	struct done_node *n;

	__atomic_add_fetch(&s->events, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&s->cv);
	if (!s->done_fn)
		return;
	n = malloc(sizeof(*n));
	if (!n) {
		amp_err(-ENOMEM, "handover: completion of '%s' not queued",
			amp_shm_name(d->shm));
		return;
	}
	n->next = NULL;
	n->d = *d;
	*s->dq_tail = n;
	s->dq_tail = &n->next;
}

/* Take an outstanding range off the wire table (it came back some other
 * way than a GIVEBACK: refused, or the core died). mu held. */
static void retire(struct amp_hov_session *s, const struct pend *p)
{
	struct amp_hov_giveback g = { .id = p->d.id,
				      .offset = p->d.offset,
				      .length = p->d.length,
				      .tag = p->d.tag };

	amp_hov_check_giveback(&s->tab, &g, NULL);
}

/* An outstanding hand-over ends with @status. mu held. */
static void finish(struct amp_hov_session *s, struct pend *p, int status,
		   uint32_t refusal)
{
	retire(s, p);
	p->d.status = status;
	p->d.refusal = refusal;
	p->d.result_len = 0;
	p->state = P_BACK;
	if (status == -EOWNERDEAD)
		s->st.dead++;
	complete(s, &p->d);
}

/* ---- sending ---------------------------------------------------------- */

static uint64_t deadline_of(const struct amp_hov_session *s)
{
	return now_ns() + (uint64_t)s->timeout_ms * 1000000u;
}

/* Send one encoded message; waits for an RPMsg buffer until @deadline (the
 * caller's, for all its messages), without holding the link (the poller
 * must keep receiving). */
static int send_bytes(struct amp_hov_session *s, const void *buf, size_t n,
		      uint64_t deadline)
{
	long backoff = 20000;

	for (;;) {
		struct amp_rpmsg_dev *rdev = amp_rproc_rpmsg_lock(s->rp);
		int ret;

		if (!rdev)
			return amp_err(-ENOTCONN,
				       "handover: '%s' is not "
				       "running",
				       s->rp->name);
		if (!ready(s)) {
			amp_rproc_rpmsg_unlock(s->rp);
			return amp_err(-ENOTCONN,
				       "handover: '%s' has not announced '%s' "
				       "(amp_hov_session_wait_ready())",
				       s->rp->name, s->service);
		}
		ret = amp_rpmsg_trysend(&s->ept, buf, n);
		amp_rproc_rpmsg_unlock(s->rp);
		if (ret != -EAGAIN)
			return ret < 0 ? amp_err(ret, "handover: send to '%s'",
						 s->rp->name) :
					 0;
		if (now_ns() >= deadline)
			return amp_err(-ETIMEDOUT,
				       "handover: no RPMsg buffer towards '%s' "
				       "for %u ms",
				       s->rp->name, s->timeout_ms);
		nanosleep(&(struct timespec){ .tv_nsec = backoff }, NULL);
		if (backoff < 1000000)
			backoff *= 2;
	}
}

/* ---- the ownership listener ------------------------------------------ */

static int hov_attach(struct amp_attach *a, void *priv)
{
	struct amp_hov_session *s = priv;
	uint32_t nseg = (uint32_t)a->nda, parts = amp_hov_share_parts(nseg);
	uint64_t deadline = deadline_of(s);
	struct share *sh = NULL;
	unsigned slot = 0, gen;
	uint32_t id;
	int ret = 0;

	/*
	 * What the core is told is what its address space maps: the attach
	 * got a->da_sg from the device's windows or IOMMU, and refused a
	 * buffer they do not reach (-ERANGE) before we are called.
	 */
	if (a->nda > UINT32_MAX)
		return amp_err(-E2BIG, "handover: too many segments");
	pthread_mutex_lock(&s->mu);
	if (!ready(s)) {
		pthread_mutex_unlock(&s->mu);
		return amp_err(-ENOTCONN,
			       "handover: '%s' has not announced '%s' "
			       "(amp_hov_session_wait_ready())",
			       s->rp->name, s->service);
	}
	/* shared again: the slot a crash left for it goes */
	for (unsigned i = 0; i < s->nshares; i++)
		if (s->shares[i].dead && s->shares[i].shm == a->shm)
			s->shares[i].shm = NULL;
	id = ++s->next_id;
	gen = __atomic_load_n(&s->bound_gen, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&s->mu);

	for (uint32_t part = 0; part < parts && !ret; part++) {
		struct amp_hov_msg m;
		uint8_t buf[AMP_HOV_MAX_MSG];

		pthread_mutex_lock(&s->mu);
		ret = amp_hov_share_fill(&m, ++s->seq, id, AMP_HOV_BUF_CACHED,
					 a->shm->size, (uint8_t)a->dir,
					 a->da_sg, nseg, part);
		if (!ret) {
			ret = amp_hov_check_share(&s->tab, &m.u.share);
			ret = ret < 0 ? ret : 0;
		}
		if (!ret && !sh) {
			/* the share lives in the slot the table gave it */
			slot = (unsigned)(amp_hov_find(&s->tab, id) - s->tbufs);
			sh = &s->shares[slot];
			*sh = (struct share){ .shm = a->shm,
					      .id = id,
					      .gen = gen,
					      .seq_first = m.seq };
		}
		if (!ret) {
			sh->seq_last = m.seq;
			ret = amp_hov_encode(&m, buf, sizeof(buf));
		}
		pthread_mutex_unlock(&s->mu);
		if (ret == -AMP_HOV_E_TABLE_FULL) {
			ret = amp_err(-ENOSPC,
				      "handover: %u buffers already shared "
				      "with '%s'",
				      s->nshares, s->rp->name);
			break;
		}
		if (ret < 0) {
			amp_err(ret, "handover: SHARE of '%s': %s",
				a->shm->name, amp_hov_strerror(ret));
			break;
		}
		ret = send_bytes(s, buf, (size_t)ret, deadline);
	}
	pthread_mutex_lock(&s->mu);
	if (ret) {
		amp_hov_check_unshare(&s->tab, id);
		if (sh)
			sh->shm = NULL;
	} else {
		s->st.shares++;
		s->st.live_bufs++;
		a->own_cookie = cookie_of(slot, id);
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static void hov_detach(struct amp_attach *a, bool forced, void *priv)
{
	struct amp_hov_session *s = priv;
	struct amp_hov_msg m = { .type = AMP_HOV_UNSHARE };
	uint8_t buf[AMP_HOV_MAX_MSG];
	struct share *sh;
	bool send = false;
	int n = 0;

	pthread_mutex_lock(&s->mu);
	sh = share_of(s, a->own_cookie);
	if (!sh) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	/*
	 * Nothing is out: a detach with ranges owned is refused, a forced
	 * one reclaimed them first (hov_to_cpu() finished each).
	 */
	amp_hov_check_unshare(&s->tab, sh->id);
	if (forced) {
		sh->dead = true; /* stays for its waiters */
	} else {
		if (sh->gen ==
		    __atomic_load_n(&s->bound_gen, __ATOMIC_ACQUIRE)) {
			m.seq = ++s->seq;
			m.u.idm.id = sh->id;
			n = amp_hov_encode(&m, buf, sizeof(buf));
			send = n > 0;
		}
		sh->shm = NULL;
	}
	s->st.unshares++;
	s->st.live_bufs--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (send && ready(s)) /* the ACK is checked on receipt */
		send_bytes(s, buf, (size_t)n, deadline_of(s));
}

static int hov_to_device(const struct amp_sync *sy, void *priv)
{
	struct amp_hov_session *s = priv;
	struct amp_hov_msg m = { .type = AMP_HOV_HANDOVER };
	uint8_t buf[AMP_HOV_MAX_MSG];
	struct share *sh;
	struct pend *p = NULL;
	uint64_t tag = sy->tag;
	int ret;

	pthread_mutex_lock(&s->mu);
	sh = share_of(s, sy->a->own_cookie);
	if (!sh ||
	    sh->gen != __atomic_load_n(&s->bound_gen, __ATOMIC_ACQUIRE) ||
	    !ready(s)) {
		ret = amp_err(-ENOTCONN,
			      "handover: '%s' is not shared with a running "
			      "'%s' (attach it again after a restart)",
			      sy->shm->name, s->rp->name);
		goto out;
	}
	if (sh->refused) {
		ret = amp_err(-EPROTO, "handover: '%s' refused '%s': %s",
			      s->rp->name, sy->shm->name,
			      amp_hov_strerror((int)sh->refused));
		goto out;
	}
	for (unsigned i = 0; i < MAX_PEND && !p; i++)
		if (sh->p[i].state == P_FREE)
			p = &sh->p[i];
	m.seq = ++s->seq;
	m.u.handover = (struct amp_hov_handover){ .id = sh->id,
						  .dir = (uint8_t)sy->dir,
						  .offset = sy->off,
						  .length = sy->len,
						  .tag = tag };
	ret = p ? amp_hov_check_handover(&s->tab, &m.u.handover) :
		  -AMP_HOV_E_RANGES_FULL;
	if (ret == -AMP_HOV_E_RANGES_FULL) {
		ret = amp_err(-EBUSY,
			      "handover: '%s' has %u ranges of '%s' out "
			      "already: take one back first",
			      s->rp->name, AMP_HOV_MAX_RANGES, sy->shm->name);
		goto out;
	}
	if (ret) {
		ret = amp_err(-EINVAL, "handover: HANDOVER of '%s': %s",
			      sy->shm->name, amp_hov_strerror(ret));
		goto out;
	}
	ret = amp_hov_encode(&m, buf, sizeof(buf));
	if (ret < 0)
		goto out; /* cannot happen: the table checked it */
	p->state = P_OUT;
	p->seq = m.seq;
	p->d = (struct amp_hov_done){ .shm = sy->shm,
				      .id = sh->id,
				      .offset = sy->off,
				      .length = sy->len,
				      .tag = tag,
				      .dir = (uint8_t)sy->dir };
out:
	pthread_mutex_unlock(&s->mu);
	if (ret < 0)
		return ret;
	ret = send_bytes(s, buf, (size_t)ret, deadline_of(s));
	pthread_mutex_lock(&s->mu);
	if (ret) {
		/* Not sent: nothing to wait for. */
		retire(s, p);
		p->state = P_FREE;
	} else {
		s->st.handovers++;
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int hov_to_cpu(const struct amp_sync *sy, void *priv)
{
	struct amp_hov_session *s = priv;
	struct share *sh;
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	sh = share_of(s, sy->a->own_cookie);
	for (unsigned i = 0; sh && i < MAX_PEND; i++) {
		struct pend *p = &sh->p[i];

		if (p->state == P_FREE || !overlaps(p, sy->off, sy->len))
			continue;
		if (p->state == P_OUT) {
			if (!sy->forced)
				continue; /* cannot happen: wait_cpu waited */
			finish(s, p, -EOWNERDEAD, 0);
		}
		if (!sy->forced && !ret && p->d.status < 0)
			ret = amp_err(p->d.status,
				      "handover: '%s' gave [0x%llx, +0x%llx) "
				      "of '%s' back with status %d",
				      s->rp->name,
				      (unsigned long long)p->d.offset,
				      (unsigned long long)p->d.length,
				      sy->shm->name, p->d.status);
		/* a dead one stays for its waiters until the detach */
		if (!sy->forced &&
		    !amp_rangeset_overlaps(&sy->a->owned, p->d.offset,
					   p->d.offset + p->d.length))
			p->state = P_FREE;
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/*
 * A give-back usually comes within microseconds: look for one without
 * sleeping for a short while (mu dropped meanwhile) before blocking, as
 * the kernel's adaptive mutexes do. The caller looks again afterwards: a
 * completion may land between the last look and taking mu back.
 */
static void spin_for_event(struct amp_hov_session *s)
{
	unsigned seen = __atomic_load_n(&s->events, __ATOMIC_ACQUIRE);
	uint64_t end = now_ns() + SPIN_NS;
	bool got = false;

	pthread_mutex_unlock(&s->mu);
	while (!got && now_ns() < end)
		got = __atomic_load_n(&s->events, __ATOMIC_ACQUIRE) != seen;
	pthread_mutex_lock(&s->mu);
}

/*
 * Wait (mu held) until no hand-over of @sh overlapping the range is out.
 * Returns 0, -ETIMEDOUT or -EOWNERDEAD, and the completion in @out.
 */
static int wait_back(struct amp_hov_session *s, uint64_t cookie, uint64_t off,
		     uint64_t len, uint64_t deadline, struct amp_hov_done *out)
{
	bool spin = true;

	for (;;) {
		struct share *sh = share_of(s, cookie);
		bool out_left = false, dead = false, got = false;

		if (!sh)
			return 0; /* detached: the caller sees it */
		if (sh->dead)
			return -EOWNERDEAD;
		for (unsigned i = 0; i < MAX_PEND; i++) {
			struct pend *p = &sh->p[i];

			if (p->state == P_FREE || !overlaps(p, off, len))
				continue;
			if (p->state == P_OUT) {
				out_left = true;
				continue;
			}
			dead |= p->d.status == -EOWNERDEAD;
			/* the first failure sticks, else the last one */
			if (out && (!got || out->status >= 0))
				*out = p->d;
			got = true;
		}
		if (dead)
			return -EOWNERDEAD;
		if (!out_left)
			return 0;
		if (spin) {
			/* whatever it saw, look again before sleeping */
			spin = false;
			spin_for_event(s);
			continue;
		}
		if (wait_until(s, deadline) == -ETIMEDOUT)
			return -ETIMEDOUT;
	}
}

static int hov_wait_cpu(uint64_t cookie, uint64_t off, uint64_t len, void *priv)
{
	struct amp_hov_session *s = priv;
	uint64_t deadline = now_ns() + (uint64_t)s->timeout_ms * 1000000u;
	int ret;

	pthread_mutex_lock(&s->mu);
	ret = wait_back(s, cookie, off, len, deadline, NULL);
	pthread_mutex_unlock(&s->mu);
	if (ret == -ETIMEDOUT)
		return amp_err(ret,
			       "handover: '%s' did not give [0x%llx, +0x%llx)"
			       " back within %u ms: it stays with the device",
			       s->rp->name, (unsigned long long)off,
			       (unsigned long long)len, s->timeout_ms);
	if (ret)
		return amp_err(ret,
			       "handover: '%s' stopped holding "
			       "[0x%llx, +0x%llx)",
			       s->rp->name, (unsigned long long)off,
			       (unsigned long long)len);
	return 0;
}

static const struct amp_own_listener hov_listener = {
	.name = "handover",
	.to_device = hov_to_device,
	.to_cpu = hov_to_cpu,
	.attach = hov_attach,
	.detach = hov_detach,
	.wait_cpu = hov_wait_cpu,
};

/* ---- receiving -------------------------------------------------------- */

/* A message from the firmware was refused. mu held. Fills the reply. */
static bool refuse(struct amp_hov_session *s, const void *data, size_t len,
		   int err, struct amp_hov_msg *reply)
{
	s->st.refused_rx++;
	s->st.last_refusal = err < 0 ? err : -err;
	amp_err(s->st.last_refusal, "handover: refused a message from '%s': %s",
		s->rp->name, amp_hov_strerror(err));
	if (amp_hov_error_fill(reply, ++s->seq, data, len, err))
		return false;
	/* never answer an ERROR with an ERROR */
	return reply->u.error.bad_type != AMP_HOV_ERROR;
}

static void on_giveback(struct amp_hov_session *s, const struct amp_hov_msg *m)
{
	const struct amp_hov_giveback *g = &m->u.giveback;
	struct share *sh = share_by_id(s, g->id);

	s->st.givebacks++;
	for (unsigned i = 0; sh && i < MAX_PEND; i++) {
		struct pend *p = &sh->p[i];

		if (p->state != P_OUT || p->d.offset != g->offset ||
		    p->d.length != g->length || p->d.tag != g->tag)
			continue;
		p->d.status = g->status;
		p->d.result_len = g->result_len;
		memcpy(p->d.result, g->result, g->result_len);
		p->state = P_BACK;
		complete(s, &p->d);
		return;
	}
}

static void on_error(struct amp_hov_session *s, const struct amp_hov_msg *m)
{
	const struct amp_hov_error *e = &m->u.error;

	s->st.errors_rx++;
	amp_err(-EPROTO, "handover: '%s' refused our message %u (type %u): %s",
		s->rp->name, e->bad_seq, e->bad_type,
		amp_hov_strerror((int)e->code));
	for (unsigned i = 0; i < s->nshares; i++) {
		struct share *sh = &s->shares[i];

		if (!sh->shm || sh->dead)
			continue;
		if (e->bad_type == AMP_HOV_SHARE &&
		    e->bad_seq >= sh->seq_first && e->bad_seq <= sh->seq_last) {
			sh->refused = e->code ? e->code : EPROTO;
			return;
		}
		for (unsigned j = 0;
		     e->bad_type == AMP_HOV_HANDOVER && j < MAX_PEND; j++)
			if (sh->p[j].state == P_OUT &&
			    sh->p[j].seq == e->bad_seq) {
				finish(s, &sh->p[j], -EPROTO, e->code);
				return;
			}
	}
}

static int ept_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		  uint32_t src, void *priv)
{
	struct amp_hov_session *s = priv;
	struct amp_hov_msg m, reply;
	uint8_t buf[AMP_HOV_MAX_MSG];
	bool answer = false;
	int ret, n = 0;

	(void)src;
	ret = amp_hov_decode(data, len, AMP_HOV_ROLE_HOST, &m);
	pthread_mutex_lock(&s->mu);
	if (!ret) {
		switch (m.type) {
		case AMP_HOV_SHARE_ACK:
		case AMP_HOV_UNSHARE_ACK:
			ret = amp_hov_check_ack(&s->tab, &m);
			break;
		case AMP_HOV_GIVEBACK:
			ret = amp_hov_check_giveback(&s->tab, &m.u.giveback,
						     NULL);
			if (!ret)
				on_giveback(s, &m);
			break;
		case AMP_HOV_ERROR:
			on_error(s, &m);
			break;
		default:
			ret = -AMP_HOV_E_TYPE;
		}
	}
	if (ret)
		answer = refuse(s, data, len, ret, &reply);
	pthread_mutex_unlock(&s->mu);
	if (answer)
		n = amp_hov_encode(&reply, buf, sizeof(buf));
	if (n > 0)
		amp_rpmsg_trysend(ept, buf, (size_t)n); /* best effort */
	return 0;
}

static void ns_bind(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct amp_hov_session *s = priv;
	unsigned gen = amp_rproc_link_gen(s->rp);
	int ret;

	if (strcmp(name, s->service)) {
		if (s->ns_other)
			s->ns_other(rdev, name, dest, s->ns_other_priv);
		return;
	}
	if (__atomic_load_n(&s->bound_gen, __ATOMIC_ACQUIRE) == gen)
		return; /* announced twice on one link */
	memset(&s->ept, 0, sizeof(s->ept));
	ret = amp_rpmsg_create_ept(&s->ept, rdev, s->service,
				   AMP_RPMSG_ADDR_ANY, dest, ept_cb, NULL, s);
	if (ret) {
		amp_err(ret, "handover: cannot bind '%s' on '%s'", s->service,
			s->rp->name);
		return;
	}
	pthread_mutex_lock(&s->mu);
	/* A new link: the firmware knows nothing of the old one. */
	amp_hov_table_init(&s->tab, s->tbufs, s->nshares, NULL, 0);
	s->st.links++;
	__atomic_store_n(&s->bound_gen, gen, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void *session_thread(void *arg)
{
	struct amp_hov_session *s = arg;

	for (;;) {
		struct done_node *n;
		int ret;

		pthread_mutex_lock(&s->mu);
		if (s->quit) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		pthread_mutex_unlock(&s->mu);
		ret = amp_rproc_poll(s->rp, 20000);
		if (ret < 0 && ret != -ETIMEDOUT) {
			/* link down: look again a little later */
			pthread_mutex_lock(&s->mu);
			if (!s->quit && !s->dq)
				wait_until(s, now_ns() + 2000000u);
			pthread_mutex_unlock(&s->mu);
		}
		pthread_mutex_lock(&s->mu);
		n = s->dq;
		s->dq = NULL;
		s->dq_tail = &s->dq;
		pthread_mutex_unlock(&s->mu);
		while (n) {
			struct done_node *next = n->next;

			s->done_fn(s->done_priv, &n->d);
			free(n);
			n = next;
		}
	}
	return NULL;
}

/* ---- public ------------------------------------------------------------- */

int amp_hov_session_create(struct amp_rproc *rp,
			   const struct amp_hov_session_config *cfg,
			   struct amp_hov_session **out)
{
	struct amp_hov_session_config c = { 0 };
	struct amp_hov_session *s;
	pthread_condattr_t ca;
	int ret;

	if (!rp || !out)
		return amp_err(-EINVAL, "handover: coprocessor and result "
					"required");
	if (!rp->ops.poll || !rp->ops.rpmsg_lock)
		return amp_err(-EINVAL, "handover: '%s' has no RPMsg link",
			       rp->name);
	if (rp->own)
		return amp_err(-EBUSY, "handover: '%s' has a session already",
			       rp->name);
	if (cfg)
		c = *cfg;
	s = calloc(1, sizeof(*s));
	if (!s)
		return amp_err(-ENOMEM, "handover: out of memory");
	s->rp = rp;
	snprintf(s->service, sizeof(s->service), "%s",
		 c.service ? c.service : AMP_HOV_SERVICE);
	s->timeout_ms = c.timeout_ms ? c.timeout_ms : 10000;
	s->done_fn = c.done;
	s->done_priv = c.done_priv;
	s->ns_other = c.ns_other;
	s->ns_other_priv = c.ns_other_priv;
	s->nshares = c.max_bufs ? c.max_bufs : 4096;
	s->shares = calloc(s->nshares, sizeof(*s->shares));
	s->tbufs = calloc(s->nshares, sizeof(*s->tbufs));
	if (!s->shares || !s->tbufs) {
		free(s->shares);
		free(s->tbufs);
		free(s);
		return amp_err(-ENOMEM, "handover: out of memory");
	}
	amp_hov_table_init(&s->tab, s->tbufs, s->nshares, NULL, 0);
	s->dq_tail = &s->dq;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	amp_rproc_set_ns_bind_cb(rp, ns_bind, s);
	amp_rproc__set_owner(rp, &hov_listener, s);
	ret = pthread_create(&s->thr, NULL, session_thread, s);
	if (ret) {
		s->thr = pthread_self();
		amp_hov_session_destroy(s);
		return amp_err(-ret, "handover: session thread");
	}
	*out = s;
	return 0;
}

int amp_hov_session_destroy(struct amp_hov_session *s)
{
	struct amp_rpmsg_dev *rdev;

	if (!s)
		return amp_err(-EINVAL, "handover: NULL session");
	amp_rproc__set_owner(s->rp, NULL, NULL);
	amp_rproc_set_ns_bind_cb(s->rp, s->ns_other, s->ns_other_priv);
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	for (unsigned i = 0; i < s->nshares; i++)
		for (unsigned j = 0; s->shares[i].shm && j < MAX_PEND; j++)
			if (s->shares[i].p[j].state == P_OUT)
				finish(s, &s->shares[i].p[j], -EOWNERDEAD, 0);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (!pthread_equal(s->thr, pthread_self()))
		pthread_join(s->thr, NULL);
	rdev = amp_rproc_rpmsg_lock(s->rp);
	if (rdev) {
		if (ready(s))
			amp_rpmsg_destroy_ept(&s->ept);
		amp_rproc_rpmsg_unlock(s->rp);
	}
	while (s->dq) {
		struct done_node *n = s->dq;

		s->dq = n->next;
		free(n);
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->shares);
	free(s->tbufs);
	free(s);
	return 0;
}

int amp_hov_session_wait_ready(struct amp_hov_session *s, uint32_t timeout_ms)
{
	uint64_t deadline;
	int ret = 0;

	if (!s)
		return amp_err(-EINVAL, "handover: NULL session");
	deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	pthread_mutex_lock(&s->mu);
	while (!ready(s) && !ret)
		ret = wait_until(s, deadline) == -ETIMEDOUT ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&s->mu);
	if (ret)
		return amp_err(ret,
			       "handover: '%s' did not announce '%s' "
			       "within %u ms",
			       s->rp->name, s->service, timeout_ms);
	return 0;
}

int amp_hov_handover(struct amp_hov_session *s, struct amp_shm *shm,
		     enum amp_dir dir, uint64_t offset, uint64_t len,
		     uint64_t tag)
{
	struct amp_dev *dev;

	if (!s)
		return amp_err(-EINVAL, "handover: NULL session");
	dev = amp_rproc_dev(s->rp);
	if (!dev)
		return amp_err(-ENOTCONN, "handover: '%s' is offline",
			       s->rp->name);
	return amp_sync_for_device_tag(shm, dev, dir, offset, len, tag);
}

int amp_hov_wait(struct amp_hov_session *s, struct amp_shm *shm,
		 uint64_t offset, uint64_t len, uint32_t timeout_ms,
		 struct amp_hov_done *out)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t cookie = 0;
	int ret;

	if (!s || !shm)
		return amp_err(-EINVAL, "handover: NULL argument");
	if (!len)
		len = UINT64_MAX - offset;
	if (out)
		memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->mu);
	/* its live share, or the dead one a crash left (-EOWNERDEAD) */
	for (unsigned i = 0; !cookie && i < s->nshares; i++)
		if (s->shares[i].shm == shm)
			cookie = cookie_of(i, s->shares[i].id);
	ret = cookie ? wait_back(s, cookie, offset, len, deadline, out) :
		       -ENOTCONN;
	pthread_mutex_unlock(&s->mu);
	if (ret == -ENOTCONN)
		return amp_err(ret, "handover: '%s' is not shared with '%s'",
			       amp_shm_name(shm), s->rp->name);
	if (ret == -ETIMEDOUT && timeout_ms)
		return amp_err(ret,
			       "handover: '%s' still holds part of "
			       "[0x%llx, +0x%llx) of '%s' after %u ms",
			       s->rp->name, (unsigned long long)offset,
			       (unsigned long long)len, amp_shm_name(shm),
			       timeout_ms);
	if (ret == -EOWNERDEAD)
		return amp_err(ret, "handover: '%s' stopped holding '%s'",
			       s->rp->name, amp_shm_name(shm));
	return ret;
}

int amp_hov_take_back(struct amp_hov_session *s, struct amp_shm *shm,
		      enum amp_dir dir, uint64_t offset, uint64_t len,
		      struct amp_hov_done *out)
{
	int ret;

	if (!s)
		return amp_err(-EINVAL, "handover: NULL session");
	ret = amp_hov_wait(s, shm, offset, len, s->timeout_ms, out);
	if (ret && ret != -ENOTCONN)
		return ret; /* -EOWNERDEAD: the core died holding it */
	return amp_shm_sync_for_cpu(shm, amp_rproc_dev(s->rp), dir, offset,
				    len);
}

void amp_hov_session_stats(struct amp_hov_session *s, struct amp_hov_stats *st)
{
	if (!s || !st)
		return;
	pthread_mutex_lock(&s->mu);
	*st = s->st;
	pthread_mutex_unlock(&s->mu);
}
