/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "dmaheap" provider: buffers allocated by the kernel from a dma-buf heap,
 * /dev/dma_heap/<heap> (system, cma, or a board's named carveout heap).
 *
 *   amp_shm_open("dmaheap/frame", size, 0, &shm)         heap "system"
 *   amp_shm_open("dmaheap/cma:frame", size, 0, &shm)     heap "cma"
 *
 * The buffer's identity is its dma-buf fd (amp_shm_dmabuf_fd() gives a
 * duplicate to pass to another process or a driver). The CPU maps it;
 * every hand-over brackets the CPU's access window with DMA_BUF_IOCTL_SYNC
 * (port/linux/dmabuf.c).
 *
 * User space does not learn the physical addresses of heap pages: each
 * buffer is numbered in a pseudo-physical "dma-heap aperture" (a container
 * in the physical map, like the user aperture), which only an IOMMU-like
 * address space, or a bounce copy, reaches on this host.
 *
 * $AMPSHM_DMA_HEAP_DIR replaces /dev/dma_heap (tests, unusual devtmpfs
 * mounts).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/dma-heap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/aperture.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "mm/ralloc.h"
#include "port/linux/dmabuf.h"
#include "port/linux/mem.h"

#define HEAP_APERTURE_PA (18ull << 40)
#define HEAP_APERTURE_SIZE (1ull << 40)
#define HEAP_DEFAULT "system"

struct heap_priv {
	struct amp_aperture_buf ab; /* range, mappings */
	struct amp_dmabuf_win win; /* win.fd: the dma-buf */
};

static struct amp_aperture aperture = { .pa = HEAP_APERTURE_PA,
					.size = HEAP_APERTURE_SIZE,
					.what = "dma-heap aperture" };

static const char *heap_dir(void)
{
	const char *d = getenv("AMPSHM_DMA_HEAP_DIR");

	return d && *d ? d : "/dev/dma_heap";
}

/* The heaps the kernel offers, for messages: "system, cma" or "none". */
static void list_heaps(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	out[0] = '\0';
	while (d && (e = readdir(d))) {
		int w;

		if (e->d_name[0] == '.')
			continue;
		w = snprintf(out + n, len - n, "%s%s", n ? ", " : "",
			     e->d_name);
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
	if (d)
		closedir(d);
	if (!out[0])
		snprintf(out, len, "none");
}

/* "heap:name" or "name"; the heap is a plain file name. */
static int parse_name(const char *subname, char *heap, size_t len)
{
	const char *colon = strchr(subname, ':');
	size_t n;

	if (!colon) {
		snprintf(heap, len, "%s", HEAP_DEFAULT);
		return 0;
	}
	n = (size_t)(colon - subname);
	if (!n || n >= len || !colon[1] || subname[0] == '.')
		return amp_err(-EINVAL,
			       "dmaheap: '%s' is not \"<heap>:<name>\" or "
			       "\"<name>\"",
			       subname);
	memcpy(heap, subname, n);
	heap[n] = '\0';
	return 0;
}

static int open_heap(const char *heap)
{
	const char *dir = heap_dir();
	char path[256], have[192];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, heap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return amp_err(-errno, "dmaheap: cannot open %s", path);
	if (stat(dir, &st))
		return amp_err(-ENODEV,
			       "dmaheap: %s does not exist: the kernel lacks "
			       "CONFIG_DMABUF_HEAPS / "
			       "CONFIG_DMABUF_HEAPS_SYSTEM (or devtmpfs is "
			       "not mounted on /dev)",
			       dir);
	list_heaps(dir, have, sizeof(have));
	return amp_err(-ENOENT,
		       "dmaheap: no heap '%s' in %s (the kernel offers: %s; "
		       "CONFIG_DMABUF_HEAPS_SYSTEM gives \"system\", "
		       "CONFIG_DMABUF_HEAPS_CMA \"reserved\" or \"linux,cma\")",
		       heap, dir, have);
}

static int heap_alloc_fd(const char *heap, uint64_t size, int *out)
{
	struct dma_heap_allocation_data d = { 0 };
	int hfd, ret;

	hfd = open_heap(heap);
	if (hfd < 0)
		return hfd;
	d.len = size;
	d.fd_flags = O_RDWR | O_CLOEXEC;
	ret = ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d);
	if (ret) {
		ret = -errno;
		if (ret == -ENOTTY || ret == -EINVAL)
			amp_err(ret,
				"dmaheap: %s/%s refused DMA_HEAP_IOCTL_ALLOC "
				"(not a dma-buf heap?)",
				heap_dir(), heap);
		else
			amp_err(ret,
				"dmaheap: heap '%s' could not allocate "
				"0x%" PRIx64 " bytes",
				heap, size);
	} else {
		*out = (int)d.fd;
	}
	close(hfd);
	return ret;
}

