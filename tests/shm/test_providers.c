/* SPDX-License-Identifier: BSD-3-Clause */
/* Providers (sysmem, static, user), reference counting, translations. */
#include <errno.h>
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
#include "testutil.h"

#define MiB (1ull << 20)

static void sysmem_contig(void **state)
{
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	size_t n;
	amp_pa_t pa;
	uint64_t off, contig;

	assert_int_equal(amp_shm_open("sysmem/contig", 8 * MiB,
				      AMP_SHM_F_CONTIG, &shm),
			 0);
	assert_int_equal(amp_shm_size(shm), 8 * MiB);
	assert_int_equal(amp_shm_cpu_sg(shm, &segs, &n), 0);
	assert_int_equal(n, 1);
	assert_ptr_equal(segs[0].va, amp_shm_va(shm));
	/* Default DDR is [0x80000000, +4 GiB); buffers come from the top. */
	assert_true(segs[0].pa >= 0x80000000ull);
	assert_true(segs[0].pa + segs[0].len <= 0x180000000ull);
	assert_true(segs[0].pa > 0xffffffffull);
	assert_int_equal(segs[0].pa % (2 * MiB), 0);
	assert_int_equal(amp_shm_offset_to_pa(shm, 0x1234, &pa, &contig), 0);
	assert_int_equal(pa, segs[0].pa + 0x1234);
	assert_int_equal(contig, 8 * MiB - 0x1234);
	assert_int_equal(amp_shm_pa_to_offset(shm, pa, &off), 0);
	assert_int_equal(off, 0x1234);
	assert_int_equal(amp_shm_offset_to_pa(shm, 8 * MiB, &pa, NULL),
			 -ERANGE);
	assert_int_equal(amp_shm_pa_to_offset(shm, segs[0].pa - 1, &off),
			 -ERANGE);
	assert_int_equal(amp_shm_va_to_offset(shm, (char *)amp_shm_va(shm) + 5,
					      &off),
			 0);
	assert_int_equal(off, 5);
	memset(amp_shm_va(shm), 0xab, 8 * MiB);
	assert_int_equal(amp_shm_close(shm), 0);
}

static void sysmem_scattered(void **state)
{
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	size_t n;
	uint64_t total = 0;
	amp_pa_t pa;
	uint64_t off;

	assert_int_equal(amp_shm_open("sysmem/scat", 9 * MiB + 4096, 0, &shm),
			 0);
	assert_int_equal(amp_shm_cpu_sg(shm, &segs, &n), 0);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(segs[i].offset, total);
		assert_ptr_equal(segs[i].va, (char *)amp_shm_va(shm) + total);
		if (i) /* not physically contiguous with its predecessor */
			assert_true(segs[i - 1].pa + segs[i - 1].len !=
				    segs[i].pa);
		total += segs[i].len;
	}
	assert_int_equal(total, amp_shm_size(shm));
	/* Bytes written through the CPU view land at their physical pages. */
	tu_fill(amp_shm_va(shm), total, 7);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(amp_shm_offset_to_pa(shm, segs[i].offset + 8,
						      &pa, NULL),
				 0);
		assert_int_equal(pa, segs[i].pa + 8);
		assert_int_equal(amp_shm_pa_to_offset(shm, pa, &off), 0);
		assert_int_equal(off, segs[i].offset + 8);
	}
	assert_int_equal(tu_check(amp_shm_va(shm), total, 7), 0);
	assert_int_equal(amp_shm_close(shm), 0);
}

