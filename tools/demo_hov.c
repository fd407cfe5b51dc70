/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm demo: huge buffers shared zero copy with coprocessors that run
 * real firmware images (firmware/apps/bufproc) on simulated cores, loaded
 * and recovered by remoteproc, driven by the hand-over protocol.
 *
 * For each buffer source in turn: allocate (1 GiB by default), fill,
 * share, hand the whole buffer to the coprocessor, which checksums and
 * inverts it in place, take it back, verify every word on the host. Then
 * one table, the cost of copying the same bytes through RPMsg instead,
 * and a crash in the middle of a hand-over, reclaimed and recovered.
 *
 * Exits non-zero if any byte is not what it should be.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>

#include "ampshm/cli.h"
#include "bufproc.h"
#include "common/hovprobe.h"
#include "common/progress.h"
#include "demo.h"

#define MiB ((uint64_t)1 << 20)
#define WAIT_MS 30000u
#define SEED 0x9e3779b97f4a7c15ull

struct row {
	const char *source, *core, *view;
	uint64_t size;
	size_t nseg;
	double rtt_us, rate_gbs;
	bool sum_ok, data_ok;
};

double demo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int demo_fail(const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, amp_last_error());
	return -1;
}

int demo_find_firmware(const char *name, char *out, size_t len)
{
	static const char *const rel[] = { "/../firmware/", "/../../firmware/",
					   "/../share/ampshm/firmware/" };
	const char *env = getenv("AMPSHM_FIRMWARE_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s/%s", env, name);
		return access(out, R_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(out, len, "%s%s%s", exe, rel[i], name);
		if (!access(out, R_OK))
			return 0;
	}
	return -ENOENT;
}

static int boot(struct hov_probe *c, const char *name, const char *fw,
		bool iommu, unsigned dma_bits)
{
	struct amp_rproc_sim_config cfg = { .name = name,
					    .iommu = iommu,
					    .dma_bits = dma_bits };
	char path[PATH_MAX];
	unsigned char *img;
	size_t size;
	double t0 = demo_now();
	int ret;

	if (demo_find_firmware(fw, path, sizeof(path))) {
		fprintf(stderr,
			"demo: firmware %s not found (build it, or set "
			"AMPSHM_FIRMWARE_DIR)\n",
			fw);
		return -1;
	}
	if (amp_cli_read_file(path, &img, &size))
		return demo_fail(path);
	ret = hov_probe_boot(c, &cfg, img, size);
	free(img);
	if (ret)
		return demo_fail(name);
	printf("core    %-4s %s, %s, %u-bit: loaded, started, 'ampshm-hov' "
	       "bound in %.1f ms\n",
	       name, fw, iommu ? "behind an IOMMU" : "carveouts only", dma_bits,
	       (demo_now() - t0) * 1e3);
	return 0;
}

/* Fill with a pattern; returns its sum. */
static uint64_t fill(uint64_t *p, uint64_t len, const char *label)
{
	struct progress bar;
	uint64_t sum = 0;

	progress_start(&bar, label, len / 8);
	for (uint64_t i = 0; i < len / 8; i++) {
		p[i] = i * SEED;
		sum += p[i];
		if (!(i & 0xfffff))
			progress_update(&bar, i);
	}
	progress_end(&bar);
	return sum;
}

static bool verify(const uint64_t *p, uint64_t len)
{
	struct progress bar;
	bool ok = true;

	progress_start(&bar, "verifying", len / 8);
	for (uint64_t i = 0; i < len / 8; i++) {
		ok &= p[i] == ~(i * SEED);
		if (!(i & 0xfffff))
			progress_update(&bar, i);
	}
	progress_end(&bar);
	return ok;
}

static int open_source(enum demo_source src, uint64_t size, struct amp_shm **b)
{
	int fd, ret;

	switch (src) {
	case DEMO_SRC_STATIC:
		return amp_shm_open("static/" BP_RSV_NAME, 0, 0, b);
	case DEMO_SRC_USER:
		fd = memfd_create("demo-user", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)size))
			return -errno;
		ret = amp_shm_import_fd("user/demo", fd, 0, size, 0, b);
		close(fd);
		return ret;
	default:
		return amp_shm_open("sysmem/demo", size, 0, b);
	}
}

static const char *const src_names[] = { "sysmem", "static", "user" };

/* One source, start to end: one row of the table. */
static int run_source(enum demo_source src, struct hov_probe *c, uint64_t size,
		      struct row *r)
{
	const struct amp_sg *da;
	struct amp_hov_done d;
	struct amp_shm *b;
	uint64_t sum, got = 0;
	double t0;

