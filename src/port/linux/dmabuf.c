/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dma-buf CPU access windows and udmabuf creation (see dmabuf.h).
 *
 * The kernel's sync interface is whole-buffer, so every hand-over is
 * bracketed, in either direction: END closes the CPU's window (the kernel
 * writes back what the CPU wrote, everywhere), START reopens it for what
 * the CPU still owns (the kernel invalidates). END first means START never
 * discards a CPU write. The flags say what the CPU did or will do, from
 * the direction (the libmetal proposal had them the wrong way round): a
 * range going TO_DEVICE was written by the CPU; one coming back
 * FROM_DEVICE will be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/dma-buf.h>
#include <linux/udmabuf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ampshm/shm.h>

#include "core/error.h"
#include "core/handle.h"
#include "core/shm_internal.h"
#include "port/linux/dmabuf.h"
#include "port/linux/mem.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static unsigned long n_start, n_end;

void amp_dmabuf_counts(unsigned long *starts, unsigned long *ends)
{
	*starts = __atomic_load_n(&n_start, __ATOMIC_RELAXED);
	*ends = __atomic_load_n(&n_end, __ATOMIC_RELAXED);
}

bool amp_linux_fd_is_dmabuf(int fd)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	return strstr(link, "dmabuf") != NULL;
}

static int win_sync(struct amp_dmabuf_win *w, unsigned flags, const char *who)
{
	struct dma_buf_sync s = { flags };
	int ret;

	do
		ret = ioctl(w->fd, DMA_BUF_IOCTL_SYNC, &s);
	while (ret && (errno == EINTR || errno == EAGAIN));
	if (ret)
		return amp_err(-errno, "%s: DMA_BUF_IOCTL_SYNC %s failed", who,
			       (flags & DMA_BUF_SYNC_END) ? "END" : "START");
	if (flags & DMA_BUF_SYNC_END) {
		__atomic_add_fetch(&n_end, 1, __ATOMIC_RELAXED);
		w->open = false;
	} else {
		__atomic_add_fetch(&n_start, 1, __ATOMIC_RELAXED);
		w->open = true;
	}
	return 0;
}

int amp_dmabuf_open_window(struct amp_dmabuf_win *w, const char *who)
{
	if (w->open)
		return 0;
	return win_sync(w, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, who);
}

void amp_dmabuf_close_window(struct amp_dmabuf_win *w)
{
	if (w->open)
		win_sync(w, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW, "dma-buf");
}

static int handover(struct amp_dmabuf_win *w, unsigned end, unsigned start,
		    const char *who)
{
	int ret;

	/* Never an END without a START before it. */
	if (w->open) {
		ret = win_sync(w, DMA_BUF_SYNC_END | end, who);
		if (ret)
			return ret;
	}
	return win_sync(w, DMA_BUF_SYNC_START | start, who);
}

int amp_dmabuf_to_device(struct amp_dmabuf_win *w, enum amp_dir dir,
			 const char *who)
{
	return handover(w,
			dir == AMP_DIR_TO_DEVICE ? DMA_BUF_SYNC_WRITE :
						   DMA_BUF_SYNC_RW,
			DMA_BUF_SYNC_RW, who);
}

int amp_dmabuf_to_cpu(struct amp_dmabuf_win *w, enum amp_dir dir,
		      const char *who)
{
	return handover(w, DMA_BUF_SYNC_RW,
			dir == AMP_DIR_TO_DEVICE ? DMA_BUF_SYNC_WRITE :
						   DMA_BUF_SYNC_RW,
			who);
}

