/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ownership checker catches a CPU access to a device-owned range.
 *
 * Every test runs the checker in a forked child: cmocka sets its own
 * SIGSEGV handler around each test and puts the old one back after it, so
 * a checker installed in this process would be gone after the first test.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "testutil.h"

#define MiB (1ull << 20)

struct scenario {
	unsigned flags;
	uint64_t touch; /* offset the CPU writes to */
	bool give_back; /* sync_for_cpu before touching */
};

static void child(void *arg)
{
	const struct scenario *sc = arg;
	struct amp_dev_config cfg = { .name = "fixture-dsp", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	volatile char *p;

	if (amp_dev_create(&cfg, &dev) ||
	    amp_shm_open("sysmem/checked", MiB, sc->flags, &shm) ||
	    amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL))
		_exit(10);
	p = amp_shm_va(shm);
	p[0x10000] = 1; /* the CPU owns everything: fine */
	if (amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0x10000, 0x2000))
		_exit(11);
	p[0x20000] = 2; /* outside the device's range: fine */
	if (sc->give_back &&
	    amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0x10000, 0x2000))
		_exit(12);
	p[sc->touch] = 3;
	_exit(0);
}

static int run(const struct scenario *sc, char *err, size_t len)
{
	return tu_run_child((void (*)(void *))child, (void *)sc, err, len);
}

static void catches_cpu_write(void **state)
{
	struct scenario sc = { AMP_SHM_F_CHECK, 0x10000 + 0x123, false };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	assert_non_null(strstr(err, "ownership violation"));
	assert_non_null(strstr(err, "'sysmem/checked'"));
	assert_non_null(strstr(err, "offset 0x10123"));
	assert_non_null(strstr(err, "owned by device 'fixture-dsp'"));
}

static void allows_after_sync_for_cpu(void **state)
{
	struct scenario sc = { AMP_SHM_F_CHECK, 0x10000 + 0x123, true };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void unchecked_write_goes_through(void **state)
{
	/* Without the checker the same bug corrupts silently. */
	struct scenario sc = { 0, 0x10000 + 0x123, false };
	char err[1024];
	int st = run(&sc, err, sizeof(err));

	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void env_enables_checker(void **state)
{
	struct scenario sc = { 0, 0x11fff, false };
	char err[1024];
	int st;

	setenv("AMPSHM_CHECK", "1", 1);
	st = run(&sc, err, sizeof(err));
	unsetenv("AMPSHM_CHECK");
	assert_true(WIFSIGNALED(st));
	assert_non_null(strstr(err, "offset 0x11fff"));
}

/* A handler that records instead of aborting lets the program go on. */
static volatile struct amp_violation last;
static volatile int nviol;
static void record(const struct amp_violation *v)
{
	last.offset = v->offset;
	last.owner = v->owner;
	last.shm_name = v->shm_name;
	nviol++;
}

static void custom_child(void *arg)
{
	struct amp_dev_config cfg = { .name = "npu", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	volatile char *p;

	amp_shm_set_violation_handler(record);
	CK(!amp_dev_create(&cfg, &dev));
	CK(!amp_shm_open("sysmem/rec", MiB, AMP_SHM_F_CHECK, &shm));
	CK(!amp_shm_attach(shm, dev, AMP_DIR_TO_DEVICE, NULL, NULL));
	p = amp_shm_va(shm);
	/* The device owns [100, 200): page 0 is protected. */
	CK(!amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 100, 100));
	(void)p[150];
	CK(nviol == 1);
	CK(last.offset == 150);
	CK(!strcmp(last.owner, "npu"));
	CK(!strcmp(last.shm_name, "sysmem/rec"));
	CK(!amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 100, 100));
	/* A CPU-owned byte on a page shared with a device-owned range. */
	CK(!amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 8192, 100));
	(void)p[8192 + 1000];
	CK(nviol == 2);
	CK(!last.owner);
	CK(!amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 8192, 100));
	/* Two devices: pages stay protected while either owns them. */
	{
		struct amp_dev_config cfg2 = { .name = "npu2", .iommu = true };
		struct amp_dev *dev2;

		CK(!amp_dev_create(&cfg2, &dev2));
		CK(!amp_shm_attach(shm, dev2, AMP_DIR_TO_DEVICE, NULL, NULL));
		CK(!amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0,
					    8192));
		CK(!amp_shm_sync_for_device(shm, dev2, AMP_DIR_TO_DEVICE, 4096,
					    8192));
		CK(!amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, 8192));
		(void)p[10]; /* page 0: free again */
		CK(nviol == 2);
		(void)p[4096 + 10]; /* page 1: still dev2's */
		CK(nviol == 3);
		CK(!amp_shm_sync_for_cpu(shm, dev2, AMP_DIR_TO_DEVICE, 4096,
					 8192));
		(void)p[8192 + 10];
		CK(nviol == 3);
		CK(!amp_shm_detach(shm, dev2));
		CK(!amp_dev_destroy(dev2));
	}
	amp_shm_set_violation_handler(NULL);
	CK(!amp_shm_detach(shm, dev));
	CK(!amp_shm_close(shm));
	CK(!amp_dev_destroy(dev));
	_exit(0);
}

