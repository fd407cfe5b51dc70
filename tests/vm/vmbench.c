/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel backends' costs per size, measured inside the VM by vmtest
 * (emulator figures: QEMU TCG on one vCPU). For each size and each kind
 * of buffer (a dma-heap "system" buffer; a udmabuf made from a shmem
 * memfd), repeated: creation (amp_shm_open / amp_shm_import_udmabuf,
 * with the CPU mapping), the first touch of the mapping (one write per
 * 4 KiB page: the page faults), a 4 KiB hand-over + take-back
 * (amp_shm_sync_for_device + amp_shm_sync_for_cpu, BIDIR: the
 * DMA_BUF_IOCTL_SYNC END/START pairs) and the same for the whole buffer,
 * and the close. Medians. The JSON document goes to stdout between
 * "AMPSHM-VM-BENCH-BEGIN" and "AMPSHM-VM-BENCH-END" lines, where
 * scripts/vm/run-vm finds it. Units: every figure's key ends in its unit.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ampshm/ampshm.h>

#include "vmcheck.h"
#include "vmbench.h"

#define MiB (1ull << 20)
#define MAX_REPS 5
#define SYNC_REPS 20
#define FULL_SYNC_REPS 5

enum kind { HEAP, UDMABUF, NKINDS };

static const char *const kind_name[NKINDS] = { "dmaheap", "udmabuf" };

struct figures {
	double create_us, touch_us, sync_4k_pair_us, sync_4k_first_pair_us,
		sync_full_pair_us, close_us;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int new_memfd(uint64_t size)
{
	int fd = memfd_create("bench", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd >= 0 && ftruncate(fd, (off_t)size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One hand-over + take-back of [off, off + len), timed. */
static double sync_pair(struct amp_shm *shm, struct amp_dev *dev, uint64_t off,
			uint64_t len)
{
	double t0 = now_us();

	if (amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, off, len) ||
	    amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, off, len))
		return -1;
	return now_us() - t0;
}

/* One repetition: create, touch, sync, close one buffer of @size. */
static void one_rep(enum kind k, uint64_t size, struct amp_dev *dev,
		    struct figures *f)
{
	double s4k[SYNC_REPS], sfull[FULL_SYNC_REPS], t0;
	struct amp_shm *shm;
	volatile unsigned char *va;
	int memfd = -1;

	if (k == UDMABUF) {
		memfd = new_memfd(size);
		CHECK(memfd >= 0);
	}
	t0 = now_us();
	if (k == HEAP)
		CHECK_EQ(amp_shm_open("dmaheap/system:bench", size, 0, &shm),
			 0);
	else
		CHECK_EQ(amp_shm_import_udmabuf("user/bench", memfd, 0, size, 0,
						&shm),
			 0);
	f->create_us = now_us() - t0;
	CHECK_EQ(amp_shm_size(shm), size);
	va = amp_shm_va(shm);
	t0 = now_us();
	for (uint64_t i = 0; i < size; i += 4096)
		va[i] = 1;
	f->touch_us = now_us() - t0;

	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	f->sync_4k_first_pair_us = sync_pair(shm, dev, 0, 4096);
	CHECK(f->sync_4k_first_pair_us >= 0);
	for (int i = 0; i < SYNC_REPS; i++) {
		s4k[i] = sync_pair(shm, dev, 0, 4096);
		CHECK(s4k[i] >= 0);
	}
	for (int i = 0; i < FULL_SYNC_REPS; i++) {
		sfull[i] = sync_pair(shm, dev, 0, size);
		CHECK(sfull[i] >= 0);
	}
	f->sync_4k_pair_us = median(s4k, SYNC_REPS);
	f->sync_full_pair_us = median(sfull, FULL_SYNC_REPS);
	CHECK_EQ(amp_shm_detach(shm, dev), 0);

	t0 = now_us();
	CHECK_EQ(amp_shm_close(shm), 0);
	f->close_us = now_us() - t0;
	if (memfd >= 0)
		close(memfd);
}

int vm_bench(bool quick)
{
	static const uint64_t sizes[] = { 1 * MiB, 4 * MiB, 16 * MiB,
					  64 * MiB };
	int nsizes = quick ? 2 : 4, reps = quick ? 3 : MAX_REPS;
	struct figures res[NKINDS][4], f[MAX_REPS];
	struct amp_dev_config cfg = { .name = "benchdev",
				      .dma_bits = 48,
				      .iommu = true,
				      .bounce = AMP_BOUNCE_NEVER };
	struct amp_dev *dev = NULL;
	struct utsname u;
	double t0 = now_us(), v[MAX_REPS];

	printf("vmtest: bench: start (%s)\n", quick ? "quick" : "full");
	if (amp_dev_create(&cfg, &dev) || uname(&u)) {
		printf("vmtest: FAILED bench: no device (last error: %s)\n",
		       amp_last_error());
		return 1;
	}
	for (int k = 0; k < NKINDS; k++) {
		for (int s = 0; s < nsizes; s++) {
			for (int r = 0; r < reps; r++) {
				int before = failures;

				one_rep(k, sizes[s], dev, &f[r]);
				if (failures != before)
					goto out;
			}
#define MED(field)                                 \
	do {                                       \
		for (int r = 0; r < reps; r++)     \
			v[r] = f[r].field;         \
		res[k][s].field = median(v, reps); \
	} while (0)
			MED(create_us);
			MED(touch_us);
			MED(sync_4k_pair_us);
			MED(sync_4k_first_pair_us);
			MED(sync_full_pair_us);
			MED(close_us);
#undef MED
		}
	}

	printf("AMPSHM-VM-BENCH-BEGIN\n");
	printf("{\"benchmark\": \"vm_kernel_backends\", "
	       "\"emulator\": \"qemu tcg, 1 vCPU\", \"kernel\": \"%s\",\n",
	       u.release);
	printf(" \"quick\": %s, \"repetitions\": %d, "
	       "\"sync_repetitions\": %d, \"full_sync_repetitions\": %d,\n",
	       quick ? "true" : "false", reps, SYNC_REPS, FULL_SYNC_REPS);
	printf(" \"results\": [\n");
	for (int k = 0; k < NKINDS; k++) {
		for (int s = 0; s < nsizes; s++) {
			struct figures *m = &res[k][s];

			printf("  {\"kind\": \"%s\", \"size_bytes\": %llu, "
			       "\"create_us\": %.1f, \"first_touch_us\": %.1f, "
			       "\"sync_4k_pair_us\": %.2f, "
			       "\"sync_4k_first_pair_us\": %.2f, "
			       "\"sync_full_pair_us\": %.2f, "
			       "\"close_us\": %.1f}%s\n",
			       kind_name[k], (unsigned long long)sizes[s],
			       m->create_us, m->touch_us, m->sync_4k_pair_us,
			       m->sync_4k_first_pair_us, m->sync_full_pair_us,
			       m->close_us,
			       k == NKINDS - 1 && s == nsizes - 1 ? "" : ",");
		}
	}
	printf(" ],\n \"run_s\": %.2f}\n", (now_us() - t0) / 1e6);
	printf("AMPSHM-VM-BENCH-END\n");
out:
	amp_dev_destroy(dev);
	printf("vmtest: bench: %s in %.1f s\n", failures ? "FAILED" : "ok",
	       (now_us() - t0) / 1e6);
	return failures;
}