	printf("\n[%s] ", src_names[src]);
	if (open_source(src, size, &b))
		return demo_fail("open");
	size = src == DEMO_SRC_STATIC && size > amp_shm_size(b) ?
		       amp_shm_size(b) :
		       size;
	printf("%s: %" PRIu64 " MiB, shared with %s\n", amp_shm_name(b),
	       size / MiB, c->name);
	sum = fill(amp_shm_va(b), size, "filling");
	if (amp_shm_attach(b, amp_rproc_dev(c->rp), AMP_DIR_BIDIR, &da,
			   &r->nseg))
		return demo_fail("attach");
	r->source = src_names[src];
	r->core = c->name;
	r->size = size;
	r->view = amp_shm_is_bounced(b, amp_rproc_dev(c->rp)) ? "bounce" :
		  src == DEMO_SRC_STATIC		      ? "carveout" :
								"IOMMU";
	printf("        the core sees it at da 0x%" PRIx64 " (%zu device "
	       "segment%s, %s)\n",
	       da[0].addr, r->nseg, r->nseg == 1 ? "" : "s", r->view);
	r->rtt_us = hov_probe_handover_rtt(c, b, 4096, 101);
	if (r->rtt_us < 0)
		return demo_fail("round trip");
	t0 = demo_now();
	if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, size,
			     BP_TAG(BP_OP_INVERT, 0)) ||
	    amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, size, &d))
		return demo_fail("processing");
	r->rate_gbs = (double)size / (demo_now() - t0) / 1e9;
	if (d.result_len == 8)
		memcpy(&got, d.result, 8);
	r->sum_ok = d.status == 0 && got == sum;
	printf("        processed in place by the core: %.2f GB/s, checksum "
	       "%s\n",
	       r->rate_gbs, r->sum_ok ? "matches" : "MISMATCH");
	r->data_ok = verify(amp_shm_va(b), size);
	printf("        every word inverted on the host's side: %s\n",
	       r->data_ok ? "yes" : "NO");
	if (amp_shm_detach(b, amp_rproc_dev(c->rp)) || amp_shm_close(b))
		return demo_fail("detach");
	return 0;
}

/* Kill the core in the middle of a hand-over; show the reclaim. */
static int crash_and_recover(struct hov_probe *c, uint64_t size)
{
	struct amp_dev *dev = amp_rproc_dev(c->rp);
	struct amp_rproc_crash cr;
	struct amp_hov_done d;
	struct amp_shm *b;
	uint64_t sum;
	double t0;
	int ret;

	printf("\n[crash] %s is killed (kill -9) in the middle of a "
	       "hand-over\n",
	       c->name);
	if (amp_shm_open("sysmem/demo-crash", size, 0, &b) ||
	    amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL))
		return demo_fail("crash buffer");
	sum = fill(amp_shm_va(b), size, "filling");
	if (amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, size,
			     BP_TAG(BP_OP_KEEP, 0)))
		return demo_fail("hand-over");
	t0 = demo_now();
	kill(amp_rproc_sim_pid(c->rp), SIGKILL);
	ret = amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, size, NULL);
	printf("        sync_for_cpu of the range it held: %d (%s), after "
	       "%.2f ms\n",
	       ret, strerror(-ret), (demo_now() - t0) * 1e3);
	if (hov_wait_recovered(c->rp, c->hs, 1, WAIT_MS))
		return demo_fail("no recovery");
	amp_rproc_last_crash(c->rp, &cr);
	printf("        remoteproc: \"%s\": %u range(s) given back to the "
	       "CPU, every buffer detached\n",
	       cr.reason, cr.ranges);
	printf("        recovered: firmware reloaded and running, service "
	       "bound again %.1f ms after the kill; buffer refs %u (only "
	       "ours)\n",
	       (demo_now() - t0) * 1e3, amp_shm_refcount(b));
	dev = amp_rproc_dev(c->rp);
	if (amp_shm_attach(b, dev, AMP_DIR_BIDIR, NULL, NULL) ||
	    amp_hov_handover(c->hs, b, AMP_DIR_BIDIR, 0, size,
			     BP_TAG(BP_OP_INVERT, 0)) ||
	    amp_hov_take_back(c->hs, b, AMP_DIR_BIDIR, 0, size, &d))
		return demo_fail("sharing again");
	ret = ret == -EOWNERDEAD && d.status == 0 && d.result_len == 8 &&
	      !memcmp(d.result, &sum, 8) && verify(amp_shm_va(b), size);
	printf("        shared again after recovery and processed: %s\n",
	       ret ? "data verified" : "ERRORS");
	amp_shm_detach(b, dev);
	amp_shm_close(b);
	return ret ? 0 : -1;
}

