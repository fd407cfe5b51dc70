/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs inside the VM (tests/vm/run-vm), as /init's test, statically
 * linked: the kernel backends against a real Linux kernel. dma-heap
 * allocation and its CPU access window; udmabuf from a shmem and a hugetlb
 * memfd, and its errors; data written through one side seen through the
 * other; buffers of each kind attached to a simulated IOMMU device, handed
 * over and taken back piecemeal, data checked through amp_dev_read/write.
 * Prints "vmtest: ok" at the end, and the figures it measured (emulator
 * figures: TCG, not a real CPU). Then the benchmark (vmbench.c): quick,
 * or all sizes with "ampbench=full" on the kernel command line (the
 * kernel hands it to /init, and /init to us, in the environment), or
 * not at all with "ampbench=off".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/udmabuf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ampshm/ampshm.h>

#include "port/linux/dmabuf.h"

#define MiB (1ull << 20)

#include "vmbench.h"
#include "vmcheck.h"

static void fill(void *p, size_t len, unsigned seed)
{
	uint32_t *w = p;

	for (size_t i = 0; i < len / 4; i++)
		w[i] = (uint32_t)(i * 2654435761u) ^ seed;
}

static int same(const void *p, size_t len, unsigned seed)
{
	const uint32_t *w = p;

	for (size_t i = 0; i < len / 4; i++)
		if (w[i] != ((uint32_t)(i * 2654435761u) ^ seed))
			return 0;
	return 1;
}

static struct amp_dev *iommu_dev(const char *name)
{
	struct amp_dev_config cfg = { .name = name,
				      .dma_bits = 48,
				      .iommu = true,
				      .bounce = AMP_BOUNCE_NEVER };
	struct amp_dev *dev = NULL;

	if (amp_dev_create(&cfg, &dev))
		return NULL;
	return dev;
}

/*
 * Attach @shm to an IOMMU device; hand [0, half) TO_DEVICE and
 * [half, 2 * half) FROM_DEVICE; the device reads the first and writes the
 * second; take them back piecemeal (quarters) and check the data.
 */
static void handover(struct amp_shm *shm, const char *devname, uint64_t half)
{
	struct amp_dev *dev = iommu_dev(devname);
	unsigned char *va = amp_shm_va(shm), *tmp;
	const struct amp_sg *sg;
	unsigned long s0, e0, s1, e1;
	size_t nsg;
	uint64_t q = half / 2;

	CHECK(dev);
	tmp = malloc(half);
	CHECK(tmp);
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	CHECK_EQ(nsg, 1); /* one IOVA range */
	CHECK(amp_shm_is_bounced(shm, dev) == false);
	fill(va, half, 0x1234);
	amp_dmabuf_counts(&s0, &e0);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, half),
		 0);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, half,
					 half),
		 0);
	amp_dmabuf_counts(&s1, &e1);
	CHECK_EQ(s1 - s0, 2); /* a START and an END at every hand-over */
	CHECK_EQ(e1 - e0, 2);
	/* The device reads what the CPU wrote, writes the other half. */
	CHECK_EQ(amp_dev_read(dev, sg[0].addr, tmp, half), 0);
	CHECK(same(tmp, half, 0x1234));
	fill(tmp, half, 0xbeef);
	CHECK_EQ(amp_dev_write(dev, sg[0].addr + half, tmp, half), 0);
	/* Taken back piecemeal, in an order unlike the hand-over's. */
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE, half + q,
				      q),
		 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, q, q), 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE, half, q),
		 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, q), 0);
	CHECK(same(va + half, half, 0xbeef));
	CHECK(same(va, half, 0x1234));
	CHECK_EQ(amp_shm_detach(shm, dev), 0);
	CHECK_EQ(amp_dev_destroy(dev), 0);
	free(tmp);
}

