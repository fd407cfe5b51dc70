// SPDX-License-Identifier: BSD-3-Clause
/*
 * The hand-over protocol end to end: the bufproc firmware on simulated
 * cores (processes whose address space is their device's), loaded by
 * remoteproc, driven by the ordinary attach and sync calls through a
 * hand-over session. Data is checked byte for byte on the host.
 *
 * No timing asserts: every wait has a generous deadline.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>

#include "testutil.h"

#include "bufproc.h"
#include "hovprobe.h"

#define DEADLINE_MS 20000u
#define MiB (1024ull * 1024u)

struct core {
	struct amp_rproc *rp;
	struct amp_hov_session *hs;
	struct amp_dev *dev;
	pthread_mutex_t mu;
	unsigned ndone, ndead;
	/* results of 2 MiB sums, by range (test_many_in_flight) */
	uint64_t sums[AMP_HOV_MAX_RANGES];
};

static void on_done(void *priv, const struct amp_hov_done *d)
{
	struct core *c = priv;

	pthread_mutex_lock(&c->mu);
	c->ndone++;
	if (d->status == -EOWNERDEAD)
		c->ndead++;
	if ((d->tag & 0xff) == BP_OP_SUM && d->length == 2 * MiB &&
	    d->result_len == 8 && d->offset / d->length < AMP_HOV_MAX_RANGES)
		memcpy(&c->sums[d->offset / d->length], d->result, 8);
	pthread_mutex_unlock(&c->mu);
}

/* Create, load and start a core running @fw, with a session bound. */
static void boot(struct core *c, const char *name, const char *fw, bool iommu,
		 unsigned dma_bits, uint32_t timeout_ms)
{
	struct amp_rproc_sim_config cfg = { .name = name,
					    .launcher = AMP_SIMCORE_LAUNCHER,
					    .iommu = iommu,
					    .dma_bits = dma_bits,
					    .recovery = true };
	struct amp_hov_session_config hc = { .done = on_done,
					     .done_priv = c,
					     .timeout_ms = timeout_ms };
	size_t size;
	void *img = tu_read_file(fw, &size);

	assert_non_null(img);
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	if (amp_rproc_sim_create(&cfg, &c->rp))
		fail_msg("create: %s", amp_last_error());
	if (amp_hov_session_create(c->rp, &hc, &c->hs))
		fail_msg("session: %s", amp_last_error());
	if (amp_rproc_load(c->rp, img, size) || amp_rproc_start(c->rp))
		fail_msg("boot %s: %s", fw, amp_last_error());
	free(img);
	if (amp_hov_session_wait_ready(c->hs, DEADLINE_MS))
		fail_msg("ready: %s", amp_last_error());
	c->dev = amp_rproc_dev(c->rp);
}

static void shutdown_core(struct core *c)
{
	assert_int_equal(amp_rproc_stop(c->rp), 0);
	assert_int_equal(amp_hov_session_destroy(c->hs), 0);
	assert_int_equal(amp_rproc_destroy(c->rp), 0);
	pthread_mutex_destroy(&c->mu);
}

static void fill(struct amp_shm *b, uint64_t off, uint64_t len, uint64_t seed)
{
	uint64_t *p = (uint64_t *)((char *)amp_shm_va(b) + off);

	for (uint64_t i = 0; i < len / 8; i++)
		p[i] = seed * 0x9e3779b97f4a7c15ull + (off + 8 * i);
}

static uint64_t sum_of(struct amp_shm *b, uint64_t off, uint64_t len)
{
	const uint64_t *p = (const uint64_t *)((char *)amp_shm_va(b) + off);
	uint64_t s = 0;

	for (uint64_t i = 0; i < len / 8; i++)
		s += p[i];
	return s;
}

static uint64_t result64(const struct amp_hov_done *d)
{
	uint64_t v;

	assert_int_equal(d->result_len, 8);
	memcpy(&v, d->result, 8);
	return v;
}

