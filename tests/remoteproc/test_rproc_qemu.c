// SPDX-License-Identifier: BSD-3-Clause
/*
 * Real ARM firmware as the coprocessor: the bufproc sample firmware built
 * for the qemu-virt board (firmware/boards/qemu-virt), loaded by our
 * remoteproc into guest RAM the host shares, run by qemu-system-arm, and
 * driven through the ordinary attach and sync calls of a hand-over
 * session. Everything asserted is data: sums computed by the ARM core,
 * bytes it inverted or wrote in place, checked on the host; the fault
 * record it left; the recovered core doing the work again.
 *
 * No timing asserts: every wait has a generous deadline.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc_qemu.h>

#include "testutil.h"

#include "bufproc.h"
#include "hovprobe.h"

#define DEADLINE_MS 60000u
#define MiB (1024ull * 1024u)
#define SHM_DA 0x41000000ull /* the board's "shm" carveout, da = pa */

struct core {
	struct amp_rproc *rp;
	struct amp_hov_session *hs;
	struct amp_dev *dev;
	struct amp_shm *shm; /* the static region over the guest's RAM */
};

/* Create, load and start the firmware, wait for its service. */
static void boot(struct core *c, unsigned watchdog_ms)
{
	struct amp_rproc_qemu_config cfg = { .name = "arm0",
					     .recovery = true,
					     .watchdog_ms = watchdog_ms };
	struct amp_hov_session_config hc = { .timeout_ms = 30000 };
	const struct amp_sg *da;
	size_t size, nda;
	void *img = tu_read_file(AMP_FW_BUFPROC_QEMU, &size);
	char con[4096];

	assert_non_null(img);
	memset(c, 0, sizeof(*c));
	if (amp_rproc_qemu_create(&cfg, &c->rp))
		fail_msg("create: %s", amp_last_error());
	if (amp_hov_session_create(c->rp, &hc, &c->hs))
		fail_msg("session: %s", amp_last_error());
	if (amp_rproc_load(c->rp, img, size) || amp_rproc_start(c->rp))
		fail_msg("boot: %s", amp_last_error());
	free(img);
	/* the name service came up: the firmware announced its service */
	if (amp_hov_session_wait_ready(c->hs, DEADLINE_MS)) {
		amp_rproc_qemu_console(c->rp, con, sizeof(con));
		fail_msg("ready: %s; console:\n%s", amp_last_error(), con);
	}
	/* its console, over the UART (may trail the announcement) */
	for (uint64_t end = tu_now_ms() + DEADLINE_MS;
	     amp_rproc_qemu_console(c->rp, con, sizeof(con)) >= 0 &&
	     !strstr(con, "bufproc: ready") && tu_now_ms() < end;)
		tu_sleep_ms(1);
	assert_non_null(strstr(con, "bufproc: ready"));
	c->dev = amp_rproc_dev(c->rp);
	assert_int_equal(amp_shm_open("static/arm0-shm", 0, 0, &c->shm), 0);
	assert_int_equal(amp_shm_size(c->shm), 496 * MiB);
	assert_int_equal(
		amp_shm_attach(c->shm, c->dev, AMP_DIR_BIDIR, &da, &nda), 0);
	/* one segment: guest physical = device address = host pa */
	assert_int_equal(nda, 1);
	assert_true(da[0].addr == SHM_DA);
}

static void shutdown_core(struct core *c)
{
	assert_int_equal(amp_shm_detach(c->shm, c->dev), 0);
	assert_int_equal(amp_shm_close(c->shm), 0);
	assert_int_equal(amp_rproc_stop(c->rp), 0);
	assert_int_equal(amp_hov_session_destroy(c->hs), 0);
	assert_int_equal(amp_rproc_destroy(c->rp), 0);
}

static uint64_t *words(struct core *c, uint64_t off)
{
	return (uint64_t *)((char *)amp_shm_va(c->shm) + off);
}