static void custom_handler(void **state)
{
	char err[4096];

	tu_assert_child_ok(tu_run_child(custom_child, NULL, err, sizeof(err)),
			err);
}

/*
 * probe(): does reading @p fault as a violation? The violation handler
 * records the report and jumps back, so the page stays protected (a
 * handler that returns gets the page opened).
 */
static sigjmp_buf probe_env;
static struct {
	uint64_t offset;
	char owner[32];
	bool has_owner;
	char shm_name[96];
	void *addr;
} seen;

static void record_and_jump(const struct amp_violation *v)
{
	seen.offset = v->offset;
	seen.has_owner = v->owner != NULL;
	snprintf(seen.owner, sizeof(seen.owner), "%s",
		 v->owner ? v->owner : "");
	snprintf(seen.shm_name, sizeof(seen.shm_name), "%s", v->shm_name);
	seen.addr = v->addr;
	siglongjmp(probe_env, 1);
}

static bool probe(volatile char *p)
{
	if (sigsetjmp(probe_env, 1))
		return true;
	(void)*p;
	return false;
}

/* Faults, with the given owner (NULL: page sharing) at the given offset. */
static bool faults_as(volatile char *base, uint64_t off, const char *owner)
{
	if (!probe(base + off))
		return false;
	if (seen.offset != off || seen.addr != (void *)(base + off))
		return false;
	if (!owner)
		return !seen.has_owner;
	return seen.has_owner && !strcmp(seen.owner, owner);
}

struct two_devs {
	struct amp_dev *a, *b;
	struct amp_shm *shm;
	volatile char *p;
	uint64_t ps;
};

static void two_devs_open(struct two_devs *t, const char *name)
{
	struct amp_dev_config ca = { .name = "dsp0", .iommu = true };
	struct amp_dev_config cb = { .name = "r5", .iommu = true };

	amp_shm_set_violation_handler(record_and_jump);
	t->ps = (uint64_t)sysconf(_SC_PAGESIZE);
	CK(!amp_dev_create(&ca, &t->a));
	CK(!amp_dev_create(&cb, &t->b));
	CK(!amp_shm_open(name, MiB, AMP_SHM_F_CHECK, &t->shm));
	CK(!amp_shm_attach(t->shm, t->a, AMP_DIR_BIDIR, NULL, NULL));
	CK(!amp_shm_attach(t->shm, t->b, AMP_DIR_BIDIR, NULL, NULL));
	t->p = amp_shm_va(t->shm);
}

static void two_devs_close(struct two_devs *t)
{
	CK(!amp_shm_detach(t->shm, t->a));
	CK(!amp_shm_detach(t->shm, t->b));
	CK(!amp_shm_close(t->shm));
	CK(!amp_dev_destroy(t->a));
	CK(!amp_dev_destroy(t->b));
}

