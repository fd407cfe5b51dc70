/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Board services: what a board port gives the portable coprocessor side.
 *
 * Firmware never calls an operating system: everything it needs from the
 * machine it runs on comes through this table of function pointers, handed
 * to the image's entry point by the board's start code. The simulated core
 * (firmware/boards/sim) fills it from the launcher process; a bare-metal
 * board fills it from its mailbox/IPI driver, its UART and its watchdog.
 *
 * Freestanding: no libc, no allocation.
 */
#ifndef AMPFW_BOARD_H
#define AMPFW_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Version of this table; a board port sets it in @c version. */
#define AMPFW_BOARD_VERSION 1u

/* exit() codes the host understands (anything else is reported as is). */
#define AMPFW_EXIT_OK 0
#define AMPFW_EXIT_INIT_FAILED 2

/*
 * flags: what the board tells the portable side about the machine.
 * AMPFW_BOARD_F_COHERENT: the memory this core shares with the host is
 * cache coherent with it (no cache maintenance needed on the vrings and
 * buffers). Without it the board installs cache operations
 * (amp_cache_set_ops(), e.g. amp_armv7_cache_init()) before ampfw_main().
 */
#define AMPFW_BOARD_F_COHERENT (1u << 0)

struct ampfw_board {
	uint32_t version; /* AMPFW_BOARD_VERSION */
	uint32_t size; /* sizeof(struct ampfw_board) */
	/*
	 * Kick the host about virtqueue (or VDEV) @p notifyid. Any context;
	 * 0 or a negative errno.
	 */
	int (*notify)(const struct ampfw_board *b, uint32_t notifyid);
	/*
	 * Snapshot of this core's doorbell, taken before the last check for
	 * work (the token contract of ipc_port.h: a kick after the token is
	 * never lost).
	 */
	uint32_t (*wait_prepare)(const struct ampfw_board *b);
	/*
	 * Sleep until the host kicked after @p token was taken (0 at once if
	 * it already has), or *remaining_us passed (-ETIMEDOUT, with
	 * *remaining_us = 0). The time spent is subtracted from *remaining_us;
	 * UINT32_MAX waits forever. Spurious 0 returns are allowed.
	 */
	int (*wait)(const struct ampfw_board *b, uint32_t token,
		    uint32_t *remaining_us);
	/* Write @p len bytes of text to the console (no NUL needed). */
	void (*console_write)(const struct ampfw_board *b, const char *str,
			      size_t len);
	/* "Still alive": bump the counter the host's watchdog watches. */
	void (*heartbeat)(const struct ampfw_board *b);
	/* Stop the core for good with @p code (does not return). */
	void (*exit)(const struct ampfw_board *b, int code)
		__attribute__((noreturn));
	/* Opaque board data (the port's own). */
	void *priv;
	/* AMPFW_BOARD_F_* (appended: @c size tells whether it is there). */
	uint32_t flags;
};

/*
 * The firmware's main: the board's start code calls it on the firmware's
 * own stack, then calls b->exit() with what it returns.
 */
int ampfw_main(const struct ampfw_board *b);

#endif /* AMPFW_BOARD_H */
