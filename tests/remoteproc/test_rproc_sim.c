// SPDX-License-Identifier: BSD-3-Clause
/*
 * The remoteproc core with the simulated-core backend: the echo firmware
 * loaded, started, talked to over RPMsg; killed (kill -9) and recovered 50
 * times with nothing leaked; a hung core caught by the watchdog; stop then
 * start again; two cores that cannot reach each other's memory.
 *
 * No timing asserts: every wait has a generous deadline (a loaded 2-core
 * machine); what is checked is that things happen, not how fast.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ampfw/board_map.h>
#include <ampshm/ampshm.h>
#include <ampshm/remoteproc.h>
#include <ampshm/remoteproc_image.h>
#include <ampshm/rpmsg.h>

#include "testutil.h"

#define DEADLINE_MS 20000u
#define MiB (1024u * 1024u)

struct link {
	struct amp_rproc *rp;
	struct amp_rpmsg_endpoint ept;
	unsigned bound_gen; /* link generation the endpoint belongs to */
	char rx[512];
	size_t rxlen;
	unsigned nrx;
};

static void *fw, *fw_any;
static size_t fw_size, fw_any_size;

static int rx_cb(struct amp_rpmsg_endpoint *ept, void *data, size_t len,
		 uint32_t src, void *priv)
{
	struct link *l = priv;

	(void)ept;
	(void)src;
	if (len > sizeof(l->rx))
		len = sizeof(l->rx);
	memcpy(l->rx, data, len);
	l->rxlen = len;
	l->nrx++;
	return 0;
}

/* Runs with the link held (inside amp_rproc_sim_poll()). */
static void ns_bind(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct link *l = priv;
	unsigned gen = amp_rproc_sim_link_gen(l->rp);

	if (strcmp(name, "echo") || l->bound_gen == gen)
		return;
	if (!amp_rpmsg_create_ept(&l->ept, rdev, "echo", AMP_RPMSG_ADDR_ANY,
				  dest, rx_cb, NULL, l))
		l->bound_gen = gen;
}

static void make_core(struct link *l, const char *name, bool recovery,
		      unsigned watchdog_ms, bool iommu)
{
	struct amp_rproc_sim_config cfg = { .name = name,
					    .launcher = AMP_SIMCORE_LAUNCHER,
					    .iommu = iommu,
					    .recovery = recovery,
					    .watchdog_ms = watchdog_ms };

	memset(l, 0, sizeof(*l));
	if (amp_rproc_sim_create(&cfg, &l->rp))
		fail_msg("create: %s", amp_last_error());
	amp_rproc_sim_set_ns_bind_cb(l->rp, ns_bind, l);
}

/* Wait until the current link has its "echo" endpoint. */
static void wait_bound(struct link *l)
{
	uint64_t end = tu_now_ms() + DEADLINE_MS;

	while (l->bound_gen == 0 ||
	       l->bound_gen != amp_rproc_sim_link_gen(l->rp)) {
		int ret;

		if (tu_now_ms() > end)
			fail_msg("no echo announcement (state %s)",
				 amp_rproc_state_name(amp_rproc_state(l->rp)));
		ret = amp_rproc_sim_poll(l->rp, 20 * 1000);
		if (ret == -ENOTCONN)
			tu_sleep_ms(1);
	}
}

static void boot_fw(struct link *l, const void *image, size_t size)
{
	if (amp_rproc_load(l->rp, image, size))
		fail_msg("load: %s", amp_last_error());
	if (amp_rproc_start(l->rp))
		fail_msg("start: %s", amp_last_error());
	wait_bound(l);
}

static void boot(struct link *l)
{
	boot_fw(l, fw, fw_size);
}

static int send_msg(struct link *l, const void *m, size_t len)
{
	struct amp_rpmsg_dev *rdev = amp_rproc_sim_rpmsg_lock(l->rp);
	int ret;

	if (!rdev)
		return -ENOTCONN;
	ret = amp_rpmsg_send(&l->ept, m, len);
	amp_rproc_sim_rpmsg_unlock(l->rp);
	return ret;
}

