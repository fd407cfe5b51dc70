/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ownership checker: while a device owns a range of a buffer, the CPU
 * mapping of the range's pages is PROT_NONE. A CPU access then faults at
 * the guilty instruction; the SIGSEGV handler names the buffer, the
 * offset and the owner instead of letting the access corrupt data.
 *
 * Protection is by CPU page: a page that holds any device-owned byte is
 * protected, and an access to a CPU-owned byte of such a page is reported
 * as a page-sharing violation (owner NULL).
 *
 * The signal handler never looks at the buffer, its attachments or its
 * devices: it reads only the checker's own page-owner table, which
 * protect/unprotect keep up to date under shm->lock:
 *
 * - every checked buffer has a node (struct cbuf) on a lock-free list the
 *   handler walks to find the buffer by faulting address;
 * - a node has one atomic word per CPU page: 0 (no device owns a byte of
 *   the page), FULL (one device owns the whole page: the word points to
 *   the owner record) or LIST (the word points to an immutable list of
 *   the device-owned byte ranges of the page and their owners);
 * - an owner record holds a copy of the device name, so the handler never
 *   dereferences a device or an attachment.
 *
 * Writers replace a page's list or owner record instead of changing it,
 * and retire what they replaced. The handler counts itself in @inflight
 * while it reads the table; retired memory (and an unregistered node) is
 * freed only once @inflight was seen to be 0 after it was unpublished,
 * so the handler never reads freed memory and never takes a lock.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/shm_internal.h"

/* The signal handler relies on these being lock-free. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
	       "atomic pointers must be lock-free");

#define DEV_NAME_LEN sizeof(((struct amp_dev *)0)->name)
#define SHM_NAME_LEN sizeof(((struct amp_shm *)0)->name)

/* A device owning bytes of a checked buffer, as the handler sees it. */
struct cowner {
	struct cowner *next; /* in cbuf->owners, then cbuf->dead_owners */
	const struct amp_attach *key;
	unsigned long refs; /* page entries naming it (writer side) */
	char name[DEV_NAME_LEN];
};

/* Device-owned bytes [start, end) of one page (buffer offsets). */
struct cent {
	uint64_t start, end;
	struct cowner *o;
};

/* Immutable once published. */
struct clist {
	struct clist *next; /* in cbuf->dead_lists */
	size_t n;
	struct cent e[];
};

/* Page words: 0, or a pointer tagged with what it points to. */
#define PG_FULL ((uintptr_t)1) /* struct cowner: owns the whole page */
#define PG_LIST ((uintptr_t)2) /* struct clist */
#define PG_TAG ((uintptr_t)3)

/* One checked buffer. */
struct cbuf {
	_Atomic(struct cbuf *) next; /* handler list */
	const struct amp_shm *shm;
	uintptr_t va;
	uint64_t size;
	uintptr_t base; /* va rounded down to a page */
	size_t page_size;
	unsigned shift;
	size_t npages;
	_Atomic uintptr_t *pages;
	char name[SHM_NAME_LEN];
	/* Writer side, under shm->lock. */
	struct cowner *owners;
	struct cowner *dead_owners;
	struct clist *dead_lists;
};

/* Handlers reading the table right now. */
static atomic_uint inflight;
/* Checked buffers, for the handler (lock-free; writers hold reg_lock). */
static _Atomic(struct cbuf *) cbufs;
/* The same, sorted by buffer, for protect/unprotect. */
static pthread_rwlock_t reg_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct cbuf **by_shm;
static size_t nby_shm, cap_by_shm;

static _Atomic(amp_violation_fn) violation_fn;
/* The SIGSEGV disposition before ours. */
static struct sigaction prev_segv;
static atomic_bool prev_was_reset; /* SA_RESETHAND: now SIG_DFL */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;

/*
 * Signal side. Everything from here to segv_handler() is
 * async-signal-safe: no locks, no allocation, no stdio.
 */

static size_t sig_strlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static void sig_strcpy(char *dst, const char *src, size_t size)
{
	size_t n = sig_strlen(src, size - 1);

	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
	dst[n] = '\0';
}

