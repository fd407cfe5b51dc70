/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm demo --remote qemu: the same bufproc firmware, built for ARMv7-A
 * (firmware/boards/qemu-virt), running under qemu-system-arm as the
 * coprocessor. The guest's RAM is a memfd this process maps too: a large
 * buffer in it is filled here, handed over, checksummed and inverted in
 * place by the ARM core, taken back and verified word by word. Then the
 * firmware faults mid hand-over (recovered by a QMP reset of the same
 * QEMU) and QEMU is killed (recovered by a new QEMU), and the buffer is
 * processed again after each.
 *
 * Exits non-zero if any byte is not what it should be.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ampshm/ampshm.h>
#include <ampshm/remoteproc_qemu.h>

#include "ampshm/cli.h"
#include "bufproc.h"
#include "common/hovprobe.h"
#include "demo.h"

#define MiB ((uint64_t)1 << 20)
#define WAIT_MS 60000u
#define SEED 0x9e3779b97f4a7c15ull
#define FW "fw_bufproc_qemu.elf"

static void on_console(void *priv, const char *line)
{
	(void)priv;
	printf("        [arm console] %s\n", line);
	fflush(stdout);
}

static uint64_t fill(uint64_t *p, uint64_t len, uint64_t seed)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < len / 8; i++) {
		p[i] = (i + seed) * SEED;
		sum += p[i];
	}
	return sum;
}

static bool inverted(const uint64_t *p, uint64_t len, uint64_t seed)
{
	bool ok = true;

	for (uint64_t i = 0; i < len / 8; i++)
		ok &= p[i] == ~((i + seed) * SEED);
	return ok;
}

/* Fill, hand over for sum-and-invert, take back, verify. */
static int process(struct hov_probe *c, struct amp_shm *b, uint64_t len,
		   uint64_t seed, double *secs)
{
	struct amp_hov_done d;
	uint64_t sum = fill(amp_shm_va(b), len, seed), got = 0;
	double t0 = demo_now();

	if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, len,
			     BP_TAG(BP_OP_INVERT, 0)) ||
	    amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, len, &d))
		return demo_fail("processing");
	if (secs)
		*secs = demo_now() - t0;
	if (d.result_len == 8)
		memcpy(&got, d.result, 8);
	return d.status == 0 && got == sum &&
			       inverted(amp_shm_va(b), len, seed) ?
		       0 :
		       -1;
}

/* After a crash: wait for recovery and the service, share again. */
static int recovered(struct hov_probe *c, struct amp_shm *b, unsigned n,
		     double t0)
{
	struct amp_rproc_crash cr;

	if (hov_wait_recovered(c->rp, c->hs, n, WAIT_MS))
		return demo_fail("no recovery");
	amp_rproc_last_crash(c->rp, &cr);
	printf("        remoteproc: \"%s\"; %u range(s) given back to the "
	       "CPU\n",
	       cr.reason, cr.ranges);
	printf("        recovered: firmware reloaded and its service bound "
	       "again %.1f ms later (QEMU pid %d)\n",
	       (demo_now() - t0) * 1e3, amp_rproc_qemu_pid(c->rp));
	return amp_shm_attach(b, amp_rproc_dev(c->rp), AMP_DIR_BIDIR, NULL,
			      NULL) ?
		       demo_fail("attach again") :
		       0;
}

static int crashes(struct hov_probe *c, struct amp_shm *b, uint64_t len)
{
	struct amp_hov_done d;
	double t0;
	int ret, bad = 0;

	printf("\n[fault] the firmware stores to 0xf0000000 (nothing there) "
	       "in the middle of a hand-over\n");
	fill(amp_shm_va(b), len, 1);
	if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, len,
			     BP_TAG(BP_OP_CRASH, 0)))
		return demo_fail("hand-over");
	t0 = demo_now();
	ret = amp_hov_wait(c->hs, b, 0, len, WAIT_MS, &d);
	printf("        the waiter hears: %s after %.2f ms\n", strerror(-ret),
	       (demo_now() - t0) * 1e3);
	bad += ret != -EOWNERDEAD;
	if (recovered(c, b, 1, t0))
		return -1;
	bad += process(c, b, len, 2, NULL) != 0;
	printf("        shared again and processed: %s\n",
	       bad ? "ERRORS" : "data verified");

	printf("\n[kill] QEMU itself is killed (kill -9)\n");
	t0 = demo_now();
	kill(amp_rproc_qemu_pid(c->rp), SIGKILL);
	if (recovered(c, b, 2, t0))
		return -1;
	ret = process(c, b, len, 3, NULL);
	printf("        shared again and processed: %s\n",
	       ret ? "ERRORS" : "data verified");
	return bad || ret ? -1 : 0;
}