/* Send and wait for an answer; false if the link went down first. */
static bool request(struct link *l, const void *m, size_t len)
{
	uint64_t end = tu_now_ms() + DEADLINE_MS;
	unsigned before = l->nrx, gen = amp_rproc_sim_link_gen(l->rp);

	if (send_msg(l, m, len) != (int)len)
		return false;
	while (l->nrx == before) {
		if (tu_now_ms() > end || amp_rproc_sim_link_gen(l->rp) != gen)
			return false;
		if (amp_rproc_sim_poll(l->rp, 20 * 1000) == -ENOTCONN)
			return false;
	}
	return true;
}

static void echo(struct link *l, const char *m)
{
	assert_true(request(l, m, strlen(m)));
	assert_int_equal(l->rxlen, strlen(m));
	assert_memory_equal(l->rx, m, strlen(m));
}

/* Wait for crash number @count to be handled (and recovered if on). */
static void wait_crash(struct link *l, unsigned count, bool recovered)
{
	uint64_t end = tu_now_ms() + DEADLINE_MS;
	struct amp_rproc_crash c;

	for (;;) {
		enum amp_rproc_state st = amp_rproc_state(l->rp);

		amp_rproc_last_crash(l->rp, &c);
		if (c.count >= count &&
		    st == (recovered ? AMP_RPROC_RUNNING : AMP_RPROC_CRASHED))
			return;
		if (tu_now_ms() > end)
			fail_msg("crash %u not handled (count %u, state %s)",
				 count, c.count, amp_rproc_state_name(st));
		tu_sleep_ms(1);
	}
}

