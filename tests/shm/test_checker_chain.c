/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checker's SIGSEGV handler and the one that was there before it: a
 * SIGSEGV that is not an access to a page the checker protects goes to
 * the previous disposition exactly as if the checker were not installed.
 *
 * Each test runs in a fresh child that sets the previous disposition
 * first, then opens a checked buffer (which installs the checker's
 * handler) and hands a range of it to a device. This process never opens
 * a checked buffer.
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
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "testutil.h"

static long page_size;

/* What the previous handler saw. */
static volatile sig_atomic_t calls;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile bool usr1_blocked, segv_blocked;
/* A page outside every buffer, PROT_NONE until the handler opens it. */
static char *volatile bad_page;

static void note_mask(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	usr1_blocked = sigismember(&cur, SIGUSR1);
	segv_blocked = sigismember(&cur, SIGSEGV);
}

static void prev_siginfo(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "previous handler called\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)r;
	calls++;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	note_mask();
	/* A real fault: let the access go through when we return. */
	if (si->si_code > 0 && bad_page)
		mprotect(bad_page, (size_t)page_size, PROT_READ | PROT_WRITE);
}

static void prev_plain(int sig)
{
	calls++;
	got_sig = sig;
	note_mask();
}

static char *new_bad_page(void)
{
	char *p = mmap(NULL, (size_t)page_size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CK(p != MAP_FAILED);
	return p;
}

/* Install @sa as the previous disposition, then switch the checker on. */
static struct amp_shm *setup(const struct sigaction *sa)
{
	struct amp_dev_config cfg = { .name = "dsp", .iommu = true };
	struct amp_dev *dev;
	struct amp_shm *shm;

	page_size = sysconf(_SC_PAGESIZE);
	CK(!sigaction(SIGSEGV, sa, NULL));
	CK(!amp_dev_create(&cfg, &dev));
	CK(!amp_shm_open("sysmem/chain", 1 << 20, AMP_SHM_F_CHECK, &shm));
	CK(!amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL));
	CK(!amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096));
	return shm;
}

static struct sigaction make_sa(bool siginfo, int flags, int masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (siginfo)
		sa.sa_sigaction = prev_siginfo;
	else
		sa.sa_handler = prev_plain;
	sa.sa_flags = flags | (siginfo ? SA_SIGINFO : 0);
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	return sa;
}

static int run(void (*fn)(void *), char *err, size_t len)
{
	return tu_run_child(fn, NULL, err, len);
}

