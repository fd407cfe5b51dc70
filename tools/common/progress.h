/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A progress bar for long operations (filling or checking gigabytes), on
 * stderr, only when stderr is a terminal; silent otherwise.
 */
#ifndef AMP_TOOLS_PROGRESS_H
#define AMP_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *label;
	uint64_t total;
	uint64_t last_ns;
	bool tty;
	bool shown;
};

void progress_start(struct progress *p, const char *label, uint64_t total);
/* Cheap to call often: redraws at most 20 times a second. */
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);

#endif
