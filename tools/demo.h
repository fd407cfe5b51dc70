/* SPDX-License-Identifier: BSD-3-Clause */
/* The demo, as `ampshm demo` runs it. */
#ifndef AMP_TOOLS_DEMO_H
#define AMP_TOOLS_DEMO_H

#include <stdint.h>

enum demo_source {
	DEMO_SRC_SYSMEM, /* application-processor system memory, scattered */
	DEMO_SRC_STATIC, /* a statically defined region (carveout) */
	DEMO_SRC_USER, /* the application's own memory (a memfd) */
};

struct demo_opts {
	uint64_t size; /* frame bytes, a multiple of 8 MiB */
	enum demo_source source;
};

/* Run the demo; 0 when every byte checked out. */
int demo_run(const struct demo_opts *o);

#endif