static void owners_child(void *arg)
{
	struct two_devs t;
	uint64_t ps;

	two_devs_open(&t, "sysmem/owners");
	ps = t.ps;
	/* Sub-page ranges of two devices on one page. */
	CK(!amp_shm_sync_for_device(t.shm, t.a, AMP_DIR_TO_DEVICE, 0, 100));
	CK(!amp_shm_sync_for_device(t.shm, t.b, AMP_DIR_TO_DEVICE, 200, 100));
	CK(faults_as(t.p, 50, "dsp0"));
	CK(faults_as(t.p, 99, "dsp0"));
	CK(faults_as(t.p, 100, NULL));
	CK(faults_as(t.p, 250, "r5"));
	CK(faults_as(t.p, ps - 1, NULL));
	CK(!strcmp(seen.shm_name, "sysmem/owners"));
	CK(!probe(t.p + ps)); /* the next page is the CPU's */
	CK(!amp_shm_sync_for_cpu(t.shm, t.b, AMP_DIR_TO_DEVICE, 200, 100));
	CK(faults_as(t.p, 250, NULL)); /* dsp0 still holds the page */
	CK(faults_as(t.p, 10, "dsp0"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, 0, 100));
	CK(!probe(t.p + 10));
	CK(!probe(t.p + 250));

	/* Piecewise take-back: only pages no device byte is left on open. */
	CK(!amp_shm_sync_for_device(t.shm, t.a, AMP_DIR_TO_DEVICE, ps, 3 * ps));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, 2 * ps, ps));
	CK(faults_as(t.p, ps + 7, "dsp0"));
	CK(!probe(t.p + 2 * ps + 7));
	CK(faults_as(t.p, 3 * ps + 7, "dsp0"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, ps + 10, 5));
	CK(faults_as(t.p, ps + 12, NULL)); /* a hole in a device page */
	CK(faults_as(t.p, ps + 15, "dsp0"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, ps, 10));
	CK(faults_as(t.p, ps + 15, "dsp0"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, ps + 15, ps - 15));
	CK(!probe(t.p + ps + 15));
	CK(faults_as(t.p, 3 * ps, "dsp0"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, 3 * ps, ps));
	CK(!probe(t.p + 3 * ps));

	/* Two devices, a page they share: taking back one device's range
	 * leaves the pages the other still owns protected. */
	CK(!amp_shm_sync_for_device(t.shm, t.a, AMP_DIR_TO_DEVICE, 0,
				    2 * ps + 100));
	CK(!amp_shm_sync_for_device(t.shm, t.b, AMP_DIR_TO_DEVICE, 2 * ps + 200,
				    2 * ps));
	CK(faults_as(t.p, ps, "dsp0"));
	CK(faults_as(t.p, 2 * ps + 150, NULL));
	CK(faults_as(t.p, 2 * ps + 250, "r5"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, 0, 2 * ps + 100));
	CK(!probe(t.p));
	CK(!probe(t.p + ps));
	CK(faults_as(t.p, 2 * ps + 50, NULL));
	CK(faults_as(t.p, 3 * ps + 50, "r5"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.b, AMP_DIR_TO_DEVICE, 2 * ps + 200,
				 2 * ps));
	CK(!probe(t.p + 2 * ps + 250));
	CK(!probe(t.p + 3 * ps + 50));

	/* Both devices own the same pages. */
	CK(!amp_shm_sync_for_device(t.shm, t.a, AMP_DIR_TO_DEVICE, 0, 2 * ps));
	CK(!amp_shm_sync_for_device(t.shm, t.b, AMP_DIR_TO_DEVICE, 0, 2 * ps));
	CK(probe(t.p + 5));
	CK(!amp_shm_sync_for_cpu(t.shm, t.a, AMP_DIR_TO_DEVICE, 0, 2 * ps));
	CK(faults_as(t.p, 5, "r5"));
	CK(faults_as(t.p, ps + 5, "r5"));
	CK(!amp_shm_sync_for_cpu(t.shm, t.b, AMP_DIR_TO_DEVICE, 0, 2 * ps));
	CK(!probe(t.p + 5));

	/* The last bytes of the buffer. */
	CK(!amp_shm_sync_for_device(t.shm, t.b, AMP_DIR_TO_DEVICE, MiB - 1, 1));
	CK(faults_as(t.p, MiB - 1, "r5"));
	CK(faults_as(t.p, MiB - 2, NULL));
	CK(!amp_shm_sync_for_cpu(t.shm, t.b, AMP_DIR_TO_DEVICE, MiB - 1, 1));
	CK(!probe(t.p + MiB - 1));
	two_devs_close(&t);
	_exit(0);
}

static void reports_owner_by_byte(void **state)
{
	char err[4096];

	tu_assert_child_ok(tu_run_child(owners_child, NULL, err, sizeof(err)),
			err);
}

/*
 * The names a violation handler gets are the checker's own copies: the
 * handler never reads the device or the buffer, and what it hands out
 * outlives both.
 */
