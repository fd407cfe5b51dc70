/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A device's address space exported as runs: what another process maps to
 * reach exactly what the device may reach, at the device's addresses.
 * The child processes here really map the runs and really fault on
 * anything else.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include <ampshm/linux_devmap.h>

#include "testutil.h"

#define MiB (1ull << 20)
#define MAX_RUNS 64

struct runs {
	struct amp_dev_run r[MAX_RUNS];
	bool mapped[MAX_RUNS];
	size_t n;
};

static int collect(void *priv, const struct amp_dev_run *run)
{
	struct runs *rs = priv;

	if (rs->n == MAX_RUNS)
		return -ENOSPC;
	rs->r[rs->n++] = *run;
	return 0;
}

static void watch_cb(void *priv, const struct amp_dev_run *run, bool mapped)
{
	struct runs *rs = priv;

	if (rs->n < MAX_RUNS) {
		rs->mapped[rs->n] = mapped;
		rs->r[rs->n++] = *run;
	}
}

/* Runs covering [da, da+len) exactly once, with @prot. */
static uint64_t covered(const struct runs *rs, amp_da_t da, uint64_t len,
			unsigned prot)
{
	uint64_t got = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].da >= da && rs->r[i].da - da < len &&
		    rs->r[i].prot == prot)
			got += rs->r[i].len;
	return got;
}

struct fix {
	struct amp_window w;
	struct amp_dev *dev;
	struct amp_shm *in, *out, *carve;
	const struct amp_sg *in_sg, *out_sg;
};

static int setup(void **state)
{
	static struct fix f;
	struct amp_dev_config cfg = { .name = "exp",
				      .dma_bits = 40,
				      .iommu = true,
				      .windows = &f.w,
				      .nwindows = 1 };
	size_t n;

	f.w = (struct amp_window){ .da = 0x40000000ull,
				   .pa = 0x38000000ull,
				   .size = 2 * MiB };
	if (amp_static_region_add("expcarve", f.w.pa, f.w.size, 0, NULL, 0) ||
	    amp_dev_create(&cfg, &f.dev) ||
	    amp_shm_open("static/expcarve", 0, 0, &f.carve) ||
	    amp_shm_open("sysmem/in", 3 * MiB, 0, &f.in) ||
	    amp_shm_open("sysmem/out", MiB, 0, &f.out) ||
	    amp_shm_attach(f.in, f.dev, AMP_DIR_TO_DEVICE, &f.in_sg, &n) ||
	    amp_shm_attach(f.out, f.dev, AMP_DIR_FROM_DEVICE, &f.out_sg, &n))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	return amp_shm_detach(f->in, f->dev) ||
	       amp_shm_detach(f->out, f->dev) || amp_shm_close(f->in) ||
	       amp_shm_close(f->out) || amp_shm_close(f->carve) ||
	       amp_dev_destroy(f->dev) || amp_static_region_remove("expcarve");
}

static void export_lists_windows_and_mappings(void **state)
{
	struct fix *f = *state;
	struct runs rs = { 0 };
	const unsigned rw = AMP_DEV_PROT_READ | AMP_DEV_PROT_WRITE;

	assert_int_equal(amp_dev_export(f->dev, collect, &rs), 0);
	assert_int_equal(covered(&rs, f->w.da, f->w.size, rw), f->w.size);
	/* A scattered buffer is one IOVA range but several physical runs. */
	assert_int_equal(covered(&rs, f->in_sg[0].addr, f->in_sg[0].len,
				 AMP_DEV_PROT_READ),
			 3 * MiB);
	assert_int_equal(
		covered(&rs, f->out_sg[0].addr, MiB, AMP_DEV_PROT_WRITE), MiB);
	for (size_t i = 0; i < rs.n; i++) {
		assert_true(rs.r[i].fd >= 0);
		assert_int_equal(rs.r[i].len & 4095, 0);
	}
}

