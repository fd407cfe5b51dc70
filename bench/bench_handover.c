// SPDX-License-Identifier: BSD-3-Clause
/*
 * The hand-over protocol on a simulated core running the bufproc
 * firmware: round trip of a hand-over against buffer size (4 KiB to
 * 1 GiB: it should not grow), against a small RPMsg round trip in the
 * same run, against copying the bytes through 496-byte RPMsg messages;
 * and the core's in-place processing bandwidth against the same loop on
 * the host's private memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <ampshm/ampshm.h>

#include "bench_opt.h"
#include "bufproc.h"

#define MiB (1ull << 20)

struct core {
	struct amp_rproc *rp;
	struct amp_hov_session *hs;
	struct amp_rpmsg_endpoint echo, stream;
	unsigned echo_gen, stream_gen;
	unsigned replies;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double median_us(uint64_t *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp);
	return (double)t[n / 2] / 1e3;
}

static int rx(struct amp_rpmsg_endpoint *e, void *d, size_t len, uint32_t src,
	      void *priv)
{
	struct core *c = priv;

	(void)e;
	(void)d;
	(void)len;
	(void)src;
	__atomic_add_fetch(&c->replies, 1, __ATOMIC_RELEASE);
	return 0;
}

static void ns_other(struct amp_rpmsg_dev *rdev, const char *name,
		     uint32_t dest, void *priv)
{
	struct core *c = priv;
	unsigned gen = amp_rproc_link_gen(c->rp);
	bool echo = !strcmp(name, "echo");
	struct amp_rpmsg_endpoint *e = echo ? &c->echo : &c->stream;
	unsigned *g = echo ? &c->echo_gen : &c->stream_gen;

	if ((!echo && strcmp(name, "stream")) || *g == gen)
		return;
	memset(e, 0, sizeof(*e));
	if (!amp_rpmsg_create_ept(e, rdev, name, AMP_RPMSG_ADDR_ANY, dest, rx,
				  NULL, c))
		*g = gen;
}

static int send_to(struct core *c, struct amp_rpmsg_endpoint *e, const void *d,
		   size_t len)
{
	struct amp_rpmsg_dev *rdev = amp_rproc_rpmsg_lock(c->rp);
	int ret;

	if (!rdev)
		return -ENOTCONN;
	ret = amp_rpmsg_send(e, d, len);
	amp_rproc_rpmsg_unlock(c->rp);
	return ret < 0 ? ret : 0;
}

static int wait_reply(struct core *c, unsigned n)
{
	uint64_t end = now_ns() + 10000000000ull;

	while (__atomic_load_n(&c->replies, __ATOMIC_ACQUIRE) == n)
		if (now_ns() > end)
			return -ETIMEDOUT;
	return 0;
}

static int boot(struct core *c)
{
	struct amp_rproc_sim_config cfg = { .name = "bench-hov",
					    .iommu = true,
					    .dma_bits = 40 };
	struct amp_hov_session_config hc = { .ns_other = ns_other,
					     .ns_other_priv = c };
	char path[4096];
	void *img;
	long n;
	FILE *f;
	uint64_t end = now_ns() + 10000000000ull;

	snprintf(path, sizeof(path), "%s/fw_bufproc.elf", AMP_BENCH_FW_DIR);
	f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	img = malloc((size_t)n);
	if (!img || fread(img, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(img);
		return -EIO;
	}
	fclose(f);
	if (amp_rproc_sim_create(&cfg, &c->rp) ||
	    amp_hov_session_create(c->rp, &hc, &c->hs) ||
	    amp_rproc_load(c->rp, img, (size_t)n) || amp_rproc_start(c->rp) ||
	    amp_hov_session_wait_ready(c->hs, 10000)) {
		free(img);
		return -1;
	}
	free(img);
	while (!c->echo_gen || !c->stream_gen)
		if (now_ns() > end)
			return -ETIMEDOUT;
	return 0;
}

/* Median round trip of a whole-buffer hand-over given back at once. */
static double hov_rtt(struct core *c, uint64_t size, int n)
{
	struct amp_dev *dev = amp_rproc_dev(c->rp);
	uint64_t *t = calloc((size_t)n, sizeof(*t));
	struct amp_shm *b;
	double med = -1;

	if (!t || amp_shm_open("sysmem/bench-hov", size, 0, &b))
		goto out;
	if (amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL))
		goto close;
	for (int i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (amp_hov_handover(c->hs, b, AMP_DIR_TO_DEVICE, 0, size,
				     BP_TAG(BP_OP_NOP, 0)) ||
		    amp_hov_take_back(c->hs, b, AMP_DIR_TO_DEVICE, 0, size,
				      NULL)) {
			fprintf(stderr, "bench_handover: %s\n",
				amp_last_error());
			goto detach;
		}
		t[i] = now_ns() - t0;
	}
	med = median_us(t, n);
