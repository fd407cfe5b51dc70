/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ampshm demo: a large buffer shared zero-copy with simulated
 * coprocessors, and handed back and forth.
 *
 *  - a 256 MiB camera-frame buffer from system memory, physically
 *    scattered, above 4 GiB;
 *  - a DSP behind an IOMMU (40-bit) sees it as one contiguous range;
 *  - a 32-bit Cortex-R5 that only has a carveout window over low memory
 *    cannot reach it: it gets a bounce copy, kept up to date by the syncs;
 *  - the ownership checker catches a CPU write to a range the DSP owns;
 *  - a coprocessor *process* (its own address space) linked by RPMsg gets
 *    the frame's description and checksums it in place.
 *
 * Exits non-zero if any byte is not what it should be.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

#include <ampshm/ampshm.h>

#include "common/progress.h"
#include "demo.h"
#include "demo_remote.h"

#define MiB ((uint64_t)1 << 20)
#define CHUNK (4 * MiB)

#define CHECK(expr)                                                          \
	do {                                                                 \
		int _r = (expr);                                             \
		if (_r < 0) {                                                \
			fprintf(stderr, "demo: %s failed: %d (%s)\n", #expr, \
				_r, amp_last_error());                       \
			exit(1);                                             \
		}                                                            \
	} while (0)

/* The simulated DSP: checksum the input half, write the output half. */
static uint64_t dsp_process(struct amp_dev *dsp, amp_da_t in, amp_da_t out,
			    uint64_t len)
{
	uint8_t *buf = malloc(CHUNK);
	uint64_t sum = 0;

	for (uint64_t off = 0; off < len; off += CHUNK) {
		CHECK(amp_dev_read(dsp, in + off, buf, CHUNK));
		for (size_t i = 0; i < CHUNK; i += 8) {
			uint64_t v;

			memcpy(&v, buf + i, 8);
			sum += v;
			v = ~v; /* the "processing": invert the frame */
			memcpy(buf + i, &v, 8);
		}
		CHECK(amp_dev_write(dsp, out + off, buf, CHUNK));
	}
	free(buf);
	return sum;
}

static volatile struct amp_violation caught;
static volatile int ncaught;

static void on_violation(const struct amp_violation *v)
{
	caught.offset = v->offset;
	caught.owner = v->owner;
	caught.shm_name = v->shm_name;
	ncaught++;
}

/* The frame, from the source asked for. */
static int open_frame(const struct demo_opts *o, struct amp_shm **frame,
		      int *fd)
{
	*fd = -1;
	switch (o->source) {
	case DEMO_SRC_STATIC:
		/* A carveout at 8 GiB, in a memfd of its own. */
		CHECK(amp_static_region_add("frame", 0x200000000ull, o->size, 0,
					    NULL, 0));
		return amp_shm_open("static/frame", o->size, AMP_SHM_F_CHECK,
				    frame);
	case DEMO_SRC_USER:
		/* The application's own memory: a memfd it created. */
		*fd = memfd_create("demo-frame", MFD_CLOEXEC);
		if (*fd < 0 || ftruncate(*fd, (off_t)o->size))
			return -errno;
		return amp_shm_import_fd("user/frame", *fd, 0, o->size,
					 AMP_SHM_F_CHECK, frame);
	default:
		return amp_shm_open("sysmem/frame", o->size, AMP_SHM_F_CHECK,
				    frame);
	}
}