/* Hand [off, +len) over with @op, take it back, return the result. */
static uint64_t run_op(struct core *c, struct amp_shm *b, unsigned op,
		       uint64_t arg, enum amp_dir dir, uint64_t off,
		       uint64_t len)
{
	struct amp_hov_done d;

	if (amp_hov_handover(c->hs, b, dir, off, len, BP_TAG(op, arg)))
		fail_msg("handover: %s", amp_last_error());
	if (amp_hov_wait(c->hs, b, off, len, DEADLINE_MS, &d))
		fail_msg("wait: %s", amp_last_error());
	assert_int_equal(d.status, 0);
	assert_int_equal(d.tag, BP_TAG(op, arg));
	if (amp_shm_sync_for_cpu(b, c->dev, dir, off, len))
		fail_msg("sync_for_cpu: %s", amp_last_error());
	return d.result_len == 8 ? result64(&d) : 0;
}

/* Invert the whole buffer on the core and check every word. */
static void invert_and_check(struct core *c, struct amp_shm *b, uint64_t len,
			     uint64_t seed)
{
	const uint64_t *p = amp_shm_va(b);
	uint64_t want = sum_of(b, 0, len), got;

	got = run_op(c, b, BP_OP_INVERT, 0, AMP_DIR_BIDIR, 0, len);
	assert_true(got == want);
	for (uint64_t i = 0; i < len / 8; i++)
		if (p[i] != ~(seed * 0x9e3779b97f4a7c15ull + 8 * i))
			fail_msg("word %llu not inverted",
				 (unsigned long long)i);
}

/* System memory behind an IOMMU: one device segment, processed in place. */
static void test_sysmem_iommu(void **state)
{
	struct core c;
	struct amp_shm *b;
	const struct amp_sg *da;
	size_t nda;
	uint64_t len = 64 * MiB;
	struct amp_hov_stats st;

	(void)state;
	boot(&c, "hov-dsp", AMP_FW_BUFPROC, true, 40, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-a", len, 0, &b), 0);
	fill(b, 0, len, 7);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, &da, &nda), 0);
	assert_int_equal(nda, 1);
	invert_and_check(&c, b, len, 7);
	/* a partial range the device writes: pattern checked on the host */
	run_op(&c, b, BP_OP_FILL, 0x55, AMP_DIR_FROM_DEVICE, 4 * MiB, MiB);
	for (uint64_t i = 0; i < MiB / 8; i++) {
		uint64_t off = 4 * MiB + 8 * i;

		assert_true(((uint64_t *)amp_shm_va(b))[off / 8] ==
			    (0x55 ^ off));
	}
	amp_hov_session_stats(c.hs, &st);
	assert_int_equal(st.live_bufs, 1);
	assert_int_equal(st.refused_rx, 0);
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

/* The application's own memory (a memfd) behind an IOMMU. */
static void test_user_iommu(void **state)
{
	struct core c;
	struct amp_shm *b;
	uint64_t len = 16 * MiB;
	int fd = memfd_create("hov-user", MFD_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	boot(&c, "hov-user", AMP_FW_BUFPROC, true, 40, 0);
	assert_int_equal(amp_shm_import_fd("hov-user", fd, 0, len, 0, &b), 0);
	close(fd);
	fill(b, 0, len, 7);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	invert_and_check(&c, b, len, 7);
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

/* A reserved carveout (static region) through the core's linear window. */
static void test_static_carveout(void **state)
{
	struct core c;
	struct amp_shm *b;
	const struct amp_sg *da;
	size_t nda;
	uint64_t len = 8 * MiB;

	(void)state;
	assert_int_equal(amp_static_region_add(BP_RSV_NAME, BP_RSV_PA,
					       BP_RSV_LEN, 0, NULL, 0),
			 0);
	boot(&c, "hov-r5", AMP_FW_BUFPROC_RSV, false, 32, 0);
	assert_int_equal(amp_shm_open("static/" BP_RSV_NAME, 0, 0, &b), 0);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, &da, &nda), 0);
	assert_int_equal(nda, 1);
	assert_true(da[0].addr == BP_RSV_DA);
	fill(b, 0, len, 7);
	invert_and_check(&c, b, len, 7);
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
	assert_int_equal(amp_static_region_remove(BP_RSV_NAME), 0);
}