static void fill(struct core *c, uint64_t off, uint64_t len, uint64_t seed)
{
	uint64_t *p = words(c, off);

	for (uint64_t i = 0; i < len / 8; i++)
		p[i] = seed * 0x9e3779b97f4a7c15ull + (off + 8 * i);
}

static uint64_t sum_of(struct core *c, uint64_t off, uint64_t len)
{
	const uint64_t *p = words(c, off);
	uint64_t s = 0;

	for (uint64_t i = 0; i < len / 8; i++)
		s += p[i];
	return s;
}

/* Hand [off, +len) over with @op, take it back; the result or a status. */
static int run_op(struct core *c, unsigned op, uint64_t arg, enum amp_dir dir,
		  uint64_t off, uint64_t len, uint64_t *result)
{
	struct amp_hov_done d;
	int ret =
		amp_hov_handover(c->hs, c->shm, dir, off, len, BP_TAG(op, arg));

	if (ret)
		return ret;
	ret = amp_hov_wait(c->hs, c->shm, off, len, DEADLINE_MS, &d);
	if (ret)
		return ret;
	if (d.status)
		return d.status;
	assert_true(d.tag == BP_TAG(op, arg));
	ret = amp_shm_sync_for_cpu(c->shm, c->dev, dir, off, len);
	if (!ret && result && d.result_len == 8)
		memcpy(result, d.result, 8);
	return ret;
}

/* Sum, invert in place, fill in place: checked word by word. */
static void process_and_check(struct core *c, uint64_t off, uint64_t len,
			      uint64_t seed)
{
	uint64_t got = 0, want;
	const uint64_t *p = words(c, off);

	fill(c, off, len, seed);
	want = sum_of(c, off, len);
	assert_int_equal(
		run_op(c, BP_OP_SUM, 0, AMP_DIR_TO_DEVICE, off, len, &got), 0);
	assert_true(got == want);
	assert_int_equal(
		run_op(c, BP_OP_INVERT, 0, AMP_DIR_BIDIR, off, len, &got), 0);
	assert_true(got == want);
	for (uint64_t i = 0; i < len / 8; i++)
		if (p[i] != ~(seed * 0x9e3779b97f4a7c15ull + (off + 8 * i)))
			fail_msg("word %llu not inverted",
				 (unsigned long long)i);
	assert_int_equal(run_op(c, BP_OP_FILL, seed, AMP_DIR_FROM_DEVICE, off,
				len, NULL),
			 0);
	for (uint64_t i = 0; i < len / 8; i++)
		if (p[i] != (seed ^ (off + 8 * i)))
			fail_msg("word %llu not written",
				 (unsigned long long)i);
}

struct worker {
	struct core *c;
	uint64_t off, len, seed;
	int rounds;
};

static void *work_thread(void *arg)
{
	struct worker *w = arg;

	for (int r = 0; r < w->rounds; r++)
		process_and_check(w->c, w->off, w->len, w->seed + (uint64_t)r);
	return NULL;
}

/*
 * The ARM firmware processes multi-MB ranges of the shared RAM in place,
 * from two application threads at once (the session's thread delivers).
 */
