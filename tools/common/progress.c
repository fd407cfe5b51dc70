/* SPDX-License-Identifier: BSD-3-Clause */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total ? total : 1;
	p->last_ns = 0;
	p->tty = isatty(STDERR_FILENO);
	p->shown = false;
}

static void draw(struct progress *p, uint64_t done)
{
	unsigned pct = (unsigned)(done * 100 / p->total);
	unsigned fill = pct * 30 / 100;
	char bar[31];

	for (unsigned i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%-10s [%s] %3u%%", p->label, bar, pct);
	p->shown = true;
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t t;

	if (!p->tty)
		return;
	t = now_ns();
	if (t - p->last_ns < 50000000u)
		return;
	p->last_ns = t;
	draw(p, done);
}

void progress_end(struct progress *p)
{
	if (!p->tty || !p->shown)
		return;
	draw(p, p->total);
	fputs("\r\033[K", stderr); /* leave the line clean */
}