static void watch_sees_attach_and_detach(void **state)
{
	struct fix *f = *state;
	struct runs rs = { 0 };
	const struct amp_sg *sg;
	struct amp_shm *b;
	size_t n;

	assert_int_equal(amp_dev_watch(f->dev, watch_cb, &rs), 0);
	assert_int_equal(
		amp_shm_open("sysmem/watched", MiB, AMP_SHM_F_CONTIG, &b), 0);
	assert_int_equal(amp_shm_attach(b, f->dev, AMP_DIR_BIDIR, &sg, &n), 0);
	assert_int_equal(rs.n, 1);
	assert_true(rs.mapped[0]);
	assert_int_equal(rs.r[0].da, sg[0].addr);
	assert_int_equal(rs.r[0].len, MiB);
	assert_int_equal(rs.r[0].prot, AMP_DEV_PROT_READ | AMP_DEV_PROT_WRITE);
	assert_int_equal(amp_shm_detach(b, f->dev), 0);
	assert_int_equal(rs.n, 2);
	assert_false(rs.mapped[1]);
	assert_int_equal(rs.r[1].da, rs.r[0].da);
	assert_int_equal(amp_dev_unwatch(f->dev, watch_cb, &rs), 0);
	assert_int_equal(amp_dev_unwatch(f->dev, watch_cb, &rs), -ENOENT);
	assert_int_equal(amp_shm_close(b), 0);
}

/* ---- a process that has exactly the device's address space ----------- */

struct child_arg {
	struct fix *f;
	int what; /* 0: read and check, 1: write read-only, 2: stray da */
};

static void child(void *p)
{
	struct child_arg *c = p;
	struct fix *f = c->f;
	struct runs rs = { 0 };
	const volatile char *in;

	signal(SIGSEGV, SIG_DFL); /* not cmocka's handler: really die */
	if (amp_dev_export(f->dev, collect, &rs))
		_exit(10);
	for (size_t i = 0; i < rs.n; i++)
		if (amp_linux_map_run(&rs.r[i]))
			_exit(11);
	in = (const volatile char *)(uintptr_t)f->in_sg[0].addr;
	switch (c->what) {
	case 0:
		/* The device's view of the data, at its own addresses. */
		if (tu_check((const void *)in, 3 * MiB, 7))
			_exit(12);
		if (memcmp((const void *)(uintptr_t)f->w.da, "carveout", 8))
			_exit(13);
		_exit(0);
	case 1: /* TO_DEVICE: read-only for the device */
		*(volatile char *)in = 1;
		_exit(20);
	default: /* never attached: nothing there */
		(void)*(const volatile char *)(uintptr_t)(f->out_sg[0].addr +
							  64 * MiB);
		_exit(21);
	}
}

static void child_process_has_exactly_the_device_view(void **state)
{
	struct fix *f = *state;
	struct child_arg c = { f, 0 };
	char err[256];
	int st;

	tu_fill(amp_shm_va(f->in), 3 * MiB, 7);
	memcpy(amp_shm_va(f->carve), "carveout", 8);
	st = tu_run_child(child, &c, err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	c.what = 1;
	st = tu_run_child(child, &c, err, sizeof(err));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
	c.what = 2;
	st = tu_run_child(child, &c, err, sizeof(err));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
}

/* Runs sent over a socket, with their fds, as a watcher would. */
static void runs_travel_over_a_socket(void **state)
{
	struct fix *f = *state;
	struct runs rs = { 0 };
	struct amp_dev_run got;
	bool mapped;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(amp_dev_export(f->dev, collect, &rs), 0);
	assert_int_equal(amp_linux_send_run(sv[0], &rs.r[0], true), 0);
	assert_int_equal(amp_linux_recv_run(sv[1], &got, &mapped), 0);
	assert_true(mapped);
	assert_int_equal(got.da, rs.r[0].da);
	assert_int_equal(got.len, rs.r[0].len);
	assert_true(got.fd >= 0 && got.fd != rs.r[0].fd);
	close(got.fd);
	/* Garbage is refused. */
	assert_int_equal(write(sv[0], "garbage", 7), 7);
	assert_int_equal(amp_linux_recv_run(sv[1], &got, &mapped), -EPROTO);
	close(sv[0]);
	assert_int_equal(amp_linux_recv_run(sv[1], &got, &mapped), -ECONNRESET);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(export_lists_windows_and_mappings),
		cmocka_unit_test(watch_sees_attach_and_detach),
		cmocka_unit_test(child_process_has_exactly_the_device_view),
		cmocka_unit_test(runs_travel_over_a_socket),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