detach:
	amp_shm_detach(b, dev);
close:
	amp_shm_close(b);
out:
	free(t);
	return med;
}

static double echo_rtt(struct core *c, int n)
{
	uint64_t *t = calloc((size_t)n, sizeof(*t));
	char msg[16] = "ping";
	double med = -1;

	for (int i = 0; t && i < n; i++) {
		unsigned r = __atomic_load_n(&c->replies, __ATOMIC_ACQUIRE);
		uint64_t t0 = now_ns();

		if (send_to(c, &c->echo, msg, sizeof(msg)) || wait_reply(c, r))
			goto out;
		t[i] = now_ns() - t0;
	}
	med = t ? median_us(t, n) : -1;
out:
	free(t);
	return med;
}

/* Bytes per second through 496-byte messages (to "stream"). */
static double copy_rate(struct core *c, uint64_t len)
{
	uint8_t msg[496] = { 1 };
	uint64_t t0 = now_ns();
	unsigned r;

	for (uint64_t sent = 0; sent < len; sent += sizeof(msg))
		if (send_to(c, &c->stream, msg, sizeof(msg)))
			return -1;
	r = __atomic_load_n(&c->replies, __ATOMIC_ACQUIRE);
	if (send_to(c, &c->stream, "?", 1) || wait_reply(c, r))
		return -1;
	return (double)len / ((double)(now_ns() - t0) / 1e9);
}

/* In-place INVERT on the core: the first pass and the median of 5 more. */
static int inplace(struct core *c, uint64_t size, double *first, double *warm)
{
	struct amp_dev *dev = amp_rproc_dev(c->rp);
	uint64_t t[6];
	struct amp_shm *b;

	if (amp_shm_open("sysmem/bench-hov-rate", size, 0, &b))
		return -1;
	memset(amp_shm_va(b), 0x5a, size);
	if (amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL))
		return -1;
	for (int i = 0; i < 6; i++) {
		uint64_t t0 = now_ns();

		if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, size,
				     BP_TAG(BP_OP_INVERT, 0)) ||
		    amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, size, NULL))
			return -1;
		t[i] = now_ns() - t0;
	}
	*first = (double)size / (double)t[0];
	*warm = (double)size / (median_us(t + 1, 5) * 1e3);
	amp_shm_detach(b, dev);
	amp_shm_close(b);
	return 0;
}

/* The same loop over the host's private (warm) memory, GB/s. */
static double host_rate(uint64_t size)
{
	uint64_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t[5], s = 0;
	volatile uint64_t sink;

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0x5a, size);
	for (int k = 0; k < 5; k++) {
		uint64_t t0 = now_ns();

		for (uint64_t i = 0; i < size / 8; i++) {
			s += p[i];
			p[i] = ~p[i];
		}
		t[k] = now_ns() - t0;
	}
	sink = s;
	(void)sink;
	munmap(p, size);
	return (double)size / (median_us(t, 5) * 1e3);
}

