/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checker when mprotect() fails: protect and unprotect return the
 * error with the buffer and the range named, and leave the protection
 * and the owner table as they were (the sync path then rolls back the
 * ownership change). Tested at the checker's interface with the sync
 * path; mprotect() is replaced by one that fails on demand.
 *
 * Each test runs in a child (cmocka replaces the SIGSEGV handler around
 * each test in this process).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "core/shm_internal.h"
#include "testutil.h"

/* Calls to fail: those with this protection touching [lo, hi). */
static struct {
	atomic_bool armed;
	int prot;
	uintptr_t lo, hi;
	bool apply; /* change the protection anyway, as a call that fails
		       part-way may */
	int err;
	int failed;
} inj;

int mprotect(void *addr, size_t len, int prot)
{
	uintptr_t a = (uintptr_t)addr;

	if (atomic_load(&inj.armed) && prot == inj.prot && a < inj.hi &&
	    a + len > inj.lo) {
		if (inj.apply)
			syscall(SYS_mprotect, addr, len, prot);
		inj.failed++;
		errno = inj.err;
		return -1;
	}
	return (int)syscall(SYS_mprotect, addr, len, prot);
}

static void arm(int prot, char *lo, size_t len, bool apply, int err)
{
	inj.prot = prot;
	inj.lo = (uintptr_t)lo;
	inj.hi = (uintptr_t)lo + len;
	inj.apply = apply;
	inj.err = err;
	inj.failed = 0;
	atomic_store(&inj.armed, true);
}

static void disarm(void)
{
	atomic_store(&inj.armed, false);
}

/* Does reading @p fault as a violation, and with which owner? */
static sigjmp_buf env;
static char owner[32];
static bool has_owner;

static void jump_back(const struct amp_violation *v)
{
	has_owner = v->owner != NULL;
	snprintf(owner, sizeof(owner), "%s", v->owner ? v->owner : "");
	siglongjmp(env, 1);
}

static bool faults(volatile char *p)
{
	if (sigsetjmp(env, 1))
		return true;
	(void)*p;
	return false;
}

static bool faults_as(volatile char *p, const char *who)
{
	if (!faults(p))
		return false;
	return who ? has_owner && !strcmp(owner, who) : !has_owner;
}

struct fix {
	struct amp_shm *shm;
	struct amp_dev *dev, *dev2;
	struct amp_attach *a, *a2;
	char *p;
	size_t ps;
};

static void open_fix(struct fix *f)
{
	struct amp_dev_config c1 = { .name = "dsp", .iommu = true };
	struct amp_dev_config c2 = { .name = "r5", .iommu = true };

	amp_shm_set_violation_handler(jump_back);
	f->ps = (size_t)sysconf(_SC_PAGESIZE);
	CK(!amp_dev_create(&c1, &f->dev));
	CK(!amp_dev_create(&c2, &f->dev2));
	CK(!amp_shm_open("sysmem/mp", 1 << 20, AMP_SHM_F_CHECK, &f->shm));
	CK(!amp_shm_attach(f->shm, f->dev, AMP_DIR_BIDIR, NULL, NULL));
	CK(!amp_shm_attach(f->shm, f->dev2, AMP_DIR_BIDIR, NULL, NULL));
	f->a = amp_shm_find_attach(f->shm, f->dev);
	f->a2 = amp_shm_find_attach(f->shm, f->dev2);
	CK(f->a && f->a2);
	f->p = amp_shm_va(f->shm);
}

/* What the sync path does, with shm->lock held. */
static int protect(struct fix *f, struct amp_attach *a, uint64_t off,
		   uint64_t len)
{
	int ret;

	pthread_mutex_lock(&f->shm->lock);
	ret = amp_checker_protect(f->shm, a, off, len);
	pthread_mutex_unlock(&f->shm->lock);
	return ret;
}

static int unprotect(struct fix *f, struct amp_attach *a, uint64_t off,
		     uint64_t len)
{
	int ret;

	pthread_mutex_lock(&f->shm->lock);
	ret = amp_checker_unprotect(f->shm, a, off, len);
	pthread_mutex_unlock(&f->shm->lock);
	return ret;
}

static bool names(const char *msg, const char *what)
{
	if (strstr(msg, what))
		return true;
	fprintf(stderr, "'%s' not in \"%s\"\n", what, msg);
	return false;
}