int demo_qemu_run(const struct demo_opts *o)
{
	struct amp_rproc_qemu_config cfg = { .name = "arm",
					     .recovery = true,
					     .console = on_console };
	struct amp_rproc_qemu_stats st;
	uint64_t size = o->size ? o->size : 256 * MiB;
	double t_start = demo_now(), t0, secs = 0, rtt, echo, host;
	const struct amp_sg *da;
	struct hov_probe c;
	struct amp_rproc *rp;
	struct amp_shm *b;
	char path[PATH_MAX];
	unsigned char *img;
	size_t isize, nseg;
	int bad = 0;

	printf("ampshm demo --remote qemu: a buffer shared zero copy with "
	       "REAL ARM firmware\n");
	printf("The coprocessor is qemu-system-arm (virt, Cortex-A15) "
	       "running\nfirmware/apps/bufproc built for ARMv7-A "
	       "(firmware/boards/qemu-virt). Its RAM\nis a memfd this "
	       "process maps too: guest physical address = device "
	       "address.\n\n");
	if (demo_find_firmware(FW, path, sizeof(path))) {
		fprintf(stderr,
			"demo: %s not found (build it with clang and lld, or "
			"set AMPSHM_FIRMWARE_DIR)\n",
			FW);
		return 1;
	}
	if (amp_cli_read_file(path, &img, &isize))
		return demo_fail(path);
	t0 = demo_now();
	if (amp_rproc_qemu_create(&cfg, &rp) ||
	    hov_probe_boot_rp(&c, "arm", rp, img, isize)) {
		free(img);
		return demo_fail("booting the ARM core");
	}
	free(img);
	amp_rproc_qemu_stats(rp, &st);
	printf("core    arm  %s: QEMU pid %d started, firmware loaded, "
	       "'ampshm-hov' bound in %.1f ms\n",
	       FW, amp_rproc_qemu_pid(rp), (demo_now() - t0) * 1e3);
	if (amp_shm_open("static/arm-shm", 0, 0, &b))
		return demo_fail("open");
	if (size > amp_shm_size(b))
		size = amp_shm_size(b) & ~(8 * MiB - 1);
	printf("\n[static] %s: %" PRIu64 " MiB region in the guest's RAM; "
	       "processing %" PRIu64 " MiB of it\n",
	       amp_shm_name(b), amp_shm_size(b) / MiB, size / MiB);
	if (amp_shm_attach(b, amp_rproc_dev(rp), AMP_DIR_BIDIR, &da, &nseg))
		return demo_fail("attach");
	printf("        the ARM core sees it at da 0x%" PRIx64 " (%zu "
	       "segment%s, its \"shm\" carveout)\n",
	       da[0].addr, nseg, nseg == 1 ? "" : "s");
	rtt = hov_probe_handover_rtt(&c, b, 4096, 51);
	echo = hov_probe_echo_rtt(&c, 51);
	if (process(&c, b, size, 0, &secs)) {
		bad++;
		printf("        processed in place: ERRORS\n");
	} else {
		printf("        processed in place by the ARM core: %.2f s, "
		       "%.0f MB/s (emulated); checksum matches, every word "
		       "inverted\n",
		       secs, (double)size / secs / 1e6);
	}
	host = hov_host_rate(size < 256 * MiB ? size : 256 * MiB);
	printf("        hand-over round trip %.1f us, RPMsg echo %.1f us; the "
	       "host's own loop: %.2f GB/s\n",
	       rtt, echo, host);
	printf("        (QEMU runs ARM code 10-15x slower than native: "
	       "correctness here, speed on hardware)\n");
	if (!bad && crashes(&c, b, size < 16 * MiB ? size : 16 * MiB))
		bad++;
	amp_rproc_qemu_stats(rp, &st);
	printf("\nQEMU processes started %u, restarts by QMP reset %u, "
	       "doorbell bytes %" PRIu64 " out / %" PRIu64 " in\n",
	       st.spawns, st.resets, st.kicks_to_core, st.kicks_from_core);
	amp_shm_detach(b, amp_rproc_dev(rp));
	amp_shm_close(b);
	hov_probe_shutdown(&c);
	printf("\n%s (%.1f s)\n",
	       bad ? "demo: FAILED" : "demo: all data verified",
	       demo_now() - t_start);
	return bad ? 1 : 0;
}
