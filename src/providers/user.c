/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "user" provider: memory the application already has, imported from a
 * file descriptor another process (or a device driver) can map: a memfd,
 * a file on tmpfs or hugetlbfs, or a dma-buf.
 *
 * Imported memory gets a pseudo-physical range in the "user aperture",
 * far above every carveout and system memory: like real user pages, a
 * device can reach it only through an IOMMU, or through a bounce buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/aperture.h"
#include "core/phys.h"
#include "core/shm_internal.h"
#include "mm/ralloc.h"
#include "port/linux/dmabuf.h"
#include "port/linux/mem.h"

#define USER_APERTURE_PA (16ull << 40)
#define USER_APERTURE_SIZE (1ull << 40)

struct user_import {
	int fd;
	uint64_t offset, len;
	void *cpu_va; /* the application's own mapping, or NULL */
};

struct user_priv {
	int fd;
	struct amp_aperture_buf ab; /* range, mappings */
	bool dmabuf;
	struct amp_dmabuf_win win; /* if dmabuf */
};

static struct amp_aperture aperture = { .pa = USER_APERTURE_PA,
					.size = USER_APERTURE_SIZE,
					.what = "user aperture" };

/* Can another process map @fd? Fills its size and page size. */
static int check_fd(int fd, bool *dmabuf, uint64_t *fsize, size_t *pgsz)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return amp_err(-EBADF, "user: fd %d is not open", fd);
	*dmabuf = false;
	*pgsz = amp_linux_fd_page_size(fd);
	if (S_ISREG(st.st_mode)) {
		*fsize = (uint64_t)st.st_size;
		return 0;
	}
	if (amp_linux_fd_is_dmabuf(fd)) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end < 0)
			return amp_err(-errno, "user: cannot size dma-buf %d",
				       fd);
		*dmabuf = true;
		*fsize = (uint64_t)end;
		return 0;
	}
	return amp_err(-EINVAL,
		       "user: fd %d is not shareable memory (a pipe, "
		       "socket or device): import a memfd, a tmpfs or "
		       "hugetlbfs file, or a dma-buf",
		       fd);
}