int demo_run(const struct demo_opts *o)
{
	struct amp_dev_config dsp_cfg = { .name = "dsp",
					  .dma_bits = 40,
					  .iommu = true };
	struct amp_window r5_win = { .da = 0x0,
				     .pa = 0x80000000ull,
				     .size = 1ull << 30 };
	struct amp_dev_config r5_cfg = {
		.name = "r5", .dma_bits = 32, .windows = &r5_win, .nwindows = 1
	};
	struct amp_dev *dsp, *r5;
	struct amp_shm *frame;
	const struct amp_cpu_seg *segs;
	const struct amp_sg *dsg, *rsg;
	struct amp_cache_stats st;
	size_t nsegs, ndsg, nrsg;
	uint64_t *p, cpu_sum = 0, half = o->size / 2;
	int fd;
	uint64_t dsp_sum;
	struct progress bar;
	double t0;
	char msg[32];
	int bad = 0;

	printf("ampshm demo: %" PRIu64
	       " MiB frame shared with a DSP (IOMMU) and an "
	       "R5 (32-bit carveout)\n\n",
	       o->size / MiB);
	CHECK(amp_dev_create(&dsp_cfg, &dsp));
	CHECK(amp_dev_create(&r5_cfg, &r5));

	/* 1. Allocate: scattered system memory, checker on. */
	t0 = demo_now();
	CHECK(open_frame(o, &frame, &fd));
	CHECK(amp_shm_cpu_sg(frame, &segs, &nsegs));
	printf("open    %s: va %p, %zu physical segment(s), first pa "
	       "0x%" PRIx64 "%s, %.1f ms\n",
	       amp_shm_name(frame), amp_shm_va(frame), nsegs, segs[0].pa,
	       segs[0].pa > 0xffffffffull ? " (above 4 GiB)" : "",
	       (demo_now() - t0) * 1e3);

	/* 2. Attach to the DSP: one contiguous device range. */
	t0 = demo_now();
	CHECK(amp_shm_attach(frame, dsp, AMP_DIR_BIDIR, &dsg, &ndsg));
	printf("attach  dsp: %zu device segment: da 0x%" PRIx64 " + 0x%" PRIx64
	       " through the IOMMU, %.2f ms\n",
	       ndsg, dsg[0].addr, dsg[0].len, (demo_now() - t0) * 1e3);

	/* 3. The CPU fills the input half, in place. */
	p = amp_shm_va(frame);
	progress_start(&bar, "filling", half / 8);
	for (uint64_t i = 0; i < half / 8; i++) {
		p[i] = i * 0x9e3779b97f4a7c15ull;
		cpu_sum += p[i];
		if (!(i & 0xfffff))
			progress_update(&bar, i);
	}
	progress_end(&bar);

	/* 4. Hand over: input for reading, output for writing. */
	amp_cache_reset_stats();
	CHECK(amp_shm_sync_for_device(frame, dsp, AMP_DIR_TO_DEVICE, 0, half));
	CHECK(amp_shm_sync_for_device(frame, dsp, AMP_DIR_FROM_DEVICE, half,
				      half));
	amp_cache_get_stats(&st);
	printf("sync    for dsp: cleaned %" PRIu64 " MiB (input and output: "
	       "no dirty line left to be evicted over the DSP's data)\n",
	       st.clean_bytes / MiB);

	/* 5. A CPU bug: touching the output while the DSP owns it. */
	amp_shm_set_violation_handler(on_violation);
	p[half / 8 + 3] = 42;
	amp_shm_set_violation_handler(NULL);
	if (ncaught == 1 && caught.owner)
		printf("checker caught a CPU write to '%s' offset 0x%" PRIx64
		       " owned by '%s'\n",
		       caught.shm_name, caught.offset, caught.owner);
	else
		bad++;

	/* 6. The DSP works on the buffer through its own addresses. */
	t0 = demo_now();
	dsp_sum = dsp_process(dsp, dsg[0].addr, dsg[0].addr + half, half);
	printf("dsp     processed %" PRIu64
	       " MiB in place in %.0f ms, checksum %s\n",
	       half / MiB, (demo_now() - t0) * 1e3,
	       dsp_sum == cpu_sum ? "matches" : "MISMATCH");
	bad += dsp_sum != cpu_sum;

	/* 7. Take everything back and check the output. */
	CHECK(amp_shm_sync_for_cpu(frame, dsp, AMP_DIR_TO_DEVICE, 0, half));
	CHECK(amp_shm_sync_for_cpu(frame, dsp, AMP_DIR_FROM_DEVICE, half,
				   half));
	for (uint64_t i = 0; i < half / 8; i++)
		if (p[half / 8 + i] != ~(i * 0x9e3779b97f4a7c15ull)) {
			if (i != 3) /* the byte the buggy write clobbered */
				bad++;
		}
	printf("cpu     output verified: %s\n", bad ? "ERRORS" : "ok");

	/* 8. The R5 cannot reach memory above 4 GiB: a bounce copy. */
	CHECK(amp_shm_attach(frame, r5, AMP_DIR_BIDIR, &rsg, &nrsg));
	printf("attach  r5: bounced=%s, da 0x%" PRIx64 " (32-bit)\n",
	       amp_shm_is_bounced(frame, r5) ? "yes" : "no", rsg[0].addr);
	strcpy((char *)p, "hello r5");
	CHECK(amp_dev_read(r5, rsg[0].addr, msg, 9));
	printf("r5      reads before the hand-over: \"%.8s\" (stale, as on a "
	       "non-coherent core)\n",
	       msg[0] ? msg : "");
	CHECK(amp_shm_sync_for_device(frame, r5, AMP_DIR_TO_DEVICE, 0, 64));
	CHECK(amp_dev_read(r5, rsg[0].addr, msg, 9));
	printf("r5      reads after sync_for_device: \"%s\"\n", msg);
	bad += strcmp(msg, "hello r5") != 0;
	CHECK(amp_shm_sync_for_cpu(frame, r5, AMP_DIR_TO_DEVICE, 0, 64));

	CHECK(amp_shm_detach(frame, r5));

	/* 9. A coprocessor process with its own address space, over RPMsg. */
	cpu_sum = 0; /* step 8 changed the first bytes */
	for (uint64_t i = 0; i < half / 8; i++)
		cpu_sum += p[i];
	bad += demo_remote_run(frame, half, cpu_sum) != 0;

	CHECK(amp_shm_detach(frame, dsp));
	CHECK(amp_shm_close(frame));
	if (o->source == DEMO_SRC_STATIC)
		CHECK(amp_static_region_remove("frame"));
	if (fd >= 0)
		close(fd);
	CHECK(amp_dev_destroy(r5));
	CHECK(amp_dev_destroy(dsp));
	printf("\n%s\n", bad ? "demo: FAILED" : "demo: all data verified");
	return bad ? 1 : 0;
}