static void out_str(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, sig_strlen(s, 4096));

	(void)r;
}

static void out_hex(uint64_t v)
{
	char buf[19] = "0x";
	int n = 0;

	for (int sh = 60; sh >= 0; sh -= 4) {
		unsigned d = (v >> sh) & 0xf;

		if (d || n || sh == 0)
			buf[2 + n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
	}
	buf[2 + n] = '\0';
	out_str(buf);
}

static void default_violation(const struct amp_violation *v)
{
	out_str("ampshm: ownership violation: CPU access at ");
	out_hex((uint64_t)(uintptr_t)v->addr);
	out_str(" to buffer '");
	out_str(v->shm_name);
	out_str("' offset ");
	out_hex(v->offset);
	if (v->owner) {
		out_str(", owned by device '");
		out_str(v->owner);
		out_str("'");
	} else {
		out_str(", on a page shared with a device-owned range");
	}
	out_str(": call amp_shm_sync_for_cpu() before touching it\n");
	abort();
}

/* What the handler copies out of the table before it stops reading it. */
struct report {
	char shm_name[SHM_NAME_LEN];
	char owner[DEV_NAME_LEN];
	bool has_owner;
	uint64_t offset;
	uintptr_t page;
	size_t page_size;
};

/*
 * Is @addr on a page the checker protects? If so, fill @r. Called with
 * @inflight raised: nothing read here is freed meanwhile.
 */
static bool sig_lookup(uintptr_t addr, struct report *r, bool *in_buffer)
{
	struct cbuf *b;
	uintptr_t w;
	uint64_t off;

	for (b = atomic_load(&cbufs); b; b = atomic_load(&b->next))
		if (addr >= b->va && addr - b->va < b->size)
			break;
	*in_buffer = b != NULL;
	if (!b)
		return false;
	w = atomic_load(&b->pages[(addr - b->base) >> b->shift]);
	if (!w)
		return false;
	off = addr - b->va;
	sig_strcpy(r->shm_name, b->name, sizeof(r->shm_name));
	r->offset = off;
	r->page = addr & ~(uintptr_t)(b->page_size - 1);
	r->page_size = b->page_size;
	r->has_owner = false;
	if ((w & PG_TAG) == PG_FULL) {
		sig_strcpy(r->owner, ((struct cowner *)(w & ~PG_TAG))->name,
			   sizeof(r->owner));
		r->has_owner = true;
	} else {
		const struct clist *l = (const struct clist *)(w & ~PG_TAG);

		for (size_t i = 0; i < l->n; i++) {
			if (off >= l->e[i].start && off < l->e[i].end) {
				sig_strcpy(r->owner, l->e[i].o->name,
					   sizeof(r->owner));
				r->has_owner = true;
				break;
			}
		}
	}
	return true;
}

/*
 * Not an access to a page we protect: do what the previous disposition
 * would have done had we not been installed.
 */
static void chain(int sig, siginfo_t *si, void *uc)
{
	bool sent = si->si_code <= 0; /* kill, raise, sigqueue: not a fault */
	const struct sigaction *p = &prev_segv;
	bool dfl = atomic_load(&prev_was_reset);
	sigset_t mask, saved;

	/* sa_handler and sa_sigaction share storage: SIG_DFL and SIG_IGN
	 * read the same through either. */
	if (!dfl) {
		if (p->sa_handler == SIG_IGN) {
			if (sent)
				return;
			/* The kernel does not let a fault be ignored. */
			dfl = true;
		} else if (p->sa_handler == SIG_DFL) {
			dfl = true;
		}
	}
	if (dfl) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(sig, &sa, NULL);
		/* A fault happens again when we return; a sent signal must
		 * be sent again (it stays pending until we return if it is
		 * blocked here). */
		if (sent)
			raise(sig);
		return;
	}
	if (p->sa_flags & SA_RESETHAND)
		atomic_store(&prev_was_reset, true);
	mask = p->sa_mask;
	if (!(p->sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	pthread_sigmask(SIG_BLOCK, &mask, &saved);
	if (p->sa_flags & SA_SIGINFO)
		p->sa_sigaction(sig, si, uc);
	else
		p->sa_handler(sig);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

/*
 * The names a violation handler gets point here: they stay valid after it
 * returns, until the thread's REPORTS-th next violation (a few slots, so
 * a violation inside a violation handler does not overwrite the outer
 * one). Initial-exec TLS: no allocation on first use in a handler.
 */
#define REPORTS 4
static __thread struct report reports[REPORTS]
	__attribute__((tls_model("initial-exec")));
static __thread unsigned next_report __attribute__((tls_model("initial-exec")));
/* Last address retried because its page was not (or no longer) ours. */
static __thread uintptr_t retried __attribute__((tls_model("initial-exec")));

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;
	amp_violation_fn fn = atomic_load(&violation_fn);
	struct report *r = &reports[next_report % REPORTS];
	uintptr_t addr = (uintptr_t)si->si_addr;
	bool ours = false, in_buffer = false;
	struct amp_violation v;

	if (si->si_code == SEGV_ACCERR) {
		next_report++;
		atomic_fetch_add(&inflight, 1);
		ours = sig_lookup(addr, r, &in_buffer);
		atomic_fetch_sub(&inflight, 1);
	}
	if (!ours && in_buffer && retried != addr) {
		/* A checked buffer's page no device owns: the CPU may have
		 * taken it back since the access faulted. Try once more
		 * before calling it someone else's fault. */
		retried = addr;
		errno = saved_errno;
		return;
	}
	retried = 0;
	if (!ours) {
		chain(sig, si, uc);
		errno = saved_errno;
		return;
	}
	v.shm_name = r->shm_name;
	v.offset = r->offset;
	v.owner = r->has_owner ? r->owner : NULL;
	v.addr = si->si_addr;
	(fn ? fn : default_violation)(&v);
	/* The handler chose to go on: let this page be touched from now on. */
	mprotect((void *)r->page, r->page_size, PROT_READ | PROT_WRITE);
	errno = saved_errno;
}

/*
 * A fork() child has only the thread that forked, which was not reading
 * the table then (a handler stops counting itself before it calls anything
 * that could fork): no other thread's count may hold up its unregisters.
 */
static void forked_child(void)
{
	atomic_store(&inflight, 0);
}

static void install(void)
{
	struct sigaction sa;

	pthread_atfork(NULL, NULL, forked_child);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	/* SA_ONSTACK: a previous handler may rely on an alternate stack
	 * (stack overflows); without one set up it changes nothing. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &prev_segv))
		install_err = -errno;
}

void amp_shm_set_violation_handler(amp_violation_fn fn)
{
	atomic_store(&violation_fn, fn);
}

bool amp_checker_env_enabled(void)
{
	const char *e = getenv("AMPSHM_CHECK");

	return e && *e && strcmp(e, "0") != 0;
}

/*
 * Writer side: the table, under shm->lock.
 */

/* Free what was retired if no handler can still be reading it. */
static void reclaim(struct cbuf *b, bool wait)
{
	if (!b->dead_lists && !b->dead_owners)
		return;
	while (atomic_load(&inflight)) {
		if (!wait)
			return;
		sched_yield();
	}
	while (b->dead_lists) {
		struct clist *l = b->dead_lists;

		b->dead_lists = l->next;
		free(l);
	}
	while (b->dead_owners) {
		struct cowner *o = b->dead_owners;

		b->dead_owners = o->next;
		free(o);
	}
}

static void retire_word(struct cbuf *b, uintptr_t w)
{
	if ((w & PG_TAG) == PG_LIST) {
		struct clist *l = (struct clist *)(w & ~PG_TAG);

		l->next = b->dead_lists;
		b->dead_lists = l;
	}
}

/* Add @d to the reference count of every owner @w names. */
static void ref_word(uintptr_t w, long d)
{
	if ((w & PG_TAG) == PG_FULL) {
		((struct cowner *)(w & ~PG_TAG))->refs += (unsigned long)d;
	} else if ((w & PG_TAG) == PG_LIST) {
		struct clist *l = (struct clist *)(w & ~PG_TAG);

		for (size_t i = 0; i < l->n; i++)
			l->e[i].o->refs += (unsigned long)d;
	}
}

/* Retire the owners no page names any more. */
static void retire_unused_owners(struct cbuf *b)
{
	struct cowner **pp = &b->owners;

	while (*pp) {
		struct cowner *o = *pp;

		if (o->refs) {
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		o->next = b->dead_owners;
		b->dead_owners = o;
	}
}

static struct cowner *find_owner(struct cbuf *b, const struct amp_attach *a)
{
	for (struct cowner *o = b->owners; o; o = o->next)
		if (o->key == a &&
		    !strncmp(o->name, a->dev->name, sizeof(o->name)))
			return o;
	return NULL;
}

static struct cowner *get_owner(struct cbuf *b, const struct amp_attach *a)
{
	struct cowner *o = find_owner(b, a);

	if (o)
		return o;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->key = a;
	sig_strcpy(o->name, a->dev->name, sizeof(o->name));
	o->next = b->owners;
	b->owners = o;
	return o;
}

/* Buffer offsets of page @i, clipped to the buffer. */
static void page_bounds(const struct cbuf *b, size_t i, uint64_t *ps,
			uint64_t *pe)
{
	uintptr_t s = b->base + (i << b->shift);
	uintptr_t e = s + b->page_size;

	*ps = s < b->va ? 0 : s - b->va;
	*pe = e - b->va > b->size ? b->size : e - b->va;
}

static uintptr_t encode_list(struct clist *l, uint64_t ps, uint64_t pe)
{
	uintptr_t w;

	if (!l->n) {
		w = 0;
	} else if (l->n == 1 && l->e[0].start == ps && l->e[0].end == pe) {
		w = (uintptr_t)l->e[0].o | PG_FULL;
	} else {
		return (uintptr_t)l | PG_LIST;
	}
	free(l);
	return w;
}

/*
 * The word page @i gets when @o takes (@add) or gives back [s, e): a new
 * list if needed (not yet published), or @w itself if nothing changes.
 * Returns 0 or -ENOMEM.
 */
static int page_update(const struct cbuf *b, size_t i, uintptr_t w, bool add,
		       struct cowner *o, uint64_t s, uint64_t e, uintptr_t *out)
{
	uintptr_t full = (uintptr_t)o | PG_FULL;
	const struct clist *old = NULL;
	size_t n = 0, m = 0;
	uint64_t ps, pe;
	struct clist *l;

	page_bounds(b, i, &ps, &pe);
	if (s < ps)
		s = ps;
	if (e > pe)
		e = pe;
	/* The common cases: whole pages, one owner. */
	if (add && !w && s == ps && e == pe) {
		*out = full;
		return 0;
	}
	if (!add && (!w || ((w & PG_TAG) == PG_FULL && w != full))) {
		*out = w;
		return 0;
	}
	if (!add && w == full && s == ps && e == pe) {
		*out = 0;
		return 0;
	}
	if ((w & PG_TAG) == PG_LIST) {
		old = (const struct clist *)(w & ~PG_TAG);
		n = old->n;
	} else if (w) {
		n = 1;
	}
	l = malloc(sizeof(*l) + (n + 2) * sizeof(l->e[0]));
	if (!l)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		struct cent c =
			old ? old->e[k] :
			      (struct cent){ ps, pe,
					     (struct cowner *)(w & ~PG_TAG) };

		if (c.o != o) {
			l->e[m++] = c;
		} else if (add) {
			/* Merge with what the same device owns next to it. */
			if (c.end >= s && c.start <= e) {
				s = c.start < s ? c.start : s;
				e = c.end > e ? c.end : e;
			} else {
				l->e[m++] = c;
			}
		} else {
			if (c.start < s)
				l->e[m++] = (struct cent){
					c.start, c.end < s ? c.end : s, o
				};
			if (c.end > e)
				l->e[m++] = (struct cent){
					c.start > e ? c.start : e, c.end, o
				};
		}
	}
	if (add)
		l->e[m++] = (struct cent){ s, e, o };
	l->n = m;
	*out = encode_list(l, ps, pe);
	return 0;
}

/* Forget words computed by page_update() that were never published. */
static void drop_unpublished(struct cbuf *b, size_t i0, size_t n,
			     uintptr_t *neww)
{
	for (size_t k = 0; k < n; k++)
		if (neww[k] != atomic_load(&b->pages[i0 + k]) &&
		    (neww[k] & PG_TAG) == PG_LIST)
			free((void *)(neww[k] & ~PG_TAG));
}

/* Compute the new words of pages [i0, i0+n). */
static int compute(struct cbuf *b, size_t i0, size_t n, bool add,
		   struct cowner *o, uint64_t s, uint64_t e, uintptr_t *neww)
{
	for (size_t k = 0; k < n; k++) {
		uintptr_t w = atomic_load(&b->pages[i0 + k]);

		if (page_update(b, i0 + k, w, add, o, s, e, &neww[k])) {
			drop_unpublished(b, i0, k, neww);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Publish new words; @neww gets the old ones back. */
static void publish(struct cbuf *b, size_t i0, size_t n, uintptr_t *neww)
{
	for (size_t k = 0; k < n; k++)
		neww[k] = atomic_exchange(&b->pages[i0 + k], neww[k]);
}

/* After publish(): account for the change and retire the old words. */
static void commit(struct cbuf *b, size_t i0, size_t n, uintptr_t *oldw)
{
	for (size_t k = 0; k < n; k++) {
		uintptr_t w = atomic_load(&b->pages[i0 + k]);

		if (w == oldw[k])
			continue;
		ref_word(w, 1);
		ref_word(oldw[k], -1);
		retire_word(b, oldw[k]);
	}
	retire_unused_owners(b);
	reclaim(b, false);
}

/*
 * mprotect() runs of pages [i0, i0+n) whose word (in @w, or the table if
 * @w is NULL) is zero (@zero) or non-zero. On failure, *done is the page
 * the failing run started at.
 */
static int protect_runs(struct cbuf *b, size_t i0, size_t n, const uintptr_t *w,
			bool zero, int prot, size_t *done)
{
	for (size_t k = 0; k < n;) {
		size_t r = k;

		while (r < n &&
		       !(w ? w[r] : atomic_load(&b->pages[i0 + r])) == zero)
			r++;
		if (r > k &&
		    mprotect((void *)(b->base + ((i0 + k) << b->shift)),
			     (r - k) << b->shift, prot)) {
			*done = k;
			return -errno;
		}
		while (r < n &&
		       !(w ? w[r] : atomic_load(&b->pages[i0 + r])) != zero)
			r++;
		k = r;
	}
	*done = n;
	return 0;
}

static struct cbuf *find_cbuf(const struct amp_shm *shm)
{
	struct cbuf *b = NULL;
	size_t lo = 0, hi;

	pthread_rwlock_rdlock(&reg_lock);
	hi = nby_shm;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)by_shm[mid]->shm < (uintptr_t)shm) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < nby_shm && by_shm[lo]->shm == shm)
		b = by_shm[lo];
	pthread_rwlock_unlock(&reg_lock);
	return b;
}

/* Pages of [off, off+len), after the checks protect/unprotect share. */
static int span(struct amp_shm *shm, uint64_t off, uint64_t len,
		struct cbuf **bp, size_t *i0, size_t *n, const char *what)
{
	struct cbuf *b = find_cbuf(shm);
	uintptr_t s, e;

	if (!b)
		return amp_err(-EINVAL, "checker: %s: '%s' is not checked",
			       what, shm->name);
	if (!len || !amp_range_ok(off, len, shm->size))
		return amp_err(-ERANGE,
			       "checker: %s: [0x%llx, +0x%llx) is not inside "
			       "'%s'",
			       what, (unsigned long long)off,
			       (unsigned long long)len, shm->name);
	s = (b->va + off - b->base) >> b->shift;
	e = (b->va + off + len - 1 - b->base) >> b->shift;
	*bp = b;
	*i0 = s;
	*n = e - s + 1;
	return 0;
}

#define STACK_PAGES 16

int amp_checker_protect(struct amp_shm *shm, struct amp_attach *a, uint64_t off,
			uint64_t len)
{
	uintptr_t stackw[STACK_PAGES], *w = stackw;
	struct cowner *o;
	struct cbuf *b;
	size_t i0, n, done;
	int ret;

	ret = span(shm, off, len, &b, &i0, &n, "protect");
	if (ret)
		return ret;
	if (n > STACK_PAGES) {
		w = malloc(n * sizeof(*w));
		if (!w)
			return amp_err(-ENOMEM, "checker: no memory");
	}
	o = get_owner(b, a);
	ret = o ? compute(b, i0, n, true, o, off, off + len, w) : -ENOMEM;
	if (ret) {
		amp_err(ret,
			"checker: no memory to protect [0x%llx, +0x%llx) "
			"of '%s'",
			(unsigned long long)off, (unsigned long long)len,
			shm->name);
		goto out;
	}
	/* Table first: a fault on these pages must find them owned. */
	publish(b, i0, n, w);
	if (mprotect((void *)(b->base + (i0 << b->shift)), n << b->shift,
		     PROT_NONE)) {
		ret = -errno;
		amp_err(ret,
			"checker: cannot protect [0x%llx, +0x%llx) of '%s' "
			"(pages at 0x%llx, +0x%llx): mprotect: %s",
			(unsigned long long)off, (unsigned long long)len,
			shm->name,
			(unsigned long long)(b->base + (i0 << b->shift)),
			(unsigned long long)(n << b->shift), strerror(-ret));
		/* Put the old words back and open again the pages the
		 * failed call may have closed that nothing owns. */
		publish(b, i0, n, w);
		for (size_t k = 0; k < n; k++)
			if (w[k] != atomic_load(&b->pages[i0 + k]))
				retire_word(b, w[k]);
		protect_runs(b, i0, n, NULL, true, PROT_READ | PROT_WRITE,
			     &done);
		goto out;
	}
	commit(b, i0, n, w);
out:
	retire_unused_owners(b); /* a new owner nothing refers to */
	reclaim(b, false);
	if (w != stackw)
		free(w);
	return ret;
}

int amp_checker_unprotect(struct amp_shm *shm, struct amp_attach *a,
			  uint64_t off, uint64_t len)
{
	uintptr_t stackw[STACK_PAGES], *w = stackw;
	struct cowner *o;
	struct cbuf *b;
	size_t i0, n, done;
	int ret;

	ret = span(shm, off, len, &b, &i0, &n, "unprotect");
	if (ret)
		return ret;
	o = find_owner(b, a);
	if (!o)
		return 0; /* the table holds nothing of this attachment */
	if (n > STACK_PAGES) {
		w = malloc(n * sizeof(*w));
		if (!w)
			return amp_err(-ENOMEM, "checker: no memory");
	}
	ret = compute(b, i0, n, false, o, off, off + len, w);
	if (ret) {
		amp_err(ret,
			"checker: no memory to unprotect [0x%llx, +0x%llx) "
			"of '%s'",
			(unsigned long long)off, (unsigned long long)len,
			shm->name);
		goto out;
	}
	/* Open the pages nothing owns any more before the table says so:
	 * a fault meanwhile is still reported. */
	ret = protect_runs(b, i0, n, w, true, PROT_READ | PROT_WRITE, &done);
	if (ret) {
		amp_err(ret,
			"checker: cannot unprotect [0x%llx, +0x%llx) of "
			"'%s' (pages from 0x%llx): mprotect: %s",
			(unsigned long long)off, (unsigned long long)len,
			shm->name,
			(unsigned long long)(b->base +
					     ((i0 + done) << b->shift)),
			strerror(-ret));
		/* Close again what was opened (the table did not change). */
		protect_runs(b, i0, done, w, true, PROT_NONE, &done);
		drop_unpublished(b, i0, n, w);
		goto out;
	}
	publish(b, i0, n, w);
	commit(b, i0, n, w);
out:
	if (w != stackw)
		free(w);
	return ret;
}

int amp_checker_register(struct amp_shm *shm)
{
	struct cbuf *b;
	size_t pos;

	pthread_once(&install_once, install);
	if (install_err)
		return amp_err(install_err, "checker: cannot install the "
					    "SIGSEGV handler");
	if (!shm->page_size || (shm->page_size & (shm->page_size - 1)))
		return amp_err(-EINVAL, "checker: '%s' has a bad page size",
			       shm->name);
	b = calloc(1, sizeof(*b));
	if (!b)
		goto nomem;
	b->shm = shm;
	b->va = (uintptr_t)shm->va;
	b->size = shm->size;
	b->page_size = shm->page_size;
	b->shift = (unsigned)__builtin_ctzll(shm->page_size);
	b->base = b->va & ~(uintptr_t)(b->page_size - 1);
	b->npages = shm->size ?
			    ((b->va + b->size - 1 - b->base) >> b->shift) + 1 :
			    0;
	sig_strcpy(b->name, shm->name, sizeof(b->name));
	b->pages = calloc(b->npages ? b->npages : 1, sizeof(*b->pages));
	if (!b->pages)
		goto nomem;
	pthread_rwlock_wrlock(&reg_lock);
	if (nby_shm == cap_by_shm) {
		size_t cap = cap_by_shm ? 2 * cap_by_shm : 16;
		struct cbuf **nb = realloc(by_shm, cap * sizeof(*nb));

		if (!nb) {
			pthread_rwlock_unlock(&reg_lock);
			goto nomem;
		}
		by_shm = nb;
		cap_by_shm = cap;
	}
	for (pos = nby_shm;
	     pos && (uintptr_t)by_shm[pos - 1]->shm > (uintptr_t)shm; pos--)
		by_shm[pos] = by_shm[pos - 1];
	by_shm[pos] = b;
	nby_shm++;
	/* Fully set up before a handler can see it. */
	atomic_store(&b->next, atomic_load(&cbufs));
	atomic_store(&cbufs, b);
	pthread_rwlock_unlock(&reg_lock);
	shm->checked = true;
	return 0;
nomem:
	if (b)
		free((void *)b->pages);
	free(b);
	return amp_err(-ENOMEM, "checker: no memory to check '%s'", shm->name);
}

void amp_checker_unregister(struct amp_shm *shm)
{
	struct cbuf *b = find_cbuf(shm);
	_Atomic(struct cbuf *) *pp;

	shm->checked = false;
	if (!b)
		return;
	/* Give the pages back in whatever state the owner left them. */
	if (shm->size && mprotect((void *)b->base, (b->npages << b->shift),
				  PROT_READ | PROT_WRITE))
		amp_err(-errno, "checker: cannot unprotect '%s' at close: %s",
			shm->name, strerror(errno));
	pthread_rwlock_wrlock(&reg_lock);
	for (size_t i = 0; i < nby_shm; i++) {
		if (by_shm[i] == b) {
			memmove(&by_shm[i], &by_shm[i + 1],
				(nby_shm - i - 1) * sizeof(*by_shm));
			nby_shm--;
			break;
		}
	}
	for (pp = &cbufs; atomic_load(pp) != b; pp = &atomic_load(pp)->next)
		;
	atomic_store(pp, atomic_load(&b->next));
	pthread_rwlock_unlock(&reg_lock);
	/* Unpublished: once no handler is reading, nothing can see it. */
	for (size_t i = 0; i < b->npages; i++)
		retire_word(b, atomic_load(&b->pages[i]));
	while (b->owners) {
		struct cowner *o = b->owners;

		b->owners = o->next;
		o->next = b->dead_owners;
		b->dead_owners = o;
	}
	reclaim(b, true);
	while (atomic_load(&inflight))
		sched_yield();
	free((void *)b->pages);
	free(b);
}
