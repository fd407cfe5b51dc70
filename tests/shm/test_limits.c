/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory limits: when the simulated DDR cannot be reserved, the error says
 * which reservation failed and how to shrink it; AMPSHM_SYSMEM_SIZE does.
 * Each case runs in a child that has not touched system memory yet.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ampshm/ampshm.h>

#include "testutil.h"

/* A process with little address space: the error says what to shrink. */
static void limit_child(void *arg)
{
	struct rlimit rl = { 1ull << 30, 1ull << 30 };
	struct amp_shm *shm;
	int ret;

	unsetenv("AMPSHM_SYSMEM_SIZE");
	if (setrlimit(RLIMIT_AS, &rl))
		_exit(2);
	ret = amp_shm_open("sysmem/limited", 4096, 0, &shm);
	fprintf(stderr, "%d %s\n", ret, amp_last_error());
	_exit(ret == -ENOMEM ? 0 : 1);
}

static void shrink_child(void *arg)
{
	struct rlimit rl = { 1ull << 30, 1ull << 30 };
	struct amp_shm *shm;

	setenv("AMPSHM_SYSMEM_SIZE", "64M", 1);
	if (setrlimit(RLIMIT_AS, &rl))
		_exit(2);
	if (amp_shm_open("sysmem/small", 32 << 20, 0, &shm))
		_exit(3);
	memset(amp_shm_va(shm), 1, 32 << 20);
	_exit(amp_sysmem_free_bytes() == 32 << 20 ? 0 : 4);
}

static void memory_limits(void **state)
{
	char err[512];
	int st;

	st = tu_run_child(limit_child, NULL, err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_non_null(strstr(err, "simulated DDR"));
	assert_non_null(strstr(err, "AMPSHM_SYSMEM_SIZE"));
	st = tu_run_child(shrink_child, NULL, err, sizeof(err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memory_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