/* The same pages through an independent mapping of the dma-buf fd. */
static void through_fd(struct amp_shm *shm, uint64_t len)
{
	int fd = amp_shm_dmabuf_fd(shm);
	unsigned char *va = amp_shm_va(shm), *m;

	CHECK(fd >= 0);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	fill(va, len, 0x5a5a);
	CHECK(same(m, len, 0x5a5a));
	fill(m, len, 0xa5a5);
	CHECK(same(va, len, 0xa5a5));
	munmap(m, len);
	close(fd);
}

/*
 * Average cost of a 4 KiB hand-over + take-back, BIDIR, repeated: two
 * END/START pairs each. *first: the very first one after attach (the
 * first START of a udmabuf builds its scatter table).
 */
static void sync_cost(struct amp_shm *shm, double *first, double *avg)
{
	unsigned long s0, e0, s1, e1;
	struct amp_dev *dev = iommu_dev("synccost");
	const int n = 200;
	double t0;

	*first = *avg = -1;
	CHECK(dev);
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	amp_dmabuf_counts(&s0, &e0);
	for (int i = 0; i <= n; i++) {
		if (i <= 1)
			t0 = now_us();
		CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_BIDIR, 0,
						 4096),
			 0);
		CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_BIDIR, 0, 4096),
			 0);
		if (!i)
			*first = now_us() - t0;
	}
	*avg = (now_us() - t0) / n;
	amp_dmabuf_counts(&s1, &e1);
	CHECK_EQ(s1 - s0, 2 * (n + 1));
	CHECK_EQ(e1 - e0, 2 * (n + 1));
	CHECK_EQ(amp_shm_detach(shm, dev), 0);
	CHECK_EQ(amp_dev_destroy(dev), 0);
}

static void test_heap(void)
{
	struct amp_shm *shm, *small;
	double t0, t_alloc, t_touch, t_first, t_sync;

	t0 = now_us();
	CHECK_EQ(amp_shm_open("dmaheap/system:frames", 64 * MiB, 0, &shm), 0);
	t_alloc = now_us() - t0;
	CHECK_EQ(amp_shm_size(shm), 64 * MiB);
	t0 = now_us();
	memset(amp_shm_va(shm), 0x11, 64 * MiB);
	t_touch = now_us() - t0;
	through_fd(shm, 64 * MiB);
	handover(shm, "heapdev", 16 * MiB);

	sync_cost(shm, &t_first, &t_sync);
	CHECK(t_sync >= 0);
	CHECK_EQ(amp_shm_close(shm), 0);

	/* The default heap is "system"; a heap the kernel lacks is named. */
	CHECK_EQ(amp_shm_open("dmaheap/small", 100, 0, &small), 0);
	CHECK_EQ(amp_shm_size(small), 4096);
	CHECK_EQ(amp_shm_close(small), 0);
	CHECK_EQ(amp_shm_open("dmaheap/nosuch:x", 4096, 0, &small), -ENOENT);
	CHECK(strstr(amp_last_error(), "system"));

	printf("vmtest: figure: dma-heap alloc+mmap 64 MiB: %.0f us\n",
	       t_alloc);
	printf("vmtest: figure: dma-heap first touch 64 MiB: %.0f us\n",
	       t_touch);
	printf("vmtest: figure: dma-heap 64 MiB, 4 KiB hand-over + take-back "
	       "(2 SYNC END/START pairs): %.1f us, the first %.1f us\n",
	       t_sync, t_first);
	printf("vmtest: dma-heap: ok\n");
}

/*
 * Heap pages have no physical address a carveout reaches: a device with
 * only a window gets a bounce copy in (simulated) system memory, or -ERANGE
 * when it must not bounce; the copy follows the syncs.
 */
