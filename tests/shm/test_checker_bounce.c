/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checker with a bounced device: the library's own bounce copies must
 * not trip over the pages the checker closed for another device. A buffer
 * is attached to a direct device and to a bounced one; the direct device
 * owns a range, the bounced device is handed (and gives back) a range on
 * the same page. The process must survive and the data must be right.
 *
 * Built only with -DAMP_CHECKER_BOUNCE_TEST=ON: it needs the sync path to
 * copy through the physical map's alias mapping, which the checker never
 * protects.
 *
 * Each test runs in a child (cmocka replaces the SIGSEGV handler around
 * each test in this process).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>
#include "testutil.h"

#define SIZE (256u << 10)

struct dir_case {
	enum amp_dir dir;
};

static void bounce_child(void *arg)
{
	const struct dir_case *dc = arg;
	struct amp_dev_config direct_cfg = { .name = "direct", .iommu = true };
	struct amp_dev_config bounced_cfg = { .name = "bounced",
					      .iommu = true,
					      .bounce = AMP_BOUNCE_ALWAYS };
	struct amp_dev *direct, *bounced;
	const struct amp_sg *sg;
	struct amp_shm *shm;
	unsigned char *want, buf[0x300];
	amp_da_t da;
	size_t n;
	char *p;

	CK(!amp_dev_create(&direct_cfg, &direct));
	CK(!amp_dev_create(&bounced_cfg, &bounced));
	CK(!amp_shm_open("sysmem/ckbounce", SIZE, AMP_SHM_F_CHECK, &shm));
	CK(!amp_shm_attach(shm, direct, AMP_DIR_BIDIR, NULL, NULL));
	CK(!amp_shm_attach(shm, bounced, AMP_DIR_BIDIR, &sg, &n));
	CK(n == 1);
	da = sg[0].addr;
	CK(amp_shm_is_bounced(shm, bounced));
	CK(!amp_shm_is_bounced(shm, direct));
	p = amp_shm_va(shm);
	want = malloc(SIZE);
	CK(want);
	tu_fill(p, SIZE, 77);
	tu_fill(want, SIZE, 77);

	/* The direct device owns [0x100, 0x200): page 0 is closed. */
	CK(!amp_shm_sync_for_device(shm, direct, AMP_DIR_BIDIR, 0x100, 0x100));
	/* The bounced device gets [0x800, 0xb00) of the same page (and a
	 * bit of the next): its copy is brought up to date. */
	CK(!amp_shm_sync_for_device(shm, bounced, dc->dir, 0x800, 0x300));
	if (dc->dir & AMP_DIR_TO_DEVICE) {
		CK(!amp_dev_read(bounced, da + 0x800, buf, sizeof(buf)));
		CK(!memcmp(buf, want + 0x800, sizeof(buf)));
	}
	if (dc->dir & AMP_DIR_FROM_DEVICE) {
		tu_fill(buf, sizeof(buf), 99);
		CK(!amp_dev_write(bounced, da + 0x800, buf, sizeof(buf)));
		memcpy(want + 0x800, buf, sizeof(buf));
	}
	/* It gives it back: the copy back lands on the closed page. */
	CK(!amp_shm_sync_for_cpu(shm, bounced, dc->dir, 0x800, 0x300));
	CK(amp_shm_owner(shm, direct, 0x100) == AMP_OWNER_DEVICE);
	/* The CPU bytes past the closed page are readable and right. */
	CK(!memcmp(p + 4096, want + 4096, SIZE - 4096));
	CK(!amp_shm_sync_for_cpu(shm, direct, AMP_DIR_BIDIR, 0x100, 0x100));
	CK(!memcmp(p, want, SIZE));

	/* The other order: the bounced device first, then the direct one
	 * takes a range of the same page and the bounced one gives back. */
	CK(!amp_shm_sync_for_device(shm, bounced, dc->dir, 0x2800, 0x100));
	CK(!amp_shm_sync_for_device(shm, direct, AMP_DIR_TO_DEVICE, 0x2100, 0x10));
	if (dc->dir & AMP_DIR_FROM_DEVICE) {
		tu_fill(buf, 0x100, 55);
		CK(!amp_dev_write(bounced, da + 0x2800, buf, 0x100));
		memcpy(want + 0x2800, buf, 0x100);
	}
	CK(!amp_shm_sync_for_cpu(shm, bounced, dc->dir, 0x2800, 0x100));
	CK(!amp_shm_sync_for_cpu(shm, direct, AMP_DIR_TO_DEVICE, 0x2100, 0x10));
	CK(!memcmp(p, want, SIZE));

	CK(!amp_shm_detach(shm, bounced));
	CK(!amp_shm_detach(shm, direct));
	CK(!amp_shm_close(shm));
	CK(!amp_dev_destroy(bounced));
	CK(!amp_dev_destroy(direct));
	free(want);
	_exit(0);
}

static void run(enum amp_dir dir)
{
	struct dir_case dc = { dir };
	char err[4096];
	int st = tu_run_child(bounce_child, &dc, err, sizeof(err));

	if (!WIFEXITED(st) || WEXITSTATUS(st))
		print_error("child: status 0x%x, stderr:\n%s\n", st, err);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void bounce_to_device(void **state)
{
	run(AMP_DIR_TO_DEVICE);
}

static void bounce_from_device(void **state)
{
	run(AMP_DIR_FROM_DEVICE);
}

static void bounce_bidir(void **state)
{
	run(AMP_DIR_BIDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounce_to_device),
		cmocka_unit_test(bounce_from_device),
		cmocka_unit_test(bounce_bidir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