static void protect_fails_child(void *arg)
{
	struct fix f;
	size_t ps;

	open_fix(&f);
	ps = f.ps;
	/* r5 holds a byte of page 3 already. */
	CK(!protect(&f, f.a2, 3 * ps + 8, 8));
	CK(faults_as(f.p + 3 * ps + 8, "r5"));
	/* dsp's [ps + 0x100, 3 * ps + 0x100) cannot be protected; the call
	 * closed its pages before it failed. */
	arm(PROT_NONE, f.p, 1 << 20, true, ENOMEM);
	CK(protect(&f, f.a, ps + 0x100, 2 * ps) == -ENOMEM);
	CK(inj.failed == 1);
	disarm();
	CK(names(amp_last_error(), "'sysmem/mp'"));
	CK(names(amp_last_error(), "0x1100"));
	CK(names(amp_last_error(), "mprotect"));
	/* As before the call: pages 1 and 2 open, page 3 r5's alone. */
	CK(!faults(f.p + ps + 0x100));
	CK(!faults(f.p + 2 * ps + 5));
	CK(faults_as(f.p + 3 * ps + 8, "r5"));
	CK(faults_as(f.p + 3 * ps + 0x10, NULL));
	/* And the same hand-over works once mprotect does. */
	CK(!protect(&f, f.a, ps + 0x100, 2 * ps));
	CK(faults_as(f.p + ps + 0x100, "dsp"));
	CK(faults_as(f.p + 3 * ps + 0x10, "dsp"));
	CK(faults_as(f.p + 3 * ps + 8, "r5"));
	CK(!unprotect(&f, f.a, ps + 0x100, 2 * ps));
	CK(!faults(f.p + ps + 0x100));
	CK(faults_as(f.p + 3 * ps + 0x10, NULL));
	CK(!unprotect(&f, f.a2, 3 * ps + 8, 8));
	CK(!faults(f.p + 3 * ps + 8));
	_exit(0);
}

static void unprotect_fails_child(void *arg)
{
	struct fix f;
	size_t ps;

	open_fix(&f);
	ps = f.ps;
	CK(!protect(&f, f.a, ps, 4 * ps)); /* pages 1 to 4 */
	CK(!protect(&f, f.a2, 3 * ps + 8, 8)); /* page 3 is r5's too */
	CK(!unprotect(&f, f.a, ps, ps));
	CK(!faults(f.p + ps));
	/* Giving back pages 2 to 4 opens pages 2 and 4: page 4 fails after
	 * page 2 was opened. */
	arm(PROT_READ | PROT_WRITE, f.p + 4 * ps, ps, false, EACCES);
	CK(unprotect(&f, f.a, 2 * ps, 3 * ps) == -EACCES);
	CK(inj.failed == 1);
	disarm();
	CK(names(amp_last_error(), "'sysmem/mp'"));
	CK(names(amp_last_error(), "0x2000"));
	CK(names(amp_last_error(), "mprotect"));
	/* Still dsp's, all of it protected again. */
	CK(faults_as(f.p + 2 * ps + 1, "dsp"));
	CK(faults_as(f.p + 3 * ps + 1, "dsp"));
	CK(faults_as(f.p + 4 * ps + 1, "dsp"));
	CK(!unprotect(&f, f.a, 2 * ps, 3 * ps));
	CK(!faults(f.p + 2 * ps));
	CK(!faults(f.p + 4 * ps + 1));
	CK(faults_as(f.p + 3 * ps + 1, NULL));
	CK(faults_as(f.p + 3 * ps + 9, "r5"));
	CK(!unprotect(&f, f.a2, 3 * ps + 8, 8));
	CK(!faults(f.p + 3 * ps + 9));
	_exit(0);
}

/* Through the public syncs: the hand-over fails, ownership unchanged. */
static void sync_path_child(void *arg)
{
	struct fix f;
	size_t ps;

	open_fix(&f);
	ps = f.ps;
	arm(PROT_NONE, f.p, 1 << 20, false, ENOMEM);
	CK(amp_shm_sync_for_device(f.shm, f.dev, AMP_DIR_TO_DEVICE, ps, ps) ==
	   -ENOMEM);
	disarm();
	CK(names(amp_last_error(), "mprotect"));
	CK(amp_shm_owner(f.shm, f.dev, ps) == AMP_OWNER_CPU);
	CK(!faults(f.p + ps));
	/* Works once mprotect does; a failing take-back keeps it the
	 * device's (pages still protected). */
	CK(!amp_shm_sync_for_device(f.shm, f.dev, AMP_DIR_TO_DEVICE, ps, ps));
	CK(faults_as(f.p + ps, "dsp"));
	arm(PROT_READ | PROT_WRITE, f.p, 1 << 20, false, EACCES);
	CK(amp_shm_sync_for_cpu(f.shm, f.dev, AMP_DIR_TO_DEVICE, ps, ps) ==
	   -EACCES);
	disarm();
	CK(amp_shm_owner(f.shm, f.dev, ps) == AMP_OWNER_DEVICE);
	CK(faults_as(f.p + ps, "dsp"));
	CK(!amp_shm_sync_for_cpu(f.shm, f.dev, AMP_DIR_TO_DEVICE, ps, ps));
	CK(!faults(f.p + ps));
	_exit(0);
}

static void sync_path_failure(void **state)
{
	tu_child_ok(sync_path_child, NULL);
}

static void protect_failure(void **state)
{
	tu_child_ok(protect_fails_child, NULL);
}

static void unprotect_failure(void **state)
{
	tu_child_ok(unprotect_fails_child, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(protect_failure),
		cmocka_unit_test(unprotect_failure),
		cmocka_unit_test(sync_path_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