static void heap_bounce(void)
{
	struct amp_window w = { .da = 0, .pa = 0x80000000ull,
				.size = 256 * MiB };
	struct amp_dev_config cfg = { .name = "r5", .dma_bits = 32,
				      .windows = &w, .nwindows = 1 };
	struct amp_dev *dev, *never;
	struct amp_shm *shm;
	const struct amp_sg *sg;
	unsigned char *va, buf[8192];
	size_t nsg;

	CHECK_EQ(amp_shm_open("dmaheap/bounced", 2 * MiB, 0, &shm), 0);
	va = amp_shm_va(shm);
	CHECK_EQ(amp_dev_create(&cfg, &dev), 0);
	cfg.name = "r5-never";
	cfg.bounce = AMP_BOUNCE_NEVER;
	CHECK_EQ(amp_dev_create(&cfg, &never), 0);
	CHECK_EQ(amp_shm_attach(shm, never, AMP_DIR_BIDIR, NULL, NULL),
		 -ERANGE);
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, &sg, &nsg), 0);
	CHECK(amp_shm_is_bounced(shm, dev));
	fill(va, 8192, 0x42);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, 8192),
		 0);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_FROM_DEVICE, MiB,
					 8192),
		 0);
	CHECK_EQ(amp_dev_read(dev, sg[0].addr, buf, 8192), 0);
	CHECK(same(buf, 8192, 0x42));
	fill(buf, 8192, 0x43);
	CHECK_EQ(amp_dev_write(dev, sg[0].addr + MiB, buf, 8192), 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_FROM_DEVICE, MiB,
				      8192),
		 0);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, 8192), 0);
	CHECK(same(va + MiB, 8192, 0x43));
	CHECK_EQ(amp_shm_detach(shm, dev), 0);
	CHECK_EQ(amp_dev_destroy(dev), 0);
	CHECK_EQ(amp_dev_destroy(never), 0);
	CHECK_EQ(amp_shm_close(shm), 0);
	printf("vmtest: dma-heap bounce: ok\n");
}

static volatile sig_atomic_t violations;

static void count_violation(const struct amp_violation *v)
{
	(void)v;
	violations++;
}

/* The ownership checker protects the CPU mapping of a dma-buf too. */
static void heap_checker(void)
{
	struct amp_dev *dev = iommu_dev("checked");
	struct amp_shm *shm;
	volatile unsigned char *va;

	CHECK(dev);
	CHECK_EQ(amp_shm_open("dmaheap/checked", MiB, AMP_SHM_F_CHECK, &shm),
		 0);
	va = amp_shm_va(shm);
	CHECK_EQ(amp_shm_attach(shm, dev, AMP_DIR_BIDIR, NULL, NULL), 0);
	amp_shm_set_violation_handler(count_violation);
	CHECK_EQ(amp_shm_sync_for_device(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096),
		 0);
	va[8192] = 1; /* CPU-owned: fine */
	CHECK_EQ(violations, 0);
	va[100] = 1; /* device-owned: caught */
	CHECK_EQ(violations, 1);
	amp_shm_set_violation_handler(NULL);
	CHECK_EQ(amp_shm_sync_for_cpu(shm, dev, AMP_DIR_TO_DEVICE, 0, 4096), 0);
	CHECK_EQ(amp_shm_detach(shm, dev), 0);
	CHECK_EQ(amp_dev_destroy(dev), 0);
	CHECK_EQ(amp_shm_close(shm), 0);
	printf("vmtest: dma-heap checker: ok\n");
}

