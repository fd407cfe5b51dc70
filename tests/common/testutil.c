/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint32_t tu_next(uint32_t x)
{
	/* xorshift32 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

void tu_fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed ? seed : 1;

	for (size_t i = 0; i < len; i++) {
		x = tu_next(x);
		p[i] = (uint8_t)x;
	}
}

int tu_check(const void *buf, size_t len, uint32_t seed)
{
	const uint8_t *p = buf;
	uint32_t x = seed ? seed : 1;

	for (size_t i = 0; i < len; i++) {
		x = tu_next(x);
		if (p[i] != (uint8_t)x)
			return -1;
	}
	return 0;
}

int tu_run_child(void (*fn)(void *), void *arg, char *err, size_t errlen)
{
	int pfd[2];
	int status = -1;
	size_t got = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], err + got, errlen - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == errlen - 1)
			break;
	}
	err[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return status;
}

void tu_assert_child_ok(int st, const char *err)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		print_error("child: status 0x%x, stderr:\n%s\n", st, err);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

void tu_child_ok(void (*fn)(void *), void *arg)
{
	char err[4096];

	tu_assert_child_ok(tu_run_child(fn, arg, err, sizeof(err)), err);
}

uint64_t tu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void tu_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int tu_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own */
}

void *tu_read_file(const char *path, size_t *size)
{
	struct stat st;
	void *b = NULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		b = malloc((size_t)st.st_size);
		if (b && read(fd, b, (size_t)st.st_size) != st.st_size) {
			free(b);
			b = NULL;
		}
		*size = (size_t)st.st_size;
	}
	close(fd);
	return b;
}
