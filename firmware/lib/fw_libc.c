// SPDX-License-Identifier: BSD-3-Clause
/*
 * The few string functions freestanding code still needs (the compiler
 * emits calls to them for structure copies, and the RPMsg code uses them).
 * Built with -fno-builtin so that these loops are not turned back into
 * calls to themselves.
 */
#include <ampfw/ampfw.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t ampfw_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void ampfw_puts(const struct ampfw_board *b, const char *s)
{
	b->console_write(b, s, ampfw_strlen(s));
}

void ampfw_put_hex(const struct ampfw_board *b, const char *prefix, uint64_t v)
{
	char buf[20];
	int i;

	ampfw_puts(b, prefix);
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	buf[18] = '\n';
	b->console_write(b, buf, 19);
}

static char *trace_buf;
static size_t trace_len, trace_pos;

void ampfw_trace_init(char *buf, size_t len)
{
	trace_buf = buf;
	trace_len = len;
	trace_pos = 0;
	if (len)
		buf[0] = '\0';
}

void ampfw_log(const struct ampfw_board *b, const char *s)
{
	size_t n = ampfw_strlen(s);

	b->console_write(b, s, n);
	if (!trace_buf || trace_pos + 1 >= trace_len)
		return;
	if (n > trace_len - 1 - trace_pos)
		n = trace_len - 1 - trace_pos;
	memcpy(trace_buf + trace_pos, s, n);
	trace_pos += n;
	trace_buf[trace_pos] = '\0';
}