static void assert_exit0(int st, const char *err)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		print_error("child: status 0x%x, stderr:\n%s\n", st, err);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void assert_killed_by_segv(int st, const char *err)
{
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
		print_error("child: status 0x%x, stderr:\n%s\n", st, err);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* A violation the checker reports through a handler that jumps back. */
static sigjmp_buf env;
static volatile int nviol;
static void jump_back(const struct amp_violation *v)
{
	nviol++;
	siglongjmp(env, 1);
}

static bool violates(volatile char *p)
{
	amp_shm_set_violation_handler(jump_back);
	if (sigsetjmp(env, 1))
		return true;
	(void)*p;
	return false;
}

/* A real fault outside our buffers reaches an SA_SIGINFO handler. */
static void siginfo_fault_child(void *arg)
{
	struct sigaction sa = make_sa(true, 0, SIGUSR1);
	struct amp_shm *shm = setup(&sa);

	bad_page = new_bad_page();
	bad_page[123] = 1;
	CK(calls == 1);
	CK(got_sig == SIGSEGV);
	CK(got_code == SEGV_ACCERR);
	CK(got_addr == bad_page + 123);
	CK(usr1_blocked); /* the handler's sa_mask */
	CK(segv_blocked); /* no SA_NODEFER: the signal itself */
	CK(bad_page[123] == 1);
	/* Ours are still ours, and do not reach it. */
	CK(violates(amp_shm_va(shm)));
	CK(nviol == 1 && calls == 1);
	/* A page of a checked buffer the checker did not close is not ours
	 * either. */
	bad_page = (char *)amp_shm_va(shm) + 8 * page_size;
	CK(!mprotect(bad_page, (size_t)page_size, PROT_NONE));
	bad_page[9] = 9;
	CK(calls == 2);
	CK(got_addr == bad_page + 9);
	CK(nviol == 1);
	_exit(0);
}

static void siginfo_real_fault(void **state)
{
	char err[1024];

	assert_exit0(run(siginfo_fault_child, err, sizeof(err)), err);
}

/* raise() and kill() reach it too, and are not taken for violations. */
static void siginfo_sent_child(void *arg)
{
	struct sigaction sa = make_sa(true, SA_NODEFER, SIGUSR1);

	setup(&sa);
	CK(!raise(SIGSEGV));
	CK(calls == 1);
	CK(got_code == SI_TKILL);
	CK(usr1_blocked);
	CK(!segv_blocked); /* SA_NODEFER */
	CK(!kill(getpid(), SIGSEGV));
	CK(calls == 2);
	CK(got_code == SI_USER);
	CK(nviol == 0);
	_exit(0);
}

static void siginfo_sent(void **state)
{
	char err[1024];

	assert_exit0(run(siginfo_sent_child, err, sizeof(err)), err);
}

/* A plain (not SA_SIGINFO) handler, with its mask. */
static void plain_child(void *arg)
{
	struct sigaction sa = make_sa(false, 0, SIGUSR2);

	setup(&sa);
	CK(!raise(SIGSEGV));
	CK(calls == 1);
	CK(got_sig == SIGSEGV);
	CK(segv_blocked);
	CK(!usr1_blocked);
	_exit(0);
}

static void plain_handler(void **state)
{
	char err[1024];

	assert_exit0(run(plain_child, err, sizeof(err)), err);
}

/*
 * SA_RESETHAND: the handler runs once, then the default action applies:
 * the second fault kills the process.
 */
static void resethand_fault_child(void *arg)
{
	struct sigaction sa = make_sa(true, SA_RESETHAND, 0);

	setup(&sa);
	bad_page = new_bad_page();
	bad_page[1] = 1;
	CK(calls == 1);
	bad_page = new_bad_page();
	bad_page[2] = 2; /* dies here */
	_exit(0);
}

static void resethand_real_fault(void **state)
{
	char err[1024];
	int st = run(resethand_fault_child, err, sizeof(err));

	assert_killed_by_segv(st, err);
	assert_int_equal(count(err, "previous handler called"), 1);
}

static void resethand_sent_child(void *arg)
{
	struct sigaction sa = make_sa(true, SA_RESETHAND, 0);

	setup(&sa);
	raise(SIGSEGV);
	CK(calls == 1);
	raise(SIGSEGV); /* dies here */
	_exit(0);
}

static void resethand_sent(void **state)
{
	char err[1024];
	int st = run(resethand_sent_child, err, sizeof(err));

	assert_killed_by_segv(st, err);
	assert_int_equal(count(err, "previous handler called"), 1);
}

/* SIG_DFL before us: a raised SIGSEGV kills, as without the checker. */
static void dfl_raise_child(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	setup(&sa);
	raise(SIGSEGV);
	_exit(0);
}

static void default_raise_kills(void **state)
{
	char err[1024];

	assert_killed_by_segv(run(dfl_raise_child, err, sizeof(err)), err);
}

static void dfl_kill_child(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	setup(&sa);
	kill(getpid(), SIGSEGV);
	_exit(0);
}

static void default_kill_kills(void **state)
{
	char err[1024];

	assert_killed_by_segv(run(dfl_kill_child, err, sizeof(err)), err);
}

static void dfl_fault_child(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	setup(&sa);
	new_bad_page()[5] = 5;
	_exit(0);
}

static void default_real_fault_kills(void **state)
{
	char err[1024];

	assert_killed_by_segv(run(dfl_fault_child, err, sizeof(err)), err);
}

/* SIG_IGN before us: a sent SIGSEGV is ignored, every time. */
static void ign_sent_child(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	setup(&sa);
	for (int i = 0; i < 3; i++) {
		raise(SIGSEGV);
		kill(getpid(), SIGSEGV);
	}
	_exit(0);
}

static void ignored_sent_is_ignored(void **state)
{
	char err[1024];

	assert_exit0(run(ign_sent_child, err, sizeof(err)), err);
}

/* ... but a fault cannot be ignored: it kills. */
static void ign_fault_child(void *arg)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	setup(&sa);
	new_bad_page()[5] = 5;
	_exit(0);
}

static void ignored_real_fault_kills(void **state)
{
	char err[1024];

	assert_killed_by_segv(run(ign_fault_child, err, sizeof(err)), err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siginfo_real_fault),
		cmocka_unit_test(siginfo_sent),
		cmocka_unit_test(plain_handler),
		cmocka_unit_test(resethand_real_fault),
		cmocka_unit_test(resethand_sent),
		cmocka_unit_test(default_raise_kills),
		cmocka_unit_test(default_kill_kills),
		cmocka_unit_test(default_real_fault_kills),
		cmocka_unit_test(ignored_sent_is_ignored),
		cmocka_unit_test(ignored_real_fault_kills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