/* Checks that change nothing: kind of file, alignment, size, seals. */
static int udmabuf_check(const struct amp_udmabuf_range *r, size_t i, size_t n,
			 int *seals)
{
	char at[32] = "";
	struct stat st;
	size_t pgsz;

	if (n > 1)
		snprintf(at, sizeof(at), " (range %zu)", i);
	if (r->memfd < 0 || fstat(r->memfd, &st))
		return amp_err(-EBADF, "udmabuf: fd %d is not open%s", r->memfd,
			       at);
	*seals = fcntl(r->memfd, F_GET_SEALS);
	if (!S_ISREG(st.st_mode) || *seals < 0)
		return amp_err(-EINVAL,
			       "udmabuf: fd %d is not a memfd (udmabuf "
			       "takes the pages of a memfd_create() file, "
			       "shmem or hugetlb)%s",
			       r->memfd, at);
	pgsz = amp_linux_fd_page_size(r->memfd);
	if (!r->len)
		return amp_err(-EINVAL, "udmabuf: empty range%s", at);
	if ((r->offset | r->len) & (pgsz - 1))
		return amp_err(-EINVAL,
			       "udmabuf: offset 0x%" PRIx64 " and length "
			       "0x%" PRIx64 " must be multiples of the "
			       "memfd's page size (0x%zx%s)%s",
			       r->offset, r->len, pgsz,
			       pgsz > 4096 ? ", hugetlb" : "", at);
	if (r->offset > (uint64_t)st.st_size ||
	    r->len > (uint64_t)st.st_size - r->offset)
		return amp_err(-EINVAL,
			       "udmabuf: [0x%" PRIx64 ", +0x%" PRIx64
			       ") is beyond the end of the memfd "
			       "(0x%" PRIx64 " bytes): grow it with "
			       "ftruncate() first%s",
			       r->offset, r->len, (uint64_t)st.st_size, at);
	if (*seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return amp_err(-EINVAL,
			       "udmabuf: memfd %d is sealed against "
			       "writing: the kernel refuses it%s",
			       r->memfd, at);
	if (!(*seals & F_SEAL_SHRINK) && (*seals & F_SEAL_SEAL))
		return amp_err(
			-EPERM,
			"udmabuf: memfd %d cannot be sealed with "
			"F_SEAL_SHRINK, which udmabuf needs: create "
			"it with memfd_create(name, MFD_ALLOW_SEALING)%s",
			r->memfd, at);
	return 0;
}

static int udmabuf_ioctl(int dfd, const struct amp_udmabuf_range *r, size_t n)
{
	struct udmabuf_create_list *l;
	int fd;

	if (n == 1) {
		struct udmabuf_create c = { .memfd = (uint32_t)r->memfd,
					    .flags = UDMABUF_FLAGS_CLOEXEC,
					    .offset = r->offset,
					    .size = r->len };

		return ioctl(dfd, UDMABUF_CREATE, &c);
	}
	l = calloc(1, sizeof(*l) + n * sizeof(l->list[0]));
	if (!l) {
		errno = ENOMEM;
		return -1;
	}
	l->flags = UDMABUF_FLAGS_CLOEXEC;
	l->count = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		l->list[i] = (struct udmabuf_create_item){
			.memfd = (uint32_t)r[i].memfd,
			.offset = r[i].offset,
			.size = r[i].len,
		};
	fd = ioctl(dfd, UDMABUF_CREATE_LIST, l);
	free(l);
	return fd;
}

int amp_linux_udmabuf_create(const struct amp_udmabuf_range *r, size_t n)
{
	const char *dev = getenv("AMPSHM_UDMABUF_DEV");
	uint64_t total = 0;
	int *seals, dfd, fd, ret = 0;

	if (!r || !n || n > AMP_UDMABUF_MAX_RANGES)
		return amp_err(-EINVAL, "udmabuf: 1 to %d ranges, not %zu",
			       AMP_UDMABUF_MAX_RANGES, r ? n : 0);
	seals = calloc(n, sizeof(*seals));
	if (!seals)
		return amp_err(-ENOMEM, "udmabuf: out of memory");
	for (size_t i = 0; i < n && !ret; i++) {
		ret = udmabuf_check(&r[i], i, n, &seals[i]);
		if (!ret && total + r[i].len < total)
			ret = amp_err(-EINVAL, "udmabuf: ranges too large");
		total += r[i].len;
	}
	if (ret)
		goto out_free;
	if (!dev || !*dev)
		dev = "/dev/udmabuf";
	dfd = open(dev, O_RDWR | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			ret = amp_err(-ENODEV,
				      "udmabuf: %s is missing: the kernel "
				      "lacks CONFIG_UDMABUF",
				      dev);
		else
			ret = amp_err(-errno, "udmabuf: cannot open %s", dev);
		goto out_free;
	}
	for (size_t i = 0; i < n; i++) {
		if ((seals[i] & F_SEAL_SHRINK) ||
		    !fcntl(r[i].memfd, F_ADD_SEALS, F_SEAL_SHRINK))
			continue;
		ret = amp_err(-errno,
			      "udmabuf: cannot seal memfd %d with "
			      "F_SEAL_SHRINK, which udmabuf needs",
			      r[i].memfd);
		goto out;
	}
	fd = udmabuf_ioctl(dfd, r, n);
	if (fd < 0) {
		ret = -errno;
		if ((ret == -EINVAL || ret == -E2BIG) && total > (64ull << 20))
			amp_err(ret,
				"udmabuf: UDMABUF_CREATE of 0x%" PRIx64
				" bytes refused: more than the module's "
				"size_limit_mb (64 MiB by default; "
				"udmabuf.size_limit_mb= on the kernel "
				"command line)",
				total);
		else
			amp_err(ret,
				"udmabuf: UDMABUF_CREATE of %zu range(s), "
				"0x%" PRIx64 " bytes, refused by the kernel",
				n, total);
		goto out;
	}
	ret = fd;
out:
	close(dfd);
out_free:
	free(seals);
	return ret;
}

int amp_shm_dmabuf_fd(struct amp_shm *shm)
{
	int fd = -1, dup, ret;

	ret = AMP_CHECK_SHM(shm);
	if (ret)
		return ret;
	amp_global_lock();
	if (shm->provider == &amp_provider_user)
		fd = amp_user_dmabuf_fd(shm);
	else if (shm->provider == &amp_provider_dmaheap)
		fd = amp_dmaheap_dmabuf_fd(shm);
	dup = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0 && dup < 0)
		dup = -errno;
	amp_global_unlock();
	if (fd < 0)
		return amp_err(-ENOTSUP,
			       "shm: '%s' is not a dma-buf (only dmaheap/ "
			       "buffers and imports of a dma-buf or udmabuf "
			       "are)",
			       shm->name);
	if (dup < 0)
		return amp_err(dup,
			       "shm: cannot duplicate the dma-buf fd of "
			       "'%s'",
			       shm->name);
	return dup;
}
