// SPDX-License-Identifier: BSD-3-Clause
/*
 * Userspace remoteproc on the simulated core (issue 7's goals: start under
 * 5 ms for a small image, death detected within 1 ms, recovered within
 * 20 ms):
 *   - start_to_first_msg: amp_rproc_start() until the firmware's first
 *     RPMsg message (its name-service announcement) is delivered;
 *   - load: amp_rproc_load() of the image;
 *   - crash_detected: kill -9 of the core process until the core is
 *     CRASHED (monitor thread, pidfd);
 *   - crash_recovered: kill -9 until RUNNING again (reclaimed, reloaded,
 *     restarted), and until the RPMsg link is back (announcement again).
 * Medians and maxima in microseconds. The small image is the echo
 * firmware (build/firmware/fw_echo.elf, 150 KB), the large one the same
 * with a 16 MiB data segment in a second carveout (fw_echo_16m.elf).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc.h>
#include <ampshm/rpmsg.h>

#include "bench_opt.h"

#define MAXN 200

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct ctx {
	struct amp_rproc *rp;
	volatile unsigned announced;
	volatile uint64_t t_crashed, t_running;
};

static void on_ns(struct amp_rpmsg_dev *rdev, const char *name, uint32_t dest,
		  void *priv)
{
	struct ctx *c = priv;

	(void)rdev;
	(void)name;
	(void)dest;
	c->announced++;
}

static void on_state(void *priv, struct amp_rproc *rp,
		     enum amp_rproc_state from, enum amp_rproc_state to)
{
	struct ctx *c = priv;

	(void)rp;
	(void)from;
	if (to == AMP_RPROC_CRASHED)
		__atomic_store_n(&c->t_crashed, now_ns(), __ATOMIC_RELEASE);
	if (to == AMP_RPROC_RUNNING)
		__atomic_store_n(&c->t_running, now_ns(), __ATOMIC_RELEASE);
}

/* Poll until @c->announced passes @n; false after 10 s. */
static bool wait_announce(struct ctx *c, unsigned n)
{
	uint64_t end = now_ns() + 10000000000ull;

	while (c->announced < n) {
		if (now_ns() > end)
			return false;
		if (amp_rproc_sim_poll(c->rp, 1000) == -ENOTCONN) {
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
		}
	}
	return true;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct stat2 {
	double med_us, max_us;
};

static struct stat2 stats(uint64_t *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp);
	return (struct stat2){ v[n / 2] / 1000.0, v[n - 1] / 1000.0 };
}