static int heap_alloc(struct amp_shm *shm, const char *subname, uint64_t size,
		      unsigned flags, const void *arg)
{
	struct heap_priv *h;
	char heap[64], what[40];
	int fd = -1, ret;

	if (!size)
		return amp_err(-EINVAL, "dmaheap: a new buffer needs a size");
	if (flags & (AMP_SHM_F_CONTIG | AMP_SHM_F_HUGE))
		return amp_err(-EINVAL,
			       "dmaheap: the heap decides the layout: "
			       "AMP_SHM_F_CONTIG and AMP_SHM_F_HUGE do not "
			       "apply (the \"cma\" heap is contiguous)");
	ret = parse_name(subname, heap, sizeof(heap));
	if (ret)
		return ret;
	size = amp_align_up(size, 4096);
	if (!size || size > HEAP_APERTURE_SIZE)
		return amp_err(-EINVAL, "dmaheap: size too large");
	ret = heap_alloc_fd(heap, size, &fd);
	if (ret)
		return ret;
	h = calloc(1, sizeof(*h));
	if (!h) {
		ret = -ENOMEM;
		goto err_fd;
	}
	h->win.fd = fd;
	snprintf(what, sizeof(what), "dmaheap/%s", subname);
	ret = amp_aperture_buf_init(&aperture, &h->ab, shm, fd, 0, size, NULL,
				    4096, what);
	if (ret)
		goto err_free;
	shm->priv = h;
	/* The CPU owns a fresh buffer: open its access window. */
	ret = amp_dmabuf_open_window(&h->win, "dmaheap");
	if (ret)
		goto err_buf;
	return 0;
err_buf:
	shm->priv = NULL;
	amp_aperture_buf_fini(&aperture, &h->ab, shm);
err_free:
	free(h);
err_fd:
	close(fd);
	return ret;
}

static void heap_free(struct amp_shm *shm)
{
	struct heap_priv *h = shm->priv;

	amp_dmabuf_close_window(&h->win);
	amp_aperture_buf_fini(&aperture, &h->ab, shm);
	close(h->win.fd);
	free(h);
}

static int heap_to_device(struct amp_shm *shm, enum amp_dir dir)
{
	struct heap_priv *h = shm->priv;

	return amp_dmabuf_to_device(&h->win, dir, "dmaheap");
}

static int heap_to_cpu(struct amp_shm *shm, enum amp_dir dir)
{
	struct heap_priv *h = shm->priv;

	return amp_dmabuf_to_cpu(&h->win, dir, "dmaheap");
}

int amp_dmaheap_dmabuf_fd(const struct amp_shm *shm)
{
	const struct heap_priv *h = shm->priv;

	return h ? h->win.fd : -1;
}

const struct amp_provider amp_provider_dmaheap = {
	.name = "dmaheap",
	.alloc = heap_alloc,
	.free = heap_free,
	.to_device = heap_to_device,
	.to_cpu = heap_to_cpu,
};