static void sysmem_huge(void **state)
{
	struct amp_shm *shm;
	const struct amp_cpu_seg *segs;
	size_t n;

	assert_int_equal(amp_shm_open("sysmem/huge2m", 5 * MiB + 1,
				      AMP_SHM_F_HUGE, &shm),
			 0);
	assert_int_equal(amp_shm_size(shm), 6 * MiB);
	assert_int_equal(amp_shm_cpu_sg(shm, &segs, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(segs[i].pa % (2 * MiB), 0);
		assert_int_equal(segs[i].len % (2 * MiB), 0);
	}
	assert_int_equal((uintptr_t)amp_shm_va(shm) % (2 * MiB), 0);
	assert_int_equal(amp_shm_close(shm), 0);
}

static void refcount(void **state)
{
	struct amp_shm *a, *b, *c;
	uint64_t before = amp_sysmem_free_bytes();

	assert_int_equal(amp_shm_open("sysmem/rc", MiB, 0, &a), 0);
	assert_int_equal(amp_sysmem_free_bytes(), before - MiB);
	strcpy(amp_shm_va(a), "hello");
	/* Later opens find the same buffer and count references. */
	assert_int_equal(amp_shm_open("sysmem/rc", 0, 0, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(amp_shm_refcount(a), 2);
	assert_int_equal(
		amp_shm_open("/sysmem/rc", 4096, AMP_SHM_F_NOCREATE, &c), 0);
	assert_int_equal(amp_shm_refcount(a), 3);
	/* Failed opens take no reference. */
	assert_int_equal(amp_shm_open("sysmem/rc", 2 * MiB, 0, &c), -EINVAL);
	assert_int_equal(amp_shm_open("sysmem/rc", 0, AMP_SHM_F_EXCL, &c),
			 -EEXIST);
	assert_int_equal(amp_shm_refcount(a), 3);
	/* One close never frees a buffer others still hold. */
	assert_int_equal(amp_shm_close(b), 0);
	assert_int_equal(amp_shm_close(c), 0);
	assert_string_equal(amp_shm_va(a), "hello");
	assert_int_equal(amp_sysmem_free_bytes(), before - MiB);
	assert_int_equal(amp_shm_close(a), 0);
	assert_int_equal(amp_sysmem_free_bytes(), before);
	assert_int_equal(amp_shm_open("sysmem/rc", 0, AMP_SHM_F_NOCREATE, &c),
			 -ENOENT);
	/* Freed memory comes back zeroed. */
	assert_int_equal(amp_shm_open("sysmem/rc2", MiB, AMP_SHM_F_CONTIG, &a),
			 0);
	for (size_t i = 0; i < MiB; i += 4096)
		assert_int_equal(((char *)amp_shm_va(a))[i], 0);
	assert_int_equal(amp_shm_close(a), 0);
}

static void bad_names(void **state)
{
	struct amp_shm *s;

	assert_int_equal(amp_shm_open("nosuch/x", 4096, 0, &s), -ENOENT);
	assert_non_null(strstr(amp_last_error(), "provider"));
	assert_int_equal(amp_shm_open("noslash", 4096, 0, &s), -EINVAL);
	assert_int_equal(amp_shm_open("sysmem/", 4096, 0, &s), -EINVAL);
	assert_int_equal(amp_shm_open("sysmem/a/b", 4096, 0, &s), -EINVAL);
	assert_int_equal(amp_shm_open("sysmem/zero", 0, 0, &s), -EINVAL);
	assert_int_equal(amp_shm_open("sysmem/huge", 64ull << 30, 0, &s),
			 -ENOMEM);
	assert_int_equal(amp_shm_open("sysmem/huge", 64ull << 30,
				      AMP_SHM_F_CONTIG, &s),
			 -ENOMEM);
	assert_int_equal(amp_shm_open("user/x", 4096, 0, &s), -ENOENT);
	assert_int_equal(amp_shm_close(NULL), -EINVAL);
}

static void static_regions(void **state)
{
	struct amp_shm *s, *s2;
	const struct amp_cpu_seg *segs;
	size_t n;
	char path[] = "/tmp/ampshm-cfg-XXXXXX";
	FILE *f;
	int fd;

	assert_int_equal(
		amp_static_region_add("vring", 0x70000000, MiB, 0, NULL, 0), 0);
	/* Overlaps with other memory and duplicate names are refused. */
	assert_int_equal(amp_static_region_add("other", 0x70080000, MiB, 0,
					       NULL, 0),
			 -EEXIST);
	assert_int_equal(amp_static_region_add("vring", 0x60000000, MiB, 0,
					       NULL, 0),
			 -EEXIST);
	assert_int_equal(amp_static_region_add("ddr", 0x80000000, MiB, 0, NULL,
					       0),
			 -EEXIST);
	assert_int_equal(amp_static_region_add("odd", 0x60000001, MiB, 0, NULL,
					       0),
			 -EINVAL);

	assert_int_equal(amp_shm_open("static/vring", 0, 0, &s), 0);
	assert_int_equal(amp_shm_size(s), MiB);
	assert_int_equal(amp_shm_cpu_sg(s, &segs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].pa, 0x70000000);
	assert_int_equal(amp_shm_open("static/vring", 2 * MiB, 0, &s2),
			 -EINVAL);
	assert_int_equal(amp_static_region_remove("vring"), -EBUSY);
	assert_int_equal(amp_shm_close(s), 0);
	assert_int_equal(amp_static_region_remove("vring"), 0);
	assert_int_equal(amp_shm_open("static/vring", 0, 0, &s), -ENOENT);

	/* Regions from a config file, one backed by a file of ours. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "# name pa size\n"
		   "fw_carveout 0x3ed00000 1M\n"
		   "dsp_big  0x900000000 16M uncached  # above 4 GiB\n"
		   "\n");
	fclose(f);
	assert_int_equal(amp_static_load_config(path), 2);
	assert_int_equal(amp_shm_open("static/dsp_big", 0, 0, &s), 0);
	assert_int_equal(amp_shm_size(s), 16 * MiB);
	assert_true(amp_shm_flags(s) & AMP_SHM_F_UNCACHED);
	assert_int_equal(amp_shm_cpu_sg(s, &segs, &n), 0);
	assert_int_equal(segs[0].pa, 0x900000000ull);
	assert_int_equal(amp_shm_close(s), 0);

	f = fopen(path, "w");
	fprintf(f, "ok 0x3f000000 64K\nbroken 0xzz 1M\n");
	fclose(f);
	assert_int_equal(amp_static_load_config(path), -EINVAL);
	assert_non_null(strstr(amp_last_error(), ":2:"));
	f = fopen(path, "w");
	fprintf(f, "bad 0x3e000000 1M colour=blue\n");
	fclose(f);
	assert_int_equal(amp_static_load_config(path), -EINVAL);
	assert_non_null(strstr(amp_last_error(), "colour"));
	unlink(path);
	assert_int_equal(amp_static_load_config("/nonexistent/cfg"), -ENOENT);
}

static void user_import_fd(void **state)
{
	struct amp_shm *s;
	const struct amp_cpu_seg *segs;
	size_t n;
	int fd = memfd_create("app-buffer", 0);
	int p[2];
	char *app;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4 * MiB), 0);
	app = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(app != MAP_FAILED);
	strcpy(app + MiB, "from the app");

	assert_int_equal(
		amp_shm_import_fd("user/frame", fd, MiB, 2 * MiB, 0, &s), 0);
	assert_string_equal(amp_shm_name(s), "user/frame");
	assert_string_equal(amp_shm_va(s), "from the app");
	strcpy((char *)amp_shm_va(s) + 100, "from ampshm");
	assert_string_equal(app + MiB + 100, "from ampshm");
	/* Imported memory sits in the user aperture (16 TiB up). */
	assert_int_equal(amp_shm_cpu_sg(s, &segs, &n), 0);
	assert_true(segs[0].pa >= (16ull << 40));
	/* Same name again: already exists. */
	assert_int_equal(amp_shm_import_fd("frame", fd, 0, 4096, 0, &s),
			 -EEXIST);
	assert_int_equal(amp_shm_close(s), 0);

	assert_int_equal(amp_shm_import_fd("u1", fd, 100, 4096, 0, &s),
			 -EINVAL);
	assert_int_equal(amp_shm_import_fd("u2", fd, 2 * MiB, 4 * MiB, 0, &s),
			 -EINVAL);
	assert_non_null(strstr(amp_last_error(), "ftruncate"));
	assert_int_equal(amp_shm_import_fd("u3", -1, 0, 4096, 0, &s), -EBADF);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(amp_shm_import_fd("u4", p[0], 0, 4096, 0, &s),
			 -EINVAL);
	assert_non_null(strstr(amp_last_error(), "memfd"));
	close(p[0]);
	close(p[1]);
	munmap(app, 4 * MiB);
	close(fd);
}

static void user_import_ptr(void **state)
{
	struct amp_shm *s;
	int fd = memfd_create("app2", 0);
	char *shared, *priv;
	void *heap = NULL;

	assert_int_equal(ftruncate(fd, MiB), 0);
	shared = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(shared != MAP_FAILED);
	shared[4096] = 42;
	assert_int_equal(amp_shm_import_ptr("user/byptr", shared + 4096, 8192,
					    0, &s),
			 0);
	/* The application's own mapping is the buffer's CPU view. */
	assert_ptr_equal(amp_shm_va(s), shared + 4096);
	assert_int_equal(((char *)amp_shm_va(s))[0], 42);
	assert_int_equal(amp_shm_close(s), 0);

	/* Private memory: a clear refusal that says what to do instead. */
	assert_int_equal(posix_memalign(&heap, 4096, 65536), 0);
	assert_int_equal(amp_shm_import_ptr("user/heap", heap, 65536, 0, &s),
			 -EINVAL);
	assert_non_null(strstr(amp_last_error(), "private"));
	assert_non_null(strstr(amp_last_error(), "memfd_create"));
	free(heap);
	priv = mmap(NULL, MiB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_int_equal(amp_shm_import_ptr("user/anon", priv, MiB, 0, &s),
			 -EINVAL);
	assert_int_equal(amp_shm_import_ptr("user/unal", shared + 1, 100, 0,
					    &s),
			 -EINVAL);
	munmap(priv, MiB);
	munmap(shared, MiB);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysmem_contig),
		cmocka_unit_test(sysmem_scattered),
		cmocka_unit_test(sysmem_huge),
		cmocka_unit_test(refcount),
		cmocka_unit_test(bad_names),
		cmocka_unit_test(static_regions),
		cmocka_unit_test(user_import_fd),
		cmocka_unit_test(user_import_ptr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