static int new_memfd(const char *name, unsigned flags, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | flags);

	if (fd >= 0 && ftruncate(fd, (off_t)size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Data written on one side is seen on the other. */
static void memfd_sides(struct amp_shm *shm, int memfd, uint64_t off,
			uint64_t len)
{
	unsigned char *va = amp_shm_va(shm), *m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
		 (off_t)off);
	CHECK(m != MAP_FAILED);
	fill(va, len, 0x77);
	CHECK(same(m, len, 0x77));
	fill(m, len, 0x99);
	CHECK(same(va, len, 0x99));
	munmap(m, len);
}

static void test_udmabuf_shmem(void)
{
	struct amp_shm *shm;
	double t0, t_create, t_first, t_sync;
	int fd = new_memfd("shmem", MFD_ALLOW_SEALING, 32 * MiB);

	CHECK(fd >= 0);
	t0 = now_us();
	CHECK_EQ(amp_shm_import_udmabuf("user/shmem", fd, 4 * MiB, 16 * MiB, 0,
					&shm),
		 0);
	t_create = now_us() - t0;
	sync_cost(shm, &t_first, &t_sync);
	CHECK(t_sync >= 0);
	CHECK(fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK);
	CHECK_EQ(amp_shm_size(shm), 16 * MiB);
	memfd_sides(shm, fd, 4 * MiB, 16 * MiB);
	through_fd(shm, 16 * MiB);
	handover(shm, "udmadev", 4 * MiB);
	CHECK_EQ(amp_shm_close(shm), 0);
	close(fd);
	printf("vmtest: figure: udmabuf create+import 16 MiB (shmem): "
	       "%.0f us\n",
	       t_create);
	printf("vmtest: figure: udmabuf 16 MiB, 4 KiB hand-over + take-back "
	       "(2 SYNC END/START pairs): %.1f us, the first %.1f us\n",
	       t_sync, t_first);
	printf("vmtest: udmabuf shmem: ok\n");
}

static void test_udmabuf_hugetlb(void)
{
	struct amp_shm *shm;
	double t0, t_create;
	int fd = new_memfd("huge", MFD_ALLOW_SEALING | MFD_HUGETLB, 8 * MiB);

	CHECK(fd >= 0);
	/* Aligned to 4 KiB is not enough for 2 MiB pages. */
	CHECK_EQ(amp_shm_import_udmabuf("user/hbad", fd, 4096, 2 * MiB, 0,
					&shm),
		 -EINVAL);
	CHECK(strstr(amp_last_error(), "hugetlb"));
	t0 = now_us();
	CHECK_EQ(amp_shm_import_udmabuf("user/huge", fd, 2 * MiB, 4 * MiB, 0,
					&shm),
		 0);
	t_create = now_us() - t0;
	memfd_sides(shm, fd, 2 * MiB, 4 * MiB);
	handover(shm, "hugedev", 2 * MiB);
	CHECK_EQ(amp_shm_close(shm), 0);
	close(fd);
	printf("vmtest: figure: udmabuf create+import 4 MiB (hugetlb): "
	       "%.0f us\n",
	       t_create);
	printf("vmtest: udmabuf hugetlb: ok\n");
}

/* Three ranges of two memfds, back to back in one dma-buf. */
static void test_udmabuf_list(void)
{
	int a = new_memfd("list-a", MFD_ALLOW_SEALING, 4 * MiB);
	int b = new_memfd("list-b", MFD_ALLOW_SEALING, 4 * MiB);
	struct amp_udmabuf_range r[3] = { { a, 0, 1 * MiB },
					  { b, 1 * MiB, 2 * MiB },
					  { a, 2 * MiB, MiB } };
	uint64_t at = 0;
	struct amp_shm *shm;
	unsigned char *va;

	CHECK(a >= 0 && b >= 0);
	CHECK_EQ(amp_shm_import_udmabuf_list("user/list", r, 3, 0, &shm), 0);
	CHECK_EQ(amp_shm_size(shm), 4 * MiB);
	va = amp_shm_va(shm);
	for (int i = 0; i < 3; i++) {
		unsigned char *m = mmap(NULL, r[i].len, PROT_READ | PROT_WRITE,
					MAP_SHARED, r[i].memfd,
					(off_t)r[i].offset);

		CHECK(m != MAP_FAILED);
		fill(m, r[i].len, 0x100 + i);
		CHECK(same(va + at, r[i].len, 0x100 + i));
		fill(va + at, r[i].len, 0x200 + i);
		CHECK(same(m, r[i].len, 0x200 + i));
		munmap(m, r[i].len);
		at += r[i].len;
	}
	handover(shm, "listdev", 2 * MiB);
	CHECK_EQ(amp_shm_close(shm), 0);
	/* One bad range: named, and no memfd sealed. */
	{
		int c = new_memfd("list-c", MFD_ALLOW_SEALING, 4 * MiB);
		struct amp_udmabuf_range bad[2] = { { c, 0, MiB },
						    { c, 4096 + 1, MiB } };

		CHECK(c >= 0);
		CHECK_EQ(amp_shm_import_udmabuf_list("user/bad", bad, 2, 0,
						     &shm),
			 -EINVAL);
		CHECK(strstr(amp_last_error(), "range 1"));
		CHECK_EQ(fcntl(c, F_GET_SEALS) & F_SEAL_SHRINK, 0);
		close(c);
	}
	close(a);
	close(b);
	printf("vmtest: udmabuf list: ok\n");
}

static void test_udmabuf_errors(void)
{
	struct amp_shm *shm;
	int fd = new_memfd("errs", MFD_ALLOW_SEALING, 4 * MiB);
	int nosealing = new_memfd("noseal", 0, 4 * MiB);

	CHECK(fd >= 0 && nosealing >= 0);
	CHECK_EQ(amp_shm_import_udmabuf("user/e1", fd, 100, 4096, 0, &shm),
		 -EINVAL);
	CHECK(strstr(amp_last_error(), "page size"));
	CHECK_EQ(amp_shm_import_udmabuf("user/e2", fd, 0, 8 * MiB, 0, &shm),
		 -EINVAL);
	CHECK(strstr(amp_last_error(), "beyond the end"));
	CHECK_EQ(amp_shm_import_udmabuf("user/e3", nosealing, 0, 4096, 0, &shm),
		 -EPERM);
	CHECK(strstr(amp_last_error(), "MFD_ALLOW_SEALING"));
	{
		int big = new_memfd("big", MFD_ALLOW_SEALING, 80 * MiB);

		CHECK(big >= 0);
		CHECK(amp_shm_import_udmabuf("user/e4", big, 0, 80 * MiB, 0,
					     &shm) < 0);
		CHECK(strstr(amp_last_error(), "size_limit_mb"));
		close(big);
	}
	/* What the kernel itself says to an unsealed memfd: EINVAL. */
	{
		struct udmabuf_create c = { .memfd = (uint32_t)nosealing,
					    .size = 4096 };
		int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);

		CHECK(dev >= 0);
		CHECK(ioctl(dev, UDMABUF_CREATE, &c) < 0 && errno == EINVAL);
		close(dev);
	}
	close(fd);
	close(nosealing);
	printf("vmtest: udmabuf errors: ok\n");
}

