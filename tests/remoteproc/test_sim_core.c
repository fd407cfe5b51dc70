// SPDX-License-Identifier: BSD-3-Clause
/*
 * The simulated coprocessor, end to end: the echo firmware (firmware/apps/
 * echo, a freestanding ELF linked at device addresses) is parsed, checked
 * and loaded through the device's address space, run in the launcher
 * process (ampshm-core) whose address space is the device's, and talked to
 * over RPMsg from the loaded resource table.
 *
 * No timing asserts: every wait has a generous deadline (a loaded 2-core
 * machine), and a core that dies meanwhile ends the wait at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <ampfw/board_map.h>

#include "simcore.h"

#define DEADLINE_S 20
#define CO_PA 0x40000000ull /* pa, da and host pointers all differ */

struct link {
	struct simcore core;
	struct amp_rpmsg_endpoint ept;
	bool bound;
	char rx[SIMCORE_BUF_SIZE];
	size_t rxlen;
	unsigned int nrx;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

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

static void ns_bind(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		    void *priv)
{
	struct link *l = priv;

	if (strcmp(name, "echo") || l->bound)
		return;
	if (!amp_rpmsg_create_ept(&l->ept, rdev, "echo", AMP_RPMSG_ADDR_ANY,
				  dest, rx_cb, NULL, l))
		l->bound = true;
}

/* Poll the link until *flag changes or the core dies (or the deadline). */
static bool poll_until(struct link *l, const volatile unsigned int *count,
		       unsigned int want)
{
	uint64_t end = now_ms() + DEADLINE_S * 1000u;

	while (*count < want) {
		if (simcore_dead(&l->core) || now_ms() > end)
			return false;
		amp_rpmsg_poll(&l->core.rdev, 50 * 1000);
	}
	return true;
}

static bool wait_dead(struct link *l)
{
	uint64_t end = now_ms() + DEADLINE_S * 1000u;

	while (!simcore_dead(&l->core)) {
		if (now_ms() > end)
			return false;
		/* keep the host side serviced while the core works */
		amp_rpmsg_poll(&l->core.rdev, 20 * 1000);
	}
	return true;
}

static void start_core_fw(struct link *l, const char *fw)
{
	uint64_t end = now_ms() + DEADLINE_S * 1000u;
	int ret;

	l->bound = false;
	l->nrx = 0;
	ret = simcore_load(&l->core, fw);
	if (ret)
		fail_msg("load: %s", amp_last_error());
	ret = simcore_start(&l->core, AMP_SIMCORE_LAUNCHER);
	if (ret)
		fail_msg("start: %s", amp_last_error());
	amp_rpmsg_set_ns_bind_cb(&l->core.rdev, ns_bind, l);
	/* the name service brings "echo" up */
	while (!l->bound) {
		char why[128];

		if (simcore_dead(&l->core)) {
			simcore_describe(&l->core, why, sizeof(why));
			fail_msg("core died before announcing echo: %s", why);
		}
		if (now_ms() > end)
			fail_msg("no echo announcement in %d s", DEADLINE_S);
		amp_rpmsg_poll(&l->core.rdev, 50 * 1000);
	}
}

static void start_core(struct link *l)
{
	start_core_fw(l, AMP_SIMCORE_ECHO_FW);
}

static void echo_roundtrip(struct link *l, const void *msg, size_t len)
{
	unsigned int before = l->nrx;

	assert_int_equal(amp_rpmsg_send(&l->ept, msg, len), (int)len);
	assert_true(poll_until(l, &l->nrx, before + 1));
	assert_int_equal(l->rxlen, len);
	assert_memory_equal(l->rx, msg, len);
}

static int setup(void **state)
{
	struct link *l = calloc(1, sizeof(*l));

	if (!l || simcore_setup(&l->core, "simcore-test", CO_PA,
				AMPFW_CARVEOUT_DA, AMPFW_CARVEOUT_LEN)) {
		fprintf(stderr, "setup: %s\n", amp_last_error());
		return -1;
	}
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct link *l = *state;

	simcore_teardown(&l->core);
	free(l);
	return 0;
}

/* (a) load, run, name service, echo byte for byte. */
static void test_echo(void **state)
{
	struct link *l = *state;
	uint8_t big[SIMCORE_BUF_SIZE - AMP_RPMSG_HDR_SIZE];
	char trace[AMPFW_TRACE_LEN];

	start_core(l);
	/* the core runs at its device addresses, with its own stack */
	assert_int_equal(l->core.page->state, AMP_SIMCORE_RUNNING);
	echo_roundtrip(l, "hello, core", 11);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	echo_roundtrip(l, big, sizeof(big));
	for (int i = 0; i < 100; i++) {
		char m[32];

		snprintf(m, sizeof(m), "message %d", i);
		echo_roundtrip(l, m, strlen(m));
	}
	/* its heartbeat runs, and its trace buffer is readable by the host */
	assert_true(__atomic_load_n(&l->core.page->heartbeat,
				    __ATOMIC_ACQUIRE) > 0);
	assert_int_equal(amp_dev_read(l->core.dev, AMPFW_TRACE_DA, trace,
				      sizeof(trace)),
			 0);
	trace[sizeof(trace) - 1] = '\0';
	assert_non_null(strstr(trace, "echo: ready"));
	simcore_stop(&l->core);
}

/* (b) a wild access: the core dies of SIGSEGV at that device address. */
static void test_crash(void **state)
{
	struct link *l = *state;
	const struct amp_simcore_page *p;
	char why[160];

	start_core(l);
	echo_roundtrip(l, "before", 6);
	assert_int_equal(amp_rpmsg_send(&l->ept, "crash", 5), 5);
	assert_true(wait_dead(l));
	assert_true(WIFSIGNALED(l->core.status));
	assert_int_equal(WTERMSIG(l->core.status), SIGSEGV);
	p = l->core.page;
	assert_int_equal(p->state, AMP_SIMCORE_FAULTED);
	assert_int_equal(p->fault_addr, AMPFW_UNMAPPED_DA);
	/* the program counter is a device address inside the firmware */
	assert_true(p->fault_pc >= AMPFW_CARVEOUT_DA &&
		    p->fault_pc < AMPFW_IMAGE_END);
	simcore_describe(&l->core, why, sizeof(why));
	printf("# %s\n", why);
	assert_non_null(strstr(why, "device fault at da 0x30000000, pc 0x"));
	simcore_stop(&l->core);
}

/*
 * (c) host pointers and physical addresses are not device addresses: the
 * core faults on the carveout's host pointer, and on its pa.
 */
static void peek(struct link *l, uint64_t addr)
{
	char m[32];
	unsigned int before;

	start_core(l);
	before = l->nrx;
	snprintf(m, sizeof(m), "peek %016llx", (unsigned long long)addr);
	assert_int_equal(amp_rpmsg_send(&l->ept, m, strlen(m)), (int)strlen(m));
	/* it dies, or (by chance) answers: never both, never neither */
	{
		uint64_t end = now_ms() + DEADLINE_S * 1000u;

		while (!simcore_dead(&l->core) && l->nrx == before &&
		       now_ms() < end)
			amp_rpmsg_poll(&l->core.rdev, 20 * 1000);
	}
	if (l->nrx > before) {
		/* the launcher itself happened to have a page there */
		printf("# 0x%llx was mapped in the launcher: not a fault\n",
		       (unsigned long long)addr);
	} else {
		assert_true(simcore_dead(&l->core));
		assert_int_equal(l->core.page->state, AMP_SIMCORE_FAULTED);
		assert_int_equal(l->core.page->fault_addr, addr);
		assert_int_equal(WTERMSIG(l->core.status), SIGSEGV);
	}
	simcore_stop(&l->core);
}

static void test_host_pointer_faults(void **state)
{
	struct link *l = *state;

	peek(l, (uint64_t)(uintptr_t)l->core.co);
	peek(l, CO_PA);
	/* and the carveout's own device address works */
	start_core(l);
	{
		char m[32];
		unsigned int before = l->nrx;

		snprintf(m, sizeof(m), "peek %016llx",
			 (unsigned long long)AMPFW_CARVEOUT_DA);
		assert_int_equal(amp_rpmsg_send(&l->ept, m, strlen(m)),
				 (int)strlen(m));
		assert_true(poll_until(l, &l->nrx, before + 1));
		assert_memory_equal(l->rx, "peek ok", 7);
	}
	simcore_stop(&l->core);
}

/* Send "<cmd> <addr>" and wait for the answer or the core's death. */
static bool cmd_addr(struct link *l, const char *cmd, uint64_t addr)
{
	uint64_t end = now_ms() + DEADLINE_S * 1000u;
	unsigned int before = l->nrx;
	char m[32];

	snprintf(m, sizeof(m), "%s %016llx", cmd, (unsigned long long)addr);
	assert_int_equal(amp_rpmsg_send(&l->ept, m, strlen(m)), (int)strlen(m));
	while (!simcore_dead(&l->core) && l->nrx == before && now_ms() < end)
		amp_rpmsg_poll(&l->core.rdev, 20 * 1000);
	return l->nrx > before;
}

/*
 * The firmware's code is read+execute in the core: writing its data works,
 * writing its code faults there (the exec ranges the host sent).
 */
static void test_code_is_read_only(void **state)
{
	struct link *l = *state;
	char why[160];

	start_core(l);
	/* a free page of the carveout (between .bss and the trace buffer) */
	assert_true(cmd_addr(l, "poke", AMPFW_IMAGE_END - 4096));
	assert_memory_equal(l->rx, "poke ok", 7);
	assert_false(cmd_addr(l, "poke", AMPFW_CARVEOUT_DA + 0x100));
	assert_true(simcore_dead(&l->core));
	assert_int_equal(WTERMSIG(l->core.status), SIGSEGV);
	assert_int_equal(l->core.page->fault_addr, AMPFW_CARVEOUT_DA + 0x100);
	simcore_describe(&l->core, why, sizeof(why));
	printf("# %s\n", why);
	simcore_stop(&l->core);
}

/* The firmware returning from its main is an exit with its code. */
static void test_exit(void **state)
{
	struct link *l = *state;
	char why[160];
	uint64_t end;

	start_core(l);
	assert_int_equal(amp_rpmsg_send(&l->ept, "exit", 4), 4);
	end = now_ms() + DEADLINE_S * 1000u;
	while (!simcore_dead(&l->core) && now_ms() < end)
		amp_rpmsg_poll(&l->core.rdev, 20 * 1000);
	assert_true(simcore_dead(&l->core));
	assert_true(WIFEXITED(l->core.status));
	assert_int_equal(WEXITSTATUS(l->core.status), 3);
	assert_int_equal(l->core.page->state, AMP_SIMCORE_EXITED);
	simcore_describe(&l->core, why, sizeof(why));
	assert_string_equal(why, "firmware exited with code 3");
	simcore_stop(&l->core);
}

/* (d) stop (kill) then load and start again, several times. */
static void test_restart(void **state)
{
	struct link *l = *state;

	for (int i = 0; i < 5; i++) {
		char m[32];

		start_core(l);
		snprintf(m, sizeof(m), "run %d", i);
		echo_roundtrip(l, m, strlen(m));
		simcore_stop(&l->core);
		assert_true(WIFSIGNALED(l->core.status));
		assert_int_equal(WTERMSIG(l->core.status), SIGKILL);
	}
}

/* "hang": the heartbeat stops while the process lives on. */
static void test_hang_stops_heartbeat(void **state)
{
	struct link *l = *state;
	uint64_t hb, end;
	bool stalled = false;

	start_core(l);
	echo_roundtrip(l, "alive", 5);
	assert_int_equal(amp_rpmsg_send(&l->ept, "hang", 4), 4);
	/* wait until the counter stays still for a whole second */
	end = now_ms() + DEADLINE_S * 1000u;
	hb = __atomic_load_n(&l->core.page->heartbeat, __ATOMIC_ACQUIRE);
	while (!stalled && now_ms() < end) {
		struct timespec ts = { 1, 0 };
		uint64_t h;

		nanosleep(&ts, NULL);
		h = __atomic_load_n(&l->core.page->heartbeat, __ATOMIC_ACQUIRE);
		stalled = h == hb;
		hb = h;
	}
	assert_true(stalled);
	assert_false(simcore_dead(&l->core));
	simcore_stop(&l->core);
}

/*
 * Vrings at "any" address: the host allocates them in the carveout and
 * writes their device addresses into the loaded table, which is what the
 * firmware then uses.
 */
static void test_vrings_any(void **state)
{
	struct link *l = *state;
	const struct amp_rproc_rsc_vring *vr[2];
	uint32_t loaded_da[2];
	size_t vdev = 0;

	start_core_fw(l, AMP_SIMCORE_ECHO_ANY_FW);
	echo_roundtrip(l, "any vrings", 10);
	for (size_t i = 0; i < amp_rproc_rsc_count(l->core.rsc); i++)
		if (amp_rproc_rsc_entry(l->core.rsc, i)->kind ==
		    AMP_RPROC_RSC_VDEV)
			vdev = i;
	for (unsigned int v = 0; v < 2; v++) {
		const struct amp_rproc_rsc_entry *e =
			amp_rproc_rsc_entry(l->core.rsc, vdev);
		const uint8_t *ent = (const uint8_t *)l->core.table + e->offset;

		vr[v] = amp_rproc_rsc_vring(l->core.rsc, vdev, v);
		assert_non_null(vr[v]);
		/* vring[v].da of the VDEV entry in the loaded table */
		memcpy(&loaded_da[v],
		       ent + offsetof(struct amp_rsc_vdev, vring) +
			       v * sizeof(struct amp_rsc_vring),
		       sizeof(uint32_t));
		assert_int_equal(loaded_da[v], vr[v]->da);
		assert_true(vr[v]->da >= AMPFW_CARVEOUT_DA &&
			    vr[v]->da + vr[v]->size <=
				    AMPFW_CARVEOUT_DA + AMPFW_CARVEOUT_LEN);
	}
	assert_true(loaded_da[0] != loaded_da[1]);
	simcore_stop(&l->core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_host_pointer_faults),
		cmocka_unit_test(test_code_is_read_only),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_vrings_any),
		cmocka_unit_test(test_hang_stops_heartbeat),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
