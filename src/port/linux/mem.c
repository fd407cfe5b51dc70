/* SPDX-License-Identifier: BSD-3-Clause */
#include "port/linux/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21 << 26)
#endif

int amp_linux_memfd(const char *name, uint64_t size, bool huge,
		    size_t *page_size)
{
	int fd = -1;

	if (huge) {
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING |
						MFD_HUGETLB | MFD_HUGE_2MB);
		if (fd >= 0 && ftruncate(fd, (off_t)size)) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			*page_size = AMP_HUGE_2M;
	}
	if (fd < 0) {
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0)
			return -errno;
		if (ftruncate(fd, (off_t)size)) {
			int err = -errno;

			close(fd);
			return err;
		}
		*page_size = (size_t)sysconf(_SC_PAGESIZE);
	}
	return fd;
}

int amp_linux_map_pieces(const struct amp_map_piece *p, size_t n,
			 uint64_t total, uint64_t align, void **va)
{
	uint64_t span = total + (align > 4096 ? align : 0);
	char *base, *start;
	uint64_t off = 0;

	/* Reserve the whole range, then place the pieces inside it. */
	base = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	start = base;
	if (align > 4096) {
		start = (char *)(((uintptr_t)base + align - 1) & ~(align - 1));
		if (start > base)
			munmap(base, (size_t)(start - base));
		munmap(start + total, (size_t)(base + span - (start + total)));
	}
	for (size_t i = 0; i < n; i++) {
		void *m = mmap(start + off, p[i].len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_FIXED, p[i].fd,
			       (off_t)p[i].fd_off);

		if (m == MAP_FAILED) {
			int err = -errno;

			munmap(start, total);
			return err;
		}
		off += p[i].len;
	}
	*va = start;
	return 0;
}

int amp_linux_map_fd(int fd, uint64_t off, uint64_t len, void **va)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE, fd, (off_t)off);

	if (m == MAP_FAILED)
		return -errno;
	*va = m;
	return 0;
}

void amp_linux_unmap(void *va, uint64_t len)
{
	if (va && len)
		munmap(va, len);
}

void amp_linux_advise_huge(void *va, uint64_t len)
{
	madvise(va, len, MADV_HUGEPAGE);
}

void amp_linux_discard(int fd, uint64_t off, uint64_t len)
{
	fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		  (off_t)len);
}

size_t amp_linux_fd_page_size(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC)
		return (size_t)sfs.f_bsize;
	return (size_t)sysconf(_SC_PAGESIZE);
}
