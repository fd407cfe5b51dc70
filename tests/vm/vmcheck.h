/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the in-VM test programs share: checks that print where they failed
 * (with the library's last error) and count failures, and a clock.
 */
#ifndef AMP_TESTS_VM_VMCHECK_H
#define AMP_TESTS_VM_VMCHECK_H

#include <stdio.h>
#include <time.h>

#include <ampshm/error.h>

static int failures;

#define CHECK(c)                                                          \
	do {                                                              \
		if (!(c)) {                                               \
			printf("vmtest: FAILED %s:%d: %s (last error: "   \
			       "%s)\n",                                   \
			       __FILE__, __LINE__, #c, amp_last_error()); \
			failures++;                                       \
			return;                                           \
		}                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long a_ = (long long)(a), b_ = (long long)(b);      \
		if (a_ != b_) {                                          \
			printf("vmtest: FAILED %s:%d: %s == %lld, "      \
			       "expected %s == %lld (last error: %s)\n", \
			       __FILE__, __LINE__, #a, a_, #b, b_,       \
			       amp_last_error());                        \
			failures++;                                      \
			return;                                          \
		}                                                        \
	} while (0)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

#endif