static void test_qemu_in_place(void **state)
{
	struct core c;
	struct amp_rproc_qemu_stats st;
	struct worker w[2];
	pthread_t t[2];

	(void)state;
	boot(&c, 0);
	process_and_check(&c, 0, 16 * MiB, 3);
	/* the far end of the region: the last 8 MiB below 0x6000_0000 */
	process_and_check(&c, 488 * MiB, 8 * MiB, 5);
	for (int i = 0; i < 2; i++) {
		w[i] = (struct worker){ &c, (uint64_t)(32 + 8 * i) * MiB,
					4 * MiB, 100u * (unsigned)i, 3 };
		assert_int_equal(
			pthread_create(&t[i], NULL, work_thread, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(amp_rproc_qemu_stats(c.rp, &st), 0);
	assert_int_equal(st.spawns, 1);
	assert_true(st.kicks_from_core > 0 && st.kicks_to_core > 0);
	shutdown_core(&c);
}

/*
 * A buffer outside what the core was given (system memory, which the
 * guest cannot see) is refused at attach; a firmware asking for memory
 * outside its RAM is refused at start.
 */
static void test_qemu_reach(void **state)
{
	struct core c;
	struct amp_shm *b;

	(void)state;
	boot(&c, 0);
	assert_int_equal(amp_shm_open("sysmem/far", 4 * MiB, 0, &b), 0);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 -ERANGE);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

static void wait_recovered(struct core *c, unsigned crashes)
{
	struct amp_rproc_crash cr;

	if (hov_wait_recovered(c->rp, c->hs, crashes, DEADLINE_MS)) {
		amp_rproc_last_crash(c->rp, &cr);
		fail_msg("no recovery: %u crashes, state %s: %s", cr.count,
			 amp_rproc_state_name(amp_rproc_state(c->rp)),
			 amp_last_error());
	}
	/* the crash detached the buffer: share it again */
	assert_int_equal(
		amp_shm_attach(c->shm, c->dev, AMP_DIR_BIDIR, NULL, NULL), 0);
}

/*
 * The firmware faults mid hand-over (a store to an address nothing
 * decodes): the data abort is recorded by its board port, the host
 * reports it with the faulting address, the waiter hears -EOWNERDEAD,
 * the same QEMU process is reset over QMP and the firmware works again.
 */
static void test_qemu_fault_recovered(void **state)
{
	struct core c;
	struct amp_rproc_crash cr;
	struct amp_rproc_qemu_stats st;
	int pid;

	(void)state;
	boot(&c, 0);
	pid = amp_rproc_qemu_pid(c.rp);
	fill(&c, 0, MiB, 1);
	assert_int_equal(run_op(&c, BP_OP_CRASH, 0, AMP_DIR_TO_DEVICE, 0, MiB,
				NULL),
			 -EOWNERDEAD);
	wait_recovered(&c, 1);
	amp_rproc_last_crash(c.rp, &cr);
	assert_non_null(strstr(cr.reason, "data abort"));
	assert_true(cr.fault_da == 0xf0000000ull);
	assert_true(cr.pc >= 0x40100000ull && cr.pc < 0x40170000ull);
	assert_int_equal(cr.ranges, 1);
	/* the range came back to the CPU with its bytes */
	assert_true(words(&c, 0)[1] == 1 * 0x9e3779b97f4a7c15ull + 8);
	assert_int_equal(amp_rproc_qemu_pid(c.rp), pid);
	assert_int_equal(amp_rproc_qemu_stats(c.rp, &st), 0);
	assert_int_equal(st.spawns, 1);
	assert_int_equal(st.resets, 1);
	process_and_check(&c, 0, 4 * MiB, 9);
	shutdown_core(&c);
}

/* QEMU itself killed: a new process, the firmware reloaded, working. */
static void test_qemu_killed_recovered(void **state)
{
	struct core c;
	struct amp_rproc_crash cr;
	struct amp_rproc_qemu_stats st;
	int pid;

	(void)state;
	boot(&c, 0);
	pid = amp_rproc_qemu_pid(c.rp);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	wait_recovered(&c, 1);
	amp_rproc_last_crash(c.rp, &cr);
	assert_non_null(strstr(cr.reason, "signal 9"));
	assert_true(amp_rproc_qemu_pid(c.rp) != pid);
	assert_int_equal(amp_rproc_qemu_stats(c.rp, &st), 0);
	assert_int_equal(st.spawns, 2);
	process_and_check(&c, 8 * MiB, 4 * MiB, 11);
	shutdown_core(&c);
}

/*
 * A frozen machine (QEMU stopped with SIGSTOP): the heartbeat stops, the
 * watchdog reports it, QMP cannot pause it, so it is killed and started
 * anew.
 */
static void test_qemu_watchdog(void **state)
{
	struct core c;
	struct amp_rproc_crash cr;
	int pid;

	(void)state;
	boot(&c, 1000);
	pid = amp_rproc_qemu_pid(c.rp);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	wait_recovered(&c, 1);
	amp_rproc_last_crash(c.rp, &cr);
	assert_non_null(strstr(cr.reason, "watchdog"));
	assert_true(amp_rproc_qemu_pid(c.rp) != pid);
	process_and_check(&c, 0, MiB, 13);
	shutdown_core(&c);
}

/* Stop and start: the same process, reset over QMP, the firmware anew. */
static void test_qemu_stop_start(void **state)
{
	struct core c;
	int pid;

	(void)state;
	boot(&c, 0);
	pid = amp_rproc_qemu_pid(c.rp);
	assert_int_equal(amp_shm_detach(c.shm, c.dev), 0);
	assert_int_equal(amp_rproc_stop(c.rp), 0);
	assert_int_equal(amp_rproc_qemu_pid(c.rp), pid); /* paused */
	{
		size_t size;
		void *img = tu_read_file(AMP_FW_BUFPROC_QEMU, &size);

		assert_int_equal(amp_rproc_load(c.rp, img, size), 0);
		free(img);
	}
	assert_int_equal(amp_rproc_start(c.rp), 0);
	assert_int_equal(amp_rproc_qemu_pid(c.rp), pid);
	assert_int_equal(amp_hov_session_wait_ready(c.hs, DEADLINE_MS), 0);
	c.dev = amp_rproc_dev(c.rp);
	assert_int_equal(
		amp_shm_attach(c.shm, c.dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	process_and_check(&c, 0, MiB, 17);
	shutdown_core(&c);
}

struct starter {
	struct amp_rproc *rp;
	int ret;
};

static void *start_thread(void *arg)
{
	struct starter *st = arg;

	st->ret = amp_rproc_start(st->rp);
	return NULL; /* this thread ends: QEMU must not die with it */
}

/*
 * QEMU dies with the host, not with the thread that started it: a child
 * process starts a core from a thread that then ends, checks QEMU is
 * still there, sends its pid and exits without cleaning up; QEMU must go.
 */
static void test_qemu_dies_with_host(void **state)
{
	int fds[2], qpid = -1;
	pid_t child;
	uint64_t end;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct amp_rproc_qemu_config cfg = { .name = "orphan" };
		struct starter st = { 0 };
		pthread_t t;
		size_t size;
		void *img = tu_read_file(AMP_FW_BUFPROC_QEMU, &size);
		int pid = -1;

		if (img && !amp_rproc_qemu_create(&cfg, &st.rp) &&
		    !amp_rproc_load(st.rp, img, size) &&
		    !pthread_create(&t, NULL, start_thread, &st) &&
		    !pthread_join(t, NULL) && !st.ret) {
			tu_sleep_ms(300);
			pid = amp_rproc_qemu_pid(st.rp);
			if (pid > 0 && kill(pid, 0))
				pid = -2; /* died with the thread */
		}
		if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &qpid, sizeof(qpid)), sizeof(qpid));
	close(fds[0]);
	assert_true(qpid > 0);
	assert_true(waitpid(child, NULL, 0) == child);
	end = tu_now_ms() + DEADLINE_MS;
	while (kill(qpid, 0) == 0 && tu_now_ms() < end)
		tu_sleep_ms(5);
	assert_int_equal(kill(qpid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_in_place),
		cmocka_unit_test(test_qemu_reach),
		cmocka_unit_test(test_qemu_fault_recovered),
		cmocka_unit_test(test_qemu_killed_recovered),
		cmocka_unit_test(test_qemu_watchdog),
		cmocka_unit_test(test_qemu_stop_start),
		cmocka_unit_test(test_qemu_dies_with_host),
	};

	if (access(AMP_FW_BUFPROC_QEMU, R_OK) ||
	    (system("command -v qemu-system-arm >/dev/null 2>&1") &&
	     !getenv("AMPSHM_QEMU"))) {
		printf("qemu-system-arm or the ARM firmware missing: "
		       "skipped\n");
		return 77;
	}
	if (getenv("AMP_TEST_FILTER")) /* run some: AMP_TEST_FILTER=*fault* */
		cmocka_set_test_filter(getenv("AMP_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