static int user_alloc(struct amp_shm *shm, const char *subname, uint64_t size,
		      unsigned flags, const void *arg)
{
	const struct user_import *im = arg;
	struct user_priv *u;
	char what[40];
	uint64_t fsize = 0;
	size_t pgsz = 4096;
	bool dmabuf = false;
	int ret;

	if (!im)
		return amp_err(-ENOENT,
			       "user: '%s' is not imported; user "
			       "buffers are created by "
			       "amp_shm_import_fd()",
			       subname);
	ret = check_fd(im->fd, &dmabuf, &fsize, &pgsz);
	if (ret)
		return ret;
	if (!im->len)
		return amp_err(-EINVAL, "user: empty import");
	if (im->offset & (pgsz - 1))
		return amp_err(-EINVAL,
			       "user: offset 0x%" PRIx64 " is not "
			       "aligned to the fd's page size (%zu)",
			       im->offset, pgsz);
	size = amp_align_up(im->len, pgsz);
	if (!size)
		return amp_err(-EINVAL,
			       "user: length 0x%" PRIx64 " is too large",
			       im->len);
	if (im->offset > fsize || size > fsize - im->offset)
		return amp_err(-EINVAL,
			       "user: [0x%" PRIx64 ", +0x%" PRIx64
			       ") is beyond the end of the file "
			       "(0x%" PRIx64 " bytes): grow it with "
			       "ftruncate() first",
			       im->offset, size, fsize);
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->dmabuf = dmabuf;
	u->fd = fcntl(im->fd, F_DUPFD_CLOEXEC, 0);
	if (u->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	snprintf(what, sizeof(what), "user/%s", subname);
	ret = amp_aperture_buf_init(&aperture, &u->ab, shm, u->fd, im->offset,
				    size, im->cpu_va, pgsz, what);
	if (ret)
		goto err_fd;
	shm->priv = u;
	if (dmabuf) {
		/* The CPU owns a fresh import: open its access window. */
		u->win.fd = u->fd;
		ret = amp_dmabuf_open_window(&u->win, "user");
		if (ret)
			goto err_buf;
	}
	return 0;
err_buf:
	shm->priv = NULL;
	amp_aperture_buf_fini(&aperture, &u->ab, shm);
err_fd:
	close(u->fd);
err_free:
	free(u);
	return ret;
}

static void user_free(struct amp_shm *shm)
{
	struct user_priv *u = shm->priv;

	if (u->dmabuf)
		amp_dmabuf_close_window(&u->win);
	amp_aperture_buf_fini(&aperture, &u->ab, shm);
	close(u->fd);
	free(u);
}

/* dma-buf imports: every hand-over brackets the CPU's access window
 * (port/linux/dmabuf.c). */
static int user_to_device(struct amp_shm *shm, enum amp_dir dir)
{
	struct user_priv *u = shm->priv;

	return u->dmabuf ? amp_dmabuf_to_device(&u->win, dir, "user") : 0;
}

static int user_to_cpu(struct amp_shm *shm, enum amp_dir dir)
{
	struct user_priv *u = shm->priv;

	return u->dmabuf ? amp_dmabuf_to_cpu(&u->win, dir, "user") : 0;
}

int amp_user_dmabuf_fd(const struct amp_shm *shm)
{
	const struct user_priv *u = shm->priv;

	return u && u->dmabuf ? u->fd : -1;
}

const struct amp_provider amp_provider_user = {
	.name = "user",
	.alloc = user_alloc,
	.free = user_free,
	.to_device = user_to_device,
	.to_cpu = user_to_cpu,
};

static const char *subname_of(const char *name)
{
	if (!strncmp(name, "user/", 5))
		return name + 5;
	return name;
}

int amp_shm_import_fd(const char *name, int fd, uint64_t offset, uint64_t len,
		      unsigned flags, struct amp_shm **shm)
{
	struct user_import im = { fd, offset, len, NULL };

	if (!name || !shm)
		return amp_err(-EINVAL, "user: name and result are required");
	return amp_shm_open_with(&amp_provider_user, subname_of(name), len,
				 flags | AMP_SHM_F_EXCL, &im, shm);
}

int amp_shm_import_udmabuf_list(const char *name,
				const struct amp_udmabuf_range *ranges,
				size_t n, unsigned flags, struct amp_shm **shm)
{
	uint64_t len = 0;
	int fd, ret;

	if (!name || !shm)
		return amp_err(-EINVAL, "user: name and result are required");
	fd = amp_linux_udmabuf_create(ranges, n);
	if (fd < 0)
		return fd;
	for (size_t i = 0; i < n; i++)
		len += ranges[i].len;
	ret = amp_shm_import_fd(name, fd, 0, len, flags, shm);
	close(fd); /* the import holds its own duplicate */
	return ret;
}

int amp_shm_import_udmabuf(const char *name, int memfd, uint64_t offset,
			   uint64_t len, unsigned flags, struct amp_shm **shm)
{
	struct amp_udmabuf_range r = { memfd, offset, len };

	return amp_shm_import_udmabuf_list(name, &r, 1, flags, shm);
}

/* Find the mapping holding [ptr, ptr+len) in /proc/self/maps. */
static int find_mapping(uintptr_t a, uintptr_t b, uintptr_t *start,
			uintptr_t *end, char perms[5], uint64_t *off,
			char *path, size_t pathlen)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		unsigned long long o;
		int n = 0;

		if (sscanf(line, "%lx-%lx %4s %llx %*s %*s %n", &s, &e, perms,
			   &o, &n) < 4)
			continue;
		if (a < s || a >= e)
			continue;
		*start = s;
		*end = e;
		*off = o;
		snprintf(path, pathlen, "%s", n ? line + n : "");
		path[strcspn(path, "\n")] = '\0';
		ret = b <= e ? 0 : -E2BIG;
		break;
	}
	fclose(f);
	return ret;
}

int amp_shm_import_ptr(const char *name, void *ptr, size_t len, unsigned flags,
		       struct amp_shm **shm)
{
	uintptr_t a = (uintptr_t)ptr, start = 0, end = 0;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char perms[5] = "", path[256], mf[80];
	struct user_import im;
	uint64_t off = 0;
	int fd, ret;

	if (!name || !ptr || !len || !shm)
		return amp_err(-EINVAL, "user: name, pointer, length and "
					"result are required");
	if (a & (pg - 1))
		return amp_err(-EINVAL, "user: %p is not page aligned", ptr);
	ret = find_mapping(a, a + len, &start, &end, perms, &off, path,
			   sizeof(path));
	if (ret == -ENOENT)
		return amp_err(-EFAULT, "user: %p is not mapped", ptr);
	if (ret == -E2BIG)
		return amp_err(-EINVAL,
			       "user: [%p, +%zu) spans several "
			       "mappings; import each one",
			       ptr, len);
	if (ret)
		return ret;
	if (perms[3] != 's')
		return amp_err(-EINVAL,
			       "user: %p is private memory (%s): another "
			       "process or a coprocessor cannot map it. "
			       "Allocate it with memfd_create() + "
			       "mmap(MAP_SHARED) and use amp_shm_import_fd(), "
			       "or open a \"sysmem/\" buffer instead",
			       ptr, *path ? path : "anonymous, e.g. malloc");
	snprintf(mf, sizeof(mf), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)start, (unsigned long)end);
	fd = open(mf, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return amp_err(-errno,
			       "user: cannot reopen the file behind %p "
			       "(%s): pass its fd to "
			       "amp_shm_import_fd()",
			       ptr, path);
	im = (struct user_import){ fd, off + (a - start), len, ptr };
	ret = amp_shm_open_with(&amp_provider_user, subname_of(name), len,
				flags | AMP_SHM_F_EXCL, &im, shm);
	close(fd);
	return ret;
}
