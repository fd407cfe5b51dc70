// SPDX-License-Identifier: BSD-3-Clause
/*
 * The QEMU backend with the bufproc firmware built for qemu-virt: what a
 * real ARM coprocessor under emulation costs the host. Boot (a new QEMU,
 * to the hand-over service bound), restart by QMP reset (stop, reload,
 * start: the same QEMU), a fault mid hand-over to the service bound again,
 * kill -9 of QEMU to the service bound again (a new QEMU), the round trips
 * (hand-over of 4 KiB, 16-byte RPMsg echo), and the in-place rate of the
 * emulated core against the host's own loop. Figures of an emulator, not
 * of silicon: the goals are the host-side ones (restart, recovery).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc_qemu.h>

#include "bench_opt.h"
#include "bufproc.h"
#include "hovprobe.h"
#include "readfile.h"

#define MiB (1ull << 20)
#define WAIT_MS 60000u

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int boot(struct hov_probe *c, const void *img, size_t size)
{
	struct amp_rproc_qemu_config cfg = { .name = "bq", .recovery = true };
	struct amp_rproc *rp;
	int ret = amp_rproc_qemu_create(&cfg, &rp);

	return ret ? ret : hov_probe_boot_rp(c, "bq", rp, img, size);
}

/* Stop, reload, start (QMP reset of the same QEMU), service bound: ms. */
static double restart(struct hov_probe *c, const void *img, size_t size)
{
	double t0 = now_ms();

	if (amp_rproc_stop(c->rp) || amp_rproc_load(c->rp, img, size) ||
	    amp_rproc_start(c->rp) ||
	    amp_hov_session_wait_ready(c->hs, WAIT_MS))
		return -1;
	return now_ms() - t0;
}

/* A fault mid hand-over (or, with @kill_qemu, kill -9): ms to bound. */
static double crash(struct hov_probe *c, struct amp_shm *b, bool kill_qemu,
		    unsigned n)
{
	double t0;

	if (amp_shm_attach(b, amp_rproc_dev(c->rp), AMP_DIR_BIDIR, NULL, NULL))
		return -1;
	t0 = now_ms();
	if (kill_qemu)
		kill(amp_rproc_qemu_pid(c->rp), SIGKILL);
	else if (amp_hov_handover(c->hs, b, AMP_DIR_TO_DEVICE, 0, 4096,
				  BP_TAG(BP_OP_CRASH, 0)))
		return -1;
	if (hov_wait_recovered(c->rp, c->hs, n, WAIT_MS))
		return -1;
	return now_ms() - t0;
}

static double inplace_mbps(struct hov_probe *c, struct amp_shm *b, uint64_t len)
{
	struct amp_hov_done d;
	double t0;
	int ret = amp_shm_attach(b, amp_rproc_dev(c->rp), AMP_DIR_BIDIR, NULL,
				 NULL);

	memset(amp_shm_va(b), 0x5a, len);
	t0 = now_ms();
	if (!ret)
		ret = amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, len,
				       BP_TAG(BP_OP_INVERT, 0));
	if (!ret)
		ret = amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, len, &d);
	if (ret || d.status)
		return -1;
	t0 = now_ms() - t0;
	return amp_shm_detach(b, amp_rproc_dev(c->rp)) ? -1 :
							 (double)len / t0 / 1e3;
}