int main(int argc, char **argv)
{
	static const uint64_t sizes[] = { 4096,	    64 << 10,  MiB,
					  16 * MiB, 256 * MiB, 1024 * MiB };
	struct core c;
	double rtt[6], echo, copy, first, warm, host, worst = 0;
	uint64_t rate_size;
	int nsizes, n;
	FILE *dat;

	bench_parse(argc, argv, false);
	nsizes = bopt.quick ? 4 : 6;
	n = bopt.quick ? 51 : 301;
	rate_size = bopt.quick ? 64 * MiB : 256 * MiB;
	memset(&c, 0, sizeof(c));
	if (boot(&c)) {
		printf("{\"bench\": \"handover\", \"skipped\": \"%s\"}\n",
		       amp_last_error());
		return 0;
	}
	echo = echo_rtt(&c, n);
	for (int i = 0; i < nsizes; i++) {
		rtt[i] = hov_rtt(&c, sizes[i], n);
		if (rtt[i] < 0)
			goto fail;
		if (rtt[i] / echo > worst)
			worst = rtt[i] / echo;
	}
	copy = copy_rate(&c, bopt.quick ? 4 * MiB : 16 * MiB);
	if (echo < 0 || copy < 0 || inplace(&c, rate_size, &first, &warm))
		goto fail;
	host = host_rate(rate_size);
	amp_rproc_stop(c.rp);
	amp_hov_session_destroy(c.hs);
	amp_rproc_destroy(c.rp);

	printf("{\"bench\": \"handover\", \"quick\": %s, \"runs\": %d,\n"
	       " \"rpmsg_rtt_median_us\": %.2f,\n \"handover_rtt\": [",
	       bopt.quick ? "true" : "false", n, echo);
	for (int i = 0; i < nsizes; i++)
		printf("%s{\"size\": %llu, \"median_us\": %.2f}", i ? ", " : "",
		       (unsigned long long)sizes[i], rtt[i]);
	printf("],\n \"handover_to_rpmsg_rtt_worst\": %.2f, "
	       "\"goal_rtt_ratio\": 2.0,\n"
	       " \"rpmsg_copy_mb_s\": %.1f,\n"
	       " \"inplace_size\": %llu, \"inplace_first_pass_gb_s\": %.2f, "
	       "\"inplace_gb_s\": %.2f, \"host_private_gb_s\": %.2f,\n"
	       " \"inplace_to_host\": %.3f, \"goal_inplace_to_host\": 0.9}\n",
	       worst, copy / 1e6, (unsigned long long)rate_size, first, warm,
	       host, warm / host);
	bench_sum("handover (simulated core, %d runs, medians):\n", n);
	for (int i = 0; i < nsizes; i++)
		bench_sum(
			"  hand-over round trip, %6llu KiB: %7.2f us; copying "
			"it through RPMsg: %10.0f us\n",
			(unsigned long long)(sizes[i] >> 10), rtt[i],
			(double)sizes[i] / copy * 1e6);
	bench_sum("  RPMsg round trip (16 B):        %7.2f us; worst "
		  "hand-over / RPMsg: %.2f (goal <= 2)\n"
		  "  in place on the core: %.2f GB/s (first pass %.2f), host "
		  "private memory %.2f GB/s: %.0f%% (goal >= 90%%)\n",
		  echo, worst, warm, first, host, 100 * warm / host);
	dat = bench_dat("hov_rtt",
			"size handover_us rpmsg_rtt_us copy_through_rpmsg_us");
	for (int i = 0; dat && i < nsizes; i++)
		fprintf(dat, "%llu %.2f %.2f %.1f\n",
			(unsigned long long)sizes[i], rtt[i], echo,
			(double)sizes[i] / copy * 1e6);
	bench_dat_close(dat);
	dat = bench_dat("hov_rate", "what gb_s");
	if (dat) {
		fprintf(dat, "\"core, in place\" %.2f\n", warm);
		fprintf(dat, "\"core, first pass\" %.2f\n", first);
		fprintf(dat, "\"host, private\" %.2f\n", host);
	}
	bench_dat_close(dat);
	return 0;
fail:
	fprintf(stderr, "bench_handover: %s\n", amp_last_error());
	return 1;
}
