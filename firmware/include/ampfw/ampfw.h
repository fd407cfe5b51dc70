/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The portable coprocessor side: an amp_ipc_port built over the board
 * services, and the RPMsg remote started from the firmware's own loaded
 * resource table. Freestanding: no libc, no allocation (the caller owns
 * every structure).
 */
#ifndef AMPFW_AMPFW_H
#define AMPFW_AMPFW_H

#include <ampfw/board.h>
#include <ampshm/rpmsg.h>

/* Most carveouts the port translates. */
#define AMPFW_MAX_REGIONS 4u
/* Most descriptors per vring the remote tracks. */
#define AMPFW_MAX_VRING_NUM 64u

/* The RPMsg remote of a firmware (static storage, one per VDEV). */
struct ampfw_rpmsg {
	const struct ampfw_board *board;
	struct amp_ipc_port_ops ops;
	struct amp_ipc_port port;
	struct amp_ipc_region regions[AMPFW_MAX_REGIONS];
	struct amp_vq_slot slots[2][AMPFW_MAX_VRING_NUM];
	struct amp_rpmsg_dev rdev;
};

/*
 * Start the RPMsg remote over @p table (the *loaded* resource table, at
 * its device address): every CARVEOUT/DEVMEM entry becomes a region of
 * the port (va = da: the core runs at its device addresses; pa as the
 * host wrote it back, or da if still "any"), then wait up to @p timeout_us
 * for the host's DRIVER_OK and adopt its vrings. The port is coherent
 * only if the board says so (AMPFW_BOARD_F_COHERENT); otherwise the
 * vrings and buffers get the cache operations the board installed.
 * Returns 0 or a negative errno.
 */
int ampfw_rpmsg_start(struct ampfw_rpmsg *fw, const struct ampfw_board *b,
		      void *table, size_t size, uint32_t timeout_us);

/*
 * Log to the console and, once ampfw_trace_init() gave it a buffer (the
 * TRACE entry's), append to that buffer too, NUL-terminated, as Linux's
 * remoteproc trace buffers are read. Text past the end is dropped.
 */
void ampfw_trace_init(char *buf, size_t len);
void ampfw_log(const struct ampfw_board *b, const char *s);

/* Console helpers. */
size_t ampfw_strlen(const char *s);
void ampfw_puts(const struct ampfw_board *b, const char *s);
/* "<prefix>0x<hex>\n" */
void ampfw_put_hex(const struct ampfw_board *b, const char *prefix, uint64_t v);

/* The string functions the RPMsg code and the compiler need. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* AMPFW_AMPFW_H */