int main(int argc, char **argv)
{
	int nboot, nrestart, ncrash, nrtt, crashes = 0;
	double boots[10], restarts[30], faults[10], kills[10], rtt, echo, mbps,
		host;
	uint64_t len;
	struct hov_probe c;
	struct amp_shm *b;
	size_t size;
	unsigned char *img = NULL;

	bench_parse(argc, argv, false);
	nboot = bopt.quick ? 2 : 5;
	nrestart = bopt.quick ? 5 : 20;
	ncrash = bopt.quick ? 2 : 5;
	nrtt = bopt.quick ? 51 : 201;
	len = bopt.quick ? 32 * MiB : 256 * MiB;
	if (amp_cli_read_file(AMP_BENCH_FW_DIR "/fw_bufproc_qemu.elf", &img,
			      &size) ||
	    (system("command -v qemu-system-arm >/dev/null 2>&1") &&
	     !getenv("AMPSHM_QEMU"))) {
		printf("{\"bench\": \"qemu\", \"skipped\": \"no "
		       "qemu-system-arm or no fw_bufproc_qemu.elf in %s\"}\n",
		       AMP_BENCH_FW_DIR);
		free(img);
		return 0;
	}
	for (int i = 0; i < nboot; i++) {
		double t0 = now_ms();

		if (boot(&c, img, size))
			goto fail;
		boots[i] = now_ms() - t0;
		hov_probe_shutdown(&c);
	}
	if (boot(&c, img, size) || amp_shm_open("static/bq-shm", 0, 0, &b))
		goto fail;
	for (int i = 0; i < nrestart; i++)
		if ((restarts[i] = restart(&c, img, size)) < 0)
			goto fail;
	for (int i = 0; i < ncrash; i++) {
		if ((faults[i] = crash(&c, b, false, ++crashes)) < 0 ||
		    (kills[i] = crash(&c, b, true, ++crashes)) < 0)
			goto fail;
	}
	if (amp_shm_attach(b, amp_rproc_dev(c.rp), AMP_DIR_BIDIR, NULL, NULL))
		goto fail;
	rtt = hov_probe_handover_rtt(&c, b, 4096, nrtt);
	echo = hov_probe_echo_rtt(&c, nrtt);
	if (rtt < 0 || echo < 0 || amp_shm_detach(b, amp_rproc_dev(c.rp)))
		goto fail;
	mbps = inplace_mbps(&c, b, len);
	host = hov_host_rate(len) * 1e3;
	if (mbps < 0)
		goto fail;
	amp_shm_close(b);
	hov_probe_shutdown(&c);
	free(img);

	printf("{\"bench\": \"qemu\", \"quick\": %s,\n"
	       " \"boot_median_ms\": %.2f, \"boots\": %d,\n"
	       " \"restart_qmp_median_ms\": %.2f, \"restarts\": %d,\n"
	       " \"fault_to_bound_median_ms\": %.2f, "
	       "\"kill_to_bound_median_ms\": %.2f, \"crashes\": %d,\n"
	       " \"handover_rtt_median_us\": %.2f, "
	       "\"rpmsg_rtt_median_us\": %.2f, \"runs\": %d,\n"
	       " \"inplace_size\": %llu, \"inplace_emulated_mbps\": %.1f, "
	       "\"host_private_mbps\": %.1f}\n",
	       bopt.quick ? "true" : "false", hov_median(boots, nboot), nboot,
	       hov_median(restarts, nrestart), nrestart,
	       hov_median(faults, ncrash), hov_median(kills, ncrash), ncrash,
	       rtt, echo, nrtt, (unsigned long long)len, mbps, host);
	bench_sum("qemu (ARM firmware under qemu-system-arm, medians):\n"
		  "  boot to service bound %.1f ms; restart by QMP reset "
		  "%.1f ms\n"
		  "  fault to service bound %.1f ms; kill -9 of QEMU to "
		  "service bound %.1f ms\n"
		  "  hand-over round trip %.1f us, RPMsg %.1f us; in place "
		  "%.0f MB/s emulated (host %.0f MB/s)\n",
		  hov_median(boots, nboot), hov_median(restarts, nrestart),
		  hov_median(faults, ncrash), hov_median(kills, ncrash), rtt,
		  echo, mbps, host);
	return 0;
fail:
	fprintf(stderr, "bench_qemu: %s\n", amp_last_error());
	hov_probe_shutdown(&c);
	free(img);
	return 1;
}