static void no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Load, start, name service, echo; the trace buffer; stop. */
static void test_echo(void **state)
{
	struct link l;
	char trace[AMPFW_TRACE_LEN];

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	assert_int_equal(amp_rproc_state(l.rp), AMP_RPROC_RUNNING);
	assert_true(amp_rproc_sim_pid(l.rp) > 0);
	echo(&l, "hello, core");
	for (int i = 0; i < 50; i++) {
		char m[32];

		snprintf(m, sizeof(m), "message %d", i);
		echo(&l, m);
	}
	assert_true(amp_rproc_sim_heartbeat(l.rp) > 0);
	assert_true(amp_rproc_read_trace(l.rp, trace, sizeof(trace)) > 0);
	trace[sizeof(trace) - 1] = '\0';
	assert_non_null(strstr(trace, "echo: ready"));
	assert_int_equal(amp_rproc_stop(l.rp), 0);
	assert_int_equal(amp_rproc_sim_pid(l.rp), -1);
	assert_int_equal(amp_rproc_sim_poll(l.rp, 0), -ENOTCONN);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/*
 * kill -9 of the core process: detected, everything reclaimed (a buffer
 * the core held two ranges of comes back, detached), recovered, the link
 * works again; 50 times, with no fd, process or memory leaked.
 */
static void test_kill_recover(void **state)
{
	struct link l;
	struct amp_rproc_crash c;
	uint64_t free0;
	int fds0;

	(void)state;
	make_core(&l, "sim0", true, 0, true);
	boot(&l);
	echo(&l, "first");
	/* warm up: the first buffer of a kind may open its backing file */
	{
		struct amp_shm *warm;

		assert_int_equal(amp_shm_open("sysmem/warm", MiB, 0, &warm), 0);
		assert_int_equal(amp_shm_close(warm), 0);
	}
	fds0 = tu_count_fds();
	assert_true(fds0 >= 0);
	free0 = amp_sysmem_free_bytes();
	for (unsigned round = 1; round <= 50; round++) {
		struct amp_dev *dev = amp_rproc_dev(l.rp);
		const struct amp_sg *sg;
		struct amp_shm *buf;
		size_t n;
		pid_t pid = amp_rproc_sim_pid(l.rp);
		char m[32];

		assert_true(pid > 0);
		assert_int_equal(amp_shm_open("sysmem/rpbuf", MiB, 0, &buf), 0);
		assert_int_equal(
			amp_shm_attach(buf, dev, AMP_DIR_BIDIR, &sg, &n), 0);
		assert_int_equal(amp_shm_sync_for_device(buf, dev,
							 AMP_DIR_FROM_DEVICE, 0,
							 4096),
				 0);
		assert_int_equal(amp_shm_sync_for_device(buf, dev,
							 AMP_DIR_TO_DEVICE,
							 8192, 4096),
				 0);
		assert_int_equal(kill(pid, SIGKILL), 0);
		wait_crash(&l, round, true);
		/* the old process is reaped, a new one runs */
		assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
		assert_true(amp_rproc_sim_pid(l.rp) != pid);
		/* everything it held is the CPU's, and detached */
		assert_int_equal(amp_shm_owner(buf, dev, 0), -ENOTCONN);
		assert_int_equal(amp_shm_close(buf), 0);
		amp_rproc_last_crash(l.rp, &c);
		assert_int_equal(c.ranges, 2);
		assert_string_equal(c.reason, "core killed by signal 9");
		/* the link comes back */
		wait_bound(&l);
		snprintf(m, sizeof(m), "round %u", round);
		echo(&l, m);
	}
	amp_rproc_last_crash(l.rp, &c);
	assert_int_equal(c.count, 50);
	assert_int_equal(tu_count_fds(), fds0);
	assert_int_equal(amp_sysmem_free_bytes(), free0);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/* A fault is reported with its device address and program counter. */
static void test_fault_reported(void **state)
{
	struct link l;
	struct amp_rproc_crash c;

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	assert_false(request(&l, "crash", 5));
	wait_crash(&l, 1, false);
	amp_rproc_last_crash(l.rp, &c);
	printf("# %s\n", c.reason);
	assert_non_null(strstr(c.reason, "device fault at da 0x30000000, pc "
					 "0x"));
	assert_int_equal(c.fault_da, AMPFW_UNMAPPED_DA);
	assert_true(c.pc >= AMPFW_CARVEOUT_DA && c.pc < AMPFW_IMAGE_END);
	assert_int_equal(amp_rproc_sim_poll(l.rp, 0), -ENOTCONN);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/* "hang": the heartbeat stops, the watchdog kills and recovers it. */
static void test_watchdog(void **state)
{
	struct link l;
	struct amp_rproc_crash c;
	pid_t pid;

	(void)state;
	make_core(&l, "sim0", true, 1000, false);
	boot(&l);
	echo(&l, "alive");
	/*
	 * An idle core beats (at least every 10 ms): no false alarm over a
	 * few periods. The period is generous: a loaded machine may not run
	 * the core for a while.
	 */
	tu_sleep_ms(2500);
	amp_rproc_last_crash(l.rp, &c);
	assert_int_equal(c.count, 0);
	pid = amp_rproc_sim_pid(l.rp);
	assert_int_equal(send_msg(&l, "hang", 4), 4);
	wait_crash(&l, 1, true);
	amp_rproc_last_crash(l.rp, &c);
	printf("# %s\n", c.reason);
	assert_string_equal(c.reason, "watchdog: no heartbeat for 1000 ms");
	assert_int_equal(c.fault_da, AMP_ADDR_ANY);
	assert_true(amp_rproc_sim_pid(l.rp) != pid);
	wait_bound(&l);
	echo(&l, "recovered");
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/* Stop then load and start again, with nothing left over. */
static void test_restart(void **state)
{
	struct link l;
	uint64_t free0 = amp_sysmem_free_bytes();
	int fds0 = tu_count_fds();

	(void)state;
	assert_true(fds0 >= 0);
	make_core(&l, "sim0", false, 0, false);
	for (int i = 0; i < 5; i++) {
		char m[32];

		boot(&l);
		snprintf(m, sizeof(m), "run %d", i);
		echo(&l, m);
		assert_int_equal(amp_rproc_stop(l.rp), 0);
		assert_int_equal(amp_rproc_state(l.rp), AMP_RPROC_OFFLINE);
		no_children();
	}
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	assert_int_equal(amp_sysmem_free_bytes(), free0);
	assert_int_equal(tu_count_fds(), fds0);
}

struct runs {
	struct amp_dev_run r[32];
	size_t n;
};

static int collect(void *priv, const struct amp_dev_run *run)
{
	struct runs *rs = priv;

	if (rs->n < 32)
		rs->r[rs->n++] = *run;
	return 0;
}

static bool covered(const struct runs *rs, amp_da_t da)
{
	for (size_t i = 0; i < rs->n; i++)
		if (da >= rs->r[i].da && da - rs->r[i].da < rs->r[i].len)
			return true;
	return false;
}

static bool pa_covered(const struct runs *rs, amp_pa_t pa)
{
	for (size_t i = 0; i < rs->n; i++)
		if (pa >= rs->r[i].pa && pa - rs->r[i].pa < rs->r[i].len)
			return true;
	return false;
}

/*
 * Two cores at once, each in its own process with its own carveouts: a
 * buffer attached to one is not among the other's runs, and core B
 * faults on a device address that only core A has.
 */
static void test_two_cores(void **state)
{
	struct link a, b;
	struct runs ra = { .n = 0 }, rb = { .n = 0 };
	struct amp_rproc_crash c;
	const struct amp_sg *sg;
	struct amp_shm *buf;
	amp_pa_t bpa;
	amp_da_t only_a = AMP_ADDR_ANY;
	size_t n;
	char m[40];

	(void)state;
	make_core(&a, "simA", false, 0, true);
	make_core(&b, "simB", false, 0, true);
	boot(&a);
	boot(&b);
	echo(&a, "to A");
	echo(&b, "to B");
	assert_int_equal(amp_shm_open("sysmem/two", MiB, 0, &buf), 0);
	assert_int_equal(amp_shm_attach(buf, amp_rproc_dev(a.rp), AMP_DIR_BIDIR,
					&sg, &n),
			 0);
	assert_int_equal(amp_shm_offset_to_pa(buf, 0, &bpa, NULL), 0);
	assert_int_equal(amp_dev_export(amp_rproc_dev(a.rp), collect, &ra), 0);
	assert_int_equal(amp_dev_export(amp_rproc_dev(b.rp), collect, &rb), 0);
	/* A reaches the buffer, B does not; their memory differs */
	assert_true(covered(&ra, sg[0].addr));
	assert_true(pa_covered(&ra, bpa));
	assert_false(pa_covered(&rb, bpa));
	for (size_t i = 0; i < ra.n && only_a == AMP_ADDR_ANY; i++)
		assert_false(pa_covered(&rb, ra.r[i].pa));
	/* a device address only A has: B faults there */
	for (size_t i = 0; i < ra.n && only_a == AMP_ADDR_ANY; i++)
		if (!covered(&rb, ra.r[i].da))
			only_a = ra.r[i].da;
	assert_true(only_a != AMP_ADDR_ANY);
	snprintf(m, sizeof(m), "peek %016llx", (unsigned long long)only_a);
	assert_false(request(&b, m, strlen(m)));
	wait_crash(&b, 1, false);
	amp_rproc_last_crash(b.rp, &c);
	printf("# B: %s\n", c.reason);
	assert_int_equal(c.fault_da, only_a);
	/* A is unaffected */
	echo(&a, "A still here");
	assert_int_equal(amp_shm_detach(buf, amp_rproc_dev(a.rp)), 0);
	assert_int_equal(amp_shm_close(buf), 0);
	assert_int_equal(amp_rproc_destroy(a.rp), 0);
	assert_int_equal(amp_rproc_destroy(b.rp), 0);
	no_children();
}

/* "peek"/"poke" at @da; true if answered (false: the core died). */
static bool at(struct link *l, const char *cmd, uint64_t da)
{
	char m[40];

	snprintf(m, sizeof(m), "%s %016llx", cmd, (unsigned long long)da);
	return request(l, m, strlen(m));
}

/*
 * The IOMMU agent: a buffer attached to a running core is mapped in it
 * before attach returns (the firmware reads it through its device
 * address), read-only for TO_DEVICE, and gone after detach (the firmware
 * faults there, reported with that address).
 */
static void test_iommu_agent(void **state)
{
	const uint64_t magic = 0x1122334455667788ull;
	struct link l;
	struct amp_rproc_crash c;
	const struct amp_sg *sg, *rsg;
	struct amp_shm *buf, *ro;
	struct amp_dev *dev;
	uint64_t v;
	amp_da_t da, rda;
	size_t n;

	(void)state;
	make_core(&l, "sim0", false, 0, true);
	boot(&l);
	dev = amp_rproc_dev(l.rp);
	assert_int_equal(amp_shm_open("sysmem/agent", MiB, 0, &buf), 0);
	memcpy((char *)amp_shm_va(buf) + 4096, &magic, sizeof(magic));
	assert_int_equal(amp_shm_attach(buf, dev, AMP_DIR_BIDIR, &sg, &n), 0);
	da = sg[0].addr;
	assert_true(at(&l, "peek", da + 4096));
	assert_int_equal(l.rxlen, 15);
	memcpy(&v, l.rx + 7, sizeof(v));
	assert_int_equal(v, magic);
	assert_true(at(&l, "poke", da));
	/* TO_DEVICE: readable */
	assert_int_equal(amp_shm_open("sysmem/agent-ro", MiB, 0, &ro), 0);
	assert_int_equal(amp_shm_attach(ro, dev, AMP_DIR_TO_DEVICE, &rsg, &n),
			 0);
	rda = rsg[0].addr;
	assert_true(at(&l, "peek", rda));
	/* detached: gone from the core before detach returned */
	assert_int_equal(amp_shm_detach(buf, dev), 0);
	assert_false(at(&l, "peek", da + 4096));
	wait_crash(&l, 1, false);
	amp_rproc_last_crash(l.rp, &c);
	printf("# %s\n", c.reason);
	assert_int_equal(c.fault_da, da + 4096);
	/* the crash detached the read-only buffer too */
	assert_int_equal(amp_shm_detach(ro, dev), -ENOTCONN);
	assert_int_equal(amp_rproc_stop(l.rp), 0);

	/* TO_DEVICE is read-only in the core: a write faults there */
	boot(&l);
	dev = amp_rproc_dev(l.rp);
	assert_int_equal(amp_shm_attach(ro, dev, AMP_DIR_TO_DEVICE, &rsg, &n),
			 0);
	rda = rsg[0].addr;
	assert_true(at(&l, "peek", rda));
	assert_false(at(&l, "poke", rda + 8));
	wait_crash(&l, 2, false);
	amp_rproc_last_crash(l.rp, &c);
	printf("# %s\n", c.reason);
	assert_int_equal(c.fault_da, rda + 8);
	assert_int_equal(amp_shm_close(ro), 0);
	assert_int_equal(amp_shm_close(buf), 0);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/*
 * Host pointers and physical addresses are not device addresses: the core
 * faults on the carveout's host pointer and on its pa (reported with that
 * address), while its device address reads fine.
 */
static void peek_faults(uint64_t addr)
{
	struct link l;
	struct amp_rproc_crash c;

	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	if (at(&l, "peek", addr)) {
		/* the launcher itself happened to have a page there */
		printf("# 0x%llx was mapped in the launcher: not a fault\n",
		       (unsigned long long)addr);
	} else {
		wait_crash(&l, 1, false);
		amp_rproc_last_crash(l.rp, &c);
		printf("# %s\n", c.reason);
		assert_int_equal(c.fault_da, addr);
		assert_non_null(strstr(c.reason, "(signal 11)"));
	}
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
}

static void test_host_pointer_faults(void **state)
{
	struct link l;
	uint64_t host, pa;
	void *p;

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	assert_int_equal(amp_dev_ptr(amp_rproc_dev(l.rp), AMPFW_CARVEOUT_DA,
				     4096, &p),
			 0);
	assert_int_equal(amp_dev_da_to_pa(amp_rproc_dev(l.rp),
					  AMPFW_CARVEOUT_DA, &pa),
			 0);
	host = (uint64_t)(uintptr_t)p;
	assert_true(host != AMPFW_CARVEOUT_DA && pa != AMPFW_CARVEOUT_DA);
	/* the carveout's own device address works */
	assert_true(at(&l, "peek", AMPFW_CARVEOUT_DA));
	assert_memory_equal(l.rx, "peek ok", 7);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	peek_faults(host);
	peek_faults(pa);
	no_children();
}

/*
 * The firmware's code is read+execute in the core: writing its free
 * carveout memory works, writing its code faults there.
 */
static void test_code_is_read_only(void **state)
{
	struct link l;
	struct amp_rproc_crash c;

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	assert_true(at(&l, "poke", AMPFW_IMAGE_END - 4096));
	assert_memory_equal(l.rx, "poke ok", 7);
	assert_false(at(&l, "poke", AMPFW_CARVEOUT_DA + 0x100));
	wait_crash(&l, 1, false);
	amp_rproc_last_crash(l.rp, &c);
	printf("# %s\n", c.reason);
	assert_int_equal(c.fault_da, AMPFW_CARVEOUT_DA + 0x100);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/* The firmware returning from its main is reported with its code. */
static void test_exit(void **state)
{
	struct link l;
	struct amp_rproc_crash c;

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot(&l);
	assert_int_equal(send_msg(&l, "exit", 4), 4);
	wait_crash(&l, 1, false);
	amp_rproc_last_crash(l.rp, &c);
	assert_string_equal(c.reason, "firmware exited with code 3");
	assert_int_equal(c.fault_da, AMP_ADDR_ANY);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

/*
 * Vrings at "any" address (fw_echo_any): the core places them and writes
 * their device addresses into the loaded table, which is what the
 * firmware uses (the echo works), inside memory the core reaches.
 */
static void test_vrings_any(void **state)
{
	struct link l;
	struct amp_rproc_rsc *rsc;
	struct runs rs = { .n = 0 };
	void *table;
	size_t tsize;
	uint64_t da[2] = { 0, 0 };
	int nv = 0;

	(void)state;
	make_core(&l, "sim0", false, 0, false);
	boot_fw(&l, fw_any, fw_any_size);
	echo(&l, "any vrings");
	assert_int_equal(amp_rproc_rsc_table(l.rp, &table, &tsize, NULL), 0);
	assert_int_equal(amp_rproc_rsc_parse(table, tsize, &rsc), 0);
	assert_int_equal(amp_dev_export(amp_rproc_dev(l.rp), collect, &rs), 0);
	for (size_t i = 0; i < amp_rproc_rsc_count(rsc); i++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(rsc, i);

		if (e->kind != AMP_RPROC_RSC_VDEV)
			continue;
		for (unsigned v = 0; v < e->u.vdev.num_of_vrings; v++) {
			const struct amp_rproc_rsc_vring *vr =
				amp_rproc_rsc_vring(rsc, i, v);

			assert_true(vr->da != AMP_ADDR_ANY);
			assert_true(covered(&rs, vr->da));
			assert_true(covered(&rs, vr->da + vr->size - 1));
			if (nv < 2)
				da[nv++] = vr->da;
		}
	}
	amp_rproc_rsc_free(rsc);
	assert_int_equal(nv, 2);
	assert_true(da[0] != da[1]);
	assert_int_equal(amp_rproc_destroy(l.rp), 0);
	no_children();
}

static int read_fw(void **state)
{
	(void)state;
	fw = tu_read_file(AMP_SIMCORE_ECHO_FW, &fw_size);
	fw_any = tu_read_file(AMP_SIMCORE_ECHO_ANY_FW, &fw_any_size);
	return fw && fw_any ? 0 : -1;
}

static int free_fw(void **state)
{
	(void)state;
	free(fw);
	free(fw_any);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_kill_recover),
		cmocka_unit_test(test_fault_reported),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_two_cores),
		cmocka_unit_test(test_iommu_agent),
		cmocka_unit_test(test_host_pointer_faults),
		cmocka_unit_test(test_code_is_read_only),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_vrings_any),
	};

	return cmocka_run_group_tests(tests, read_fw, free_fw);
}
