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
#include "hovprobe.h"
#include "readfile.h"
#include "bufproc.h"

#define MiB (1ull << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int boot(struct hov_probe *c)
{
	struct amp_rproc_sim_config cfg = { .name = "bench-hov",
					    .iommu = true,
					    .dma_bits = 40 };
	unsigned char *img;
	size_t n;
	int ret =
		amp_cli_read_file(AMP_BENCH_FW_DIR "/fw_bufproc.elf", &img, &n);

	if (ret)
		return ret;
	ret = hov_probe_boot(c, &cfg, img, n);
	free(img);
	return ret;
}

/*
 * Round trips of a whole-buffer hand-over of a new buffer of @size, each
 * followed by a 16-byte RPMsg round trip, so the two are measured on the
 * same machine state: their medians in @hov and @echo (us), and the
 * median of the pairs' ratios in @ratio (the thread placement of a 2-core
 * machine moves both between about 6 and 30 us, together).
 */
static int hov_rtt(struct hov_probe *c, uint64_t size, int n, double *hov,
		   double *echo, double *ratio)
{
	struct amp_dev *dev = amp_rproc_dev(c->rp);
	double *th = calloc((size_t)n, sizeof(*th));
	double *te = calloc((size_t)n, sizeof(*te));
	struct amp_shm *b = NULL;
	int ret = -1;

	if (!th || !te || amp_shm_open("sysmem/bench-hov", size, 0, &b))
		goto out;
	if (amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL))
		goto out;
	for (int i = 0; i < n; i++) {
		th[i] = hov_probe_handover_rtt(c, b, size, 1);
		te[i] = hov_probe_echo_rtt(c, 1);
		if (th[i] < 0 || te[i] < 0)
			goto detach;
	}
	*hov = hov_median(th, n);
	*echo = hov_median(te, n);
	for (int i = 0; i < n; i++)
		th[i] /= te[i];
	*ratio = hov_median(th, n);
	ret = 0;
detach:
	amp_shm_detach(b, dev);
out:
	if (b)
		amp_shm_close(b);
	free(th);
	free(te);
	return ret;
}

/*
 * In-place INVERT on the core (its first pass, then five warm ones), each
 * warm pass followed by the same loop over the host's private memory, so
 * both see the same machine: GB/s of the first pass and medians.
 */
static int inplace(struct hov_probe *c, uint64_t size, double *first,
		   double *warm, double *host)
{
	struct amp_dev *dev = amp_rproc_dev(c->rp);
	uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t[6], th[5];
	struct amp_shm *b;
	int ret = -1;

	if (w == MAP_FAILED)
		return -1;
	memset(w, 0x5a, size);
	if (amp_shm_open("sysmem/bench-hov-rate", size, 0, &b))
		goto unmap;
	memset(amp_shm_va(b), 0x5a, size);
	if (amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL))
		goto close;
	for (int i = 0; i < 6; i++) {
		uint64_t t0 = now_ns();

		if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, size,
				     BP_TAG(BP_OP_INVERT, 0)) ||
		    amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, size, NULL))
			goto detach;
		t[i] = (double)(now_ns() - t0) / 1e9;
		if (i)
			th[i - 1] = hov_host_pass(w, size / 8);
	}
	*first = (double)size / t[0] / 1e9;
	*warm = (double)size / hov_median(t + 1, 5) / 1e9;
	*host = (double)size / hov_median(th, 5) / 1e9;
	ret = 0;
detach:
	amp_shm_detach(b, dev);
close:
	amp_shm_close(b);
unmap:
	munmap(w, size);
	return ret;
}

int main(int argc, char **argv)
{
	static const uint64_t sizes[] = { 4096,	    64 << 10,  MiB,
					  16 * MiB, 256 * MiB, 1024 * MiB };
	struct hov_probe c;
	double rtt[6], erts[6], ratio[6], echo, copy, first, warm, host,
		worst = 0;
	uint64_t rate_size;
	int nsizes, n;
	FILE *dat;

	bench_parse(argc, argv, false);
	nsizes = bopt.quick ? 4 : 6;
	n = bopt.quick ? 51 : 301;
	rate_size = bopt.quick ? 64 * MiB : 256 * MiB;
	if (boot(&c)) {
		printf("{\"bench\": \"handover\", \"skipped\": \"cannot "
		       "boot fw_bufproc.elf from %s\"}\n",
		       AMP_BENCH_FW_DIR);
		return 0;
	}
	for (int i = 0; i < nsizes; i++) {
		if (hov_rtt(&c, sizes[i], n, &rtt[i], &erts[i], &ratio[i]))
			goto fail;
		if (ratio[i] > worst)
			worst = ratio[i];
	}
	echo = hov_median(erts, nsizes);
	copy = hov_probe_copy_rate(&c, bopt.quick ? 4 * MiB : 16 * MiB);
	if (copy < 0 || inplace(&c, rate_size, &first, &warm, &host))
		goto fail;
	hov_probe_shutdown(&c);

	printf("{\"bench\": \"handover\", \"quick\": %s, \"runs\": %d,\n"
	       " \"rpmsg_rtt_median_us\": %.2f,\n \"handover_rtt\": [",
	       bopt.quick ? "true" : "false", n, echo);
	for (int i = 0; i < nsizes; i++)
		printf("%s{\"size\": %llu, \"median_us\": %.2f, "
		       "\"rpmsg_rtt_median_us\": %.2f, \"ratio_median\": %.2f}",
		       i ? ", " : "", (unsigned long long)sizes[i], rtt[i],
		       erts[i], ratio[i]);
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
		bench_sum("  hand-over round trip, %7llu KiB: %7.2f us (RPMsg "
			  "%5.2f us); copying it through RPMsg: %10.0f us\n",
			  (unsigned long long)(sizes[i] >> 10), rtt[i], erts[i],
			  (double)sizes[i] / copy * 1e6);
	bench_sum("  RPMsg round trip (16 B), median: %5.2f us; worst "
		  "hand-over / RPMsg: %.2f (goal <= 2)\n"
		  "  in place on the core: %.2f GB/s (first pass %.2f), host "
		  "private memory %.2f GB/s: %.0f%% (goal >= 90%%)\n",
		  echo, worst, warm, first, host, 100 * warm / host);
	dat = bench_dat("hov_rtt",
			"size handover_us rpmsg_rtt_us copy_through_rpmsg_us");
	for (int i = 0; dat && i < nsizes; i++)
		fprintf(dat, "%llu %.2f %.2f %.1f\n",
			(unsigned long long)sizes[i], rtt[i], erts[i],
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
	hov_probe_shutdown(&c);
	return 1;
}
