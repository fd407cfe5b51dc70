// SPDX-License-Identifier: BSD-3-Clause
/* A minimal QMP client: see qemu_qmp.h. */
#include "remoteproc/qemu_qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The next line QEMU sent (without "\r\n") into @line, waiting until
 * @deadline (ms). Lines longer than the buffer are cut.
 */
static int read_line(struct amp_qmp *q, char *line, size_t cap,
		     int64_t deadline)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		struct pollfd pf = { .fd = q->fd, .events = POLLIN };
		int64_t left;
		ssize_t n;

		if (nl || q->len == sizeof(q->buf)) {
			size_t end = nl ? (size_t)(nl - q->buf) : q->len;
			size_t take = end < cap - 1 ? end : cap - 1;

			memcpy(line, q->buf, take);
			line[take] = '\0';
			if (take && line[take - 1] == '\r')
				line[take - 1] = '\0';
			end += nl ? 1 : 0;
			memmove(q->buf, q->buf + end, q->len - end);
			q->len -= end;
			return 0;
		}
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pf, 1, (int)left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = recv(q->fd, q->buf + q->len, sizeof(q->buf) - q->len, 0);
		if (n == 0)
			return -EPIPE;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n > 0)
			q->len += (size_t)n;
	}
}

/* Send @json, then wait for its answer. */
static int exchange(struct amp_qmp *q, const char *json, int64_t deadline)
{
	size_t len = strlen(json);
	char line[512];

	if (send(q->fd, json, len, MSG_NOSIGNAL) != (ssize_t)len)
		return errno == EPIPE || errno == ECONNRESET ? -EPIPE : -errno;
	for (;;) {
		int ret = read_line(q, line, sizeof(line), deadline);

		if (ret)
			return ret;
		if (!strncmp(line, "{\"return\"", 9))
			return 0;
		if (!strncmp(line, "{\"error\"", 8))
			return -EIO;
		/* {"event": ...}, or the tail of a cut line: skip */
	}
}

int amp_qmp_open(struct amp_qmp *q, int fd, unsigned timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	char line[512];
	int ret;

	q->fd = fd;
	q->len = 0;
	do {
		ret = read_line(q, line, sizeof(line), deadline);
		if (ret)
			return ret;
	} while (strncmp(line, "{\"QMP\"", 6));
	return exchange(q, "{\"execute\":\"qmp_capabilities\"}\n", deadline);
}

int amp_qmp_cmd(struct amp_qmp *q, const char *cmd, unsigned timeout_ms)
{
	char json[96];

	snprintf(json, sizeof(json), "{\"execute\":\"%s\"}\n", cmd);
	return exchange(q, json, now_ms() + timeout_ms);
}