/* 1 GiB, or a third of the memory available, in whole 8 MiB. */
static uint64_t default_size(void)
{
	long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	uint64_t avail = pages > 0 && psz > 0 ? (uint64_t)pages * psz : 0;
	uint64_t size = 1024 * MiB;

	if (avail && avail / 3 < size)
		size = avail / 3 & ~(8 * MiB - 1);
	return size < 8 * MiB ? 8 * MiB : size;
}

int demo_hov_run(const struct demo_opts *o)
{
	uint64_t size = o->size ? o->size : default_size();
	struct hov_probe dsp, r5;
	struct row rows[3];
	size_t nrows = 0;
	double rtt, copy, t_start = demo_now(), host;
	bool want[3] = { o->source == DEMO_SRC_SYSMEM || o->all,
			 o->source == DEMO_SRC_STATIC || o->all,
			 o->source == DEMO_SRC_USER || o->all };
	int bad = 0;

	memset(&r5, 0, sizeof(r5));
	printf("ampshm demo: %" PRIu64 " MiB buffers shared zero copy with "
	       "coprocessors running firmware\n",
	       size / MiB);
	printf("The coprocessors are SIMULATED: each is a process whose "
	       "address space is\nexactly its device's, running "
	       "firmware/apps/bufproc built for this host's\ninstruction "
	       "set. Real ARM firmware under QEMU (--remote qemu) is not "
	       "there yet.\n\n");
	if (boot(&dsp, "dsp", "fw_bufproc.elf", true, 40))
		return 1;
	if (want[DEMO_SRC_STATIC]) {
		if (amp_static_region_add(BP_RSV_NAME, BP_RSV_PA, BP_RSV_LEN, 0,
					  NULL, 0))
			return demo_fail("static region");
		if (boot(&r5, "r5", "fw_bufproc_rsv.elf", false, 32))
			return 1;
	}
	for (int s = 0; s < 3; s++) {
		if (!want[s])
			continue;
		if (run_source((enum demo_source)s,
			       s == DEMO_SRC_STATIC ? &r5 : &dsp, size,
			       &rows[nrows])) {
			bad++;
			break;
		}
		bad += !rows[nrows].sum_ok + !rows[nrows].data_ok;
		nrows++;
	}
	rtt = hov_probe_echo_rtt(&dsp, 201);
	copy = hov_probe_copy_rate(&dsp, 16 * MiB);
	host = hov_host_rate(size < 256 * MiB ? size : 256 * MiB);
	bad += rtt < 0 || copy < 0;

	printf("\n%-7s %9s  %-4s  %-9s %5s  %13s  %14s  %-9s %s\n", "source",
	       "size", "core", "view", "segs", "hand-over RTT", "in-place rate",
	       "checksum", "data");
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("%-7s %5" PRIu64 " MiB  %-4s  %-9s %5zu  %10.1f us  "
		       "%9.2f GB/s  %-9s %s\n",
		       r->source, r->size / MiB, r->core, r->view, r->nseg,
		       r->rtt_us, r->rate_gbs, r->sum_ok ? "ok" : "BAD",
		       r->data_ok ? "ok" : "BAD");
	}
	printf("\nSmall RPMsg round trip (16 bytes, echo): %.1f us.\n", rtt);
	printf("The same loop on the host's private memory: %.2f GB/s.\n",
	       host);
	if (copy > 0)
		printf("Copying %" PRIu64 " MiB through 496-byte RPMsg "
		       "messages instead would take about %.2f s (%.0f MB/s, "
		       "measured on 16 MiB and scaled);\nhanding it over "
		       "costs one round trip whatever the size.\n",
		       size / MiB, (double)size / copy, copy / 1e6);
	if (!bad && crash_and_recover(&dsp, size < 64 * MiB ? size : 64 * MiB))
		bad++;
	hov_probe_shutdown(&r5);
	hov_probe_shutdown(&dsp);
	if (want[DEMO_SRC_STATIC])
		amp_static_region_remove(BP_RSV_NAME);
	printf("\n%s (%.1f s)\n",
	       bad ? "demo: FAILED" : "demo: all data verified",
	       demo_now() - t_start);
	return bad ? 1 : 0;
}
