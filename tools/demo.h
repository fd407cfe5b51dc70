/* SPDX-License-Identifier: BSD-3-Clause */
/* The demo, as `ampshm demo` runs it. */
#ifndef AMP_TOOLS_DEMO_H
#define AMP_TOOLS_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum demo_source {
	DEMO_SRC_SYSMEM, /* application-processor system memory, scattered */
	DEMO_SRC_STATIC, /* a statically defined region (carveout) */
	DEMO_SRC_USER, /* the application's own memory (a memfd) */
};

struct demo_opts {
	uint64_t size; /* bytes, a multiple of 8 MiB (0: the default) */
	enum demo_source source;
	bool all; /* every source in turn (the coprocessor demo) */
	bool qemu; /* the coprocessor is ARM firmware under QEMU */
};

/* Seconds on the monotonic clock. */
double demo_now(void);
/* "demo: <what>: <amp_last_error()>" on stderr; returns -1. */
int demo_fail(const char *what);

/* A firmware image: $AMPSHM_FIRMWARE_DIR, or the build tree's firmware/. */
int demo_find_firmware(const char *name, char *out, size_t len);

/*
 * The coprocessor demo (the README's main job): buffers from each source
 * processed in place by firmware on simulated cores, through remoteproc
 * and the hand-over protocol; then a crash and its recovery.
 */
int demo_hov_run(const struct demo_opts *o);

/*
 * The same on real ARM firmware under qemu-system-arm: a large buffer in
 * the guest's RAM processed in place, a fault and a killed QEMU, both
 * recovered.
 */
int demo_qemu_run(const struct demo_opts *o);

/*
 * The tour of the shared-memory core: a frame shared with simulated
 * devices (IOMMU, bounce), the ownership checker, an RPMsg process.
 */
int demo_run(const struct demo_opts *o);

#endif