/* The kernel fact the window logic exists for (informational). */
static void kernel_end_first(void)
{
	struct dma_buf_sync s = { DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW };
	int fd = new_memfd("endfirst", MFD_ALLOW_SEALING, 2 * MiB);
	struct amp_udmabuf_range range = { fd, 0, 2 * MiB };
	int dmabuf = fd >= 0 ? amp_linux_udmabuf_create(&range, 1) : -1;
	int r;

	if (dmabuf < 0) {
		printf("vmtest: FAILED to create a udmabuf: %s\n",
		       amp_last_error());
		failures++;
		return;
	}
	r = ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &s);
	printf("vmtest: kernel: SYNC_END before any START on a udmabuf: %s\n",
	       r ? strerror(errno) : "accepted");
	close(dmabuf);
	close(fd);
}

int main(void)
{
	double t0 = now_us();

	setvbuf(stdout, NULL, _IONBF, 0);
	/* Bounce copies come from the simulated DDR: keep it small. */
	setenv("AMPSHM_SYSMEM_SIZE", "256M", 1);
	test_heap();
	heap_bounce();
	heap_checker();
	test_udmabuf_shmem();
	test_udmabuf_hugetlb();
	test_udmabuf_list();
	test_udmabuf_errors();
	kernel_end_first();
	if (!failures) {
		const char *b = getenv("ampbench");

		if (!b || strcmp(b, "off"))
			failures += vm_bench(!b || strcmp(b, "full"));
	}
	printf("vmtest: %s in %.1f s, %d failure(s)\n",
	       failures ? "FAILED" : "ok", (now_us() - t0) / 1e6, failures);
	return failures ? 1 : 0;
}