static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		b = malloc((size_t)n);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	static uint64_t start[MAXN], load[MAXN], det[MAXN], rec[MAXN],
		link[MAXN], start16[MAXN], load16[MAXN];
	struct amp_rproc_sim_config cfg = { .name = "bench-rproc",
					    .recovery = true };
	const char *fw_path = AMP_BENCH_FW_DIR "/fw_echo.elf";
	const char *fw16_path = AMP_BENCH_FW_DIR "/fw_echo_16m.elf";
	struct stat2 s_start16 = { 0, 0 }, s_load16 = { 0, 0 };
	size_t size16 = 0;
	unsigned n16;
	void *fw16;
	struct ctx c = { 0 };
	struct stat2 s_start, s_load, s_det, s_rec, s_link;
	unsigned n;
	size_t size = 0;
	void *fw;
	FILE *dat;

	bench_parse(argc, argv, false);
	n = bopt.quick ? 10 : 50;
	n16 = bopt.quick ? 3 : 10;
	fw = read_all(fw_path, &size);
	if (!fw) {
		printf("{\"bench\": \"rproc\", \"skipped\": \"no %s\"}\n",
		       fw_path);
		return 0;
	}
	fw16 = read_all(fw16_path, &size16);
	cfg.launcher = getenv("AMPSHM_CORE") ? NULL :
					       AMP_BENCH_FW_DIR "/ampshm-core";
	if (amp_rproc_sim_create(&cfg, &c.rp)) {
		fprintf(stderr, "bench_rproc: %s\n", amp_last_error());
		return 1;
	}
	amp_rproc_sim_set_ns_bind_cb(c.rp, on_ns, &c);
	amp_rproc_subscribe(c.rp, on_state, &c);
	/* start to first message, n cold starts (stop, load, start) */
	for (unsigned i = 0; i < n; i++) {
		unsigned a = c.announced;
		uint64_t t0 = now_ns(), t1;

		if (amp_rproc_load(c.rp, fw, size))
			goto fail;
		t1 = now_ns();
		if (amp_rproc_start(c.rp) || !wait_announce(&c, a + 1))
			goto fail;
		load[i] = t1 - t0;
		start[i] = now_ns() - t1;
		if (i + 1 < n)
			amp_rproc_stop(c.rp);
	}
	/* the same with the 16 MiB image (load dominates) */
	if (fw16) {
		amp_rproc_stop(c.rp);
		for (unsigned i = 0; i < n16; i++) {
			unsigned a = c.announced;
			uint64_t t0 = now_ns(), t1;

			if (amp_rproc_load(c.rp, fw16, size16))
				goto fail;
			t1 = now_ns();
			if (amp_rproc_start(c.rp) || !wait_announce(&c, a + 1))
				goto fail;
			load16[i] = t1 - t0;
			start16[i] = now_ns() - t1;
			amp_rproc_stop(c.rp);
		}
		if (amp_rproc_load(c.rp, fw, size) || amp_rproc_start(c.rp) ||
		    !wait_announce(&c, c.announced + 1))
			goto fail;
	}
	/* kill -9 to detected, to running again, to the link back */
	for (unsigned i = 0; i < n; i++) {
		unsigned a = c.announced;
		uint64_t t0, end = now_ns() + 10000000000ull;
		int pid = amp_rproc_sim_pid(c.rp);

		c.t_crashed = c.t_running = 0;
		t0 = now_ns();
		kill(pid, SIGKILL);
		while (!__atomic_load_n(&c.t_running, __ATOMIC_ACQUIRE))
			if (now_ns() > end)
				goto fail;
		if (!wait_announce(&c, a + 1))
			goto fail;
		link[i] = now_ns() - t0;
		det[i] = c.t_crashed - t0;
		rec[i] = c.t_running - t0;
	}
	amp_rproc_destroy(c.rp);
	free(fw);
	free(fw16);
	if (fw16) {
		s_start16 = stats(start16, n16);
		s_load16 = stats(load16, n16);
	}
	s_start = stats(start, n);
	s_load = stats(load, n);
	s_det = stats(det, n);
	s_rec = stats(rec, n);
	s_link = stats(link, n);
	printf("{\"bench\": \"rproc\", \"quick\": %s, "
	       "\"image\": \"fw_echo.elf\", "
	       "\"image_bytes\": %zu, \"runs\": %u,\n"
	       " \"load_median_us\": %.1f, \"load_max_us\": %.1f,\n"
	       " \"start_to_first_msg_median_us\": %.1f, "
	       "\"start_to_first_msg_max_us\": %.1f,\n"
	       " \"crash_detected_median_us\": %.1f, "
	       "\"crash_detected_max_us\": %.1f,\n"
	       " \"crash_recovered_median_us\": %.1f, "
	       "\"crash_recovered_max_us\": %.1f,\n"
	       " \"crash_to_link_back_median_us\": %.1f, "
	       "\"crash_to_link_back_max_us\": %.1f,\n"
	       " \"image_16m_bytes\": %zu, \"runs_16m\": %u,\n"
	       " \"load_16m_median_us\": %.1f, \"load_16m_max_us\": %.1f,\n"
	       " \"start_to_first_msg_16m_median_us\": %.1f, "
	       "\"start_to_first_msg_16m_max_us\": %.1f}\n",
	       bopt.quick ? "true" : "false", size, n, s_load.med_us,
	       s_load.max_us, s_start.med_us, s_start.max_us, s_det.med_us,
	       s_det.max_us, s_rec.med_us, s_rec.max_us, s_link.med_us,
	       s_link.max_us, size16, fw16 ? n16 : 0, s_load16.med_us,
	       s_load16.max_us, s_start16.med_us, s_start16.max_us);
	bench_sum("rproc (fw_echo, %u runs, median / max):\n"
		  "  load                 %9.1f / %9.1f us\n"
		  "  start to first msg   %9.1f / %9.1f us (goal < 5000)\n"
		  "  crash detected       %9.1f / %9.1f us (goal < 1000)\n"
		  "  crash recovered      %9.1f / %9.1f us (goal < 20000)\n"
		  "  crash to link back   %9.1f / %9.1f us\n"
		  "16 MiB image (%u runs): load %.1f / %.1f us, start to "
		  "first msg %.1f / %.1f us\n",
		  n, s_load.med_us, s_load.max_us, s_start.med_us,
		  s_start.max_us, s_det.med_us, s_det.max_us, s_rec.med_us,
		  s_rec.max_us, s_link.med_us, s_link.max_us, fw16 ? n16 : 0,
		  s_load16.med_us, s_load16.max_us, s_start16.med_us,
		  s_start16.max_us);
	dat = bench_dat("rproc", "what median_us max_us");
	if (dat) {
		fprintf(dat, "load %.1f %.1f\n", s_load.med_us, s_load.max_us);
		fprintf(dat, "start_to_first_msg %.1f %.1f\n", s_start.med_us,
			s_start.max_us);
		fprintf(dat, "crash_detected %.1f %.1f\n", s_det.med_us,
			s_det.max_us);
		fprintf(dat, "crash_recovered %.1f %.1f\n", s_rec.med_us,
			s_rec.max_us);
		fprintf(dat, "crash_to_link_back %.1f %.1f\n", s_link.med_us,
			s_link.max_us);
		fprintf(dat, "load_16m %.1f %.1f\n", s_load16.med_us,
			s_load16.max_us);
		fprintf(dat, "start_to_first_msg_16m %.1f %.1f\n",
			s_start16.med_us, s_start16.max_us);
	}
	bench_dat_close(dat);
	return 0;
fail:
	fprintf(stderr, "bench_rproc: %s\n", amp_last_error());
	amp_rproc_destroy(c.rp);
	free(fw);
	free(fw16);
	return 1;
}
