/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * On the host, without the kernel features: the kernel backends' error
 * paths (the VM test, vm_kernel_backends, covers them working). A missing
 * /dev/dma_heap or /dev/udmabuf is simulated through AMPSHM_DMA_HEAP_DIR
 * and AMPSHM_UDMABUF_DEV.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#define MiB (1ull << 20)

static void assert_error_has(const char *what)
{
	if (!strstr(amp_last_error(), what))
		fail_msg("'%s' not in the message '%s'", what,
			 amp_last_error());
}

static void heap_dir_missing(void **state)
{
	struct amp_shm *shm = NULL;

	setenv("AMPSHM_DMA_HEAP_DIR", "/nonexistent/dma_heap", 1);
	assert_int_equal(amp_shm_open("dmaheap/frames", MiB, 0, &shm), -ENODEV);
	assert_error_has("CONFIG_DMABUF_HEAPS");
	assert_error_has("CONFIG_DMABUF_HEAPS_SYSTEM");
	assert_null(shm);
	unsetenv("AMPSHM_DMA_HEAP_DIR");
}

static void heap_missing_and_not_a_heap(void **state)
{
	char dir[] = "/tmp/ampshm-heaps-XXXXXX", path[64];
	struct amp_shm *shm = NULL;
	int fd;

	assert_non_null(mkdtemp(dir));
	setenv("AMPSHM_DMA_HEAP_DIR", dir, 1);
	/* The directory exists, without the heap: the message lists none. */
	assert_int_equal(amp_shm_open("dmaheap/cma:frames", MiB, 0, &shm),
			 -ENOENT);
	assert_error_has("no heap 'cma'");
	assert_error_has("none");
	/* A file that is not a heap refuses the allocation ioctl. */
	snprintf(path, sizeof(path), "%s/system", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(amp_shm_open("dmaheap/frames", MiB, 0, &shm), -ENOTTY);
	assert_error_has("not a dma-buf heap");
	/* ... and the heap that exists is listed for the one that does not. */
	assert_int_equal(amp_shm_open("dmaheap/cma:frames", MiB, 0, &shm),
			 -ENOENT);
	assert_error_has("offers: system");
	unlink(path);
	rmdir(dir);
	unsetenv("AMPSHM_DMA_HEAP_DIR");
	assert_null(shm);
}

static void heap_bad_names_and_flags(void **state)
{
	struct amp_shm *shm = NULL;

	setenv("AMPSHM_DMA_HEAP_DIR", "/nonexistent/dma_heap", 1);
	assert_int_equal(amp_shm_open("dmaheap/:x", MiB, 0, &shm), -EINVAL);
	assert_int_equal(amp_shm_open("dmaheap/system:", MiB, 0, &shm),
			 -EINVAL);
	assert_int_equal(amp_shm_open("dmaheap/..:x", MiB, 0, &shm), -EINVAL);
	assert_int_equal(amp_shm_open("dmaheap/x", 0, 0, &shm), -EINVAL);
	assert_int_equal(amp_shm_open("dmaheap/x", MiB, AMP_SHM_F_CONTIG, &shm),
			 -EINVAL);
	assert_error_has("heap decides");
	assert_null(shm);
	unsetenv("AMPSHM_DMA_HEAP_DIR");
}

static int new_memfd(unsigned flags, uint64_t size)
{
	int fd = memfd_create("t", MFD_CLOEXEC | flags);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

static void udmabuf_checks(void **state)
{
	struct amp_shm *shm = NULL;
	int fd = new_memfd(MFD_ALLOW_SEALING, 4 * MiB);
	int noseal = new_memfd(0, 4 * MiB);
	int p[2];

	/* The argument checks come first, whatever the kernel offers. */
	assert_int_equal(amp_shm_import_udmabuf("u", -1, 0, 4096, 0, &shm),
			 -EBADF);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(amp_shm_import_udmabuf("u", p[0], 0, 4096, 0, &shm),
			 -EINVAL);
	assert_error_has("not a memfd");
	close(p[0]);
	close(p[1]);
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 100, 4096, 0, &shm),
			 -EINVAL);
	assert_error_has("page size");
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 0, 100, 0, &shm),
			 -EINVAL);
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 0, 0, 0, &shm),
			 -EINVAL);
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 4 * MiB, 4096, 0,
						&shm),
			 -EINVAL);
	assert_error_has("beyond the end");
	assert_int_equal(amp_shm_import_udmabuf("u", noseal, 0, 4096, 0, &shm),
			 -EPERM);
	assert_error_has("MFD_ALLOW_SEALING");
	assert_int_equal(amp_shm_import_udmabuf(NULL, fd, 0, 4096, 0, &shm),
			 -EINVAL);

	/* No /dev/udmabuf: the kernel option is named, nothing sealed. */
	setenv("AMPSHM_UDMABUF_DEV", "/nonexistent/udmabuf", 1);
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 0, 4096, 0, &shm),
			 -ENODEV);
	assert_error_has("CONFIG_UDMABUF");
	assert_int_equal(fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK, 0);
	unsetenv("AMPSHM_UDMABUF_DEV");

	/* Sealed against writing: the kernel would refuse it. */
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
	assert_int_equal(amp_shm_import_udmabuf("u", fd, 0, 4096, 0, &shm),
			 -EINVAL);
	assert_error_has("sealed against writing");
	assert_null(shm);
	close(fd);
	close(noseal);
}

