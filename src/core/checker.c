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
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/dev_internal.h"
#include "core/error.h"
#include "core/shm_internal.h"

#define MAX_CHECKED 256

/* Read by the signal handler without locks: slots are published atomically. */
static _Atomic(struct amp_shm *) checked[MAX_CHECKED];
static amp_violation_fn violation_fn;
static struct sigaction old_segv;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;

/* Async-signal-safe output. */
static void out_str(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));

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

static struct amp_shm *lookup(uintptr_t addr)
{
	for (size_t i = 0; i < MAX_CHECKED; i++) {
		struct amp_shm *s = atomic_load(&checked[i]);

		if (s && addr >= (uintptr_t)s->va &&
		    addr - (uintptr_t)s->va < s->size)
			return s;
	}
	return NULL;
}

static const char *owner_of(struct amp_shm *shm, uint64_t off)
{
	struct amp_list *n;

	amp_list_for_each(n, &shm->attachments)
	{
		struct amp_attach *a =
			amp_container_of(n, struct amp_attach, shm_node);

		if (amp_rangeset_find(&a->owned, off))
			return a->dev->name;
	}
	return NULL;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct amp_shm *shm = si->si_code == SEGV_ACCERR ? lookup(addr) : NULL;
	struct amp_violation v;
	amp_violation_fn fn = violation_fn ? violation_fn : default_violation;
	uintptr_t page;

	if (!shm) {
		/* Not ours: hand it to whoever was there before. */
		if (old_segv.sa_flags & SA_SIGINFO) {
			old_segv.sa_sigaction(sig, si, uc);
		} else if (old_segv.sa_handler != SIG_IGN &&
			   old_segv.sa_handler != SIG_DFL) {
			old_segv.sa_handler(sig);
		} else {
			signal(SIGSEGV, SIG_DFL); /* re-fault, default action */
		}
		return;
	}
	v.shm_name = shm->name;
	v.offset = addr - (uintptr_t)shm->va;
	v.owner = owner_of(shm, v.offset);
	v.addr = (void *)addr;
	fn(&v);
	/* The handler chose to go on: let this page be touched from now on. */
	page = addr & ~(uintptr_t)(shm->page_size - 1);
	mprotect((void *)page, shm->page_size, PROT_READ | PROT_WRITE);
}

static void install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv))
		install_err = -errno;
}

void amp_shm_set_violation_handler(amp_violation_fn fn)
{
	violation_fn = fn;
}

bool amp_checker_env_enabled(void)
{
	const char *e = getenv("AMPSHM_CHECK");

	return e && *e && strcmp(e, "0") != 0;
}

int amp_checker_register(struct amp_shm *shm)
{
	pthread_once(&install_once, install);
	if (install_err)
		return amp_err(install_err, "checker: cannot install the "
					    "SIGSEGV handler");
	for (size_t i = 0; i < MAX_CHECKED; i++) {
		struct amp_shm *expect = NULL;

		if (atomic_compare_exchange_strong(&checked[i], &expect, shm)) {
			shm->checked = true;
			return 0;
		}
	}
	return amp_err(-ENOSPC, "checker: more than %d checked buffers",
		       MAX_CHECKED);
}

void amp_checker_unregister(struct amp_shm *shm)
{
	for (size_t i = 0; i < MAX_CHECKED; i++) {
		struct amp_shm *expect = shm;

		if (atomic_compare_exchange_strong(&checked[i], &expect, NULL))
			break;
	}
	/* Give the pages back in whatever state the owner left them. */
	mprotect(shm->va, shm->size, PROT_READ | PROT_WRITE);
	shm->checked = false;
}

static void page_span(struct amp_shm *shm, uint64_t off, uint64_t len,
		      uint64_t *p0, uint64_t *p1)
{
	*p0 = amp_align_down(off, shm->page_size);
	*p1 = amp_align_up(off + len, shm->page_size);
	if (*p1 > shm->size)
		*p1 = shm->size;
}

int amp_checker_protect(struct amp_shm *shm, struct amp_attach *a,
			uint64_t off, uint64_t len)
{
	uint64_t p0, p1;

	page_span(shm, off, len, &p0, &p1);
	if (mprotect((char *)shm->va + p0, p1 - p0, PROT_NONE))
		return amp_err(-errno, "checker: mprotect failed");
	return 0;
}

/*
 * First page at or after @pos (within [pos, end)) that still holds a
 * device-owned byte, rounded down; @end if none. *busy_end is where that
 * device-owned stretch ends, rounded up to pages.
 */
static uint64_t next_busy(struct amp_shm *shm, uint64_t pos, uint64_t end,
			  uint64_t *busy_end)
{
	uint64_t best = end;
	struct amp_list *n;

	*busy_end = end;
	amp_list_for_each(n, &shm->attachments)
	{
		struct amp_attach *a =
			amp_container_of(n, struct amp_attach, shm_node);
		size_t i = amp_rangeset_lower(&a->owned, pos);
		uint64_t s, e;

		if (i >= a->owned.n)
			continue;
		s = amp_align_down(a->owned.r[i].start, shm->page_size);
		e = amp_align_up(a->owned.r[i].end, shm->page_size);
		if (s < pos)
			s = pos;
		if (s < best) {
			best = s;
			*busy_end = e;
		}
	}
	return best;
}

int amp_checker_unprotect(struct amp_shm *shm, struct amp_attach *a,
			  uint64_t off, uint64_t len)
{
	uint64_t p0, p1, pos;

	page_span(shm, off, len, &p0, &p1);
	for (pos = p0; pos < p1;) {
		uint64_t busy_end, busy = next_busy(shm, pos, p1, &busy_end);

		if (busy > pos && mprotect((char *)shm->va + pos,
					   (busy < p1 ? busy : p1) - pos,
					   PROT_READ | PROT_WRITE))
			return amp_err(-errno, "checker: mprotect failed");
		if (busy >= p1)
			break;
		pos = busy_end > busy ? busy_end : busy + shm->page_size;
	}
	return 0;
}