/*
 * A carveout core cannot reach a buffer outside its windows: the attach
 * is refused before anything is sent.
 */
static void test_unreachable_refused(void **state)
{
	struct core c;
	struct amp_shm *b;
	struct amp_hov_stats st;

	(void)state;
	boot(&c, "hov-narrow", AMP_FW_BUFPROC, false, 32, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-far", 4 * MiB, 0, &b), 0);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 -ERANGE);
	amp_hov_session_stats(c.hs, &st);
	assert_int_equal(st.shares, 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

/*
 * A physically scattered buffer seen through a linear window: many
 * device segments, a SHARE in several parts, every word right.
 */
static void test_scattered(void **state)
{
	struct core c;
	struct amp_shm *b;
	const struct amp_sg *da;
	size_t nda;
	uint64_t len = 80 * MiB;

	(void)state;
	boot(&c, "hov-wide", AMP_FW_BUFPROC_DRAM, false, 40, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-sc", len, 0, &b), 0);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, &da, &nda), 0);
	print_message("scattered: %zu device segments, %u SHARE messages\n",
		      nda, amp_hov_share_parts((uint32_t)nda));
	assert_true(nda > AMP_HOV_SHARE_MAX_SEGS);
	fill(b, 0, len, 7);
	invert_and_check(&c, b, len, 7);
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

struct worker {
	struct core *c;
	struct amp_shm *b;
	uint64_t off, len;
	int rounds, fails;
};

/* Hand its own ranges over and back, checking each sum. */
static void *worker(void *arg)
{
	struct worker *w = arg;

	for (int r = 0; r < w->rounds; r++) {
		struct amp_hov_done d;
		uint64_t want = sum_of(w->b, w->off, w->len), got;

		if (amp_hov_handover(w->c->hs, w->b, AMP_DIR_TO_DEVICE, w->off,
				     w->len, BP_TAG(BP_OP_SUM, r)) ||
		    amp_hov_take_back(w->c->hs, w->b, AMP_DIR_TO_DEVICE, w->off,
				      w->len, &d)) {
			w->fails++;
			continue;
		}
		memcpy(&got, d.result, 8);
		w->fails += got != want;
	}
	return NULL;
}

/* Eight ranges out at once; four threads syncing their own ranges. */
static void test_many_in_flight(void **state)
{
	struct core c;
	struct amp_shm *b;
	uint64_t len = 16 * MiB, part = len / AMP_HOV_MAX_RANGES;
	struct worker w[4];
	pthread_t t[4];

	(void)state;
	boot(&c, "hov-many", AMP_FW_BUFPROC, true, 40, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-many", len, 0, &b), 0);
	fill(b, 0, len, 3);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	for (unsigned i = 0; i < AMP_HOV_MAX_RANGES; i++)
		assert_int_equal(amp_hov_handover(c.hs, b, AMP_DIR_TO_DEVICE,
						  i * part, part,
						  BP_TAG(BP_OP_SUM, i)),
				 0);
	/* a ninth is refused while eight are out */
	assert_int_equal(amp_shm_sync_for_device(b, c.dev, AMP_DIR_TO_DEVICE,
						 len - 64, 64),
			 -EBUSY);
	for (unsigned i = AMP_HOV_MAX_RANGES; i-- > 0;) {
		struct amp_hov_done d;

		assert_int_equal(amp_hov_wait(c.hs, b, i * part, part,
					      DEADLINE_MS, &d),
				 0);
		assert_true(d.tag == BP_TAG(BP_OP_SUM, i));
		assert_true(result64(&d) == sum_of(b, i * part, part));
		assert_int_equal(amp_shm_sync_for_cpu(b, c.dev,
						      AMP_DIR_TO_DEVICE,
						      i * part, part),
				 0);
	}
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ &c,	 b,  (uint64_t)i * (len / 4),
					len / 4, 50, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].fails, 0);
	}
	/* the callback saw every completion */
	for (uint64_t end = tu_now_ms() + DEADLINE_MS;
	     c.ndone < AMP_HOV_MAX_RANGES + 200 && tu_now_ms() < end;)
		tu_sleep_ms(5);
	assert_int_equal(c.ndone, AMP_HOV_MAX_RANGES + 200);
	/* ...with the firmware's results */
	for (unsigned i = 0; i < AMP_HOV_MAX_RANGES; i++)
		assert_true(c.sums[i] == sum_of(b, i * part, part));
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

/* Forged give-backs and garbage from the core: refused, host up. */
static void test_forged(void **state)
{
	struct core c;
	struct amp_shm *b;
	struct amp_hov_stats st;
	uint64_t len = 4 * MiB;

	(void)state;
	boot(&c, "hov-forge", AMP_FW_BUFPROC, true, 40, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-forge", len, 0, &b), 0);
	fill(b, 0, len, 5);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	run_op(&c, b, BP_OP_FORGE, 0, AMP_DIR_TO_DEVICE, 4096, 8192);
	/* the forgeries were sent before the real give-back: all seen */
	amp_hov_session_stats(c.hs, &st);
	print_message("forged: %llu refused, last %s\n",
		      (unsigned long long)st.refused_rx,
		      amp_hov_strerror(st.last_refusal));
	assert_int_equal(st.refused_rx, 8);
	assert_int_equal(st.givebacks, 1);
	/* and everything still works */
	assert_true(run_op(&c, b, BP_OP_SUM, 0, AMP_DIR_TO_DEVICE, 0, len) ==
		    sum_of(b, 0, len));
	assert_int_equal(amp_shm_detach(b, c.dev), 0);
	assert_int_equal(amp_shm_close(b), 0);
	shutdown_core(&c);
}

/* A core that keeps a range: sync_for_cpu times out, range stays. */
static void test_timeout(void **state)
{
	struct core c;
	struct amp_shm *b;

	(void)state;
	boot(&c, "hov-keep", AMP_FW_BUFPROC, true, 40, 300);
	assert_int_equal(amp_shm_open("sysmem/hov-keep", MiB, 0, &b), 0);
	assert_int_equal(amp_shm_attach(b, c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	assert_int_equal(amp_hov_handover(c.hs, b, AMP_DIR_TO_DEVICE, 0, 4096,
					  BP_TAG(BP_OP_KEEP, 0)),
			 0);
	assert_int_equal(amp_shm_sync_for_cpu(b, c.dev, AMP_DIR_TO_DEVICE, 0,
					      4096),
			 -ETIMEDOUT);
	assert_int_equal(amp_shm_owner(b, c.dev, 0), AMP_OWNER_DEVICE);
	assert_int_equal(amp_hov_wait(c.hs, b, 0, 4096, 0, NULL), -ETIMEDOUT);
	/* stopping the core takes it back */
	assert_int_equal(amp_rproc_stop(c.rp), 0);
	for (uint64_t end = tu_now_ms() + DEADLINE_MS;
	     c.ndead < 1 && tu_now_ms() < end;)
		tu_sleep_ms(2);
	assert_int_equal(c.ndead, 1);
	assert_int_equal(amp_shm_refcount(b), 1);
	assert_int_equal(amp_shm_close(b), 0);
	assert_int_equal(amp_hov_session_destroy(c.hs), 0);
	assert_int_equal(amp_rproc_destroy(c.rp), 0);
}

struct blocked {
	struct core *c;
	struct amp_shm *b;
	int ret;
};

static void *sync_back(void *arg)
{
	struct blocked *k = arg;

	k->ret = amp_shm_sync_for_cpu(k->b, k->c->dev, AMP_DIR_BIDIR, 0, 4096);
	return NULL;
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
}

/*
 * kill -9 of the core with hand-overs out, repeatedly: every waiter and
 * callback hears -EOWNERDEAD, every buffer is back with the CPU and
 * detached, nothing leaks, and sharing works again after recovery.
 */
static void test_crash_reclaim(void **state)
{
	struct core c;
	struct amp_shm *b[3];
	int fds;

	(void)state;
	boot(&c, "hov-crash", AMP_FW_BUFPROC, true, 40, 0);
	for (int i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "sysmem/hov-c%d", i);
		assert_int_equal(amp_shm_open(name, 4 * MiB, 0, &b[i]), 0);
	}
	fds = tu_count_fds();
	assert_true(fds >= 0);
	for (unsigned round = 1; round <= 8; round++) {
		struct blocked k = { &c, b[0], 1 };
		pthread_t t;
		unsigned dead0 = c.ndead;

		for (int i = 0; i < 3; i++) {
			fill(b[i], 0, 4 * MiB, round + i);
			assert_int_equal(amp_shm_attach(b[i], c.dev,
							AMP_DIR_BIDIR, NULL,
							NULL),
					 0);
			/* processed and acknowledged: must survive the crash */
			invert_and_check(&c, b[i], 4 * MiB, round + i);
			assert_int_equal(
				amp_hov_handover(c.hs, b[i], AMP_DIR_BIDIR, 0,
						 4096, BP_TAG(BP_OP_KEEP, 0)),
				0);
		}
		assert_int_equal(pthread_create(&t, NULL, sync_back, &k), 0);
		tu_sleep_ms(20);
		if (round == 8) {
			/* the last time, a real fault mid-hand-over */
			assert_int_equal(
				amp_hov_handover(c.hs, b[1], AMP_DIR_TO_DEVICE,
						 8192, 4096,
						 BP_TAG(BP_OP_CRASH, 0)),
				0);
		} else {
			assert_int_equal(kill(amp_rproc_sim_pid(c.rp), SIGKILL),
					 0);
		}
		pthread_join(t, NULL);
		assert_int_equal(k.ret, -EOWNERDEAD);
		wait_recovered(&c, round);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(amp_shm_refcount(b[i]), 1);
			assert_int_equal(amp_shm_sync_for_cpu(b[i], c.dev,
							      AMP_DIR_BIDIR, 0,
							      4096),
					 -ENOTCONN);
			/* the inverted data (acknowledged) is all there */
			assert_true(((uint64_t *)amp_shm_va(b[i]))[1] ==
				    ~((round + i) * 0x9e3779b97f4a7c15ull + 8));
		}
		for (uint64_t end = tu_now_ms() + DEADLINE_MS;
		     c.ndead < dead0 + 3 + (round == 8) && tu_now_ms() < end;)
			tu_sleep_ms(2);
		assert_int_equal(c.ndead, dead0 + 3 + (round == 8));
	}
	/* shares again after recovery */
	assert_int_equal(amp_shm_attach(b[2], c.dev, AMP_DIR_BIDIR, NULL, NULL),
			 0);
	fill(b[2], 0, 4 * MiB, 9);
	assert_true(run_op(&c, b[2], BP_OP_SUM, 0, AMP_DIR_TO_DEVICE, 0,
			   4 * MiB) == sum_of(b[2], 0, 4 * MiB));
	assert_int_equal(amp_shm_detach(b[2], c.dev), 0);
	assert_int_equal(tu_count_fds(), fds);
	for (int i = 0; i < 3; i++)
		assert_int_equal(amp_shm_close(b[i]), 0);
	shutdown_core(&c);
}

/*
 * Two cores: each reaches what was shared with it and nothing else. The
 * second core reading the first one's buffer at its device address
 * faults (it is not mapped in its address space); the first works on.
 */
static void test_isolation(void **state)
{
	struct core a, c;
	struct amp_shm *ba, *bc, *pad;
	const struct amp_sg *da, *dc, *dp;
	struct amp_rproc_crash cr;

	(void)state;
	boot(&a, "hov-iso-a", AMP_FW_BUFPROC, true, 40, 0);
	boot(&c, "hov-iso-b", AMP_FW_BUFPROC, true, 40, 0);
	assert_int_equal(amp_shm_open("sysmem/hov-iso-pad", 8 * MiB, 0, &pad),
			 0);
	assert_int_equal(amp_shm_open("sysmem/hov-iso-a", MiB, 0, &ba), 0);
	assert_int_equal(amp_shm_open("sysmem/hov-iso-b", MiB, 0, &bc), 0);
	fill(ba, 0, MiB, 1);
	fill(bc, 0, MiB, 2);
	/* a's second buffer lands at IOVAs b has nothing at */
	assert_int_equal(amp_shm_attach(pad, a.dev, AMP_DIR_BIDIR, &dp, NULL),
			 0);
	assert_int_equal(amp_shm_attach(ba, a.dev, AMP_DIR_BIDIR, &da, NULL),
			 0);
	assert_int_equal(amp_shm_attach(bc, c.dev, AMP_DIR_BIDIR, &dc, NULL),
			 0);
	/* b reads its own buffer at its device address... */
	assert_true(run_op(&c, bc, BP_OP_PEEK, dc[0].addr + 8,
			   AMP_DIR_TO_DEVICE, 0,
			   64) == ((uint64_t *)amp_shm_va(bc))[1]);
	/* ...and faults at a's */
	assert_true(dp[0].addr >= dc[0].addr + MiB ||
		    dp[0].addr + 8 * MiB <= dc[0].addr);
	assert_int_equal(amp_hov_handover(c.hs, bc, AMP_DIR_TO_DEVICE, 0, 64,
					  BP_TAG(BP_OP_PEEK, dp[0].addr)),
			 0);
	wait_recovered(&c, 1);
	amp_rproc_last_crash(c.rp, &cr);
	assert_true(cr.fault_da == dp[0].addr);
	/* a is untouched and works */
	assert_true(run_op(&a, ba, BP_OP_SUM, 0, AMP_DIR_TO_DEVICE, 0, MiB) ==
		    sum_of(ba, 0, MiB));
	assert_int_equal(amp_shm_detach(ba, a.dev), 0);
	assert_int_equal(amp_shm_detach(pad, a.dev), 0);
	assert_int_equal(amp_shm_close(pad), 0);
	assert_int_equal(amp_shm_close(ba), 0);
	assert_int_equal(amp_shm_close(bc), 0);
	shutdown_core(&c);
	shutdown_core(&a);
}

/* Thousands of live buffers on one core. */
static void test_thousands(void **state)
{
	enum { N = 2000 };
	struct core c;
	struct amp_shm **b = calloc(N, sizeof(*b));
	struct amp_hov_stats st;

	(void)state;
	assert_non_null(b);
	boot(&c, "hov-lots", AMP_FW_BUFPROC, true, 40, 0);
	for (int i = 0; i < N; i++) {
		char name[32];

		snprintf(name, sizeof(name), "sysmem/hov-l%d", i);
		assert_int_equal(amp_shm_open(name, 4096, 0, &b[i]), 0);
		fill(b[i], 0, 4096, (uint64_t)i);
		if (amp_shm_attach(b[i], c.dev, AMP_DIR_BIDIR, NULL, NULL))
			fail_msg("attach %d: %s", i, amp_last_error());
	}
	amp_hov_session_stats(c.hs, &st);
	assert_int_equal(st.live_bufs, N);
	for (int i = 0; i < N; i++)
		assert_true(run_op(&c, b[i], BP_OP_SUM, 0, AMP_DIR_TO_DEVICE, 0,
				   4096) == sum_of(b[i], 0, 4096));
	for (int i = 0; i < N; i++) {
		assert_int_equal(amp_shm_detach(b[i], c.dev), 0);
		assert_int_equal(amp_shm_close(b[i]), 0);
	}
	amp_hov_session_stats(c.hs, &st);
	assert_int_equal(st.live_bufs, 0);
	assert_int_equal(st.refused_rx, 0);
	assert_int_equal(st.errors_rx, 0);
	free(b);
	shutdown_core(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysmem_iommu),
		cmocka_unit_test(test_user_iommu),
		cmocka_unit_test(test_static_carveout),
		cmocka_unit_test(test_unreachable_refused),
		cmocka_unit_test(test_scattered),
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_crash_reclaim),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_thousands),
	};

	if (getenv("AMP_TEST_FILTER")) /* run some: AMP_TEST_FILTER=*crash* */
		cmocka_set_test_filter(getenv("AMP_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