static void udmabuf_list_checks(void **state)
{
	struct amp_shm *shm = NULL;
	int a = new_memfd(MFD_ALLOW_SEALING, 4 * MiB);
	int b = new_memfd(MFD_ALLOW_SEALING, 4 * MiB);
	struct amp_udmabuf_range r[2] = { { a, 0, MiB }, { b, 4096, 100 } };
	struct amp_udmabuf_range *many;

	assert_int_equal(amp_shm_import_udmabuf_list("l", r, 0, 0, &shm),
			 -EINVAL);
	assert_int_equal(amp_shm_import_udmabuf_list("l", NULL, 1, 0, &shm),
			 -EINVAL);
	many = calloc(AMP_UDMABUF_MAX_RANGES + 1, sizeof(*many));
	assert_non_null(many);
	assert_int_equal(amp_shm_import_udmabuf_list("l", many,
						     AMP_UDMABUF_MAX_RANGES + 1,
						     0, &shm),
			 -EINVAL);
	free(many);
	/* The range at fault is named; no memfd is sealed. */
	assert_int_equal(amp_shm_import_udmabuf_list("l", r, 2, 0, &shm),
			 -EINVAL);
	assert_error_has("range 1");
	assert_int_equal(fcntl(a, F_GET_SEALS) & F_SEAL_SHRINK, 0);
	r[1].len = MiB;
	setenv("AMPSHM_UDMABUF_DEV", "/nonexistent/udmabuf", 1);
	assert_int_equal(amp_shm_import_udmabuf_list("l", r, 2, 0, &shm),
			 -ENODEV);
	unsetenv("AMPSHM_UDMABUF_DEV");
	assert_null(shm);
	close(a);
	close(b);
}

static void dmabuf_fd_of_other_buffers(void **state)
{
	struct amp_shm *sys, *imp;
	int fd = new_memfd(0, MiB);

	assert_int_equal(amp_shm_open("sysmem/notdmabuf", MiB, 0, &sys), 0);
	assert_int_equal(amp_shm_dmabuf_fd(sys), -ENOTSUP);
	assert_error_has("not a dma-buf");
	assert_int_equal(amp_shm_import_fd("user/memfd", fd, 0, MiB, 0, &imp),
			 0);
	assert_int_equal(amp_shm_dmabuf_fd(imp), -ENOTSUP);
	assert_int_equal(amp_shm_dmabuf_fd(NULL), -EINVAL);
	assert_int_equal(amp_shm_close(imp), 0);
	assert_int_equal(amp_shm_close(sys), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heap_dir_missing),
		cmocka_unit_test(heap_missing_and_not_a_heap),
		cmocka_unit_test(heap_bad_names_and_flags),
		cmocka_unit_test(udmabuf_checks),
		cmocka_unit_test(udmabuf_list_checks),
		cmocka_unit_test(dmabuf_fd_of_other_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
