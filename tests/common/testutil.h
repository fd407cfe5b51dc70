/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the tests. */
#ifndef AMP_TESTUTIL_H
#define AMP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

/* Fill @len bytes with a pattern derived from @seed; check it back. */
void tu_fill(void *buf, size_t len, uint32_t seed);
int tu_check(const void *buf, size_t len, uint32_t seed);

/*
 * Run @fn(arg) in a forked child with stderr captured into @err (up to
 * @errlen bytes, NUL terminated). Returns the raw wait status.
 */
int tu_run_child(void (*fn)(void *), void *arg, char *err, size_t errlen);

/*
 * In a forked child (tu_run_child()): a failed check reports its line on
 * stderr and exits with status 1.
 */
#define CK(c)                                                            \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "check failed at line %d: %s\n", \
				__LINE__, #c);                           \
			_exit(1);                                        \
		}                                                        \
	} while (0)

/* CLOCK_MONOTONIC in milliseconds; sleep @ms milliseconds. */
uint64_t tu_now_ms(void);
void tu_sleep_ms(unsigned ms);

/* Open file descriptors of this process (for leak checks), -1 on error. */
int tu_count_fds(void);

/* A whole file in a malloc()ed buffer (size in *size), or NULL. */
void *tu_read_file(const char *path, size_t *size);

/* Fail the (cmocka) test unless the child exited with 0; print its stderr. */
void tu_assert_child_ok(int status, const char *err);

/* Run @fn(@arg) in a child with tu_run_child() and tu_assert_child_ok(). */
void tu_child_ok(void (*fn)(void *), void *arg);

#endif