static void lifetime_child(void *arg)
{
	struct amp_dev_config cfg = { .name = "gone", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;
	volatile char *p;

	amp_shm_set_violation_handler(record);
	CK(!amp_dev_create(&cfg, &dev));
	CK(!amp_shm_open("sysmem/gone", MiB, AMP_SHM_F_CHECK, &shm));
	CK(!amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
	p = amp_shm_va(shm);
	CK(!amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096));
	(void)p[64];
	CK(nviol == 1);
	CK(!amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096));
	CK(!amp_shm_detach(shm, dev));
	CK(!amp_dev_destroy(dev));
	CK(!amp_shm_close(shm));
	CK(last.owner && !strcmp(last.owner, "gone"));
	CK(!strcmp(last.shm_name, "sysmem/gone"));
	CK(last.offset == 64);
	_exit(0);
}

static void report_outlives_device(void **state)
{
	char err[4096];

	tu_assert_child_ok(tu_run_child(lifetime_child, NULL, err, sizeof(err)),
			err);
}

/* The default report of a page-sharing violation. */
static void sharing_child(void *arg)
{
	struct two_devs t;

	two_devs_open(&t, "sysmem/sharing");
	amp_shm_set_violation_handler(NULL);
	CK(!amp_shm_sync_for_device(t.shm, t.a, AMP_DIR_TO_DEVICE, 0x10, 0x10));
	t.p[0x40] = 1;
	_exit(0);
}

static void default_report_page_sharing(void **state)
{
	char err[4096];
	int st = tu_run_child(sharing_child, NULL, err, sizeof(err));

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	assert_non_null(strstr(err, "'sysmem/sharing' offset 0x40, on a page "
				    "shared with a device-owned range"));
}

/* AMPSHM_CHECK=1 checks every buffer, however many are open. */
#define NBUF 300

static void many_child(void *arg)
{
	struct amp_dev_config cfg = { .name = "many", .iommu = true };
	static struct amp_shm *shm[NBUF];
	struct amp_dev *dev;
	char name[32];

	setenv("AMPSHM_CHECK", "1", 1);
	amp_shm_set_violation_handler(record_and_jump);
	CK(!amp_dev_create(&cfg, &dev));
	for (int i = 0; i < NBUF; i++) {
		snprintf(name, sizeof(name), "sysmem/many%d", i);
		if (amp_shm_open(name, 16384, 0, &shm[i])) {
			fprintf(stderr, "open %d: %s\n", i, amp_last_error());
			_exit(2);
		}
		CK(amp_shm_flags(shm[i]) & AMP_SHM_F_CHECK);
		CK(!amp_shm_attach(shm[i], dev, AMP_DIR_BIDIR, NULL, NULL));
		((char *)amp_shm_va(shm[i]))[100] = (char)i;
		CK(!amp_shm_sync_for_device(shm[i], dev, AMP_DIR_TO_DEVICE, 0, 64));
	}
	for (int i = 0; i < NBUF; i++) {
		volatile char *p = amp_shm_va(shm[i]);

		snprintf(name, sizeof(name), "sysmem/many%d", i);
		CK(faults_as(p, 8, "many"));
		CK(!strcmp(seen.shm_name, name));
		CK(faults_as(p, 100, NULL));
		CK(!amp_shm_sync_for_cpu(shm[i], dev, AMP_DIR_TO_DEVICE, 0, 64));
		CK(p[100] == (char)i);
	}
	for (int i = 0; i < NBUF; i++) {
		CK(!amp_shm_detach(shm[i], dev));
		CK(!amp_shm_close(shm[i]));
	}
	CK(!amp_dev_destroy(dev));
	_exit(0);
}

static void env_checks_300_buffers(void **state)
{
	char err[4096];

	tu_assert_child_ok(tu_run_child(many_child, NULL, err, sizeof(err)), err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catches_cpu_write),
		cmocka_unit_test(allows_after_sync_for_cpu),
		cmocka_unit_test(unchecked_write_goes_through),
		cmocka_unit_test(env_enables_checker),
		cmocka_unit_test(custom_handler),
		cmocka_unit_test(reports_owner_by_byte),
		cmocka_unit_test(report_outlives_device),
		cmocka_unit_test(default_report_page_sharing),
		cmocka_unit_test(env_checks_300_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
